"""Finding the garden's files: a walk, or (in the preview) a look at just the paths that changed."""

from __future__ import annotations

from pathlib import Path

from garden.config import DEFAULT_IGNORE
from garden.discover import discover


def walk(root: Path, known=None, only=None):
    files, problems = discover(root, DEFAULT_IGNORE, {f.rel: f for f in known or ()}, only)
    return files, problems


def test_a_recheck_equals_a_walk_after_edits_additions_and_deletions(tmp_path):
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("b")
    first, _ = walk(tmp_path)
    (tmp_path / "a.md").write_text("changed")
    (tmp_path / "sub" / "c.md").write_text("new")
    (tmp_path / "sub" / "b.md").unlink()
    changed = {str(tmp_path / "a.md"), str(tmp_path / "sub" / "c.md"), str(tmp_path / "sub" / "b.md")}
    rechecked, problems = walk(tmp_path, first, changed)
    walked, _ = walk(tmp_path)
    assert problems == []
    assert [(f.rel, f.digest) for f in rechecked] == [(f.rel, f.digest) for f in walked]
    assert [f.rel for f in rechecked] == ["a.md", "sub/c.md"]


def test_paths_outside_the_garden_and_ignored_ones_change_nothing(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (content / "a.md").write_text("a")
    first, _ = walk(content)
    (content / ".obsidian").mkdir()
    (content / ".obsidian" / "workspace.json").write_text("{}")
    rechecked, _ = walk(content, first, {str(tmp_path / "templates" / "note.html"),
                                         str(content / ".obsidian" / "workspace.json")})
    assert rechecked == first


def test_a_new_or_removed_folder_or_a_symlink_means_a_walk(tmp_path):
    (tmp_path / "a.md").write_text("a")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.md").write_text("b")
    first, _ = walk(tmp_path)
    (tmp_path / "new").mkdir()
    (tmp_path / "new" / "c.md").write_text("c")
    files, _ = walk(tmp_path, first, {str(tmp_path / "new")})
    assert [f.rel for f in files] == ["a.md", "new/c.md", "sub/b.md"]
    (tmp_path / "sub" / "b.md").unlink()
    (tmp_path / "sub").rmdir()
    files, _ = walk(tmp_path, files, {str(tmp_path / "sub")})
    assert [f.rel for f in files] == ["a.md", "new/c.md"]
    outside = tmp_path.parent / f"{tmp_path.name}-outside.md"
    outside.write_text("secret")
    (tmp_path / "link.md").symlink_to(outside)
    files, problems = walk(tmp_path, files, {str(tmp_path / "link.md")})
    assert [f.rel for f in files] == ["a.md", "new/c.md"]
    assert [p.message for p in problems] == ["symlink points outside the garden; skipped"]
