"""Index: embed passages and keep them in Chroma in step with the corpus."""
