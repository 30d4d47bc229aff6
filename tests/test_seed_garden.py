"""The seed garden in content/ is our most visible test: every page, backlink and tag page."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from garden.config import load_config
from garden.pipeline import build_site

from .conftest import REPO

DESCRIPTIONS = {
    "KV Cache": "A memory-speed tradeoff in transformer inference: store previous keys and values to generate "
                "faster, while paying in memory.",
    "Speculative Decoding": "Use a small draft model to guess tokens and a larger model to verify them. The idea "
                            "is simple: spend less time waiting on the expensive model.",
    "Long Context": "Longer context is not the same as better memory. The useful question is what the model can "
                    "actually retrieve, weigh, and use.",
    "Continuous Evaluation": "AI systems change as prompts, users, models, and data change. Evaluation has to be "
                             "continuous, not a one-time report.",
    "Batching": "Batching improves hardware utilization, but it also changes latency, queueing, and cost. Empty "
                "seats on the bus still cost money.",
    "Roofline Model": "A practical way to reason about whether a workload is limited by compute or memory "
                      "bandwidth.",
    "Law of Large Numbers": "A reminder that noisy individual measurements can still produce stable aggregate "
                            "behavior.",
    "Markov Chain Monte Carlo": "When direct sampling is hard, build a process that wanders through the right "
                                "distribution over time.",
    "Entropy": "A measure of uncertainty, disorder, and surprise. Useful in information theory, thermodynamics, "
               "and everyday life.",
    "First Principles": "Strip a problem down to what must be true, then rebuild from there instead of inheriting "
                        "old assumptions.",
    "Boring Technology": "Choose predictable tools until the problem clearly earns something novel. Novelty "
                         "should pay rent.",
    "Narrow Interfaces": "Good systems are often built from narrow contracts. The smaller the surface area, the "
                         "easier it is to reason about change.",
    "Observability": "If you cannot see what the system is doing, clever fixes are mostly guesses.",
    "Compounding": "Documentation, tests, automation, and clean abstractions compound quietly. They make later "
                   "work cheaper.",
    "Opportunity Cost": "The cost of a choice is the best alternative you gave up, not just the money or time "
                        "you spent.",
    "Marginal Thinking": "Ask whether the next hour, next dollar, or next unit is worth it from where you are now.",
    "Inversion": "Instead of asking how to succeed, ask what would guarantee failure and avoid that first.",
    "Cheap Experiments": "When uncertainty is high, make the next experiment cheap enough that learning is the "
                         "main outcome.",
}


class Links(HTMLParser):
    """Collects hrefs and srcs, the page title, and the backlinks section's links."""

    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.backlinks: list[str] = []
        self.in_backlinks = 0
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and "backlinks" in (attrs.get("class") or ""):
            self.in_backlinks = 1
        elif tag == "section" and self.in_backlinks:
            self.in_backlinks += 1
        for name in ("href", "src"):
            if attrs.get(name):
                self.hrefs.append(attrs[name])
                if name == "href" and self.in_backlinks:
                    self.backlinks.append(attrs[name])
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        if tag == "section" and self.in_backlinks:
            self.in_backlinks -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "public"
    config = load_config(REPO / "garden.yaml", output=str(out))
    result = build_site(config, jobs=1)
    return result, out


def pages(out: Path) -> list[Path]:
    return sorted(out.rglob("*.html"))


def parse(path: Path) -> Links:
    links = Links()
    links.feed(path.read_text(encoding="utf-8"))
    return links


def test_builds_with_zero_warnings(site):
    result, _ = site
    assert [d.format() for d in result.diagnostics] == []
    assert result.notes == len(DESCRIPTIONS) + 4  # and the home's and three folders' own notes


def test_every_note_has_a_page_with_its_title_and_description(site):
    result, out = site
    notes = sorted((REPO / "content").rglob("*.md"))
    found = {}
    for note in notes:
        text = note.read_text(encoding="utf-8")
        title = re.search(r"^title: (.+)$", text, re.M)
        if not title or title.group(1) not in DESCRIPTIONS:
            continue
        rel = note.relative_to(REPO / "content").with_suffix("")
        page = out / rel / "index.html"
        assert page.exists(), f"no page for {note}"
        html = page.read_text(encoding="utf-8")
        assert f'<meta name="description" content="{DESCRIPTIONS[title.group(1)]}"' in html.replace("&#39;", "'")
        found[title.group(1)] = page
    assert set(found) == set(DESCRIPTIONS)


def test_every_internal_link_and_asset_exists(site):
    _, out = site
    for page in pages(out):
        for href in parse(page).hrefs:
            if re.match(r"^[a-z]+:|^#|^//", href):
                continue
            path = href.split("#")[0].split("?")[0]  # a query (graph/?note=...) is read by the page's script
            # the 404 page links from the site root, since a host serves it at any address
            target = (out / path[1:]) if path.startswith("/") else (page.parent / path).resolve()
            if path.endswith("/") or path == "" or target.is_dir():
                target = target / "index.html"
            assert target.exists(), f"{page.relative_to(out)} links to missing {href}"


def test_backlinks_match_the_links_in_the_sources(site):
    """Each note's backlinks are exactly the notes whose pages link to it in their body."""
    _, out = site
    note_pages = [p for p in pages(out) if "tags" not in p.relative_to(out).parts and p.name == "index.html"]
    outgoing: dict[Path, set[Path]] = {}
    for page in note_pages:
        html = page.read_text(encoding="utf-8")
        marker = next((m for m in ('class="prose note-body"', 'class="prose home-intro"') if m in html), None)
        if not marker:
            continue
        body = html.split(marker, 1)[-1].split('class="backlinks"', 1)[0].split('class="folder-listing"', 1)[0]
        body = re.sub(r'<div class="embed".*?</div></div>', "", body, flags=re.S)  # embeds are not links
        targets = {(page.parent / h).resolve() / "index.html"
                   for h in re.findall(r'<a class="internal" href="([^"#]*)', body) if h not in ("", "./")}
        outgoing[page.resolve()] = {t for t in targets if t != page.resolve()}
    assert len(outgoing) == len(DESCRIPTIONS) + 4
    for page in note_pages:
        listed = {(page.parent / h).resolve() / "index.html" for h in parse(page).backlinks}
        expected = {src for src, targets in outgoing.items() if page.resolve() in targets}
        assert listed == expected, page


def test_tag_pages_list_every_tagged_note(site):
    _, out = site
    tags_index = (out / "tags" / "index.html").read_text(encoding="utf-8")
    for tag in ("ai/inference", "performance", "probability", "mental-models", "decision-making"):
        page = out / "tags" / tag / "index.html"
        assert page.exists(), tag
        assert f'href="{tag}/"' in tags_index
    inference = (out / "tags" / "ai" / "inference" / "index.html").read_text(encoding="utf-8")
    for slug in ("kv-cache", "batching", "speculative-decoding"):
        assert f"ai-systems/{slug}/" in inference
    parent = (out / "tags" / "ai" / "index.html").read_text(encoding="utf-8")
    assert "kv-cache" in parent  # nested tags roll up to their parents


def test_site_files(site):
    _, out = site
    for name in ("index.html", "404.html", "feed.xml", "sitemap.xml", "robots.txt", ".nojekyll", "graph.json",
                 "static/style.css"):
        assert (out / name).exists(), name
    assert "Short notes on technical concepts" in (out / "index.html").read_text(encoding="utf-8")


def test_math_and_code_and_callouts_render(site):
    _, out = site
    kv = (out / "ai-systems" / "kv-cache" / "index.html").read_text(encoding="utf-8")
    assert "<math" in kv and 'class="highlight"' in kv and 'class="callout' in kv
