"""Typed settings shared by the CLI, the UI and the benchmarks."""

from qa.config.settings import Settings

__all__ = ["Settings"]
