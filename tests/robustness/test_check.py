"""`garden check`: the build without writing, for CI and editors: every problem, the orphans, exit codes, JSON."""

from __future__ import annotations

import json

import pytest

from garden.cli import main

from ..conftest import write_garden
from .helpers import snapshot

STALE_SCRIPT = "import json\nprint(json.dumps({'series': [{'points': [[0, 1], [1, 2]]}]}))\n"

GARDEN = {
    "a.md": "# A\n\nSee [[b]] and [[Nowhere]].\n\n![[missing.png]]\n",
    "b.md": "# B\n\nBack to [[a]]; which [[Same]]?\n",
    "x/Same.md": "x\n", "y/Same.md": "y\n",
    "lonely.md": "# Lonely\n\nNo links in or out.\n",
    "sims/wave.py": STALE_SCRIPT,
    "chart.md": "# Chart\n\nSee [[a]].\n\n```chart\nscript: wave.py\n```\n",
}


@pytest.fixture
def checked(tmp_path, monkeypatch):
    write_garden(tmp_path, GARDEN, "title: T\ngit_dates: false\nsearch: false\n")
    monkeypatch.chdir(tmp_path)
    assert main(["charts"]) == 0
    # The script changes after its result was stored: the chart is stale until `garden charts` runs again.
    (tmp_path / "content" / "sims" / "wave.py").write_text(STALE_SCRIPT + "# changed\n")
    return tmp_path


def run_json(capsys, *args: str) -> tuple[int, dict]:
    capsys.readouterr()
    code = main(["check", "--format", "json", *args])
    out = capsys.readouterr().out
    return code, json.loads(out)


def test_json_lists_every_kind_of_problem_and_the_orphans(checked, capsys):
    code, data = run_json(capsys)
    assert code == 0  # warnings only
    found = {(e["kind"], e["path"], e["line"], e["level"], e["message"].split(":")[0]) for e in data["problems"]}
    assert ("problem", "content/a.md", 3, "warning", "broken link") in found
    assert ("problem", "content/a.md", 5, "warning", "broken embed") in found  # a missing image
    assert ("problem", "content/b.md", 3, "warning", "ambiguous link [[Same]]") in found
    assert any(e["message"].startswith("chart sims/wave.py is stale") and e["path"] == "content/chart.md"
               for e in data["problems"])
    orphans = sorted(e["path"] for e in data["problems"] if e["kind"] == "orphan")
    assert orphans == ["content/lonely.md", "content/y/Same.md"]  # [[Same]] went to x/Same.md
    assert all(e["level"] == "info" for e in data["problems"] if e["kind"] == "orphan")
    assert data["errors"] == 0 and data["warnings"] == 4 and data["orphans"] == 2
    for entry in data["problems"]:
        assert set(entry) == {"kind", "path", "line", "level", "message", "hint"}
    ambiguous = next(e for e in data["problems"] if e["message"].startswith("ambiguous"))
    assert ambiguous["hint"] == "candidates: x/Same.md, y/Same.md"


def test_strict_makes_warnings_errors_and_fails(checked, capsys):
    code, data = run_json(capsys, "--strict")
    assert code == 1 and data["errors"] == 4 and data["warnings"] == 0


def test_errors_fail_the_check(checked, capsys):
    (checked / "content" / "bad.md").write_text("---\ntitle: [\n---\n")
    code, data = run_json(capsys)
    assert code == 1
    assert {(e["path"], e["line"], e["level"]) for e in data["problems"] if e["level"] == "error"} == \
        {("content/bad.md", 2, "error")}


def test_text_report_lists_problems_then_orphans(checked, capsys):
    capsys.readouterr()
    assert main(["check"]) == 0
    err = capsys.readouterr().err
    assert "content/a.md:3: warning: broken link: [[Nowhere]] matches no note" in err
    orphans = err[err.index("2 orphans"):]
    assert orphans.splitlines()[1:3] == ["  content/lonely.md", "  content/y/Same.md"]


def test_orphans_are_not_build_warnings(checked, capsys):
    capsys.readouterr()
    main(["build", "-q"])
    assert "lonely" not in capsys.readouterr().err


def test_check_writes_nothing_anywhere(checked, capsys):
    before = snapshot(checked)
    run_json(capsys)
    main(["check", "-q"])
    assert snapshot(checked) == before


def test_a_clean_garden_checks_clean(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path, {"a.md": "[[b]]\n", "b.md": "[[a]]\n"})
    monkeypatch.chdir(tmp_path)
    code, data = run_json(capsys)
    assert code == 0 and data == {"errors": 0, "warnings": 0, "orphans": 0, "problems": []}


def test_the_readmes_json_example_has_the_shape_check_prints(checked, capsys):
    from ..conftest import REPO

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    opening = "```console\n$ garden check --format json\n"
    start = readme.index(opening) + len(opening)
    example = json.loads(readme[start:readme.index("```", start)])
    _, data = run_json(capsys)
    assert set(example) == set(data)
    kinds = {e["kind"]: set(e) for e in data["problems"]}
    assert {e["kind"]: set(e) for e in example["problems"]} == kinds
    assert [e["message"] for e in example["problems"] if e["kind"] == "orphan"] == \
        [e["message"] for e in data["problems"] if e["kind"] == "orphan"][:1]
