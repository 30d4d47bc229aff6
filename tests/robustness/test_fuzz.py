"""Fuzzing: random Markdown mixing every syntax never raises, always renders well-formed HTML, and never
points outside the site; real gardens with random damage still build, report, and produce a site."""

from __future__ import annotations

import os
import random
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from garden.body import RecordingResolver, render_body
from garden.config import load_config
from garden.frontmatter import decode, split
from garden.index import Resolver, note_markdown, read_note
from garden.markdown.parser import make_parser
from garden.models import SourceFile
from garden.paths import relative_url
from garden.pipeline import build_site
from garden.render import bind

from ..conftest import CORPORA
from .helpers import check_site, is_external, leaves_site, parse_html, references

# --- the garden the fuzzed notes live in ------------------------------------------------------------

NOTE_NAMES = ["Alpha", "beta note", "folder/Gamma", "folder/deep/Delta", "日本語", "HTTP 1.1", "C++"]
ASSETS = ["img/pic.png", "docs/paper.pdf", "sound.mp3", "a b.png"]
TARGETS = [*NOTE_NAMES, *ASSETS, "Missing", "../../etc/passwd", "/etc/passwd", "..%2f..%2fx", "folder/",
           "tags/topic", "#Heading", "Alpha#Section", "Alpha#^block", "Alpha#a#b", "", "#", "|", "Gamma.md",
           "javascript:alert(1)", "http://example.org/x", "mailto:x@example.org", "%00", "a\\b"]


def _meta(rel: str, body: str):
    return read_note(SourceFile(rel, rel, "0", 0.0), body.encode("utf-8", "surrogatepass"), {}, [])


def _resolver() -> Resolver:
    notes = [_meta(f"{name}.md", f"# {name}\n\n## Section\n\ntext ^block\n") for name in NOTE_NAMES]
    assets = {rel: rel for rel in ASSETS}
    return Resolver.build(notes, assets, {"folder", "folder/deep"})


RESOLVER = _resolver()

# --- Markdown made of every syntax, in any order -----------------------------------------------------

target = st.sampled_from(TARGETS)
label = st.sampled_from(["", "label", "a|b", "300", "300x200", "<b>x</b>", '" onclick="x', "]]", "[["])
word = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
inline = st.one_of(
    word,
    st.sampled_from(["*", "_", "**", "__", "`", "~~", "==", "%%", "$", "$$", "[", "]", "[[", "]]", "![[", "(", ")",
                     "|", "#", "^", "\\", "<", ">", "&", "&amp;", "&#0;", "\x00", "\t", "  ", "\r", "\u2028",
                     "<script>alert(1)</script>", '<img src=x onerror="y">', "<!--", "-->", "<b>", "</b>",
                     "http://example.org/a?b=c&d", "www.example.org", "a@b.org", "^block-id", "#tag",
                     "#nested/tag", "#123", "==mark==", "%%hidden [[Alpha]]%%", "$x^2$", "$$\\sum_i x_i$$",
                     "$\\frac{a}{$", "[^1]", "[^note]", "~~del~~", "**bold**", "_em_", "`code [[Alpha]]`"]),
    st.builds("[[{}]]".format, target),
    st.builds("[[{}|{}]]".format, target, label),
    st.builds("![[{}]]".format, target),
    st.builds("![[{}|{}]]".format, target, label),
    st.builds("[{}]({})".format, label, target),
    st.builds("![{}]({})".format, label, target),
    st.builds("[{}](<{}>)".format, label, target),
)
line = st.lists(inline, max_size=8).map(" ".join)
block = st.one_of(
    line,
    st.builds("# {}".format, line), st.builds("### {} ^{}".format, line, st.sampled_from(["id", "x-1", ""])),
    st.builds("> [!{}]{} {}\n> {}".format, st.sampled_from(["note", "tip", "warning", "bogus", ""]),
              st.sampled_from(["", "-", "+"]), line, line),
    st.builds("> {}\n>\n> > {}".format, line, line),
    st.builds("- {}\n  - [ ] {}\n- [x] {}".format, line, line, line),
    st.builds("1. {}\n2. {}".format, line, line),
    st.builds("| {} | b |\n| --- | --- |\n| {} | [[Alpha\\|x]] |".format, line, line),
    st.builds("```{}\n{}\n```".format, st.sampled_from(["", "python", "mermaid", "chart", "js"]), line),
    st.builds("~~~\n{}".format, line),  # never closed
    st.builds("$$\n{}\n$$".format, line),
    st.builds("[^1]: {}".format, line),
    st.builds("<div>\n{}\n</div>".format, line),
    st.builds("{}\n---".format, line),
    st.just("---\ntitle: x\n---"),
    st.just("%%\n[[Alpha]]\n%%"),
    st.just("    indented code [[Alpha]]"),
    st.just(""),
)
markdown = st.lists(block, max_size=10).flatmap(
    lambda blocks: st.lists(st.sampled_from(["\n", "\n\n", "\r\n", "\n\n\n"]), min_size=len(blocks),
                            max_size=len(blocks)).map(lambda seps: "".join(b + s for b, s in zip(blocks, seps))))

PAGE = "folder/fuzzed/"  # the page the body is placed on: two folders deep


def render(text: str, raw_html: bool) -> str:
    recorder = RecordingResolver(RESOLVER.resolve)
    md = make_parser(recorder, raw_html=raw_html)
    raw = text.encode("utf-8", "surrogatepass")
    meta = _meta("folder/fuzzed.md", text)
    body, html = render_body(meta, note_markdown(raw, meta), md, recorder)
    for diagnostic in body.diagnostics:
        assert diagnostic.path == "folder/fuzzed.md" and diagnostic.line >= 1, diagnostic
    # Embeds' slots are filled by the graph stage; here they are left empty. Site references are bound
    # to the page as a page render does.
    return bind(html.html, lambda url: relative_url(url, PAGE))


# GARDEN_FUZZ_EXAMPLES=5000 pytest tests/robustness/test_fuzz.py for a long run.
EXAMPLES = int(os.environ.get("GARDEN_FUZZ_EXAMPLES", "100"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(markdown)
@example("[^1]: ![[Alpha]]\n\n[^1]\n")  # found by this test: a footnote holding only a note embed
def test_random_markdown_renders_well_formed_html_that_stays_in_the_site(text):
    html = render(text, raw_html=False)
    parsed = parse_html(html)  # every element closed, in order
    for tag, name, value in references(parsed.elements):
        assert not leaves_site(value, PAGE), (tag, name, value)
        assert not value.lower().startswith(("javascript:", "vbscript:", "data:text")), value
        if not is_external(value) and not value.startswith("#"):
            assert "\x00" not in value and "\\" not in value, value
    for tag, attrs in parsed.elements:
        assert tag not in ("script", "iframe") or tag == "iframe" and attrs.get("src", "").endswith(".pdf"), tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)


@FUZZ
@given(markdown)
def test_random_markdown_with_raw_html_never_raises(text):
    render(text, raw_html=True)


@settings(max_examples=max(60, EXAMPLES // 2), deadline=None)
@given(st.binary(max_size=300), st.sampled_from([b"", b"---\n", b"\xef\xbb\xbf---\n", b"\n---\n"]))
def test_random_bytes_as_a_note_never_raise(data, prefix):
    raw = prefix + data
    text, problems = decode(raw, "n.md")
    front = split(text, "n.md")
    assert all(p.path == "n.md" and p.line >= 1 for p in [*problems, *front.problems])
    meta = read_note(SourceFile("n.md", "n.md", "0", 0.0), raw, {}, [])
    recorder = RecordingResolver(RESOLVER.resolve)
    render_body(meta, note_markdown(raw, meta), make_parser(recorder, raw_html=False), recorder)


# --- real gardens, damaged ----------------------------------------------------------------------------

LINK_SYNTAX = [b"[[", b"]]", b"![[", b"[[Nowhere]]", b"![[missing.png]]", b"[[#]]", b"[[|x]]", b"---\n",
               b"\n---\ntitle: [\n---\n", b"\x00", b"\xff\xfe", b"\r", b"{{date}}", b"%%", b"$$", b"```",
               b"> [!note]", b"^", b"#", b"[^1]", b"<div>", b"](../../etc/passwd)"]


def damage(folder: Path, rng: random.Random) -> int:
    """Flip bytes in, cut short, or insert link syntax into a third of the notes; returns how many."""
    notes = sorted(p for p in folder.rglob("*.md") if p.is_file())
    hit = rng.sample(notes, max(1, len(notes) // 3))
    for path in hit:
        data = bytearray(path.read_bytes())
        for _ in range(rng.randint(1, 6)):
            how = rng.choice(["flip", "truncate", "insert", "insert"])
            if how == "flip" and data:
                i = rng.randrange(len(data))
                data[i] ^= 1 << rng.randrange(8)
            elif how == "truncate" and data:
                del data[rng.randrange(len(data)):]
            else:
                i = rng.randrange(len(data) + 1)
                data[i:i] = rng.choice(LINK_SYNTAX)
        path.write_bytes(bytes(data))
    return len(hit)


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
@pytest.mark.parametrize("name,seed", [("quartz-docs", 1), ("foam-docs", 2), ("jekyll-garden", 3)])
def test_a_damaged_real_garden_still_builds_and_reports(tmp_path, name, seed):
    content = tmp_path / "content"
    shutil.copytree(CORPORA / name, content, ignore=shutil.ignore_patterns("*.png", "*.jpg", "*.gif", "*.svg"))
    damaged = damage(content, random.Random(seed))
    config = load_config(None, root=tmp_path, content="content", output="public")
    config = replace(config, raw_html=False, git_dates=False)
    result = build_site(config, jobs=2)
    assert result.diagnostics, "damage of this kind is always worth a message"
    assert all(d.line >= 0 and d.path for d in result.diagnostics)
    site = tmp_path / "public"
    assert (site / "index.html").is_file()
    assert result.notes >= len(list(content.rglob("*.md"))) - damaged - 5  # drafts and URL clashes aside
    check_site(site)
    assert damaged > 0
