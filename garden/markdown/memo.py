"""What a note's last render converted with a costly library, taken again as it was.

Math (latex2mathml) and highlighted code (Pygments) are pure functions of
their source, and loading either library costs an edit build more than the
rest of rendering the note. A render hands on every conversion it made in
`env["conversions"]` (kept with the body's HTML); the note's next render gets
them as `env["earlier_conversions"]`, a function that reads them, called only
when the note's first such fragment is met. A fragment left as it was is then
taken from there, and an edit that changed none never loads the library.
"""

from __future__ import annotations

from typing import Callable

from markdown_it.utils import EnvType

Conversion = tuple[str, ...]  # ("math", TeX, "inline" or "block") | ("code", language, source)


def converted(env: EnvType, key: Conversion, convert: Callable[[], str]) -> str:
    """The HTML for `key`: as this render or the note's last one made it, else `convert()`'s (which may
    raise: nothing is then remembered)."""
    made = env.setdefault("conversions", {})
    found = made.get(key) or _earlier(env).get(key)
    made[key] = found or convert()
    return made[key]


def _earlier(env: EnvType) -> dict[Conversion, str]:
    earlier = env.get("earlier_conversions")
    if callable(earlier):
        earlier = env["earlier_conversions"] = earlier()
    return earlier or {}
