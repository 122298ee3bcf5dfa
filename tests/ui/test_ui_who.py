"""The "Who said what" view and the attribution answer in the chat, in headless Chromium."""

from __future__ import annotations

from collections.abc import Callable

from browser_kit import click_marker
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


def test_who_made_which_offer_is_a_list_each_line_opening_its_own_source(page: Page, ask_in_page: Ask) -> None:
    ask_in_page(page, "Who made which offer?")
    answer = page.locator("#qa-chat .qa-a").last
    expect(answer).to_contain_text("Nayib Bukele")
    # several offers: a list in the page, one item per offer, each naming Bukele and cited
    items = answer.locator("ul.qa-list > li")
    assert items.count() >= 2
    for i in range(items.count()):
        item = items.nth(i)
        text = item.inner_text()
        assert text.startswith("Nayib Bukele"), text
        # each line's own marker is a link, and it selects the source that line quotes
        marker = item.locator("a.qa-marker")
        expect(marker).to_have_count(1)
        selected = click_marker(page, marker, i + 1)  # this line's source card
        quote = selected.locator("mark.qa-quote")
        expect(quote).to_have_count(1)
        assert quote.inner_text().strip() in text
    # an item's wrapped lines stay indented under its bullet: items are list items, not text lines
    first = items.nth(0).bounding_box()
    assert first is not None and first["x"] > answer.bounding_box()["x"]  # type: ignore[index]


def test_a_list_of_the_people_named_marks_each_name_in_its_source(page: Page, ask_in_page: Ask) -> None:
    ask_in_page(page, "Who is mentioned in the article?")
    answer = page.locator("#qa-chat .qa-a").last
    expect(answer).to_contain_text("People named: Marco Rubio")
    markers = answer.locator("a.qa-marker")
    expect(markers).to_have_count(6)
    selected = click_marker(page, markers.nth(4), 5)  # Elon Musk: his sentence, his name marked in the quote
    expect(selected.locator("mark.qa-quote mark.qa-span")).to_have_text("Elon Musk")
