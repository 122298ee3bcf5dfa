"""Evaluate: answer a question file and score replies, evidence, abstention, hits and latency."""
