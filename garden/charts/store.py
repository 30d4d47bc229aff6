"""The data file beside a script: what it printed, stamped with what it was computed from.

`lln.py` run without arguments is stored in `lln.chart.json`; with arguments
in `lln.<digest of the arguments>.chart.json`, so every parameter set has a
file of its own and the name never depends on what other notes embed. The
file names its script and holds the arguments and the digest of the script's
bytes when it ran: a build compares that digest with the script's current
one to tell a stale result from a fresh one. No timestamps, so running an
unchanged script again leaves the file byte for byte the same.
"""

from __future__ import annotations

import hashlib
import json
import os
import posixpath
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping, Union

from ..errors import GardenError

DATA_SUFFIX = ".chart.json"
SCRIPT_SUFFIX = ".py"
FORMAT = 1

Scalar = Union[str, int, float, bool]
Args = Mapping[str, Scalar]


class StoreError(GardenError):
    """A data file that cannot be read as one."""


def script_digest(data: bytes) -> str:
    """The digest of a script's bytes: the same function `garden.discover` uses for every file."""
    return hashlib.blake2b(data, digest_size=16).hexdigest()


def canonical_args(args: Args) -> str:
    """One text per set of arguments, whatever order they were written in."""
    return json.dumps(dict(args), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def data_file_for(script: str, args: Args) -> str:
    """The data file (content-relative) that holds `script` run with `args`."""
    folder, _, name = script.rpartition("/")
    stem = name[: -len(SCRIPT_SUFFIX)] if name.endswith(SCRIPT_SUFFIX) else name
    tag = "." + hashlib.blake2b(canonical_args(args).encode("utf-8"), digest_size=4).hexdigest() if args else ""
    return posixpath.join(folder, f"{stem}{tag}{DATA_SUFFIX}")


def is_chart_file(rel: str) -> bool:
    """Scripts and their data files: the garden's chart machinery, not pages or assets to publish."""
    lower = rel.lower()
    return lower.endswith(SCRIPT_SUFFIX) or lower.endswith(DATA_SUFFIX)


@dataclass(frozen=True)
class StoredChart:
    """One run's outcome: a JSON chart, an SVG, or an error with the script's standard error."""

    script: str  # content-relative path of the script
    args: dict[str, Scalar] = field(default_factory=dict)
    script_digest: str = ""  # of the script's bytes when it ran
    chart: Any = None  # the JSON chart it printed, parsed
    svg: str = ""  # or the SVG it printed
    error: str = ""  # or what went wrong
    stderr: str = ""  # the end of its standard error, when it failed

    @property
    def key(self) -> tuple[str, str]:
        return self.script, canonical_args(self.args)


def dumps(stored: StoredChart) -> bytes:
    """One top-level field per line (readable diffs of the stamp), each value compact."""
    fields: dict[str, Any] = {
        "garden_chart": FORMAT,
        "script": posixpath.basename(stored.script),
        "args": dict(sorted(stored.args.items())),
        "script_digest": stored.script_digest,
    }
    if stored.error:
        fields["error"] = stored.error
        fields["stderr"] = stored.stderr
    elif stored.svg:
        fields["svg"] = stored.svg
    else:
        fields["chart"] = stored.chart
    lines = [f"{json.dumps(k)}: {json.dumps(v, separators=(',', ':'), ensure_ascii=False)}" for k, v in fields.items()]
    return ("{\n" + ",\n".join(lines) + "\n}\n").encode("utf-8")


def loads(data: bytes, rel: str) -> StoredChart:
    """Read the data file at content-relative `rel`."""
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise StoreError(f"not a chart data file: {exc}") from None
    if not isinstance(raw, dict) or "garden_chart" not in raw:
        raise StoreError("not a chart data file: no \"garden_chart\" field")
    if raw["garden_chart"] != FORMAT:
        raise StoreError(f"chart data format {raw['garden_chart']!r} is not one this garden reads "
                         f"(it reads {FORMAT}); run `garden charts --force`")
    script, args, digest = raw.get("script"), raw.get("args", {}), raw.get("script_digest", "")
    if not isinstance(script, str) or not script.endswith(SCRIPT_SUFFIX) or "/" in script:
        raise StoreError(f"chart data file: \"script\" should be the script's file name, found {script!r}")
    if not isinstance(args, dict) or not isinstance(digest, str):
        raise StoreError("chart data file: \"args\" should be an object and \"script_digest\" text")
    outputs = [k for k in ("chart", "svg", "error") if k in raw]
    if len(outputs) != 1:
        raise StoreError("chart data file: expected exactly one of \"chart\", \"svg\" or \"error\"")
    folder = posixpath.dirname(rel)
    return StoredChart(
        script=posixpath.join(folder, script), args=args, script_digest=digest,
        chart=raw.get("chart"), svg=str(raw.get("svg", "")), error=str(raw.get("error", "")),
        stderr=str(raw.get("stderr", "")),
    )


def write(path: Path, stored: StoredChart) -> bool:
    """Write the data file atomically; False (and nothing written) when it already holds these bytes."""
    data = dumps(stored)
    try:
        if path.read_bytes() == data:
            return False
    except OSError:
        pass
    # A dot-file while writing: discovery ignores it if a build runs meanwhile.
    fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a data file is meant to be shared
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return True


def script_argv(args: Args) -> list[str]:
    """`{seed: 7, fast: true}` → `--fast --seed 7`: sorted, `true` a bare flag, `false` left out."""
    argv: list[str] = []
    for key in sorted(args):
        value = args[key]
        if value is True:
            argv.append(f"--{key}")
        elif value is not False:
            argv += [f"--{key}", str(value)]
    return argv
