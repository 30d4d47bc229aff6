"""Shared fixtures for the Markdown plugin tests."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def env() -> dict[str, Any]:
    """The env the body renderer gives markdown-it: the note's path and front-matter length."""
    return {"source_path": "notes/a.md", "line_offset": 3}
