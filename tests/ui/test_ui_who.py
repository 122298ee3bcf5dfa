"""The "Who said what" view and the attribution answer in the chat, in headless Chromium."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Page, expect

ARTICLE_NAME = "el-salvador-deportation-offer.txt"

Ask = Callable[[Page, str], None]


def test_who_said_what_rows_open_their_highlighted_source(page: Page) -> None:
    page.get_by_text("Who said what", exact=True).first.click()
    page.locator("#qa-who-doc input").click()
    page.get_by_role("option", name=ARTICLE_NAME).click()
    rows = page.locator("#qa-who-table tr.qa-who-row").filter(has_text="Nayib Bukele")
    expect(rows.first).to_be_visible(timeout=120_000)
    row = rows.first
    statement = row.locator(".qa-who-statement").inner_text().strip()
    assert len(statement) > 10
    row.locator("a.qa-open").click()
    source = page.locator("#qa-who-source")
    # The sentence and the whole document both mark the statement.
    expect(source.locator(".qa-card mark.qa-quote")).to_contain_text(statement[:40])
    hit = source.locator(".qa-docview mark#qa-who-hit")
    expect(hit).to_contain_text(statement[:40])
    expect(source.locator(".qa-docview")).to_contain_text("U.S. Secretary of State Marco Rubio")


def test_who_made_which_offer_answers_with_bukele_and_two_markers(page: Page, ask_in_page: Ask) -> None:
    ask_in_page(page, "Who made which offer?")
    answer = page.locator("#qa-chat .qa-a").last
    expect(answer).to_contain_text("Nayib Bukele")
    # several offers: a list in the page, one line per offer, each naming Bukele and cited
    lines = [line.strip() for line in answer.inner_text().strip().split("\n") if line.strip()]
    offers = [line for line in lines if line.startswith("•")]
    assert len(offers) >= 2 and lines[0] == offers[0], lines
    assert all(line.startswith("• Nayib Bukele") and "[" in line for line in offers), lines
    # Every marker is a link, wherever it stands in its line, and [1] selects its source.
    markers = answer.locator("a.qa-marker")
    expect(markers.nth(0)).to_have_text("[1]")
    expect(markers.nth(1)).to_have_text("[2]")
    markers.nth(0).click()
    expect(page.locator("#qa-sources .qa-card.qa-selected mark.qa-quote")).to_be_visible()


def test_a_list_of_the_people_named_marks_each_name_in_its_source(page: Page, ask_in_page: Ask) -> None:
    ask_in_page(page, "Who is mentioned in the article?")
    answer = page.locator("#qa-chat .qa-a").last
    expect(answer).to_contain_text("People named: Marco Rubio")
    markers = answer.locator("a.qa-marker")
    expect(markers).to_have_count(6)
    markers.nth(4).click()  # [5] Elon Musk: his sentence, his name marked inside the quote
    selected = page.locator("#qa-sources .qa-card.qa-selected")
    expect(selected.locator("mark.qa-quote mark.qa-span")).to_have_text("Elon Musk")
