"""`garden new "Title"`: a new note from the note template, never over an existing file."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from .config import Config
from .errors import GardenError
from .paths import slugify

TEMPLATE = """---
title: {title}
description: ""
tags: []
stage: seedling
created: {today}
---

"""


def create_note(config: Config, title: str, folder: str = "") -> Path:
    title = title.strip()
    if not title:
        raise GardenError("a note needs a title: garden new \"My Note\"")
    target_dir = (config.content_dir / folder).resolve()
    if not target_dir.is_relative_to(config.content_dir):
        raise GardenError(f"folder {folder!r} is outside the content folder")
    path = target_dir / f"{slugify(title)}.md"
    if path.exists():
        raise GardenError(f"{path} already exists; garden new never overwrites a note")
    target_dir.mkdir(parents=True, exist_ok=True)
    quoted = title if title.replace(" ", "").isalnum() else '"' + title.replace('"', '\\"') + '"'
    with path.open("x", encoding="utf-8") as handle:  # "x": fail rather than overwrite, even in a race
        handle.write(TEMPLATE.format(title=quoted, today=dt.date.today().isoformat()))
    return path
