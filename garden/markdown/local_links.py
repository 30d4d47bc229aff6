"""Standard Markdown links and images that point into the garden.

`[text](other-note.md)` and `![](img/photo.png)` are written relative to the
note's file; on the site they must point at the page or the copied asset.
A core rule rewrites those hrefs to site references (resolved by the
injected resolver) and turns a link to nothing into a visible missing link,
and an image of nothing into its alt text, marked as missing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererProtocol
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from ..paths import site_ref
from .wikilinks import Resolve, anchor_id

_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.\-]*:|//|#)")


def local_links_plugin(md: MarkdownIt, *, resolve: Resolve) -> None:
    def rewrite(state: StateCore) -> None:
        source_key = state.env.get("source_key", "")
        for block in state.tokens:
            children = block.children or []
            for i, token in enumerate(children):
                if token.type == "link_open":
                    if not _rewrite(token, "href", resolve, source_key):
                        _to_span(children, i)
                elif token.type == "image":
                    _rewrite(token, "src", resolve, source_key)

    md.core.ruler.after("inline", "local_links", rewrite)
    md.add_render_rule("image", _render_image)


def _rewrite(token: Token, attr: str, resolve: Resolve, source_key: str) -> bool:
    """Point the link at its page or asset; False when it leads nowhere on the site."""
    href = str(token.attrGet(attr) or "")
    if not href or _EXTERNAL.match(href):
        return True
    path, _, fragment = href.partition("#")  # split first: `%23` is a `#` in a file's name
    path, fragment = unquote(path), unquote(fragment)
    written = path if path.startswith("/") else "./" + path
    target = resolve(written, source_key)
    if target.kind == "missing" and not path.startswith(("/", "../")):
        target = resolve(path, source_key)  # Obsidian writes vault-wide names too
    token.meta = {**(token.meta or {}), "target": target, "written": href}
    if target.kind in ("missing", "unpublished"):
        return False
    url = target.url + (f"#{anchor_id(fragment)}" if fragment else "")
    token.attrSet(attr, site_ref(url))
    if token.type == "link_open" and target.kind == "note":
        token.attrJoin("class", "internal")  # styled and previewed like a wikilink
    return True


def _to_span(children: list[Token], start: int) -> None:
    """A link to a missing or unpublished note reads as text, marked, never as a 404."""
    opener = children[start]
    kind = opener.meta["target"].kind
    opener.tag, opener.attrs = "span", {"class": kind}
    for token in children[start + 1 :]:
        if token.type == "link_close" and token.level == opener.level:
            token.tag = "span"
            break


def _render_image(self: RendererProtocol, tokens: Sequence[Token], idx: int, options: OptionsDict,
                  env: EnvType) -> str:
    """An image of a file the garden does not have reads as its alt text, marked, never as a broken <img>."""
    token = tokens[idx]
    target = (token.meta or {}).get("target")
    if target is None or target.kind not in ("missing", "unpublished"):
        return self.image(tokens, idx, options, env)  # type: ignore[attr-defined]
    alt = self.renderInlineAsText(token.children or [], options, env)  # type: ignore[attr-defined]
    written = token.meta["written"]
    return (f'<span class="missing embed-missing" title="{escapeHtml(f"“{written}” is not in the garden")}">'
            f"{escapeHtml(alt or written)}</span>")
