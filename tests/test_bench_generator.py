"""bench/generate.py: deterministic, and its manifest tells the truth about the files."""

from __future__ import annotations

import json
import posixpath
import re
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote

import pytest

from .conftest import load_bench_generator



generate = load_bench_generator()

N = 50
WIKILINK = re.compile(r"(?<!!)\[\[([^\]\n]+)\]\]")
MDLINK = re.compile(r"\[([^\]\n]+)\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```$", re.S | re.M)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _front(text: str) -> tuple[dict, str]:
    import yaml

    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


@pytest.fixture(scope="module")
def garden(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("garden") / "notes"
    generate.generate(N, out, seed=3, jobs=1)
    return out


@pytest.fixture(scope="module")
def notes(garden) -> dict[str, tuple[dict, str]]:
    return {p.relative_to(garden).as_posix(): _front(p.read_text(encoding="utf-8"))
            for p in sorted(garden.rglob("*.md"))}


@pytest.fixture(scope="module")
def manifest(garden) -> dict:
    return json.loads((garden / "manifest.json").read_text())


def test_same_seed_same_bytes_whatever_the_jobs(tmp_path, garden):
    generate.generate(N, tmp_path / "again", seed=3, jobs=2)
    assert _files(tmp_path / "again") == _files(garden)


def test_another_seed_another_garden(tmp_path, garden):
    generate.generate(N, tmp_path / "other", seed=4, jobs=1)
    assert _files(tmp_path / "other") != _files(garden)


def test_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "old.md").write_text("an old note")
    with pytest.raises(SystemExit):
        generate.generate(3, tmp_path, seed=1)


def test_notes_have_the_promised_shape(notes):
    assert len(notes) == N
    depths = {rel.count("/") for rel in notes}
    assert depths <= {1, 2, 3} and len(depths) >= 2  # nested folders, two or three levels
    for rel, (front, body) in notes.items():
        assert front["title"] == posixpath.basename(rel)[: -len(".md")]
        assert all(isinstance(alias, str) for alias in front.get("aliases") or [])  # no YAML `off`
        assert front["tags"] and front["stage"] in ("seedling", "budding", "evergreen")
        assert front["updated"] >= front["created"]
        assert re.search(r"^## ", body, re.M)
        prose = FENCE.sub("", body)
        assert 250 <= len(prose.split()) <= 2500, rel
    bodies = "\n".join(body for _, body in notes.values())
    for syntax in ("```python", "```rust", "```js", "```bash", "```sql", "$$", "> [!", "| --- |", "\n- ", "### "):
        assert syntax in bodies, syntax
    assert any(front.get("aliases") for front, _ in notes.values())
    assert any("/" in tag for front, _ in notes.values() for tag in front["tags"])


def test_manifest_counts_match_the_files(notes, manifest):
    links = {rel: WIKILINK.findall(FENCE.sub("", body)) for rel, (_, body) in notes.items()}
    assert manifest["notes"] == len(notes)
    assert manifest["links"] == sum(len(found) for found in links.values())
    broken = {rel: [l for l in found if l.startswith("Missing ")] for rel, found in links.items()}
    assert manifest["broken_links"] == sum(len(b) for b in broken.values()) == max(1, N // 200)
    assert manifest["notes_with_broken_links"] == sorted(rel for rel, b in broken.items() if b)
    assert manifest["aliases"] == sum(len(front.get("aliases") or []) for front, _ in notes.values())
    assert set(manifest["backlinks"]) == set(notes)


def _resolver(notes: dict[str, tuple[dict, str]]):
    """Obsidian-style names of every note: its path (with or without folders), title and aliases."""
    names: dict[str, set[str]] = defaultdict(set)
    headings: dict[str, set[str]] = {}
    for rel, (front, body) in notes.items():
        path = rel[: -len(".md")]
        for name in (path, posixpath.basename(path), front["title"], *(front.get("aliases") or [])):
            names[name.lower()].add(rel)
        headings[rel] = {m.lower() for m in re.findall(r"^#{2,3} (.+)$", body, re.M)}
    return names, headings


def test_every_link_but_the_planted_ones_resolves_to_one_note(notes, manifest):
    names, headings = _resolver(notes)
    backlinks: dict[str, set[str]] = defaultdict(set)
    for rel, (_, body) in notes.items():
        for inner in WIKILINK.findall(FENCE.sub("", body)):
            page, _, anchor = inner.split("|")[0].partition("#")
            if page.startswith("Missing "):
                assert page.lower() not in names
                continue
            targets = names.get(page.lower(), set())
            assert len(targets) == 1, f"{rel}: [[{inner}]] names {sorted(targets) or 'no note'}"
            (target,) = targets
            assert target != rel
            if anchor:
                assert anchor.lower() in headings[target], f"{rel}: [[{inner}]] has no such heading"
            backlinks[target].add(rel)
    assert manifest["backlinks"] == {rel: len(backlinks[rel]) for rel in notes}


def test_popularity_is_skewed():
    plans = generate.plan_garden(1000, seed=1)  # the plan alone: no prose written
    counts = sorted(generate.manifest(plans, [0] * len(plans), 1, False)["backlinks"].values(), reverse=True)
    assert counts[0] >= 100 and counts[0] > 20 * counts[len(counts) // 2]


def test_plain_links_point_at_files_and_have_no_obsidian_syntax(tmp_path, notes):
    out = tmp_path / "plain"
    manifest = generate.generate(N, out, seed=3, plain=True, jobs=1)
    plain = {p.relative_to(out).as_posix(): _front(p.read_text(encoding="utf-8")) for p in sorted(out.rglob("*.md"))}
    assert {rel: front for rel, (front, _) in plain.items()} == {rel: front for rel, (front, _) in notes.items()}
    count = 0
    for rel, (_, body) in plain.items():
        prose = FENCE.sub("", body)
        assert "[[" not in prose and "[!" not in prose
        for _, href in MDLINK.findall(prose):
            count += 1
            path, _, anchor = unquote(href).partition("#")
            target = posixpath.normpath(posixpath.join(posixpath.dirname(rel), path))
            if posixpath.basename(path).startswith("Missing "):
                continue
            assert target in plain, f"{rel}: {href}"
            if anchor:
                slugs = {"-".join(h.lower().split()) for h in re.findall(r"^#{2,3} (.+)$", plain[target][1], re.M)}
                assert anchor in slugs
    assert count == manifest["links"]
