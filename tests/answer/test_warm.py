"""Warming up loads what the first composed answer needs, whatever reply the warm-up question
gets: the real service of the article."""

from __future__ import annotations

from qa.answer.extract import load_extractor
from qa.answer.reader import load_reader
from qa.nlp import pipeline
from qa.service import QAService


def test_warming_up_loads_the_reader_the_extractor_and_the_parser(article_service: QAService) -> None:
    for cached in (load_reader, load_extractor, pipeline):
        cached.cache_clear()
    article_service.warm_up()
    assert load_reader.cache_info().currsize == 1
    assert load_extractor.cache_info().currsize == 1
    assert pipeline.cache_info().currsize == 1
    loaded = [cached.cache_info().misses for cached in (load_reader, load_extractor, pipeline)]
    article_service.ask("What is the name of the prison in El Salvador?")
    assert [cached.cache_info().misses for cached in (load_reader, load_extractor, pipeline)] == loaded
