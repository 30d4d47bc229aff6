"""SVG that a script drew itself: checked, then embedded without anything that could run.

It must parse as XML with `<svg>` at the root. `<script>` and
`<foreignObject>` elements, `on*` attributes, animations that rewrite links
or handlers, and links other than in-document (`#id`), http(s) and data
images are removed, so an embedded chart cannot run code on the page.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from .spec import ChartSpecError

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
MAX_SVG_BYTES = 2_000_000
_DROP = {"script", "foreignobject", "iframe", "embed", "object"}
_SAFE_LINK = ("#", "http://", "https://", "data:image/png", "data:image/jpeg", "data:image/gif", "data:image/webp")

ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)


def looks_like_svg(text: str) -> bool:
    """Whether a script's output is meant as SVG rather than JSON."""
    head = text.lstrip()[:200].lower()
    return head.startswith("<")


def sanitize_svg(text: str) -> str:
    """The SVG, safe to inline in a page, or `ChartSpecError` saying why it is not SVG."""
    if len(text.encode("utf-8")) > MAX_SVG_BYTES:
        raise ChartSpecError([f"SVG larger than {MAX_SVG_BYTES // 1_000_000} MB"])
    if "<!doctype" in text.lower() or "<!entity" in text.lower():
        raise ChartSpecError(["SVG with a DOCTYPE or entities is not accepted; print the <svg> element alone"])
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ChartSpecError([f"not well-formed XML: {exc}"]) from None
    if _local(root.tag) != "svg":
        raise ChartSpecError([f"root element is <{_local(root.tag)}>, expected <svg>"])
    _clean(root)
    return ET.tostring(root, encoding="unicode")


def _clean(element: ET.Element) -> None:
    for child in list(element):
        if not isinstance(child.tag, str) or _local(child.tag).lower() in _DROP or _rewrites_danger(child):
            element.remove(child)
            continue
        _clean(child)
    for name in list(element.attrib):
        local = _local(name).lower()
        value = element.attrib[name].strip().lower()
        if local.startswith("on") or (local == "href" and not value.startswith(_SAFE_LINK)):
            del element.attrib[name]


def _rewrites_danger(element: ET.Element) -> bool:
    """`<set>`/`<animate>` that would write a link or an event handler."""
    if _local(element.tag).lower() not in ("set", "animate"):
        return False
    target = element.get("attributeName", "").rpartition(":")[2].lower()
    return target == "href" or target.startswith("on")


def _local(tag: str) -> str:
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
