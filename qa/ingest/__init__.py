"""Ingest: turn corpus files into text (load) and text into passages with exact offsets (split)."""
