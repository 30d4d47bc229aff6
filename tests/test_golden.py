"""A small garden built and compared with its expected site, file by file.

After an intended change to the output, regenerate with
`GARDEN_REGEN_GOLDEN=1 pytest tests/test_golden.py` and review the diff.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from garden.config import load_config
from garden.pipeline import build_site

HERE = Path(__file__).parent / "golden"
EXPECTED = HERE / "expected"
SKIP = ("static/", ".garden-build")  # static files are copied verbatim; the marker is not content


def built_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file() and not p.relative_to(root).as_posix().startswith(SKIP)}


def test_golden_site(tmp_path):
    config = load_config(HERE / "garden" / "garden.yaml", output=str(tmp_path / "public"))
    result = build_site(config, jobs=1)
    assert [d.format() for d in result.diagnostics] == [
        "notes/alpha.md:10: warning: broken link: [[Nowhere]] matches no note"]
    actual = built_files(tmp_path / "public")
    if os.environ.get("GARDEN_REGEN_GOLDEN"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        for rel, data in actual.items():
            (EXPECTED / rel).parent.mkdir(parents=True, exist_ok=True)
            (EXPECTED / rel).write_bytes(data)
    expected = built_files(EXPECTED)
    assert sorted(actual) == sorted(expected)
    for rel in expected:
        assert actual[rel].decode() == expected[rel].decode(), rel
