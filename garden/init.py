"""`garden init DIR`: a new garden from the starter files shipped inside garden, never over an existing file.

The starter (garden/starter/) holds `garden.yaml` with every option, a few
notes that show the syntax, a chart script with its stored result, the GitHub
Pages workflow and a `.gitignore`. Files whose names start with a dot are
kept as `dot-…` there, so neither git nor packaging treats them as this
repository's own.
"""

from __future__ import annotations

import importlib.metadata
import json
import re
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .errors import GardenError

STARTER = Path(__file__).resolve().parent / "starter"
STARTER_TITLE = "title: My Garden"
PLACEHOLDER_SOURCE = "garden @ git+https://github.com/OWNER/garden"


@dataclass
class NewGarden:
    root: Path
    written: list[str] = field(default_factory=list)  # paths relative to root
    kept: list[str] = field(default_factory=list)  # already there, left as they were
    source: str = PLACEHOLDER_SOURCE  # what the Pages workflow installs garden from


def starter_files(title: str, source: str) -> dict[str, bytes]:
    """The new garden's files (path relative to its root → bytes), with its title and garden's source filled in."""
    files: dict[str, bytes] = {}
    for path in sorted(STARTER.rglob("*")):
        rel = path.relative_to(STARTER)
        if not path.is_file() or "__pycache__" in rel.parts:
            continue
        name = "/".join("." + part[4:] if part.startswith("dot-") else part for part in rel.parts)
        files[name] = path.read_bytes()
    yaml_title = title if re.fullmatch(r"[\w][\w .,'-]*", title) else json.dumps(title)  # JSON strings are YAML
    files["garden.yaml"] = files["garden.yaml"].replace(STARTER_TITLE.encode(), f"title: {yaml_title}".encode(), 1)
    workflow = ".github/workflows/pages.yml"
    files[workflow] = files[workflow].replace(PLACEHOLDER_SOURCE.encode(), source.encode(), 1)
    return files


def init_garden(target: Path, *, title: str | None = None, force: bool = False) -> NewGarden:
    """Write a new garden into `target`, which must be empty or absent unless `force`; never overwrite."""
    root = target.resolve()
    if root.exists() and not root.is_dir():
        raise GardenError(f"{target} is a file; garden init needs a folder")
    # A folder that holds only `.git` (a fresh `git init`) counts as empty.
    if root.is_dir() and any(p.name != ".git" for p in root.iterdir()) and not force:
        raise GardenError(f"{target} is not empty, so garden init wrote nothing; choose a new folder, or pass "
                          "--force to add the starter files that are missing (it never overwrites a file)")
    made = NewGarden(root, source=install_source())
    title = (title or _title_from(root.name)).strip() or "My Garden"
    for rel, data in starter_files(title, made.source).items():
        path = root / rel
        if path.exists() or path.is_symlink():
            made.kept.append(rel)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("xb") as handle:  # "x": fail rather than overwrite, even in a race
            handle.write(data)
        made.written.append(rel)
    return made


def install_source() -> str:
    """Where CI can install this same garden from: the git URL it was installed from, or the public
    remote of the checkout it runs from; else the placeholder, to be filled in by hand."""
    try:
        direct = json.loads(importlib.metadata.distribution("garden").read_text("direct_url.json") or "{}")
    except (importlib.metadata.PackageNotFoundError, ValueError):
        return PLACEHOLDER_SOURCE
    url = direct.get("url", "")
    if "vcs_info" in direct and url.startswith("https://"):
        revision = direct["vcs_info"].get("requested_revision")
        return f"garden @ git+{url}" + (f"@{revision}" if revision else "")
    if "dir_info" in direct and url.startswith("file://"):  # `pip install .` or `-e .` from a checkout
        remote = _git_remote(Path(unquote(urlsplit(url).path)))
        if remote:
            return f"garden @ git+{remote}"
    return PLACEHOLDER_SOURCE


def _git_remote(folder: Path) -> str | None:
    """The checkout's `origin` as an https URL, when it is one anybody's CI could clone."""
    try:
        done = subprocess.run(["git", "remote", "get-url", "origin"], cwd=folder, capture_output=True, text=True,
                              timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    url = done.stdout.strip() if done.returncode == 0 else ""
    ssh = re.fullmatch(r"git@([\w.-]+):(.+)", url)  # git@github.com:owner/garden.git
    if ssh:
        url = f"https://{ssh[1]}/{ssh[2]}"
    return url if url.startswith("https://") else None


def _title_from(folder_name: str) -> str:
    """`my-garden` → `My Garden`."""
    words = re.split(r"[\s_-]+", folder_name.strip())
    return " ".join(w[:1].upper() + w[1:] for w in words if w)
