"""Retrieve: find the passages and sentences that bear on a question (dense + BM25)."""
