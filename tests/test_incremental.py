"""Incremental builds are correct by construction: after any edits, the site equals a clean build's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from garden.config import load_config
from garden.bodystore import BodyStore
from garden.pipeline import build_site
from garden.state import BuildState
from garden.statefile import load_state

from .conftest import write_garden

NOTES = {
    "a.md": "---\ntitle: A\ntags: [x]\n---\nA links to [[B]] and embeds:\n\n![[C#Part]]\n",
    "b.md": "---\ntitle: B\ntags: [x/y]\n---\nB links to [[A]] and [[Missing]].\n",
    "c.md": "---\ntitle: C\n---\nIntro.\n\n## Part\n\nC's part, with a [[D]] link.\n",
    "d/d.md": "---\ntitle: D\n---\nD is alone in its folder.\n",
}


def site_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def clean_build(root: Path, state: BuildState | None = None) -> dict[str, bytes]:
    """A build from nothing: no cache, a fresh output folder."""
    config = load_config(root / "garden.yaml", output=str(root / "clean"))
    shutil.rmtree(root / "clean", ignore_errors=True)
    shutil.rmtree(config.cache_dir, ignore_errors=True)
    build_site(config, jobs=1, state=state)
    return site_files(root / "clean")


def graph_facts(graph) -> tuple:
    return (graph.backlinks, graph.outgoing, graph.note_tags, graph.tag_notes, graph.tag_names,
            graph.cooccurrence, graph.orphans, sorted(graph.diagnostics, key=repr))


def test_second_build_writes_nothing(tmp_path):
    config = write_garden(tmp_path, NOTES)
    first = build_site(config, jobs=1)
    assert first.written > 0
    before = {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*") if p.is_file()}
    second = build_site(config, jobs=1)
    assert (second.written, second.rendered_notes, second.rendered_pages) == (0, 0, 0)
    assert second.pages == first.pages == len(list(config.output_dir.rglob("index.html"))) + 1  # and 404.html
    assert {p: p.stat().st_mtime_ns for p in config.output_dir.rglob("*") if p.is_file()} == before


def test_editing_one_note_updates_backlinks_elsewhere(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    assert 'href="../b/"' in (config.output_dir / "a" / "index.html").read_text().split("backlinks")[-1]
    (tmp_path / "content" / "b.md").write_text("---\ntitle: B\n---\nB no longer links anywhere.\n")
    result = build_site(config, jobs=1)
    assert result.rendered_notes == 1
    backlinks = (config.output_dir / "a" / "index.html").read_text().split('class="backlinks"')
    assert len(backlinks) == 1 or 'href="../b/"' not in backlinks[-1]


def test_rename_turns_links_missing_and_back(tmp_path):
    config = write_garden(tmp_path, {"a.md": "A links to [[b]].\n", "b.md": "B has no title of its own.\n"})
    build_site(config, jobs=1)
    (tmp_path / "content" / "b.md").rename(tmp_path / "content" / "renamed.md")
    build_site(config, jobs=1)
    a = (config.output_dir / "a" / "index.html").read_text()
    assert '<span class="missing"' in a and not (config.output_dir / "b").exists()
    (tmp_path / "content" / "renamed.md").rename(tmp_path / "content" / "b.md")
    build_site(config, jobs=1)
    a = (config.output_dir / "a" / "index.html").read_text()
    assert 'href="../b/"' in a and (config.output_dir / "b" / "index.html").exists()


def test_new_note_resolves_a_missing_link(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    (tmp_path / "content" / "missing.md").write_text("Now it exists.\n")
    result = build_site(config, jobs=1)
    assert 'href="../missing/"' in (config.output_dir / "b" / "index.html").read_text()
    assert not [d for d in result.diagnostics if "Missing" in d.message]


def test_deleting_a_note_removes_its_page_and_empty_folder(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    (tmp_path / "content" / "d" / "d.md").unlink()
    build_site(config, jobs=1)
    assert not (config.output_dir / "d").exists()
    assert "d/" not in (config.output_dir / "graph.json").read_text()


def test_editing_an_embedded_section_updates_the_embedding_page(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    (tmp_path / "content" / "c.md").write_text("---\ntitle: C\n---\nIntro.\n\n## Part\n\nA new part.\n")
    build_site(config, jobs=1)
    assert "A new part." in (config.output_dir / "a" / "index.html").read_text()


def test_template_change_rerenders_pages(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("gone")
    result = build_site(config, jobs=1)
    assert (config.output_dir / "404.html").read_text() == "gone" and result.rendered_pages == 1


def test_corrupt_cache_is_noticed_and_rebuilt(tmp_path):
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    cache = config.cache_dir / "build-cache.pickle"
    cache.write_bytes(cache.read_bytes()[:100])
    result = build_site(config, jobs=1)
    assert result.notices == [f"the build cache in {config.cache_dir} was unreadable; rebuilding everything"]
    assert result.rendered_notes == len(NOTES)
    assert build_site(config, jobs=1).notices == []


EDITS = st.lists(st.tuples(
    st.sampled_from(["edit", "delete", "create", "rename", "retitle", "retag"]),
    st.sampled_from(["a.md", "b.md", "c.md", "d/d.md", "e.md", "d/f.md", "d/index.md", "g/h/i.md", "index.md",
                     "tags/x.md"]),
    st.sampled_from(["[[A]]", "[[B]]", "![[C#Part]]", "[[E]]", "#x/z", "[[D]] and [[F]]", "plain", "[[A#Part]]",
                     "[[C#Gone]] #X/Z"]),
), min_size=1, max_size=6)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
# Found by this test: a second patch of the index started from the last full index, so saving a note's
# earlier text again (an undo) brought back the body of the text in between.
@example(edits=[("edit", "a.md", "[[B]]"), ("edit", "a.md", "[[A]]"), ("edit", "a.md", "[[A]]"),
                ("edit", "a.md", "[[B]]")])
def test_incremental_equals_clean_build(tmp_path_factory, edits):
    root = tmp_path_factory.mktemp("inc")
    config = write_garden(root, NOTES)
    state = BuildState()
    build_site(config, jobs=1, state=state)  # the preview server's way: state in memory
    _make_edits(config, root, edits, lambda touched: build_site(
        config, jobs=1, state=state, changed_paths={str(p.resolve()) for p in touched}))
    clean = BuildState()
    assert site_files(config.output_dir) == clean_build(root, clean) | {}, edits
    assert graph_facts(state.graph) == graph_facts(clean.graph), edits  # the graph, updated edit by edit


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS)
def test_incremental_equals_clean_build_through_the_cache_on_disk(tmp_path_factory, edits):
    """`garden build`'s way: each build starts from the cache the last one saved, reading bodies as needed."""
    root = tmp_path_factory.mktemp("inc")
    config = write_garden(root, NOTES)
    _make_edits(config, root, edits, lambda touched: build_site(config, jobs=1))
    saved = load_state(config.cache_dir)
    clean = BuildState()
    assert site_files(config.output_dir) == clean_build(root, clean) | {}, edits
    assert graph_facts(saved.graph) == graph_facts(clean.graph), edits
    assert saved.bodies == clean.bodies, edits


def _make_edits(config, root: Path, edits, build) -> None:
    content = root / "content"
    for action, name, text in edits:
        path = content / name
        touched = {path}  # as the watcher reports them
        if action == "delete":
            path.unlink(missing_ok=True)
        elif action == "rename" and path.exists():
            path.rename(path.with_name("renamed-" + path.name))
            touched.add(path.with_name("renamed-" + path.name))
        elif action == "retitle" and path.exists():
            path.write_text(f"---\ntitle: {name.upper()}\n---\n{text}\n")
        elif action == "retag" and path.exists():
            path.write_text(f"---\ntags: [x, {len(text)}-t]\ndescription: {text}\n---\n{text}\n")
        else:
            if not path.parent.exists():
                touched.add(path.parent)  # a new folder is an event of its own
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(f"{text}\n\n## Part\n\nbody of {name}\n")
        build(touched)  # the preview's way looks again at only the paths its watcher saw change


def _age(root: Path, seconds: float = 60) -> None:
    """Date every file back, as if saved a while ago (a file saved just now is never trusted by its stamp)."""
    for path in root.rglob("*"):
        if path.is_file():
            stat = path.stat()
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns - int(seconds * 1e9)))


def test_an_unchanged_garden_is_answered_from_the_last_build(tmp_path):
    config = write_garden(tmp_path, {**NOTES, "e.md": "Links to [[Nowhere]].\n"})
    _age(tmp_path)
    first = build_site(config, jobs=1)
    second = build_site(config, jobs=1)
    assert list(second.timings) == ["nothing changed"]
    assert (second.pages, second.notes, second.diagnostics, second.written) == \
        (first.pages, first.notes, first.diagnostics, 0)


def _in_a_fresh_process(script: str, root: Path) -> list[str]:
    """What `script` prints, run by a new Python with `config` loaded from the garden at `root`: a process of
    its own and without threads, as `garden build` is, where a look ahead forks (the test runner may have some)."""
    script = ("import os, sys; from garden import fingerprint; from garden.config import load_config\n"
              "config = load_config(sys.argv[1])\n" + script)
    ran = subprocess.run([sys.executable, "-c", script, str(root / "garden.yaml")], capture_output=True,
                         text=True, cwd=root, timeout=60)
    assert ran.returncode == 0, ran.stderr
    return ran.stdout.split()


def test_garden_build_with_nothing_to_do_runs_no_stage(tmp_path):
    """The command answers from the last build without building: no cache loaded, no note looked at."""
    config = write_garden(tmp_path, NOTES)
    _age(tmp_path)
    build_site(config, jobs=1)
    script = ("import garden.pipeline as p; built = []; real = p.build_site\n"
              "p.build_site = lambda *a, **k: built.append(1) or real(*a, **k)\n"
              "from garden.cli import main; code = main(['build', '-q', '--config', sys.argv[1]])\n"
              "print(code, bool(built))")
    assert _in_a_fresh_process(script, tmp_path) == ["0", "False"]


def test_the_look_ahead_sees_what_a_look_sees(tmp_path):
    """`garden build` walks the content folder in a child process while it loads its stages: the walk it is
    handed is the one it would have taken itself."""
    write_garden(tmp_path, {**NOTES, "sub/x.md": "x\n", "image.png": b"\x89PNG"})
    _age(tmp_path)
    script = ("with fingerprint.looking_ahead(config) as looked: ahead, here = looked(), fingerprint.look(config)\n"
              "print(sorted(ahead.walked[0]) == sorted(here.walked[0]) and ahead.stamps == here.stamps "
              "and ahead.fingerprint == here.fingerprint is not None and ahead.context == here.context)")
    assert _in_a_fresh_process(script, tmp_path) == ["True"]


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="counts open files in /proc")
def test_where_no_process_can_be_forked_the_build_looks_itself_and_leaks_nothing(tmp_path):
    write_garden(tmp_path, NOTES)
    script = ("def refused(): raise OSError('no more processes')\n"
              "os.fork, before = refused, len(os.listdir('/proc/self/fd'))\n"
              "with fingerprint.looking_ahead(config) as looked: print(looked is None)\n"
              "print(len(os.listdir('/proc/self/fd')) == before)")
    assert _in_a_fresh_process(script, tmp_path) == ["True", "True"]


def test_a_build_stopped_while_its_look_ahead_runs_leaves_no_process_behind(tmp_path):
    """Ctrl+C, or a build refused because another one holds the site: the child walking ahead ends with it
    (it would otherwise walk on, and keep the site's lock while it did)."""
    write_garden(tmp_path, NOTES)
    script = ("try:\n"
              "    with fingerprint.looking_ahead(config) as looked:\n"
              "        print(looked is not None); raise KeyboardInterrupt\n"
              "except KeyboardInterrupt: pass\n"
              "try: os.waitpid(-1, os.WNOHANG); print('left')\n"
              "except ChildProcessError: print('none')")
    assert _in_a_fresh_process(script, tmp_path) == ["True", "none"]


@pytest.mark.skipif(not hasattr(os, "waitid"), reason="looks at the child with waitid")
def test_a_child_that_has_answered_ends_before_its_answer_is_read(tmp_path):
    """A child working ahead holds a copy of what it touched of the build's memory: it must not linger, waiting
    for the build to read a large answer, while the build's page workers run beside it."""
    write_garden(tmp_path, NOTES)
    script = ("import time; from garden.forked import in_child\n"
              "with in_child(lambda: b'x' * 1_000_000) as answer:\n"
              "    for _ in range(200):\n"
              "        ended = os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)\n"
              "        if ended: break\n"
              "        time.sleep(0.05)\n"
              "    print(ended is not None, len(answer()))")
    assert _in_a_fresh_process(script, tmp_path) == ["True", "1000000"]


def test_the_graph_laid_out_while_pages_render_is_the_one_laid_out_after(tmp_path):
    """With cores to spare, a child process lays out graph.json's graphs while the pages render: the same bytes as
    a build in one process, and its layouts are kept in the cache as if this process had computed them."""
    write_garden(tmp_path, NOTES)
    script = ("from pathlib import Path; from garden import layout, outputs; from garden.pipeline import build_site\n"
              "from garden.statefile import load_state\n"
              "made, real = Path('made-by'), layout.layout\n"
              "def laid_out(*args):\n"
              "    with made.open('a') as f: f.write(f'{os.getpid()} ')\n"
              "    return real(*args)\n"
              "layout.layout = outputs.layout = laid_out\n"
              "serial = load_config(sys.argv[1], output='serial'); build_site(serial, jobs=1)\n"
              "parallel = load_config(sys.argv[1], output='parallel'); build_site(parallel, jobs=2)\n"
              "here, child = str(os.getpid()), made.read_text().split()[-1]\n"
              "print(made.read_text().split() == [here, here, child, child] and child != here)\n"
              "print(Path('serial/graph.json').read_bytes() == Path('parallel/graph.json').read_bytes())\n"
              "print(load_state(serial.cache_dir).layouts == load_state(parallel.cache_dir).layouts != {})")
    assert _in_a_fresh_process(script, tmp_path) == ["True", "True", "True"]


def test_a_build_that_puts_the_graph_off_leaves_the_old_one_and_hands_back_the_new(tmp_path):
    """The preview's builds: graph.json, to be made anew after an edit of links, stays as it was until the
    caller writes what the build hands back, which is a clean build's graph.json."""
    config = write_garden(tmp_path, NOTES)
    state = BuildState()
    first = build_site(config, jobs=1, state=state, graph_later=True)
    assert first.graph_json_later is None  # no graph.json yet: made at once
    before = (config.output_dir / "graph.json").read_bytes()
    (tmp_path / "content" / "d" / "d.md").write_text("---\ntitle: D\n---\nD now links to [[A]].\n")
    relinked = build_site(config, jobs=1, state=state, graph_later=True)
    assert (config.output_dir / "graph.json").read_bytes() == before
    assert relinked.graph_json_later() == clean_build(tmp_path)["graph.json"]
    (tmp_path / "content" / "d" / "d.md").write_text("---\ntitle: D\n---\nD now links to [[A]], twice: [[A]].\n")
    assert build_site(config, jobs=1, state=state, graph_later=True).graph_json_later is None  # same links


@pytest.mark.parametrize("change", ["note", "template", "config", "site removed", "saved just now"])
def test_any_change_to_what_a_build_reads_means_a_real_build(tmp_path, change):
    config = write_garden(tmp_path, NOTES)
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html").write_text("gone")
    _age(tmp_path)
    build_site(config, jobs=1)
    if change == "note":
        (config.content_dir / "a.md").write_text("changed")
        _age(config.content_dir)
    elif change == "template":
        (tmp_path / "templates" / "404.html").write_text("gone!")
        _age(tmp_path / "templates")
    elif change == "config":
        config = load_config(tmp_path / "garden.yaml", title="Another title")
    elif change == "site removed":
        shutil.rmtree(config.output_dir)
    else:  # the same size and, within the clock's tick, the same time: only never trusting a fresh stamp helps
        path = config.content_dir / "b.md"
        stat = path.stat()
        path.write_text(path.read_text().replace("B", "X"))
        os.utime(path, ns=(stat.st_atime_ns, time.time_ns()))
    again = build_site(config, jobs=1)
    assert "nothing changed" not in again.timings
    assert again.written > 0


FRESH_NS = 300_000_000  # stands in for the 2 s during which a saved file's stamp is not trusted


@pytest.fixture
def slow_fresh_build(monkeypatch):
    """Builds that take longer than a file stays fresh, with `during()` called while they run."""
    from garden import discover, fingerprint, pipeline

    monkeypatch.setattr(discover, "RACY_NS", FRESH_NS)
    monkeypatch.setattr(fingerprint, "RACY_NS", FRESH_NS)
    render_bodies = pipeline.render_bodies
    calls: list = []

    def slow(*args, **kwargs):
        bodies = render_bodies(*args, **kwargs)  # the notes have been read by now
        for during in calls:
            during()
        time.sleep(2 * FRESH_NS / 1e9)
        return bodies

    monkeypatch.setattr(pipeline, "render_bodies", slow)
    return calls


def test_the_same_folders_spelled_otherwise_redo_no_page(tmp_path):
    """Relative paths from the garden's folder, or absolute ones (as an editor's task may give):
    the pages cannot differ, so none is rendered again."""
    config = write_garden(tmp_path, NOTES)
    build_site(config, jobs=1)
    spelled = load_config(tmp_path / "garden.yaml", content=str(config.content_dir), output=str(config.output_dir))
    assert spelled != config and (spelled.content_dir, spelled.output_dir) == (config.content_dir, config.output_dir)
    assert build_site(spelled, jobs=1).rendered_pages == 0


def test_a_build_begun_on_just_saved_files_is_remembered_once_they_have_aged(tmp_path, slow_fresh_build):
    config = write_garden(tmp_path, NOTES)  # saved just now: their stamps cannot be trusted yet
    first = build_site(config, jobs=1)
    assert "nothing changed" not in first.timings
    second = build_site(config, jobs=1)
    assert list(second.timings) == ["nothing changed"]


@pytest.mark.parametrize("how", ["same stamp", "new stamp"])
def test_a_just_saved_file_changed_while_the_build_ran_is_read_again_next_time(tmp_path, slow_fresh_build, how):
    config = write_garden(tmp_path, NOTES)
    path = config.content_dir / "b.md"

    def save_again():  # same size; with the same stamp, only reading the file again can tell
        stat = path.stat()
        path.write_text(path.read_text().replace("B links", "X links"))
        if how == "same stamp":
            os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    slow_fresh_build.append(save_again)
    build_site(config, jobs=1)
    slow_fresh_build.clear()
    again = build_site(config, jobs=1)
    assert "nothing changed" not in again.timings
    assert "X links" in (config.output_dir / "b" / "index.html").read_text()


def test_a_file_changed_while_a_build_on_fresh_files_ran_is_read_next_time(tmp_path, slow_fresh_build):
    """The build settles its fingerprint by looking again at the fresh files only; a file that was not
    fresh and changed meanwhile has a new stamp, which the next build's own look sees."""
    config = write_garden(tmp_path, NOTES)
    _age(tmp_path)
    (config.content_dir / "a.md").write_text(NOTES["a.md"] + "\nFresh.\n")  # the build settles at its end
    path = config.content_dir / "b.md"
    slow_fresh_build.append(lambda: path.write_text(path.read_text().replace("B links", "X links")))
    build_site(config, jobs=1)
    slow_fresh_build.clear()
    again = build_site(config, jobs=1)
    assert "nothing changed" not in again.timings
    assert "X links" in (config.output_dir / "b" / "index.html").read_text()
    assert list(build_site(config, jobs=1).timings) == ["nothing changed"]  # and then it is remembered


def test_an_edit_reads_only_the_bodies_it_touches(tmp_path, monkeypatch):
    """The cache keeps every body in the body store: a build after an edit reads the few it needs,
    not one per note, so it costs the same in a garden of any size."""
    notes = {f"n{i:03}.md": f"Note {i} links to [[n{(i * 7) % 120:03}]] and [[n{(i + 1) % 120:03}]].\n"
             for i in range(120)}
    notes["embedder.md"] = "Shows:\n\n![[n005]]\n"
    config = write_garden(tmp_path, notes)
    build_site(config, jobs=1)
    reads: list[str] = []
    for name in ("record", "html"):
        original = getattr(BodyStore, name)
        monkeypatch.setattr(BodyStore, name, lambda self, digest, _read=original: reads.append(digest)
                            or _read(self, digest))
    (tmp_path / "content" / "n005.md").write_text("Note 5 now says more, and links to [[n035]] and [[n006]].\n")
    result = build_site(config, jobs=1)
    assert result.rendered_notes == 1
    # its old and new body, and the pages it shows on: the embedder, the notes it links to (and the words
    # around their other backlinks)
    assert 0 < len(reads) <= 20, reads
    assert (config.output_dir / "embedder" / "index.html").read_text().count("now says more") == 1


def test_a_new_note_reads_each_stored_body_once(tmp_path, monkeypatch):
    """A new title can change what any link resolves to, so every body is checked and the link graph
    remade; each stored body is still read only once for both."""
    notes = {f"n{i:03}.md": f"Note {i} links to [[n{(i * 7) % 60:03}]]" + (" and [[Later]].\n" if i % 10 == 0 else ".\n")
             for i in range(60)}
    config = write_garden(tmp_path, notes)
    build_site(config, jobs=1)
    reads: list[str] = []
    original = BodyStore.record
    monkeypatch.setattr(BodyStore, "record", lambda self, digest: reads.append(digest) or original(self, digest))
    (tmp_path / "content" / "later.md").write_text("Now [[Later]] exists.\n")
    result = build_site(config, jobs=1)
    assert result.rendered_notes == 7  # it, and the six notes that link to it
    assert len(reads) >= 54 and len(reads) == len(set(reads)), sorted(reads)


def test_an_edit_that_leaves_math_and_code_alone_converts_neither(tmp_path, monkeypatch):
    """Converting math or highlighting code means loading latex2mathml or Pygments (a tenth of an edit build's
    time): a note's stored body keeps its conversions, so its next render makes only the new ones."""
    from garden.markdown import code, math

    config = write_garden(tmp_path, {"a.md": "Energy $E = mc^2$ and\n\n$$\n\\sum_i x_i\n$$\n\n"
                                             "```python\nprint('hi')\n```\n", "b.md": "[[a]]\n"})
    build_site(config, jobs=1)
    converted: list[str] = []
    monkeypatch.setattr(math, "_mathml", lambda latex, display: converted.append(latex) or f"<math>{latex}</math>")
    monkeypatch.setattr(code, "_highlight", lambda source, language: converted.append(source) or source)
    note = tmp_path / "content" / "a.md"
    note.write_text(note.read_text() + "\nA new sentence.\n")
    assert build_site(config, jobs=1).rendered_notes == 1
    assert converted == []
    page = (config.output_dir / "a" / "index.html").read_text()
    assert "A new sentence." in page and "<mi>E</mi>" in page  # as latex2mathml converted it
    assert '<span class="nb">print</span>' in page  # as Pygments highlighted it
    note.write_text(note.read_text() + "\nAnd $y$.\n\n```sh\nls\n```\n")
    build_site(config, jobs=1)
    assert converted == ["y", "ls\n"]


def test_an_edit_that_makes_no_new_link_never_unpacks_the_resolver(tmp_path, monkeypatch):
    """The resolver of 10,000 notes takes a tenth of a second to unpickle: an edit whose links name what the
    note's last render resolved takes those answers, and the resolver is unpacked only for a new name."""
    from garden.index import Resolver

    notes = {f"n{i:02}.md": f"Note {i} links to [[n{(i + 1) % 30:02}]] and [[Note Zero]].\n" for i in range(30)}
    notes["n00.md"] = "---\naliases: [Note Zero]\n---\nThe first.\n"
    config = write_garden(tmp_path, notes)
    build_site(config, jobs=1)
    unpacked: list[str] = []
    original = Resolver.__getattr__
    monkeypatch.setattr(Resolver, "__getattr__", lambda self, name: (
        unpacked.append(name) if "_packed" in vars(self) else None) or original(self, name))
    note = tmp_path / "content" / "n05.md"
    note.write_text("Note 5, edited, still links to [[n06]] and [[Note Zero]].\n")
    assert build_site(config, jobs=1).rendered_notes == 1
    assert unpacked == []
    page = (config.output_dir / "n05" / "index.html").read_text()
    assert 'href="../n06/"' in page and 'href="../n00/"' in page and "edited" in page
    note.write_text("Note 5 now links to [[n07]] as well as [[n06]].\n")
    build_site(config, jobs=1)
    assert unpacked  # a name it had not resolved before
    assert 'href="../n07/"' in (config.output_dir / "n05" / "index.html").read_text()
