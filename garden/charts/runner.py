"""Run one chart script in its own process and judge what it printed.

The script runs with the garden's Python (`sys.executable`, so whatever is
installed there is available), in its own folder, with a time limit, stdin
closed, and nothing of the garden's state: it is a fresh interpreter that
sees only its arguments. Hash randomisation is pinned so a script that
iterates over a set still prints the same bytes every run. Only
`garden charts` (and the preview server) run scripts; a build never does.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .rawsvg import looks_like_svg, sanitize_svg
from .spec import ChartSpecError, parse_chart
from .store import Args, script_argv

DEFAULT_TIMEOUT = 60.0
MAX_OUTPUT = 10_000_000  # bytes: a chart is a picture, not a data set
STDERR_TAIL = 2_000  # characters of standard error kept with a failure


@dataclass(frozen=True)
class RunResult:
    """A chart (parsed JSON), an SVG, or an error; with the end of standard error either way."""

    chart: Any = None
    svg: str = ""
    error: str = ""
    stderr: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.error


def run_script(path: Path, args: Args, timeout: float = DEFAULT_TIMEOUT) -> RunResult:
    """Run `path` with `args` and return what it printed, or why it is not a chart."""
    if not path.is_file():
        return RunResult(error="script not found")
    env = {**os.environ, "PYTHONHASHSEED": "0", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONIOENCODING": "utf-8"}
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, path.name, *script_argv(args)], cwd=path.parent, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=os.name == "posix",  # its own process group, so a timeout ends its children too
    )
    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(process)
        try:
            stdout, stderr = process.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # a grandchild kept the pipes open
            stdout, stderr = b"", b""
        return RunResult(error=f"timed out after {timeout:g} s", stderr=_tail(stderr),
                         seconds=time.perf_counter() - started)
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        code = process.returncode
        error = f"was killed by signal {-code}" if code < 0 else f"exited with status {code}"
        return RunResult(error=error, stderr=_tail(stderr), seconds=seconds)
    result = read_output(stdout)
    return RunResult(result.chart, result.svg, result.error, _tail(stderr), seconds)


def read_output(stdout: bytes) -> RunResult:
    """A script's standard output as a chart: JSON that validates, or SVG that parses."""
    if len(stdout) > MAX_OUTPUT:
        return RunResult(error=f"printed {len(stdout) / 1e6:.1f} MB; a chart must be under "
                               f"{MAX_OUTPUT // 1_000_000} MB (sample or bin the data in the script)")
    text = stdout.decode("utf-8", errors="replace")
    if not text.strip():
        return RunResult(error="printed nothing on standard output")
    if looks_like_svg(text):
        try:
            return RunResult(svg=sanitize_svg(text.strip()))
        except ChartSpecError as exc:
            return RunResult(error=f"printed invalid SVG: {exc}")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        return RunResult(error=f"printed invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}): "
                               f"{_snippet(text)}")
    try:
        parse_chart(data)
    except ChartSpecError as exc:
        return RunResult(error=f"printed an invalid chart: {exc}")
    return RunResult(chart=data)


def _kill(process: subprocess.Popen) -> None:
    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except (ProcessLookupError, PermissionError):
        pass


def _tail(stderr: bytes) -> str:
    text = stderr.decode("utf-8", errors="replace").rstrip()
    return text if len(text) <= STDERR_TAIL else "…" + text[-STDERR_TAIL:]


def _snippet(text: str) -> str:
    first = text.strip().splitlines()[0]
    return repr(first if len(first) <= 60 else first[:57] + "...")
