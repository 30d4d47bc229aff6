"""Every problem is reported as `path:line: level: message`, and the rest of the garden still builds."""

from __future__ import annotations

import pytest

from garden.config import load_config
from garden.errors import OutputFolderError
from garden.pipeline import build_site

from .conftest import messages, write_garden


def test_broken_yaml_names_file_and_line_and_the_note_still_builds(garden):
    result, out = garden({
        "bad.md": """
            ---
            title: Bad
            tags: [unclosed
            ---
            Body text survives.
            """,
        "good.md": "# Good\n\nFine.\n",
    })
    assert messages(result) == [
        "bad.md:3: error: front-matter is not valid YAML: expected ',' or ']', but got '<stream end>'\n"
        "    hint: quote values that contain ': ', '#' or start with '{', '[', '*', '&' or '@'",
    ]
    assert "Body text survives." in (out / "bad" / "index.html").read_text()
    assert (out / "good" / "index.html").exists()


def test_front_matter_that_is_not_a_mapping(garden):
    result, _ = garden({"list.md": "---\n- a\n- b\n---\ntext\n"})
    assert messages(result) == ["list.md:2: error: front-matter must be a mapping of keys to values, found list\n"
                                "    hint: write it as `key: value` lines"]


def test_broken_link_names_file_and_line(garden):
    result, out = garden({"a.md": "---\ntitle: A\n---\n\nFirst line.\nSee [[Nowhere]] here.\n"})
    assert messages(result) == ["a.md:6: warning: broken link: [[Nowhere]] matches no note"]
    html = (out / "a" / "index.html").read_text()
    assert '<span class="missing"' in html and "Nowhere" in html


def test_broken_heading_link_lists_the_headings_there(garden):
    result, _ = garden({"a.md": "[[b#Nope]]\n", "b.md": "## Real heading\n"})
    assert messages(result) == ["a.md:1: warning: no heading 'Nope' in b.md\n    hint: headings there: Real heading"]


def test_embed_cycle_is_reported_once_and_terminates(garden):
    result, out = garden({
        "a.md": "A embeds B:\n\n![[b]]\n",
        "b.md": "B embeds C:\n\n![[c]]\n",
        "c.md": "C embeds A:\n\n![[a]]\n",
    })
    assert messages(result) == ["c.md:3: error: embed cycle: a.md → b.md → c.md → a.md\n"
                                "    hint: an embedded note cannot embed the note it is shown in"]
    html = (out / "a" / "index.html").read_text()
    assert "B embeds C" in html and "C embeds A" in html and "embed cycle" in html


def test_slug_collision_names_both_files(garden):
    result, out = garden({"My Note.md": "one\n", "my-note.md": "two\n"})
    assert messages(result) == [
        "my-note.md:1: error: my-note.md and My Note.md both map to the URL /my-note/; my-note.md is left out\n"
        "    hint: rename one of them or give it a `permalink`"]
    assert "one" in (out / "my-note" / "index.html").read_text()


def test_ambiguous_link_names_candidates(garden):
    result, _ = garden({"x/Same.md": "x\n", "y/Same.md": "y\n", "z/linker.md": "[[Same]]\n"})
    assert messages(result) == ["z/linker.md:1: warning: ambiguous link [[Same]]: 2 notes match; using x/Same.md\n"
                                "    hint: candidates: x/Same.md, y/Same.md"]


@pytest.mark.parametrize("output", ["content", ".", ".."])
def test_bad_output_folder_is_refused(tmp_path, output):
    config = write_garden(tmp_path, {"a.md": "a\n"}, f"output: {output}\n")
    with pytest.raises(OutputFolderError) as refused:
        build_site(config)
    assert "choose a folder of its own" in str(refused.value)


def test_output_folder_with_foreign_files_is_refused(tmp_path):
    config = write_garden(tmp_path, {"a.md": "a\n"}, "output: mine\n")
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "thesis.docx").write_text("years of work")
    with pytest.raises(OutputFolderError, match="was not written by garden; refusing to replace it"):
        build_site(config)
    assert (tmp_path / "mine" / "thesis.docx").read_text() == "years of work"


def test_bad_config_reports_every_problem(tmp_path):
    (tmp_path / "garden.yaml").write_text("title: 3\nbase_url: example.com\nraw_html: maybe\ncolour: red\n")
    from garden.errors import ConfigError

    with pytest.raises(ConfigError) as bad:
        load_config(tmp_path / "garden.yaml")
    assert str(bad.value) == (
        "garden.yaml: 3 problem(s):\n"
        "  - 'title': expected a string, found int 3\n"
        "  - 'raw_html': expected true or false, found str 'maybe'\n"
        "  - 'base_url': expected an absolute URL such as https://user.github.io/repo/, found 'example.com'")


def test_unknown_config_key_is_a_warning(tmp_path):
    (tmp_path / "garden.yaml").write_text("titel: x\n")
    config = load_config(tmp_path / "garden.yaml")
    assert [w.format() for w in config.warnings] == ["garden.yaml: warning: unknown option 'titel'\n    hint: it is ignored"]


def test_bad_math_shows_its_source_and_warns(garden):
    result, out = garden({"m.md": "Text\n\n$$\\frac{1}{$$\n"})
    assert [d.message for d in result.diagnostics] == ["could not render math: \\frac{1}{"]
    assert result.diagnostics[0].line == 3
    assert "math-error" in (out / "m" / "index.html").read_text()
