"""The page in headless Chromium: ask, click a marker, open the document, upload, remove, stay safe."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from qa.ui.app import Running

Ask = Callable[[Page, str], None]
SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshot.png"

XSS_DOC = (
    "The zorblax festival is held every April in the harbour town of Quimper.\n"
    'Organisers posted <script>window.__pwned=1</script> and <img src=x onerror="window.__pwned=1"> '
    "on the festival page, which the zorblax festival committee later removed.\n"
)
UPLOAD_DOC = (
    "The Aurora telescope project was funded by the Lindqvist Foundation in 2019.\n"
    "Its main mirror measures four metres across and was polished in Tartu.\n"
)


def _open_documents(page: Page) -> None:
    # The panel is open on arrival; a click on its title before the page has drawn it would close it.
    page.locator("#qa-upload").wait_for(state="visible")


def _upload(page: Page, path: Path) -> None:
    _open_documents(page)
    page.locator("#qa-upload input[type=file]").set_input_files(str(path))
    expect(page.locator("#qa-docs-note")).to_contain_text(f"{path.name} indexed", timeout=180_000)
    expect(page.locator("#qa-docs-table")).to_contain_text(path.name)


def test_answer_marker_selects_highlighted_source(page: Page, ask_in_page: Ask) -> None:
    # the indexed documents are listed on arrival, without opening anything (a review missed them)
    expect(page.locator("#qa-docs-table")).to_be_visible()
    expect(page.locator("#qa-docs-table")).to_contain_text("el-salvador-deportation-offer.txt")
    ask_in_page(page, "What is CECOT?")
    answer = page.locator("#qa-chat .qa-a").last
    expect(answer).to_contain_text("CECOT")
    marker = answer.locator("a.qa-marker").first
    expect(marker).to_have_text("[1]")
    marker.click()
    selected = page.locator("#qa-sources .qa-card.qa-selected")
    expect(selected).to_have_count(1)
    expect(selected.locator("mark.qa-quote")).to_contain_text("Terrorism Confinement Center")
    expect(selected).to_contain_text("el-salvador-deportation-offer.txt")
    expect(selected).to_contain_text("characters")
    selected.locator("a.qa-open").click()
    hit = page.locator("#qa-docview mark#qa-hit")
    expect(hit).to_contain_text("Terrorism Confinement Center")
    # The whole document is there, not just the passage.
    expect(page.locator("#qa-docview")).to_contain_text("U.S. Secretary of State Marco Rubio")


def test_follow_up_uses_history_and_new_chat_clears_it(page: Page, ask_in_page: Ask) -> None:
    # the example questions fit any corpus: who is quoted, whom it names
    page.get_by_role("button", name="Which people are mentioned?").click()
    expect(page.locator("#qa-chat .qa-a")).to_have_count(1, timeout=60_000)
    expect(page.locator("#qa-chat .qa-a").last).to_contain_text("Leti Volpp")
    ask_in_page(page, "What is CECOT?")
    expect(page.locator("#qa-chat .qa-a")).to_have_count(2, timeout=60_000)
    ask_in_page(page, "How many inmates can it hold?")
    expect(page.locator("#qa-chat .qa-a")).to_have_count(3)
    # The follow-up was read with the conversation: "it" is the prison of the first question.
    expect(page.locator("#qa-chat .qa-resolved")).to_contain_text("CECOT")
    page.locator("#qa-new-chat").click()
    expect(page.locator("#qa-chat .qa-a")).to_have_count(0)
    expect(page.locator("#qa-sources")).to_contain_text("Ask a question")


def test_a_reload_keeps_the_chat_and_a_new_chat_forgets_it(page: Page, ask_in_page: Ask) -> None:
    ask_in_page(page, "What is CECOT?")
    ask_in_page(page, "How many inmates can it hold?")
    page.reload(wait_until="load")
    answers = page.locator("#qa-chat .qa-a")
    expect(answers).to_have_count(2, timeout=30_000)  # restored once the page has loaded
    expect(answers.last).to_contain_text("40,000")
    expect(page.locator("#qa-chat")).to_contain_text("How many inmates can it hold?")
    # its markers still open their sources, and a follow-up still leans on it
    answers.first.locator("a.qa-marker").first.click()
    selected = page.locator("#qa-sources .qa-card.qa-selected")
    expect(selected.locator("mark.qa-quote")).to_contain_text("Terrorism Confinement Center")
    ask_in_page(page, "Where is it?")
    expect(page.locator("#qa-chat .qa-resolved").last).to_contain_text("CECOT")
    page.locator("#qa-new-chat").click()
    expect(answers).to_have_count(0)
    page.reload(wait_until="load")
    expect(page.locator("#qa-docs-table")).to_contain_text("el-salvador-deportation-offer.txt")
    page.wait_for_timeout(1500)  # what arrives on load has arrived: the document list came with it
    expect(answers).to_have_count(0)
    expect(page.locator("#qa-sources")).to_contain_text("Ask a question")


def test_unanswerable_question_shows_not_found_and_related_reading(page: Page, ask_in_page: Ask) -> None:
    ask_in_page(page, "What is the boiling point of liquid nitrogen?")
    expect(page.locator("#qa-chat .qa-a").last).to_contain_text("Not found")
    expect(page.locator("#qa-sources")).to_contain_text("Related reading")
    expect(page.locator("#qa-sources mark").first).to_be_visible()
    # marked in grey, not in the yellow of supporting evidence (a review took them for support)
    shade = page.locator("#qa-sources mark").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert shade == "rgb(227, 230, 234)", shade


def test_every_source_card_shows_its_highlight(page: Page, ask_in_page: Ask) -> None:
    # A card shows a few lines of its passage; a quote far down the passage must be scrolled into
    # sight, or several cards look alike with nothing marked.
    ask_in_page(page, "Who made which offer?")
    page.wait_for_timeout(300)
    cards = page.locator("#qa-sources .qa-card")
    assert cards.count() >= 3
    hidden = page.evaluate(
        """() => [...document.querySelectorAll('#qa-sources .qa-passage')].filter((box) => {
            const mark = box.querySelector('mark');
            if (!mark) return false;
            const b = box.getBoundingClientRect(), m = mark.getBoundingClientRect();
            return m.bottom <= b.top || m.top >= b.bottom;
        }).length"""
    )
    assert hidden == 0
    assert page.evaluate("() => [...document.querySelectorAll('#qa-sources .qa-passage')].some(b => b.scrollTop > 0)")


def test_a_question_that_cannot_be_asked_says_why_and_stays_in_the_box(page: Page, ask_in_page: Ask) -> None:
    box = page.locator("#qa-question textarea")
    note = page.locator("#qa-ask-note")
    box.fill("   ")
    box.press("Enter")
    expect(note).to_contain_text("please type a question")
    long_question = "Why " + "really " * 400 + "?"
    box.fill(long_question)
    box.press("Enter")
    expect(note).to_contain_text("the limit is 2,000")
    expect(box).to_have_value(long_question)  # kept, to be shortened rather than typed again
    expect(page.locator("#qa-chat .qa-q")).to_have_count(0)
    ask_in_page(page, "What is CECOT?")
    expect(note).to_have_text("")


def test_a_question_sent_while_another_is_answered_waits_in_the_box(
    app: Running, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Answered together, the later answer would overwrite the chat and the earlier answer be lost.
    real_ask = app.service.ask

    def slow_ask(*args: Any, **kwargs: Any) -> Any:
        time.sleep(1.5)
        return real_ask(*args, **kwargs)

    monkeypatch.setattr(app.service, "ask", slow_ask)
    box, answers = page.locator("#qa-question textarea"), page.locator("#qa-chat .qa-a")
    box.fill("What is CECOT?")
    box.press("Enter")
    expect(page.locator("#qa-chat .qa-q")).to_have_count(1)
    box.fill("Who is Rubio?")
    box.press("Enter")
    expect(page.locator("#qa-ask-note")).to_contain_text("still being answered")
    expect(box).to_have_value("Who is Rubio?")
    expect(answers).to_have_count(1, timeout=30_000)
    expect(answers.first).to_contain_text("Terrorism Confinement Center")
    monkeypatch.undo()
    box.press("Enter")
    expect(answers).to_have_count(2, timeout=30_000)
    expect(page.locator("#qa-chat .qa-q")).to_have_count(2)
    expect(answers.last).to_contain_text("U.S. Secretary of State")
    expect(page.locator("#qa-ask-note")).to_have_text("")


def test_upload_ask_and_remove(app: Running, page: Page, ask_in_page: Ask, tmp_path: Path) -> None:
    doc = tmp_path / "aurora-telescope.txt"
    doc.write_text(UPLOAD_DOC, encoding="utf-8")
    before = len(app.service.documents())
    _upload(page, doc)
    assert "aurora-telescope.txt" in [d.name for d in app.service.documents()]
    expect(page.locator("#qa-status")).to_contain_text(f"Ready: {before + 1} documents")  # not the start-up count
    ask_in_page(page, "Who funded the Aurora telescope project?")
    expect(page.locator("#qa-chat .qa-a").last).to_contain_text("Lindqvist Foundation")
    expect(page.locator("#qa-sources .qa-card").first).to_contain_text("aurora-telescope.txt")

    expect(page.locator("#qa-remove")).to_be_disabled()  # nothing chosen yet
    page.locator("#qa-remove-choice input").click()
    page.get_by_role("option", name="aurora-telescope.txt").click()
    page.locator("#qa-remove").click()
    expect(page.locator("#qa-docs-note")).to_contain_text("aurora-telescope.txt removed", timeout=120_000)
    # the file is moved aside, not deleted, and the note says where
    expect(page.locator("#qa-docs-note")).to_contain_text("the file is kept in")
    assert (app.service.removed_dir / "aurora-telescope.txt").exists()
    expect(page.locator("#qa-docs-table")).not_to_contain_text("aurora-telescope.txt")
    expect(page.locator("#qa-status")).to_contain_text(f"Ready: {before} document{'s' if before > 1 else ''},")
    assert "aurora-telescope.txt" not in [d.name for d in app.service.documents()]
    assert not (app.service.settings.corpus_dir / "aurora-telescope.txt").exists()
    cited = {c.doc for c in app.service.ask("Who funded the Aurora telescope project?").citations}
    assert "aurora-telescope.txt" not in cited


QUOTE_DOC = (
    "The Alder Gazette reported that the Port Alder harbor festival will return on June 14.\n"
    "“We expect twelve thousand visitors,” organizer Priya Hallstrom told the Alder Gazette.\n"
)


def test_removing_a_document_clears_what_showed_it(app: Running, page: Page, ask_in_page: Ask, tmp_path: Path) -> None:
    doc = tmp_path / "harbor-festival.txt"
    doc.write_text(QUOTE_DOC, encoding="utf-8")
    _upload(page, doc)
    ask_in_page(page, "How many visitors does the harbor festival expect?")
    expect(page.locator("#qa-sources .qa-card").first).to_contain_text("harbor-festival.txt")
    page.get_by_text("Who said what", exact=True).first.click()
    page.locator("#qa-who-doc input").click()
    page.get_by_role("option", name="harbor-festival.txt").click()
    expect(page.locator("#qa-who-table")).to_contain_text("Priya Hallstrom", timeout=60_000)

    page.locator("#qa-remove-choice input").click()
    page.locator("#qa-remove-choice").get_by_role("option", name="harbor-festival.txt").click()
    page.locator("#qa-remove").click()
    expect(page.locator("#qa-docs-note")).to_contain_text("harbor-festival.txt removed", timeout=120_000)
    # its statements leave the panel, and its old citation says where the document went
    expect(page.locator("#qa-who-table")).to_contain_text("Choose a document")
    expect(page.locator("#qa-who-table tr.qa-who-row")).to_have_count(0)
    page.locator("#qa-sources .qa-card a.qa-open").first.click()
    expect(page.locator("#qa-docview")).to_contain_text("harbor-festival.txt is no longer in the corpus")


def test_document_markup_is_shown_never_run(app: Running, page: Page, ask_in_page: Ask, tmp_path: Path) -> None:
    doc = tmp_path / "zorblax-festival.txt"
    doc.write_text(XSS_DOC, encoding="utf-8")
    _upload(page, doc)
    ask_in_page(page, "What did the organisers post on the zorblax festival page?")
    answer = page.locator("#qa-chat .qa-a").last
    expect(answer).to_contain_text("<script>")
    sources = page.locator("#qa-sources")
    expect(sources).to_contain_text("zorblax-festival.txt")
    expect(sources).to_contain_text("<script>window.__pwned=1</script>")
    sources.locator("a.qa-open").first.click()
    expect(page.locator("#qa-docview mark#qa-hit")).to_be_visible()
    expect(page.locator("#qa-docview")).to_contain_text('<img src=x onerror="window.__pwned=1">')
    page.wait_for_timeout(500)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert page.locator("#qa-chat script, #qa-sources script, #qa-docview script, #qa-docview img").count() == 0
    app.service.remove_document(doc.name)


def test_screenshot_of_an_answer_with_its_source(page: Page, ask_in_page: Ask, tmp_path: Path) -> None:
    """Saved to tmp; QA_UPDATE_SCREENSHOT=1 also refreshes docs/screenshot.png for the README."""
    ask_in_page(page, "Who called it a great idea?")
    page.locator("#qa-chat .qa-a a.qa-marker").first.click()
    expect(page.locator("#qa-sources .qa-selected mark").first).to_be_visible()
    page.locator("#qa-sources .qa-selected a.qa-open").click()
    expect(page.locator("#qa-docview mark#qa-hit")).to_be_visible()
    page.evaluate("() => window.scrollTo(0, 0)")
    shot = tmp_path / "screenshot.png"
    page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 10_000
    if os.environ.get("QA_UPDATE_SCREENSHOT") == "1":
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copy(shot, SCREENSHOT)


def test_files_dropped_in_or_taken_out_of_the_corpus_folder_are_picked_up(
    app: Running, page: Page, ask_in_page: Ask
) -> None:
    """The app watches its corpus folder (QA_WATCH_SECONDS): a file copied in while it runs is
    indexed and listed in the open page, and a file deleted there is no longer cited."""
    corpus = app.service.settings.corpus_dir
    _open_documents(page)
    expect(page.locator("#qa-docs-table")).to_contain_text("el-salvador-deportation-offer.txt")
    (corpus / "lighthouse-keeper.txt").write_text(
        "The Skerryvore lighthouse keeper, Morag Lindsay, logs the weather at dawn.\n", encoding="utf-8"
    )
    expect(page.locator("#qa-docs-table")).to_contain_text("lighthouse-keeper.txt", timeout=120_000)
    ask_in_page(page, "Who logs the weather at dawn?")
    expect(page.locator("#qa-chat .qa-a").last).to_contain_text("Morag Lindsay")

    (corpus / "lighthouse-keeper.txt").unlink()
    expect(page.locator("#qa-docs-table")).not_to_contain_text("lighthouse-keeper.txt", timeout=120_000)
    expect(page.locator("#qa-status")).to_contain_text("Ready:")
    answer = app.service.ask("Who logs the weather at dawn?")
    assert "lighthouse-keeper.txt" not in {c.doc for c in [*answer.citations, *answer.passages]}
