"""The Python floor: the least work any Python static site generator does per note.

    python bench/floor.py CONTENT_DIR OUT_DIR [--jobs N]

For every `*.md` under CONTENT_DIR: read it, parse its YAML front-matter
(CSafeLoader), render the body with markdown-it-py (CommonMark + tables) and
Pygments for fenced code, put it in a Jinja template, and write
OUT_DIR/<slug>/index.html. No links resolved, no backlinks, no tag pages.
One process per core. A generator slower than this by a small factor is
doing its extra work efficiently; a large factor is overhead worth finding.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from multiprocessing import Pool
from pathlib import Path

import yaml
from jinja2 import Environment
from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

TEMPLATE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{{ title }}</title></head>
<body><main><h1>{{ title }}</h1>
<p class="meta">{{ tags | join(", ") }}</p>
{{ body | safe }}
</main></body></html>
"""
_FORMATTER = HtmlFormatter(nowrap=True)
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's C parser when PyYAML has it
_UNSAFE = re.compile(r"[^\w\-.~]+")


def _highlight(code: str, language: str, attrs: str) -> str:
    try:
        lexer = get_lexer_by_name(language) if language else None
    except ClassNotFound:
        lexer = None
    return highlight(code, lexer, _FORMATTER) if lexer else ""  # "" → markdown-it escapes it


def slug(rel: str) -> str:
    path = rel[: -len(".md")]
    return "/".join(_UNSAFE.sub("-", part.lower()).strip("-") for part in path.split("/"))


_md: MarkdownIt | None = None
_template = None
_out: Path | None = None


def _init(out: Path) -> None:
    global _md, _template, _out
    _md = MarkdownIt("commonmark", {"highlight": _highlight}).enable("table")
    _template = Environment(autoescape=True).from_string(TEMPLATE)
    _out = out


def build_note(args: tuple[Path, str]) -> int:
    path, rel = args
    text = path.read_text(encoding="utf-8")
    front: dict = {}
    if text.startswith("---\n"):
        end = text.find("\n---\n", 4)
        if end > 0:
            front = yaml.load(text[4:end], Loader=_LOADER) or {}
            text = text[end + 5:]
    html = _template.render(title=front.get("title", rel), tags=front.get("tags") or [], body=_md.render(text))
    target = _out / slug(rel) / "index.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(html, encoding="utf-8")
    return 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="The Python floor: read, YAML, markdown-it, Pygments, Jinja, write.")
    parser.add_argument("content", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--jobs", type=int, help="processes (default: all cores)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    root = args.content.resolve()
    notes = sorted((p, p.relative_to(root).as_posix()) for p in root.rglob("*.md"))
    jobs = args.jobs or os.cpu_count() or 1
    out = args.out.resolve()
    if jobs == 1:
        _init(out)
        done = sum(map(build_note, notes))
    else:
        with Pool(jobs, initializer=_init, initargs=(out,)) as pool:
            done = sum(pool.imap_unordered(build_note, notes, chunksize=max(1, len(notes) // (jobs * 16))))
    print(f"floor: {done} notes in {time.perf_counter() - started:.2f}s with {jobs} process(es)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
