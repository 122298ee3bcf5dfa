"""The use cases the UI, the CLI and the benchmarks share; no layer above holds retrieval logic.

`library` manages the corpus and its index, `asking` answers questions from it; `QAService` is both.
"""

from qa.service.asking import QAService
from qa.service.inputs import BadRequest, clean_question, safe_filename
from qa.service.library import DocumentInfo, Library

__all__ = ["BadRequest", "DocumentInfo", "Library", "QAService", "clean_question", "safe_filename"]
