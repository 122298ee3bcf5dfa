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


def test_a_card_names_outlet_date_and_headline_linked_to_the_original() -> None:
    c = _citation(title="Bob <wins>", outlet="The Post", date="2025-03-14", url="https://post.example/a?x=1&y=2")
    card = sources_html(Answer(question="q", text="Bob won [1]", citations=[c]), 0)
    assert "The Post · 2025-03-14 · " in card
    assert 'href="https://post.example/a?x=1&#38;y=2"' in card and 'rel="noopener noreferrer nofollow"' in card
    assert "Bob &#60;wins&#62;" in card and "<wins>" not in card
    assert "a&#60;b&#62;.txt" in card  # the file name stays beside it


def test_only_web_links_are_made_and_a_source_without_metadata_shows_its_file_name() -> None:
    hostile = _citation(title="T", url="javascript:alert(1)")
    bad = sources_html(Answer(question="q", text="x [1]", citations=[hostile]), 0)
    assert "javascript" not in bad and "T" in bad
    plain = sources_html(Answer(question="q", text="x [1]", citations=[_citation()]), 0)
    assert '<span class="qa-doc">a&#60;b&#62;.txt</span>' in plain and "qa-src" not in plain


def test_a_relative_date_in_a_quote_is_shown_with_the_article_date() -> None:
    c = _citation(quote="The ferry sailed again on Friday morning.", date="2025-03-14", outlet="The Gazette")
    assert "“on Friday”: relative to the article’s date, 2025-03-14" in sources_html(
        Answer(question="q", text="x [1]", citations=[c]), 0
    )
    undated = _citation(quote="The ferry sailed again on Friday morning.")
    assert "qa-when" not in sources_html(Answer(question="q", text="x [1]", citations=[undated]), 0)
    no_relative = _citation(date="2025-03-14")
    assert "qa-when" not in sources_html(Answer(question="q", text="x [1]", citations=[no_relative]), 0)


def test_documents_table_lists_title_outlet_and_date() -> None:
    from qa.schema import SourceMeta

    meta = SourceMeta(title="Ferry <back>", outlet="The Gazette", date="2025-03-14", url="https://g.example/f")
    out = documents_html([DocumentInfo("ferry.html", 3, meta), DocumentInfo("notes.txt", 1)])
    assert "<th>Title</th><th>Outlet</th><th>Date</th><th>File</th>" in out
    assert ">Ferry &#60;back&#62;</a></td><td>The Gazette</td><td>2025-03-14</td><td>ferry.html</td>" in out
    assert "<tr><td></td><td></td><td></td><td>notes.txt</td><td>1</td></tr>" in out


def test_the_document_view_skips_front_matter_read_as_line_breaks() -> None:
    text = "\n" * 40 + "Body sentence here.\nMore."
    c = _citation(doc="a.txt", start=40, end=59, quote="Body sentence here.", passage=text[40:], passage_start=40)
    shown = document_html("a.txt", text, c)
    assert '<div class="qa-doc-text"><mark class="qa-quote" id="qa-hit">Body sentence here.</mark>' in shown
    assert "characters before" not in shown


def test_a_reply_quoting_several_articles_says_which_outlet_said_what_and_when() -> None:
    one = _citation(1, doc="ferry.html", outlet="The Gazette", date="2025-03-14")
    two = _citation(2, doc="apples.html", outlet="The <Ledger>", date="2024-10-02")
    three = _citation(3, doc="notes.txt")
    reply = answer_html(Answer(question="q", text="a [1] b [2] c [3]", citations=[one, two, three]), 0)
    assert '<div class="qa-said-by">[1] The Gazette, 2025-03-14 · [2] The &#60;Ledger&#62;, 2024-10-02 · ' in reply
    assert "[3] notes.txt</div>" in reply
    # one article, or none with an outlet or date: nothing to tell apart
    assert "qa-said-by" not in answer_html(Answer(question="q", text="a [1]", citations=[one]), 0)
    plain = [_citation(1, doc="a.txt"), _citation(2, doc="b.txt")]
    assert "qa-said-by" not in answer_html(Answer(question="q", text="a [1] b [2]", citations=plain), 0)
