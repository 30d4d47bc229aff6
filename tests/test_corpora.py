"""Real gardens written by other people build without errors, with exactly the unresolved links expected.

The expected lists come from ../shared/corpora/README.md, counted by an
independent script with Obsidian's rules.
"""

from __future__ import annotations

import pytest

from garden.config import load_config
from garden.pipeline import build_site

from .conftest import CORPORA

EXPECTED_UNRESOLVED = {
    "quartz-docs": set(),
    "foam-docs": {("user/index.md", "[[publishing]]"), ("user/tools/cli/search.md", "[[cli-grep]]")},
    "jekyll-garden": {("_notes/your-first-note.md", "[[there is no note that matches this link]]"),
                      ("_notes/your-first-note.md", "[[notes that do not exist]]")},
}
NOTES = {"quartz-docs": 76, "foam-docs": 86, "jekyll-garden": 9}


def unresolved_wikilinks(result) -> set[tuple[str, str]]:
    found = set()
    for d in result.diagnostics:
        for prefix in ("broken link: ", "broken embed: "):
            if d.message.startswith(prefix) and "[[" in d.message:
                found.add((d.path, d.message[len(prefix):].rsplit(" matches ", 1)[0]))
    return found


@pytest.mark.skipif(not CORPORA.is_dir(), reason="../shared/corpora is not beside this checkout")
@pytest.mark.parametrize("name", sorted(EXPECTED_UNRESOLVED))
def test_corpus_builds(name, tmp_path):
    config = load_config(None, root=tmp_path, content=str(CORPORA / name), output=str(tmp_path / "out"))
    result = build_site(config, jobs=1)
    assert [d.format() for d in result.errors] == []
    assert unresolved_wikilinks(result) == EXPECTED_UNRESOLVED[name]
    drafts = 1 if name == "quartz-docs" else 0
    assert result.notes + drafts == NOTES[name]
    assert (tmp_path / "out" / "index.html").exists()
