"""All slug and URL math.

Site URLs are site-relative strings with no leading slash: "" is the home,
"ml/kv-cache/" a note page, "tags/ml/" a tag page, "static/style.css" a file.
A page never links with an absolute path: it links relative to itself, so the
site works at a domain's root, under a sub-path (/repo-name/) and from disk.

Rendered note bodies are shared between pages at different depths (a note is
transcluded into others), so a body does not contain final hrefs. It contains
*site references*: a NUL-delimited marker holding the site URL, turned into a
relative URL when the body is placed on a page. markdown-it replaces NUL in its
input, so a NUL in rendered HTML can only be one of ours.
"""

from __future__ import annotations

import re
from functools import lru_cache
import unicodedata
from urllib.parse import quote

MARK = "\x00"

# Characters that are unsafe or awkward in a URL path segment; letters of any
# script and digits are kept.
_UNSAFE = re.compile(r"[^\w\-.~]+", re.UNICODE)
_DASHES = re.compile(r"-{2,}")


@lru_cache(maxsize=65536)  # the same tags and folders are slugged for every page that lists them
def slugify(text: str) -> str:
    """A stable, lowercase URL segment: Unicode letters kept, the rest folded to '-'."""
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = text.replace("_", "-")
    text = _UNSAFE.sub("-", text)
    text = _DASHES.sub("-", text).strip("-.")
    return text or "untitled"


@lru_cache(maxsize=65536)
def slugify_path(path: str) -> str:
    """Slug every segment of a posix path ("Notes/My Note" -> "notes/my-note")."""
    return "/".join(slugify(part) for part in path.split("/") if part)


_HEADING_DROP = re.compile(r"[^\w\s\-]", re.UNICODE)
_SPACES = re.compile(r"[\s\-]+", re.UNICODE)


def heading_slug(text: str) -> str:
    """The id of a heading, and the key a `[[Note#Heading]]` link is matched by.

    Case and punctuation are ignored, as Obsidian does when it matches a heading
    link, so `[[Note#What's new?]]` finds "## What's New".
    """
    text = unicodedata.normalize("NFC", text).strip().lower()
    text = _HEADING_DROP.sub("", text)
    text = _SPACES.sub("-", text).strip("-")
    return text or "section"


def tag_url(tag: str) -> str:
    return f"tags/{slugify_path(tag)}/"


def folder_url(folder: str) -> str:
    return f"{slugify_path(folder)}/" if folder else ""


def site_ref(url: str) -> str:
    """A late-bound reference to a site URL, for use inside rendered bodies."""
    return f"{MARK}u:{quote_url(url)}{MARK}"


def quote_url(url: str) -> str:
    """Percent-encode a site URL so it is safe in any attribute."""
    return quote(url, safe="/#~-._")  # "^" (block ids) is not allowed in a URL, so %5E


def relative_url(target: str, page: str) -> str:
    """The href that leads from page URL `page` to site URL `target`.

    Both are site-relative; a URL ending in "/" is a folder (pretty URL).
    (Called for every link on every page, so it works on segments directly
    rather than through posixpath.relpath.)
    """
    target, _, fragment = target.partition("#")
    suffix = f"#{fragment}" if fragment else ""
    if target == page and fragment:
        return suffix
    here = page.split("/")[:-1]  # the page's folder: "a/b/" -> [a, b]; "a/x.html" -> [a]
    there = target.split("/")
    common = 0
    while common < len(here) and common < len(there) - 1 and here[common] == there[common]:
        common += 1
    rel = "../" * (len(here) - common) + "/".join(there[common:])
    return (rel or "./") + suffix


def asset_url(rel: str) -> str:
    """Where a garden file (image, PDF) is published: its folder slugged, its name kept,
    except `#`, which would end the URL's path wherever the name is linked."""
    folder, _, name = rel.rpartition("/")
    name = name.replace("#", "-")
    return f"{slugify_path(folder)}/{name}" if folder else name
