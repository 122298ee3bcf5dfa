"""The parse cache: a batch parsed ahead gives the very docs a single parse would."""

from __future__ import annotations

import subprocess
import sys

import pytest

from qa import nlp


def test_batch_parse_fills_the_cache_with_the_same_analysis() -> None:
    texts = [
        "Nayib Bukele offered on 3 February 2025 to jail deportees in CECOT.",
        "The prison holds 40,000 inmates, Marco Rubio said in San Salvador.",
        "Nayib Bukele offered on 3 February 2025 to jail deportees in CECOT.",  # twice: parsed once
    ]
    alone = [nlp.pipeline()(t) for t in texts[:2]]
    for t in texts:
        nlp._cache.pop(t, None)
    nlp.parse_all(texts)
    cached = [nlp._cache[t] for t in texts[:2]]
    for doc, single in zip(cached, alone, strict=True):
        assert nlp.parse(doc.text) is doc  # served from the cache, not parsed again
        assert [(t.text, t.pos_, t.ent_type_) for t in doc] == [(t.text, t.pos_, t.ent_type_) for t in single]
        assert [(e.text, e.label_) for e in doc.ents] == [(e.text, e.label_) for e in single.ents]


def test_tags_alone_match_the_full_parse_and_never_stand_in_for_it() -> None:
    text = "Leti Volpp told the court in Oakland that the plan of the mayor was unlawful."
    nlp._cache.pop(text, None)
    nlp._tag_cache.pop(text, None)
    tags = nlp.tagged(text)
    assert not tags.ents  # the tagger alone: no entities
    full = nlp.parse(text)
    assert full is not tags and {e.text for e in full.ents} >= {"Leti Volpp", "Oakland"}
    assert [(t.text, t.tag_) for t in tags] == [(t.text, t.tag_) for t in full]
    assert nlp.tagged(text) is full  # a full parse, once cached, serves the tags too


def test_cache_keeps_the_most_recent_texts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(nlp, "_CACHE_SIZE", 2)
    nlp._cache.clear()
    for t in ("One sentence.", "Another sentence.", "One sentence.", "A third sentence."):
        nlp.parse(t)
    assert list(nlp._cache) == ["One sentence.", "A third sentence."]


def test_spacy_loads_without_torch_and_leaves_torch_importable() -> None:
    # In a fresh interpreter, from a worker thread: thinc's probe alone is refused torch, so a
    # parse never loads it, and any other code can still import it afterwards.
    code = (
        "import sys, threading\n"
        "from qa.nlp import import_spacy, pipeline\n"
        "t = threading.Thread(target=import_spacy); t.start(); t.join()\n"
        "pipeline()('Ann Lee said the park will close in May.')\n"
        "print('torch' in sys.modules)\n"
        "import torch\n"
        "print(torch.tensor([1, 2]).sum().item())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "3"]
