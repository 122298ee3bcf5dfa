"""Attribution: who said, offered or announced what, with the offsets of each statement.

Spacy is only imported when something is extracted, so importing this package is cheap.
"""

from qa.attribute.extract import extract_attributions, parser_pipeline
from qa.attribute.model import Attribution
from qa.attribute.questions import answer_attribution_question
from qa.attribute.table import format_table, who_said_what

__all__ = [
    "Attribution",
    "answer_attribution_question",
    "extract_attributions",
    "format_table",
    "parser_pipeline",
    "who_said_what",
]
