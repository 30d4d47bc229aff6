"""What garden prints: progress on a terminal or in a log, problems grouped by file, the summary, exit codes."""

from __future__ import annotations

import io
import os
import pty
import re

import pytest

from garden import progress as progress_module
from garden import __version__
from garden.cli import VERBS, main
from garden.errors import Diagnostic
from garden.pipeline import BuildResult
from garden.progress import Progress
from garden.report import report

from .conftest import write_garden

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")  # anything but tab and newline


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def terminal(monkeypatch):
    """A pseudo-terminal as a text stream (isatty() is true), and a function that reads what reached it."""
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    leader, follower = pty.openpty()
    stream = open(follower, "w", encoding="utf-8", closefd=True)

    def written() -> str:
        stream.flush()
        chunks = []
        os.set_blocking(leader, False)
        while True:
            try:
                chunk = os.read(leader, 65536)
            except (BlockingIOError, OSError):
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks).decode("utf-8")

    yield stream, written
    stream.close()
    os.close(leader)


def run_progress(stream, clock: Clock) -> Progress:
    shown = Progress(stream, clock=clock)
    for phase in ("discover", "index"):
        shown(phase, 0, 0)
    clock.now += 1.5  # past the delay: from here on, progress shows
    shown("render notes", 0, 100)
    for done in range(1, 101):
        clock.now += 0.06
        shown("render notes", done, 100)
    shown("pages", 0, 0)
    shown.close()
    return shown


def test_a_fast_build_shows_no_progress():
    stream, clock = io.StringIO(), Clock()
    shown = Progress(stream, clock=clock)
    for phase in ("discover", "index", "render notes", "link graph", "pages"):
        shown(phase, 0, 0)
        clock.now += 0.1
    shown.close()
    assert stream.getvalue() == ""


def test_on_a_terminal_one_status_line_is_redrawn_then_cleared(terminal):
    stream, written = terminal
    run_progress(stream, Clock())
    out = written()
    frames = out.split("\r")
    assert "render notes [------------------------] 0/100 notes\x1b[K" in frames
    halfway = re.compile(r"render notes \[#{12}-{12}\] 5\d/100 notes, 1\d notes/s, 3s left\x1b\[K")
    assert any(halfway.fullmatch(frame) for frame in frames)
    assert "render notes [########################] 100/100 notes, 17 notes/s\x1b[K" in frames
    assert "pages …\x1b[K" in frames
    assert out.endswith("\r\x1b[K")  # cleared, so the report starts on a clean line
    assert "\n" not in out
    assert len(frames) < 60  # redrawn at most ten times a second, not once per note


def test_in_a_log_plain_lines_without_control_characters():
    stream = io.StringIO()
    run_progress(stream, Clock())
    out = stream.getvalue()
    assert not CONTROL.search(out)
    assert out.splitlines() == ["render notes: 0/100 notes", "render notes: 84/100 notes, 17 notes/s, 1s left",
                                "pages"]


def test_a_dumb_terminal_gets_the_plain_lines(terminal, monkeypatch):
    monkeypatch.setenv("TERM", "dumb")
    stream, written = terminal
    run_progress(stream, Clock())
    out = written()
    assert "\x1b" not in out and "render notes: 0/100 notes" in out


def result_with(diagnostics: list[Diagnostic]) -> BuildResult:
    sources = {d.path for d in diagnostics}
    return BuildResult(notes=3, pages=7, assets=1, diagnostics=diagnostics, seconds=0.5, sources=sources,
                       timings={"discover": 0.01, "render notes": 0.3})


def report_text(diagnostics: list[Diagnostic], tmp_path, monkeypatch, stream=None, **options) -> str:
    config = write_garden(tmp_path, {})
    monkeypatch.chdir(tmp_path)
    stream = stream or io.StringIO()
    report(result_with(diagnostics), config, stream=stream, **options)
    return stream.getvalue() if isinstance(stream, io.StringIO) else ""


PROBLEMS = [
    Diagnostic("b.md", 9, "warning", "broken link: [[Rooflin Model]] matches no note",
               "did you mean [[Roofline Model]]?"),
    Diagnostic("a.md", 3, "error", "embed cycle: a.md → a.md"),
    Diagnostic("b.md", 2, "warning", "no heading 'X' in a.md", "headings there: none"),
]


def test_problems_are_grouped_by_file_in_line_order_with_hints(tmp_path, monkeypatch):
    assert report_text(PROBLEMS, tmp_path, monkeypatch) == (
        "content/a.md: 1 error\n"
        "  content/a.md:3: error: embed cycle: a.md → a.md\n"
        "\n"
        "content/b.md: 2 warnings\n"
        "  content/b.md:2: warning: no heading 'X' in a.md\n"
        "      hint: headings there: none\n"
        "  content/b.md:9: warning: broken link: [[Rooflin Model]] matches no note\n"
        "      hint: did you mean [[Roofline Model]]?\n"
        "\n"
        "3 notes, 7 pages, 1 assets, 2 warnings, 1 errors in 0.50s\n"
    )


def test_strict_counts_warnings_as_errors(tmp_path, monkeypatch):
    out = report_text(PROBLEMS, tmp_path, monkeypatch, strict=True)
    assert "content/b.md: 2 errors\n" in out and "content/b.md:2: error: no heading" in out
    assert "0 warnings, 3 errors" in out


def test_a_long_list_is_cut_with_a_count_and_a_pointer_to_check(tmp_path, monkeypatch):
    many = [Diagnostic(f"n{i:03}.md", 1, "warning", f"broken link: [[x{i}]] matches no note") for i in range(80)]
    out = report_text(many, tmp_path, monkeypatch)
    assert out.count("warning: broken link") == 50
    assert "… and 30 more; run `garden check` for the whole list" in out
    assert "content/n049.md:1:" in out and "content/n050.md" not in out
    assert report_text(many, tmp_path, monkeypatch, limit=None).count("warning: broken link") == 80


def test_quiet_prints_only_problems_and_verbose_the_phases(tmp_path, monkeypatch):
    quiet = report_text(PROBLEMS, tmp_path, monkeypatch, quiet=True)
    assert "notes," not in quiet and quiet.count("content/") == 5
    assert report_text([], tmp_path, monkeypatch, quiet=True) == ""
    verbose = report_text([], tmp_path, monkeypatch, verbose=True)
    assert verbose.splitlines()[1:] == ["  discover         0.010s", "  render notes     0.300s"]


def test_colour_on_a_terminal_only_and_never_with_no_color(terminal, tmp_path, monkeypatch):
    stream, written = terminal
    report_text(PROBLEMS, tmp_path, monkeypatch, stream=stream)
    coloured = written()
    assert "\x1b[1;31merror\x1b[0m" in coloured and "\x1b[1;33mwarning\x1b[0m" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    report_text(PROBLEMS, tmp_path, monkeypatch, stream=stream)
    assert "\x1b" not in written()


# --- through the command line ------------------------------------------------------------------

def test_progress_shows_on_a_terminal(terminal, tmp_path, monkeypatch):
    stream, written = terminal
    write_garden(tmp_path, {f"n{i}.md": f"note {i} [[n{(i + 1) % 5}]]\n" for i in range(5)})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr("sys.stderr", stream)
    assert main(["build", "--no-search"]) == 0
    out = written()
    assert "\rdiscover …\x1b[K" in out and "\rrender notes [" in out and "5/5 notes" in out
    assert "\x1b[32m5 notes, " in out  # the summary, in colour


def test_without_a_terminal_no_control_characters(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path, {"a.md": "[[b]] [[nowhere]]\n", "b.md": "b\n"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    assert main(["build", "--no-search", "--verbose"]) == 0
    captured = capsys.readouterr()
    out = captured.out + captured.err
    assert not CONTROL.search(out)
    assert captured.err.startswith("discover\nindex\nrender notes\nlink graph\npages\nwrite\ncontent/a.md")
    assert "content/a.md:1: warning: broken link: [[nowhere]] matches no note" in captured.err
    assert re.search(r"^  render notes +\d+\.\d{3}s$", captured.err, re.M)


def test_quiet_build_prints_nothing_when_all_is_well(tmp_path, monkeypatch, capsys):
    write_garden(tmp_path, {"a.md": "hello\n"})
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    assert main(["build", "--quiet", "--no-search"]) == 0
    assert capsys.readouterr() == ("", "")


@pytest.mark.parametrize("files, config, argv, code", [
    ({"a.md": "[[b]]\n", "b.md": "b\n"}, "", ["build", "--strict"], 0),
    ({"a.md": "[[nowhere]]\n"}, "", ["build"], 0),
    ({"a.md": "[[nowhere]]\n"}, "", ["build", "--strict"], 1),
    ({"a.md": "[[nowhere]]\n"}, "", ["check", "--strict"], 1),
    ({"a.md": "---\ntitle: [oops\n---\n"}, "", ["build"], 1),
    ({"a.md": "a\n"}, "output: [1]\n", ["build"], 2),
    ({"a.md": "a\n"}, "", ["build", "--jobs", "0"], 2),
    ({"a.md": "a\n"}, "", ["build", "--no-such-flag"], 2),
])
def test_exit_codes(files, config, argv, code, tmp_path, monkeypatch):
    write_garden(tmp_path, files)
    if config:
        (tmp_path / "garden.yaml").write_text(config)
    monkeypatch.chdir(tmp_path)
    try:
        got = main([*argv, "--no-search"] if argv[0] == "build" else argv)
    except SystemExit as exited:  # argparse's usage errors
        got = exited.code
    assert got == code


@pytest.mark.parametrize("verb", VERBS)
def test_every_verb_has_help_with_an_example(verb, capsys):
    with pytest.raises(SystemExit) as done:
        main([verb, "--help"])
    assert done.value.code == 0
    assert "example: garden " + verb in capsys.readouterr().out


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0 and capsys.readouterr().out == f"garden {__version__}\n"
