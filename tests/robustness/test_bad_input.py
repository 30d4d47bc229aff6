"""Bad and strange input: each gets a clear message naming the file and line, and the rest of the site is built.

One messy garden is built once for the table-driven cases; each row names a
note, what it holds, and exactly what the build must say about it.
"""

from __future__ import annotations

import http.client
import threading
import time
from html import escape

import pytest

from garden.pipeline import build_site
from garden.render import PageRenderer

from ..conftest import write_garden
from .helpers import check_site, parse_html

# --- front-matter and note bodies -----------------------------------------------------------------

PLACEHOLDER_HINT = "looks like a Templater or Jinja placeholder that was never filled in"

# file -> (content, [(line, level, start of message)], the page's title)
CASES: dict[str, tuple[str | bytes, list[tuple[int, str, str]], str]] = {
    "fm-not-yaml.md": ("---\ntitle: A\ndescription: a: b\n---\nBody survives.\n",
                       [(3, "error", "front-matter is not valid YAML: mapping values are not allowed here")],
                       "fm-not-yaml"),
    "fm-scalar.md": ("---\njust a sentence\n---\nbody\n",
                     [(2, "error", "front-matter must be a mapping of keys to values, found str")], "fm-scalar"),
    "fm-list.md": ("---\n- a\n- b\n---\nbody\n",
                   [(2, "error", "front-matter must be a mapping of keys to values, found list")], "fm-list"),
    "fm-after-blank-line.md": (b"\n\n---\ntitle: Late\n---\nbody\n",
                               [(3, "warning", "front-matter must start on the first line")], "Late"),
    "fm-bom.md": ("\ufeff---\ntitle: With BOM\n---\nbody\n".encode("utf-8"), [], "With BOM"),
    "fm-tab-indent.md": ("---\ntitle: Tabs\ntags:\n\t- x\n---\nbody\n",
                         [(4, "error", "front-matter is not valid YAML: found character '\\t'")], "fm-tab-indent"),
    "fm-tab-after-colon.md": ("---\ntitle:\tTabbed\ntags:\t[x]\n---\nbody\n", [], "Tabbed"),
    "fm-empty-tags.md": ("---\ntitle: Empty tags\ntags:\n  -\n  - kept\n  - ''\n---\nbody\n",
                         [(3, "warning", "'tags' has an empty item; skipped")], "Empty tags"),
    "fm-empty-flow-tag.md": ("---\ntags: [a, , b]\n---\nbody\n",
                             [(2, "error", "front-matter is not valid YAML: expected the node content")],
                             "fm-empty-flow-tag"),
    "fm-tag-values.md": ("---\ntitle: Values\ntags: [1, 2.5, true, {a: b}, [x], 2024-01-01]\n---\nbody\n",
                         [(3, "warning", "'tags' has an item that is not text: True; skipped"),
                          (3, "warning", "'tags' has an item that is not text: ['x']; skipped"),
                          (3, "warning", "'tags' has an item that is not text: {'a': 'b'}; skipped")], "Values"),
    "fm-odd-dates.md": ("---\ntitle: Dates\ncreated: 14/03/2026\nupdated: 2026-3-4\n---\nbody\n",
                        [(3, "warning", "'created' is not a date I can read: '14/03/2026'")], "Dates"),
    "fm-placeholder.md": ("---\ntitle: Daily\ncreated: {{date}}\n---\nbody\n",
                          [(3, "error", "front-matter is not valid YAML: found unhashable key")], "fm-placeholder"),
    "fm-placeholder-quoted.md": ("---\ntitle: \"{{title}}\"\ncreated: \"{{date:YYYY-MM-DD}}\"\n"
                                 "updated: <% tp.file.last_modified_date() %>\n---\nbody\n",
                                 [(2, "warning", "'title' is a template placeholder that was never filled in"),
                                  (3, "warning", "'created' is a template placeholder that was never filled in"),
                                  (4, "warning", "'updated' is a template placeholder that was never filled in")],
                                 "{{title}}"),
    "empty.md": (b"", [], "empty"),
    "only-front-matter.md": ("---\ntitle: Only front-matter\n---", [], "Only front-matter"),
    "unclosed-front-matter.md": ("---\ntitle: Never closed\n\nbody\n",
                                 [(1, "warning", "front-matter is not closed")], "unclosed-front-matter"),
    "latin1.md": ("---\ntitle: Café\n---\nnaïve text\n".encode("latin-1"),
                  [(2, "warning", "file is not valid UTF-8; read as Latin-1")], "Café"),
    "crlf.md": (b"---\r\ntitle: CRLF\r\n---\r\nline one\r\n\r\n[[nowhere crlf]]\r\n",
                [(6, "warning", "broken link: [[nowhere crlf]] matches no note")], "CRLF"),
    "lone-cr.md": (b"---\rtitle: CR\r---\rline one\r\r[[nowhere cr]]\r",
                   [(6, "warning", "broken link: [[nowhere cr]] matches no note")], "CR"),
    "nul-bytes.md": (b"first\n\nsecond\x00half\n\n[[nowhere nul]]\n",
               [(3, "warning", "file contains NUL bytes; they are dropped"),
                (5, "warning", "broken link: [[nowhere nul]] matches no note")], "nul-bytes"),
    "long-line.md": (" ".join(f"word{i} [[empty]]" if i % 500 == 0 else f"word{i}" for i in range(12000))
                     + " " + "x" * 20000 + "\n", [], "long-line"),
    "links.md": ("[[]] one\n[[|alias]] two\n[[#]] three\n[[target#b#c]] four\n[[target|b|c]] five\n"
                 "[[unclosed six\n\n[[links]] and [[#Self]] and ![[links]]\n\n![[missing.png]]\n\n"
                 "[md](nowhere.md) and\n![img](nowhere.png)\n\n# Self\n",
                 [(1, "warning", "empty link: [[]]"), (2, "warning", "empty link: [[|alias]]"),
                  (3, "warning", "empty link"),
                  (10, "warning", "broken embed: ![[missing.png]] matches no file"),
                  (12, "warning", "broken link: […](nowhere.md) matches no note"),
                  (13, "warning", "broken embed: ![…](nowhere.png) matches no file")], "Self"),
    "target.md": ("# A\n\n## b\n\n### c\n", [], "A"),
}


@pytest.fixture(scope="module")
def messy(tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    files = {rel: content for rel, (content, _, _) in CASES.items()}
    files["good.md"] = "# Good\n\nA perfectly ordinary note.\n"
    config = write_garden(root, files)
    result = build_site(config, jobs=1)
    return result, config.output_dir


@pytest.mark.parametrize("rel", sorted(CASES))
def test_each_problem_is_named_with_its_file_and_line(messy, rel):
    result, _ = messy
    expected = CASES[rel][1]
    found = sorted((d.line, d.level, d.message) for d in result.diagnostics if d.path == rel)
    assert len(found) == len(expected), found
    for (line, level, message), (want_line, want_level, want_start) in zip(found, sorted(expected)):
        assert (line, level) == (want_line, want_level) and message.startswith(want_start), (line, level, message)


@pytest.mark.parametrize("rel", sorted(CASES))
def test_each_note_still_has_its_page(messy, rel):
    _, out = messy
    title = CASES[rel][2]
    page = out / rel.removesuffix(".md") / "index.html"
    html = page.read_text(encoding="utf-8")
    parse_html(html)  # well-formed
    assert f"<title>{escape(title)} · Test Garden</title>" in html


def test_the_rest_of_the_site_is_built_and_well_formed(messy):
    _, out = messy
    assert "A perfectly ordinary note." in (out / "good" / "index.html").read_text()
    check_site(out)


def test_hints_for_yaml_mistakes(messy):
    result, _ = messy
    hints = {d.path: d.hint for d in result.diagnostics}
    assert hints["fm-tab-indent.md"] == "YAML does not allow tabs for indentation; use spaces"
    assert PLACEHOLDER_HINT in hints["fm-placeholder.md"] and "{{date}}" in hints["fm-placeholder.md"]
    assert PLACEHOLDER_HINT in hints["fm-placeholder-quoted.md"]
    assert hints["fm-after-blank-line.md"] == "remove the blank lines above the first ---"


def test_values_read_from_messy_front_matter(messy):
    _, out = messy
    values = (out / "fm-tag-values" / "index.html").read_text()
    for tag in ("1", "2.5", "2024-01-01"):
        assert f'href="../tags/{tag}/"' in values
    dates = (out / "fm-odd-dates" / "index.html").read_text()
    assert '<time datetime="2026-03-04">' in dates  # 2026-3-4 is read; 14/03/2026 (D/M or M/D?) is not
    empty_tags = (out / "fm-empty-tags" / "index.html").read_text()
    assert 'href="../tags/kept/"' in empty_tags
    # A placeholder is shown as written, never evaluated by the page's templates.
    assert "<h1 id=\"note-title\" class=\"note-title\">{{title}}</h1>" in \
        (out / "fm-placeholder-quoted" / "index.html").read_text()


def test_odd_bodies_render(messy):
    _, out = messy
    assert "Body survives." in (out / "fm-not-yaml" / "index.html").read_text()
    assert "naïve text" in (out / "latin1" / "index.html").read_text()
    assert "secondhalf" in (out / "nul-bytes" / "index.html").read_text()
    assert "x" * 20000 in (out / "long-line" / "index.html").read_text()
    links = (out / "links" / "index.html").read_text()
    assert "[[unclosed six" in links
    assert 'href="../target/#c"' in links  # [[a#b#c]] is the heading path a › b › c
    assert ">b|c</a>" in links  # [[a|b|c]]: everything after the first pipe is the label
    assert "<img" not in links.split('class="prose')[1]  # a missing image is never an <img> to nowhere


def test_a_five_megabyte_note(garden):
    sentence = "The quick brown fox jumps over the lazy dog while [[other]] notes watch. "
    body = "\n\n".join(sentence * 12 for _ in range(5_000_000 // (len(sentence) * 12) + 1))
    assert len(body) >= 5_000_000
    result, out = garden({"huge.md": body, "other.md": "small\n"})
    assert result.diagnostics == []
    assert (out / "huge" / "index.html").stat().st_size > 5_000_000
    assert 'href="../huge/"' in (out / "other" / "index.html").read_text()  # its backlink


@pytest.mark.parametrize("text", [
    "[[" * 30000,  # thousands of unclosed links
    "![[" * 20000,
    "[[" * 20000 + "]]",
    "[[a]]" * 5000 + "[[",
], ids=["unclosed", "unclosed-embeds", "one-close-at-the-end", "closed-then-unclosed"])
def test_pathological_brackets_finish(garden, text):
    started = time.perf_counter()
    result, out = garden({"brackets.md": text + "\n", "a.md": "a\n"})
    assert (out / "brackets" / "index.html").is_file()
    assert time.perf_counter() - started < 30  # linear, not quadratic: a 60,000-character line


# --- links and embeds ------------------------------------------------------------------------------

def test_embeds_nested_fifty_deep_are_cut_with_one_warning(garden):
    files = {f"d{i:02}.md": f"# D{i}\n\nlevel {i}\n\n![[d{i + 1:02}]]\n" for i in range(50)}
    files["d50.md"] = "# D50\n\nthe bottom\n"
    result, out = garden(files)
    assert [d.format() for d in result.diagnostics] == [
        "d11.md:5: warning: embeds nested more than 12 deep (from d00.md); ![[d12]] shown as a link"]
    top = (out / "d00" / "index.html").read_text()
    assert "level 11" in top and "level 12" not in top and "embed-too-deep" in top
    assert "the bottom" in (out / "d40" / "index.html").read_text()


def test_an_embed_cycle_of_three_and_a_note_embedding_itself(garden):
    result, out = garden({"a.md": "A\n\n![[b]]\n", "b.md": "B\n\n![[c]]\n", "c.md": "C\n\n![[a]]\n",
                          "self.md": "Me\n\n![[self]]\n"})
    assert [d.format().split("\n")[0] for d in result.diagnostics] == [
        "c.md:3: error: embed cycle: a.md → b.md → c.md → a.md",
        "self.md:3: error: embed cycle: self.md → self.md"]
    assert "embed cycle" in (out / "self" / "index.html").read_text()


def test_notes_that_embed_each_other_every_way_finish_soon(garden):
    """30 notes, each embedding every later one: walking every path would take 2^29 steps."""
    n = 30
    files = {f"n{i:02}.md": f"N{i}\n\n" + "".join(f"![[n{j:02}]]\n\n" for j in range(i + 1, n)) for i in range(n)}
    started = time.perf_counter()
    result, out = garden(files)
    assert time.perf_counter() - started < 60
    page = (out / "n00" / "index.html").read_text()
    assert "embed-too-many" in page and len(page) < 5_000_000


def test_thousands_of_links_in_one_note(garden):
    targets = {f"t{i}.md": "t\n" for i in range(0, 200, 2)}
    links = "\n".join(" ".join(f"[[t{(i * 7 + j) % 200}]]" for j in range(50)) for i in range(100))
    result, out = garden({**targets, "many.md": links + "\n\n[[many]] [[many#Nowhere]]\n"})
    broken = [d for d in result.diagnostics if d.message.startswith("broken link")]
    # Each missing name once per line it is on, not once per time it is written there.
    assert len(broken) == len({(d.line, d.message) for d in broken}) and 0 < len(broken) <= 100 * 50
    assert [d.message for d in result.diagnostics if "Nowhere" in d.message] == ["no heading 'Nowhere' in many.md"]
    assert (out / "t0" / "index.html").read_text().count('href="../many/"') >= 1
    check_site(out)


# --- file names ------------------------------------------------------------------------------------

NAMES = {  # file name (without .md) -> its page's URL
    "My Note": "my-note/",
    "HTTP 1.1": "http-1.1/",
    "netsh.exe": "netsh.exe/",
    "C++": "c/",
    "a*b": "a-b/",
    "why?": "why/",
    "F#": "f/",
    "100%": "100/",
    'say "hi"': "say-hi/",
    "it's": "it-s/",
    "🌱 Garden": "garden/",
    "🌱": "untitled/",
    "日本語のノート": "日本語のノート/",
    "non\u2011breaking hyphen": "non-breaking-hyphen/",
    "Case": "case/",
    "con": "con/",
    "aux.txt": "aux.txt/",
    "PRN": "prn/",
}


@pytest.fixture(scope="module")
def names_garden(tmp_path_factory):
    root = tmp_path_factory.mktemp("names")
    files: dict[str, str | bytes] = {f"{name}.md": f"Body of {name}.\n" for name in NAMES}
    files["case.md"] = "the other case\n"
    # Links by wikilink (where Obsidian allows the name) and by Markdown link with the name percent-encoded.
    from urllib.parse import quote
    lines = []
    for name in NAMES:
        wiki = f"[[{name}]]" if "#" not in name else ""
        lines.append(f"- {wiki} [md]({quote(name + '.md')})")
    files["index of names.md"] = "\n".join(lines) + "\n"
    files["pics/Screenshot #2 (final?) 100%.png"] = b"\x89PNG\r\n\x1a\n"
    files["pics/image.md"] = "![shot](<Screenshot %232 (final%3F) 100%25.png>)\n"
    config = write_garden(root, files)
    return build_site(config, jobs=1), config.output_dir


def test_every_file_name_gets_a_page(names_garden):
    result, out = names_garden
    for name, url in NAMES.items():
        assert (out / url / "index.html").is_file(), name


def test_names_differing_only_in_case_are_one_clear_error(names_garden):
    result, _ = names_garden
    assert [d.format() for d in result.errors] == [
        "case.md:1: error: case.md and Case.md both map to the URL /case/; case.md is left out\n"
        "    hint: rename one of them or give it a `permalink`"]


def test_links_to_odd_names_all_resolve(names_garden):
    result, out = names_garden
    reserved = sorted(d.path for d in result.warnings if "reserved name on Windows" in d.message)
    assert reserved == ["PRN.md", "aux.txt.md", "con.md"]  # the names that are a problem elsewhere
    assert [d for d in result.warnings if d.path not in reserved] == []
    check_site(out)  # every href on every page leads to a file of the site
    page = (out / "index-of-names" / "index.html").read_text()
    assert page.count('class="internal"') >= 2 * len(NAMES) - 1


def test_an_asset_whose_name_has_hash_question_and_percent(names_garden):
    _, out = names_garden
    page = (out / "pics" / "image" / "index.html").read_text()
    assert 'class="missing' not in page
    check_site(out)


# --- templates ---------------------------------------------------------------------------------------

def test_template_syntax_error_names_the_template_and_line(tmp_path):
    config = write_garden(tmp_path, {"a.md": "note a\n", "index.md": "home\n"})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "note.html").write_text('{% extends "base.html" %}\n{% block content %}\n'
                                                      "{% if note.title %}\n{{ note.title }\n{% endblock %}\n")
    result = build_site(config, jobs=1)
    errors = {(d.path.replace("\\", "/").rpartition("templates/")[2], d.line, d.message) for d in result.errors}
    assert errors == {("note.html", 4, "template syntax error: unexpected '}'")}
    assert (config.output_dir / "index.html").is_file()  # the pages that do not use it are built
    assert (config.output_dir / "tags" / "index.html").is_file()


def test_template_with_undefined_variable_names_the_template_and_line(tmp_path):
    config = write_garden(tmp_path, {"a.md": "note a\n"})
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "note.html").write_text('{% extends "base.html" %}\n{% block content %}\n'
                                                      "<p>\n{{ no_such_thing }}\n</p>\n{% endblock %}\n")
    result = build_site(config, jobs=1)
    assert [(d.path.rpartition("templates/")[2], d.line, d.message) for d in result.errors] == [
        ("note.html", 4, "template error while rendering a/index.html: 'no_such_thing' is undefined")]
    assert (config.output_dir / "index.html").is_file()


def test_a_template_that_never_finishes_does_not_hang_the_preview_server(tmp_path, monkeypatch):
    """A template stuck in a loop blocks its build, not the server: pages and events are still answered."""
    from ..test_serve import Preview

    write_garden(tmp_path, {"a.md": "first\n"}, "title: T\ngit_dates: false\nsearch: false\n")
    preview = Preview(tmp_path)
    stuck, release = threading.Event(), threading.Event()
    original = PageRenderer.render

    def render(self, page, extra):
        if page.template == "note.html":
            stuck.set()
            release.wait(60)  # as a template that loops: this build thread does not come back
        return original(self, page, extra)

    monkeypatch.setattr(PageRenderer, "render", render)
    try:
        (tmp_path / "content" / "a.md").write_text("second\n")
        assert stuck.wait(20), preview.log.getvalue()
        for _ in range(5):
            started = time.perf_counter()
            status, body = preview.get("/a/")
            assert status == 200 and "first" in body  # the last good site, promptly
            assert time.perf_counter() - started < 2
        conn = http.client.HTTPConnection("127.0.0.1", preview.port, timeout=5)
        conn.request("GET", "/__garden/client.js")
        assert conn.getresponse().status == 200
    finally:
        release.set()
        preview.stop()
