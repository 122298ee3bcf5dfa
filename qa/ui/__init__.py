"""UI: the Gradio chat, built only on qa.service."""
