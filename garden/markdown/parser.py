"""The one Markdown dialect of the garden: CommonMark, GFM extras and Obsidian syntax."""

from __future__ import annotations

from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .block_ids import block_ids_plugin
from .callouts import callouts_plugin
from .charts import ChartLookup, charts_plugin, no_charts
from .code import code_plugin
from .comments import comments_plugin
from .heading_ids import heading_ids_plugin
from .highlight_mark import highlight_mark_plugin
from .local_links import local_links_plugin
from .math import math_plugin
from .tables import tables_plugin
from .tags import tags_plugin
from .wikilinks import Resolve, wikilinks_plugin


def make_parser(resolve: Resolve, *, raw_html: bool = True, charts: ChartLookup = no_charts) -> MarkdownIt:
    """A parser whose links resolve with `resolve(target, source_key)` and whose
    ```chart blocks are drawn from `charts(script, args, source_key)`.

    The note being rendered is named in the env: `source_key`, `self_target`
    (what `[[#Heading]]` points at), `source_path` and `line_offset` for reports.
    """
    md = MarkdownIt("commonmark", {"html": raw_html, "linkify": True, "typographer": False, "xhtmlOut": False})
    md.enable(["table", "strikethrough", "linkify"])
    _fast_linkify(md)
    md.use(comments_plugin)  # first: nothing inside a comment may become a token
    md.use(math_plugin)
    md.use(wikilinks_plugin, resolve=resolve)
    md.use(local_links_plugin, resolve=resolve)
    md.use(tags_plugin)
    md.use(highlight_mark_plugin)
    md.use(footnote_plugin)
    md.use(tasklists_plugin)
    md.use(callouts_plugin)
    md.use(charts_plugin, lookup=charts)  # before code: a ```chart fence is not code
    md.use(block_ids_plugin)
    md.use(heading_ids_plugin)
    md.use(code_plugin)
    md.use(tables_plugin)
    return md


def _fast_linkify(md: MarkdownIt) -> None:
    """Link bare URLs that have a scheme, and e-mail addresses; not bare domains.

    A bare domain rule would turn "build.py" into a link (.py is a country's
    domain), and linkify-it's own pretest costs a third of a note's render, so
    a substring check rules out the common paragraph without a link first.
    """
    md.linkify.set({"fuzzy_link": False})
    pretest = md.linkify.pretest
    md.linkify.pretest = lambda text: ("://" in text or "@" in text) and pretest(text)
