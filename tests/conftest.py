"""Shared helpers: small gardens written into a temporary folder, and builds of them."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from garden.config import Config, load_config
from garden.pipeline import BuildResult, build_site

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"


def write_garden(root: Path, files: dict[str, str | bytes], config: str = "") -> Config:
    """Write `files` (content-relative path -> text) under root/content and load its config."""
    for rel, text in files.items():
        path = root / "content" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    (root / "garden.yaml").write_text(config or "title: Test Garden\ngit_dates: false\n", encoding="utf-8")
    return load_config(root / "garden.yaml")


@pytest.fixture
def garden(tmp_path):
    """Build a garden from a dict of files; returns (result, output folder)."""

    def build(files: dict[str, str | bytes], config: str = "", write: bool = True) -> tuple[BuildResult, Path]:
        cfg = write_garden(tmp_path, files, config)
        return build_site(cfg, write=write, jobs=1), cfg.output_dir

    return build


def messages(result: BuildResult) -> list[str]:
    return [d.format() for d in result.diagnostics]


def isolate_git(monkeypatch, tmp_path: Path) -> None:
    """Git as on a machine with no git config: identity from the environment, nothing from ~/.gitconfig,
    and no repository found above the test's folder."""
    for kind in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{kind}_NAME", "Garden Test")
        monkeypatch.setenv(f"GIT_{kind}_EMAIL", "garden@example.org")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-global-gitconfig"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))


def load_bench_generator():
    """bench/generate.py as a module (bench/ is not a package)."""
    import importlib.util
    import sys

    spec = importlib.util.spec_from_file_location("bench_generate", Path(__file__).resolve().parent.parent
                                                  / "bench" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module
