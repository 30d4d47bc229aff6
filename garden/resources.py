"""Where the default templates and static files live.

In a checkout they are the repository's top-level `templates/` and `static/`;
in an installed wheel the same files are shipped inside the package (see
pyproject's force-include), so there is one copy of each.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def default_dir(name: str) -> Path:
    """`templates` or `static` as shipped with garden."""
    shipped = _PACKAGE / "_defaults" / name
    if shipped.is_dir():
        return shipped
    return _PACKAGE.parent / name
