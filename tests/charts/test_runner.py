"""Running one script: what a chart is, and the exact message for each way it is not."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path

import pytest

from garden.charts.runner import read_output, run_script, script_argv

CHART = {"series": [{"points": [[0, 1], [1, 2]]}]}


def script(tmp_path: Path, body: str, name: str = "sim.py") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body).lstrip(), encoding="utf-8")
    return path


def test_arguments_become_options() -> None:
    assert script_argv({"seed": 7, "n": 10000, "fast": True, "slow": False, "name": "a b"}) == [
        "--fast", "--n", "10000", "--name", "a b", "--seed", "7"]


def test_a_chart_script_runs_in_its_folder_with_its_arguments(tmp_path) -> None:
    path = script(tmp_path, f"""
        import json, os, sys
        assert os.getcwd() == {str(tmp_path)!r}
        assert sys.argv[1:] == ["--seed", "7"]
        assert os.environ["PYTHONHASHSEED"] == "0"
        print(json.dumps({CHART!r}))
    """)
    result = run_script(path, {"seed": 7}, timeout=30)
    assert result.ok and result.chart == CHART and result.error == ""


def test_it_runs_with_the_gardens_python(tmp_path) -> None:
    path = script(tmp_path, """
        import json, sys
        print(json.dumps({"title": sys.executable, "series": [{"points": [[0, 1]]}]}))
    """)
    assert run_script(path, {}, timeout=30).chart["title"] == sys.executable


def test_a_script_that_times_out(tmp_path) -> None:
    path = script(tmp_path, """
        import sys, time
        print("working", file=sys.stderr, flush=True)
        time.sleep(30)
    """)
    result = run_script(path, {}, timeout=0.5)
    assert result.error == "timed out after 0.5 s"
    assert result.stderr == "working"
    assert result.seconds < 10


def test_a_script_that_exits_non_zero(tmp_path) -> None:
    path = script(tmp_path, """
        raise SystemExit("boom: no data")
    """)
    result = run_script(path, {}, timeout=30)
    assert result.error == "exited with status 1"
    assert result.stderr == "boom: no data"


def test_a_script_that_raises_keeps_its_traceback(tmp_path) -> None:
    path = script(tmp_path, """
        1 / 0
    """)
    result = run_script(path, {}, timeout=30)
    assert result.error == "exited with status 1"
    assert result.stderr.startswith("Traceback") and result.stderr.endswith("ZeroDivisionError: division by zero")


def test_a_script_that_prints_invalid_json(tmp_path) -> None:
    path = script(tmp_path, """
        print("hello world")
    """)
    assert run_script(path, {}, timeout=30).error == \
        "printed invalid JSON (Expecting value at line 1 column 1): 'hello world'"


def test_a_script_that_prints_an_invalid_chart(tmp_path) -> None:
    path = script(tmp_path, """
        print('{"series": [{"points": [[0, 1], [1, 2], [2, 3], [3, "x"]]}]}')
    """)
    assert run_script(path, {}, timeout=30).error == \
        "printed an invalid chart: series[0].points[3]: expected [x, y] numbers, found [3, 'x']"


def test_a_script_that_prints_nothing(tmp_path) -> None:
    path = script(tmp_path, "pass\n")
    assert run_script(path, {}, timeout=30).error == "printed nothing on standard output"


def test_a_missing_script(tmp_path) -> None:
    assert run_script(tmp_path / "nope.py", {}, timeout=30).error == "script not found"


def test_svg_output_is_kept_without_anything_that_runs(tmp_path) -> None:
    path = script(tmp_path, """
        print('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10" onload="alert(1)">'
              '<script>alert(2)</script><a href="javascript:alert(3)"><rect width="5" height="5" onclick="x()"/></a>'
              '<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">hi</div></foreignObject>'
              '<set attributeName="href" to="javascript:alert(4)"/><text x="1" y="9">kept</text></svg>')
    """)
    result = run_script(path, {}, timeout=30)
    assert result.svg == ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><a><rect width="5" '
                          'height="5" /></a><text x="1" y="9">kept</text></svg>')


@pytest.mark.parametrize("output,error", [
    (b"<html><body/></html>", "printed invalid SVG: root element is <html>, expected <svg>"),
    (b"<svg><g></svg>", "printed invalid SVG: not well-formed XML: mismatched tag: line 1, column 10"),
    (b'<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg>&a;</svg>',
     "printed invalid SVG: SVG with a DOCTYPE or entities is not accepted; print the <svg> element alone"),
])
def test_output_that_is_not_svg(output: bytes, error: str) -> None:
    assert read_output(output).error == error


def test_json_output_is_parsed() -> None:
    assert read_output(json.dumps(CHART).encode()).chart == CHART
