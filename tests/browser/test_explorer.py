"""The explorer: folders and notes as a tree, opened on the way to the page being read."""

from __future__ import annotations


def test_the_explorer_opens_the_path_to_this_note_and_folders_open_on_demand(page):
    p = page.open("ai-systems/kv-cache/")
    p.click(".explorer-button")
    tree = p.locator("#explorer")
    assert tree.is_visible()
    assert p.get_attribute(".explorer-button", "aria-expanded") == "true"
    current = tree.locator("a[aria-current='page']")
    current.wait_for()
    assert current.inner_text() == "KV Cache"
    folder = tree.locator(".explorer-folder", has=p.locator("> a", has_text="Probability"))
    assert folder.locator("> button").get_attribute("aria-expanded") == "false"
    folder.locator("> button").click()
    folder.locator("ul a", has_text="Entropy").wait_for()
    p.keyboard.press("Escape")
    assert not tree.is_visible()
    assert p.evaluate("document.activeElement.classList.contains('explorer-button')")


def test_the_explorer_passes_axe(page):
    from .test_quality import axe_violations

    p = page.open("ai-systems/kv-cache/")
    p.click(".explorer-button")
    p.locator("#explorer a[aria-current='page']").wait_for()
    assert axe_violations(p) == []
