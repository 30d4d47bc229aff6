"""The site's files besides its pages: the feed, sitemap, robots.txt and graph data (the graph's layout begun
in a child process where it can be), and the static and garden files copied beside the pages."""

from __future__ import annotations

from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Callable

from . import forked, layout, outputs
from .config import Config
from .dirty import Edit, stale_extras
from .errors import Diagnostic
from .models import SourceFile
from .paths import asset_url
from .plan import Garden
from .resources import default_dir
from .write import SiteWriter


def copy_files(config: Config, assets: dict[str, SourceFile], writer: SiteWriter,
               problems: list[Diagnostic]) -> int:
    """The static folder's files, and the garden's own files (images, PDFs) beside its pages.

    A garden file whose place is taken (by a page, the feed, a static file or
    another file whose folder has the same URL) is left out and reported.
    """
    statics: dict[str, Path] = {}
    for root in (default_dir("static"), config.root / "static"):  # the garden's own files win
        if root.is_dir():
            for path in sorted(root.rglob("*")):
                if path.is_file():
                    statics[path.relative_to(root).as_posix()] = path
    for rel, path in statics.items():
        writer.copy(f"static/{rel}", path)
    copied = 0
    for rel, source in assets.items():
        url = asset_url(rel)
        if writer.claimed(url):
            problems.append(Diagnostic(rel, 0, "error", f"{rel} would be published at /{url}, which is already "
                                                        "taken by another file or page; it is left out",
                                       "rename the file or the folder it is in"))
            continue
        writer.copy(url, Path(source.path))
        copied += 1
    return copied


def graph_laid_out_ahead(garden: Garden, edit: Edit | None, jobs: int | None) \
        -> AbstractContextManager[Callable[[], tuple[tuple, dict]] | None]:
    """graph.json's layouts begun in a child process, to be computed while the pages render, when graph.json is
    to be made anew: they take a core a second or more at 10,000 notes (unless an earlier build's hold). The
    answer is the layouts' places and every layout the child then knew (see `graph_json_laid_out_ahead`)."""
    if jobs == 1 or "graph.json" not in stale_extras(edit, set()):
        return nullcontext()
    inputs = outputs.graph_layouts(garden.notes, garden.graph)
    return forked.in_child(lambda: (tuple(layout.layout(*laid_out) for laid_out in inputs), layout.remembered()))


def graph_json_laid_out_ahead(garden: Garden, answer: Callable[[], tuple[tuple, dict]]) -> bytes:
    """graph.json with the places the child computed; the layouts it knew are this process's too (and so the
    cache's)."""
    places, layouts = answer()
    layout.remember(layouts)
    return outputs.graph_json(garden.notes, garden.graph, places)


def write_extras(garden: Garden, writer: SiteWriter, edit: Edit | None, feed: list[str],
                 graph_json: Callable[[], bytes] | None = None,
                 graph_later: bool = False) -> Callable[[], bytes] | None:
    """The feed (of the notes keyed in `feed`), sitemap, robots.txt and graph data; of the first three, those
    the `edit` cannot have changed are kept (None: a build from scratch). `graph_json`: makes the graph data,
    when it was begun ahead. With `graph_later`, stale graph data that has an older file is kept, and what
    makes it is returned."""
    config = garden.config
    notes = garden.notes.values()
    stale = stale_extras(edit, set(feed))
    makers = {
        "feed.xml": lambda: outputs.atom_feed(config, [garden.notes[key] for key in feed],
                                              lambda key: garden.bodies[key].summary),
        "sitemap.xml": lambda: outputs.sitemap(config, [("", max((n.updated for n in notes if n.updated),
                                                                  default=None))]
                                                       + [(n.url, n.updated) for n in notes if n.url]),
        "graph.json": graph_json or (lambda: outputs.graph_json(garden.notes, garden.graph)),
    }
    later = None
    for name, make in makers.items():
        if name == "graph.json" and name in stale and graph_later and writer.keep(name):
            later = make
        elif name in stale or not writer.keep(name):
            writer.put(name, make())
    writer.put("robots.txt", outputs.robots(config))
    writer.put(".nojekyll", b"")
    if config.cname:
        writer.put("CNAME", (config.cname.strip() + "\n").encode("utf-8"))
    return later
