"""Charts end to end: `garden charts` computes and stores, a build embeds, a changed script goes stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from garden.charts.refresh import refresh_charts
from garden.charts.store import data_file_for
from garden.cli import main
from garden.pipeline import build_site

from ..conftest import write_garden

WAVE = """
import argparse, json
parser = argparse.ArgumentParser()
parser.add_argument("--n", type=int, default=3)
args = parser.parse_args()
print(json.dumps({"title": "Wave", "series": [{"points": [[i, i * i] for i in range(args.n)]}]}))
"""

NOTE = """
---
title: Note
---
Intro.

```chart
script: wave.py
args: {n: 5}
caption: Squares.
```
"""


@pytest.fixture
def garden(tmp_path):
    def make(files: dict[str, str] | None = None):
        return write_garden(tmp_path, files or {"sims/wave.py": WAVE, "notes/note.md": NOTE})
    return make


def build(config):
    result = build_site(config, jobs=1)
    html = (config.output_dir / "notes" / "note" / "index.html").read_text(encoding="utf-8")
    return result, html


def messages(result) -> list[str]:
    return [d.format() for d in result.diagnostics]


def test_a_chart_is_computed_by_garden_charts_then_embedded_by_the_build(garden) -> None:
    config = garden()
    result, html = build(config)
    assert messages(result) == [
        "notes/note.md:7: error: chart sims/wave.py --n 5 has not been computed\n"
        "    hint: run `garden charts` to run it; its result is kept in sims/wave.a9350f81.chart.json"]
    assert "Chart unavailable" in html

    runs = refresh_charts(config)
    assert [(r.script, r.args, r.status, r.data_file, r.notes) for r in runs] == [
        ("sims/wave.py", {"n": 5}, "ran", "sims/wave.a9350f81.chart.json", ("notes/note.md",))]
    stored = json.loads((config.content_dir / "sims" / "wave.a9350f81.chart.json").read_text())
    assert stored["script"] == "wave.py" and stored["args"] == {"n": 5} and len(stored["script_digest"]) == 32
    assert stored["chart"]["series"][0]["points"][-1] == [4, 16]

    result, html = build(config)
    assert messages(result) == []
    assert '<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" class="chart-svg chart-wide"' in html
    assert '<figcaption>Squares.</figcaption>' in html and '<details class="chart-data"><summary>Data' in html
    # Scripts and their data files are the garden's machinery, not its pages or downloads.
    published = {p.name for p in config.output_dir.rglob("*")}
    assert not any(name.endswith((".py", ".chart.json")) for name in published)
    assert result.assets == 0


def test_garden_charts_runs_only_what_changed(garden) -> None:
    config = garden()
    refresh_charts(config)
    data = config.content_dir / data_file_for("sims/wave.py", {"n": 5})
    before = data.read_bytes()
    assert [r.status for r in refresh_charts(config)] == ["up to date"]
    assert [(r.status, r.written) for r in refresh_charts(config, only_stale=False)] == [("ran", False)]
    assert data.read_bytes() == before  # the same output: the same bytes, so nothing to commit


def test_changing_a_script_makes_its_chart_stale_until_garden_charts_runs(garden) -> None:
    config = garden()
    refresh_charts(config)
    build(config)
    script = config.content_dir / "sims" / "wave.py"
    script.write_text(WAVE.replace("i * i", "i * i * i"), encoding="utf-8")

    result, html = build(config)  # the build cache must not hide the change
    assert messages(result) == [
        "notes/note.md:7: warning: chart sims/wave.py --n 5 is stale: the script changed after its result was "
        "computed\n    hint: run `garden charts` to recompute it; the old result is shown until then"]
    assert '<figure class="chart chart-stale">' in html and "<td>16</td>" in html  # the old result, marked
    assert "Out of date" in html

    assert [r.status for r in refresh_charts(config)] == ["ran"]
    result, html = build(config)
    assert messages(result) == []
    assert '<figure class="chart">' in html and "<td>64</td>" in html


def test_changing_the_arguments_needs_a_new_run(garden) -> None:
    config = garden()
    refresh_charts(config)
    note = config.content_dir / "notes" / "note.md"
    note.write_text(note.read_text().replace("{n: 5}", "{n: 6}"), encoding="utf-8")
    result, _ = build(config)
    assert [d.message for d in result.diagnostics] == ["chart sims/wave.py --n 6 has not been computed"]
    assert [(r.status, r.args) for r in refresh_charts(config)] == [("ran", {"n": 6})]
    assert messages(build(config)[0]) == []


FAILING = {
    "sims/slow.py": "import time\ntime.sleep(30)\n",
    "sims/crash.py": "import sys\nprint('half a line', file=sys.stderr)\n1 / 0\n",
    "sims/chatty.py": "print('hello')\n",
    "notes/note.md": "".join(f"```chart\nscript: {name}\n```\n\n" for name in
                             ("slow.py", "crash.py", "chatty.py", "gone.py")),
}


def test_failing_scripts_are_reported_with_what_they_said_and_the_build_finishes(garden) -> None:
    config = garden(FAILING)
    runs = {r.script: r for r in refresh_charts(config, timeout=1)}
    assert {k: (r.status, r.message) for k, r in runs.items()} == {
        "sims/chatty.py": ("failed", "printed invalid JSON (Expecting value at line 1 column 1): 'hello'"),
        "sims/crash.py": ("failed", "exited with status 1"),
        "sims/slow.py": ("failed", "timed out after 1 s"),
        "gone.py": ("failed", "script not found (looked for notes/gone.py or sims/gone.py)"),
    }
    assert runs["sims/crash.py"].stderr.startswith("half a line\nTraceback")

    result, html = build(config)
    assert messages(result) == [
        "notes/note.md:2: error: chart sims/slow.py failed: timed out after 1 s\n"
        "    hint: fix the script, then run `garden charts`",
        "notes/note.md:6: error: chart sims/crash.py failed: exited with status 1; "
        "stderr: ZeroDivisionError: division by zero\n    hint: fix the script, then run `garden charts`",
        "notes/note.md:10: error: chart sims/chatty.py failed: printed invalid JSON (Expecting value at line 1 "
        "column 1): 'hello'\n    hint: fix the script, then run `garden charts`",
        "notes/note.md:14: error: chart script gone.py not found\n"
        "    hint: looked for notes/gone.py and sims/gone.py; a script lives beside its note or in sims/",
    ]
    assert html.count('<p class="chart-placeholder"') == 4
    assert result.pages > 0


def test_a_script_beside_its_note_comes_before_one_in_sims(garden) -> None:
    config = garden({"sims/wave.py": WAVE, "notes/wave.py": WAVE.replace("i * i", "-i"), "notes/note.md": NOTE})
    assert [r.script for r in refresh_charts(config)] == ["notes/wave.py"]


def test_a_script_can_draw_its_own_svg(garden) -> None:
    config = garden({"notes/pic.py": "print('<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 4 4\">"
                                     "<circle r=\"2\" onclick=\"x()\"/></svg>')\n",
                     "notes/note.md": "```chart\nscript: pic.py\ncaption: Hand-drawn.\n```\n"})
    refresh_charts(config)
    result, html = build(config)
    assert messages(result) == []
    assert ('<figure class="chart"><svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 4 4"><circle r="2" />'
            "</svg><figcaption>Hand-drawn.</figcaption>") in html


def test_a_chart_in_a_comment_or_a_draft_is_not_run(garden) -> None:
    config = garden({"sims/wave.py": WAVE,
                     "notes/note.md": "%%\n```chart\nscript: wave.py\n```\n%%\n",
                     "notes/draft.md": "---\ndraft: true\n---\n```chart\nscript: wave.py\n```\n"})
    assert refresh_charts(config) == []


def test_garden_charts_command(garden, capsys, monkeypatch) -> None:
    config = garden({**FAILING, "sims/wave.py": WAVE, "notes/other.md": NOTE + "\n```chart\nscrpt: x.py\n```\n",
                     "notes/note.md": "```chart\nscript: crash.py\n```\n"})
    monkeypatch.chdir(config.root)
    assert main(["charts", "--timeout", "5"]) == 1
    out, err = capsys.readouterr()
    assert out.splitlines()[0] == "failed      sims/crash.py: exited with status 1"
    assert out.splitlines()[1] == "    half a line"
    assert out.splitlines()[-1] == "2 charts: 1 ran, 0 up to date, 1 failed; 1 chart block problems"
    assert "ran         sims/wave.py --n 5  (" in out
    assert err == ("content/notes/other.md:13: error: chart block: unknown key 'scrpt'\n"
                   "    hint: did you mean 'script'?\n")

    (config.content_dir / "notes" / "note.md").write_text("no charts here\n")
    (config.content_dir / "notes" / "other.md").write_text(NOTE)
    assert main(["charts"]) == 0
    assert capsys.readouterr().out == "up to date  sims/wave.py --n 5\n1 charts: 0 ran, 1 up to date, 0 failed\n"


def test_a_stale_chart_fails_a_strict_build(garden, capsys, monkeypatch) -> None:
    config = garden()
    monkeypatch.chdir(config.root)
    assert main(["charts"]) == 0
    assert main(["build", "--strict"]) == 0
    (config.content_dir / "sims" / "wave.py").write_text(WAVE + "\n# changed\n")
    assert main(["build"]) == 0
    assert main(["build", "--strict"]) == 1
    assert "content/notes/note.md:7: error: chart sims/wave.py --n 5 is stale" in capsys.readouterr().err


def test_a_corrupt_data_file_is_an_error_naming_it(garden) -> None:
    config = garden()
    refresh_charts(config)
    data = config.content_dir / data_file_for("sims/wave.py", {"n": 5})
    data.write_text("{not json")
    result, _ = build(config)
    assert [(d.path, d.message) for d in result.diagnostics] == [
        ("notes/note.md", "chart sims/wave.py --n 5 has not been computed"),
        ("sims/wave.a9350f81.chart.json", "not a chart data file: Expecting property name enclosed in double quotes: "
                                          "line 1 column 2 (char 1)")]
    assert refresh_charts(config)[0].status == "ran"  # and `garden charts` mends it
    assert messages(build(config)[0]) == []


def test_the_data_file_is_named_by_script_and_arguments() -> None:
    assert data_file_for("probability/lln.py", {}) == "probability/lln.chart.json"
    assert data_file_for("lln.py", {"seed": 7, "n": 10}) == data_file_for("lln.py", {"n": 10, "seed": 7})
    assert data_file_for("lln.py", {"seed": 7}) != data_file_for("lln.py", {"seed": 8})
    assert Path(data_file_for("sims/lln.py", {"seed": 7})).parent.as_posix() == "sims"
