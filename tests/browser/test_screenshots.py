"""Screenshots of the home, a note and the graph pages, light and dark, wide and narrow, for a person to look at.

Written to tests/screenshots/ (ignored by git). Each page is also checked to
fit the narrow window: nothing may stick out sideways.
"""

from __future__ import annotations

import pytest

from .conftest import SCREENSHOTS

PAGES = {"home": "", "note": "ai-systems/kv-cache/", "graph": "graph/", "tag-graph": "tags/graph/",
         "tag": "tags/ai/"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", sorted(PAGES))
def test_screenshot(make_page, name, scheme, width):
    page = make_page(color_scheme=scheme, viewport={"width": width, "height": 900})
    p = page.open(PAGES[name])
    if name.endswith("graph"):
        p.wait_for_selector(".graph[data-nodes]")
        p.wait_for_timeout(200)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    p.screenshot(path=str(SCREENSHOTS / f"{name}-{scheme}-{width}.png"), full_page=name != "graph")
    assert p.evaluate("document.documentElement.scrollWidth") <= width, "the page scrolls sideways"
    assert page.errors == []
