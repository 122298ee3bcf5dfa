"""The HTML helpers: document text is always shown literally, markers and highlights are exact."""

from __future__ import annotations

from qa.schema import Answer, Citation
from qa.service import DocumentInfo
from qa.ui.render import answer_html, document_html, documents_html, location, paragraph_at, sources_html

DOC = "First paragraph.\nSecond <script>alert(1)</script> one says Bob won.\nThird."


def _citation(n: int = 1, **kw: object) -> Citation:
    start = DOC.index("Second")
    end = DOC.index("\nThird")
    base: dict[str, object] = {
        "n": n,
        "doc": "a<b>.txt",
        "start": start,
        "end": end,
        "quote": DOC[start:end],
        "passage": DOC,
        "passage_start": 0,
        "passage_end": len(DOC),
        "score": 0.9,
    }
    base.update(kw)
    return Citation(**base)  # type: ignore[arg-type]


def test_answer_markers_become_links_and_text_is_escaped() -> None:
    c = _citation()
    answer = Answer(question="q", text=f"{c.quote} [1]", citations=[c])
    out = answer_html(answer, turn=3)
    assert '<a class="qa-marker" href="#qa-cite-3-1"' in out
    assert "<script>" not in out
    assert "&#60;script&#62;" in out


def test_bracketed_number_inside_a_quote_is_not_a_marker() -> None:
    c = _citation()
    answer = Answer(question="q", text="see [1]x and more [1]", citations=[c])
    out = answer_html(answer, turn=0)
    assert out.count("qa-marker") == 1
    assert "&#91;1&#93;x" in out


def test_a_reply_of_several_parts_is_a_list_with_its_markers() -> None:
    one, two = _citation(1), _citation(2)
    answer = Answer(
        question="q", text="• Bob said <b>it</b> [1]\n• Ann said “no” [2] (according to Bob)", citations=[one, two]
    )
    out = answer_html(answer, turn=4)
    assert out.count("<li>") == 2 and '<ul class="qa-list">' in out and "•" not in out
    items = out.split("<li>")[1:]
    assert 'href="#qa-cite-4-1"' in items[0] and 'href="#qa-cite-4-2"' in items[1]  # each line its own marker
    assert "&#60;b&#62;it" in items[0] and "&#40;according to Bob&#41;" in items[1]  # escaped as before
    # a reply that is not wholly bullet lines stays as it was
    mixed = Answer(question="q", text="Bob said it [1]\n• a line [2]", citations=[one, two])
    assert "<ul" not in answer_html(mixed, 0) and "<br>" in answer_html(mixed, 0)


def test_abstained_answer_says_not_found() -> None:
    answer = Answer(question="q", text="nothing", abstained=True, passages=[_citation()])
    assert "Not found" in answer_html(answer, 0)
    sources = sources_html(answer, 0)
    assert "Not found in the documents" in sources
    assert "Related reading" in sources
    assert 'href="#qa-doc-0-p1"' in sources


def test_sources_mark_quote_and_span_and_escape_names() -> None:
    span_start = DOC.index("Bob")
    c = _citation(span_start=span_start, span_end=span_start + 3)
    out = sources_html(Answer(question="q", text="x [1]", citations=[c]), 0, selected=1, doc_texts={c.doc: DOC})
    assert '<mark class="qa-quote">' in out
    assert '<mark class="qa-span">Bob</mark>' in out
    assert "a&#60;b&#62;.txt" in out
    assert "<script>" not in out
    assert "paragraph 2" in out
    assert "qa-selected" in out


def test_document_view_marks_the_exact_offsets() -> None:
    c = _citation()
    out = document_html(c.doc, DOC, c)
    assert 'id="qa-hit"' in out
    marked = out.split('<mark class="qa-quote" id="qa-hit">', 1)[1].split("</mark>", 1)[0]
    assert marked.startswith("Second &#60;script&#62;")


def test_location_and_paragraphs() -> None:
    assert location(_citation(page=4)) == "page 4"
    assert paragraph_at("a\n\nb\n\nc", 6) == 3
    assert paragraph_at("a\nb\nc", 2) == 2
    assert paragraph_at("abc", 0) == 1


def test_documents_table_escapes_names() -> None:
    out = documents_html([DocumentInfo("<img src=x onerror=1>.txt", 2)])
    assert "<img" not in out
    assert "&#60;img" in out


def test_documents_table_counts_in_words() -> None:
    one = documents_html([DocumentInfo("a.txt", 2)])
    assert "1 document<" in one and "1 documents" not in one
    assert "2 documents<" in documents_html([DocumentInfo("a.txt", 2), DocumentInfo("b.txt", 1_500)])
    assert ">1,502<" in documents_html([DocumentInfo("a.txt", 2), DocumentInfo("b.txt", 1_500)])
