"""The data file beside a script: its stamp, its round trip, and the digest shared with discovery."""

from __future__ import annotations

import pytest

from garden.charts.store import StoredChart, StoreError, dumps, loads, script_digest, write
from garden.discover import discover


def test_the_script_digest_is_the_one_discovery_records(tmp_path) -> None:
    (tmp_path / "lln.py").write_bytes(b"print('{}')\n")
    files, _ = discover(tmp_path, ())
    assert files[0].digest == script_digest(b"print('{}')\n")


def test_a_result_round_trips_one_field_per_line() -> None:
    stored = StoredChart("probability/lln.py", {"seed": 7, "n": 10}, "ab" * 16,
                         chart={"series": [{"points": [[1, 3.5]]}]})
    data = dumps(stored)
    assert data.decode() == (
        '{\n"garden_chart": 1,\n"script": "lln.py",\n"args": {"n":10,"seed":7},\n'
        f'"script_digest": "{"ab" * 16}",\n"chart": {{"series":[{{"points":[[1,3.5]]}}]}}\n}}\n')
    assert loads(data, "probability/lln.a.chart.json") == StoredChart(
        "probability/lln.py", {"n": 10, "seed": 7}, "ab" * 16, chart={"series": [{"points": [[1, 3.5]]}]})


def test_a_failure_keeps_what_the_script_said() -> None:
    stored = StoredChart("lln.py", {}, "cd" * 16, error="exited with status 1", stderr="Traceback …\nValueError: x")
    assert loads(dumps(stored), "lln.chart.json") == stored


@pytest.mark.parametrize("data,message", [
    (b"[]", 'not a chart data file: no "garden_chart" field'),
    (b'{"garden_chart": 2}', "chart data format 2 is not one this garden reads (it reads 1); "
                             "run `garden charts --force`"),
    (b'{"garden_chart": 1, "script": "../x.py", "chart": {}}',
     "chart data file: \"script\" should be the script's file name, found '../x.py'"),
    (b'{"garden_chart": 1, "script": "x.py"}', 'chart data file: expected exactly one of "chart", "svg" or "error"'),
])
def test_a_file_that_is_not_a_data_file(data: bytes, message: str) -> None:
    with pytest.raises(StoreError) as caught:
        loads(data, "x.chart.json")
    assert str(caught.value) == message


def test_writing_the_same_result_again_writes_nothing(tmp_path) -> None:
    path = tmp_path / "lln.chart.json"
    stored = StoredChart("lln.py", {}, "ab" * 16, chart={"series": []})
    assert write(path, stored) is True
    mtime = path.stat().st_mtime_ns
    assert write(path, stored) is False and path.stat().st_mtime_ns == mtime
    assert [p.name for p in tmp_path.iterdir()] == ["lln.chart.json"]  # no temporary file left behind
