"""Link previews: on hover and on keyboard focus, with the linked section; Esc closes them."""

from __future__ import annotations


def test_hovering_a_link_previews_the_target_note(page):
    p = page.open("ai-systems/kv-cache/")
    link = p.locator(".note-body a.internal[href='../batching/']").first
    link.hover()
    tip = p.locator("#link-preview")
    tip.wait_for(state="visible")
    assert tip.get_attribute("role") == "tooltip"
    assert tip.locator(".popover-title").inner_text() == "Batching"
    assert link.get_attribute("aria-describedby") == "link-preview"
    assert tip.locator("[id]").count() == 0 and tip.locator("a").count() == 0  # no clashing ids, no tab stops
    p.mouse.move(0, 0)
    tip.wait_for(state="hidden")


def test_a_link_into_a_section_previews_that_section(page):
    p = page.open("ai-systems/kv-cache/")
    p.locator(".note-body a.internal[href='../roofline-model/#ridge-point']").first.hover()
    tip = p.locator("#link-preview")
    tip.wait_for(state="visible")
    assert tip.locator(".popover-body > :first-child").inner_text().strip().lower().startswith("ridge point")


def test_keyboard_focus_shows_the_preview_and_escape_closes_it(page):
    p = page.open("ai-systems/kv-cache/")
    link = p.locator(".note-body a.internal[href='../batching/']").first
    link.focus()
    tip = p.locator("#link-preview")
    tip.wait_for(state="visible")
    p.keyboard.press("Escape")
    tip.wait_for(state="hidden")
    assert link.get_attribute("aria-describedby") is None


def test_the_preview_does_not_move_the_page(page):
    p = page.open("ai-systems/kv-cache/")
    before = p.evaluate("document.documentElement.scrollHeight")
    p.locator(".note-body a.internal[href='../batching/']").first.hover()
    p.locator("#link-preview").wait_for(state="visible")
    assert p.evaluate("document.documentElement.scrollHeight") == before
