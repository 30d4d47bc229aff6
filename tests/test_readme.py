"""The README's examples are run, so the documentation cannot drift from the code.

Its fenced code blocks, by language:

- ```sh: each line's `garden ...` commands run in a fresh garden made by
  `garden init` (a block that runs `garden init` itself starts in an empty
  folder), and must exit 0. `garden serve` (runs until stopped) and
  `garden deploy` (pushes to a remote) are only parsed, every flag checked;
  test_init.py and test_deploy.py run them for real. `cd DIR` is followed. The
  quick start's commands, which set up a virtualenv and install from PyPI, are
  not run here: the test command must be byte for byte the one `.ci/run` runs,
  and the build command the same with `garden build` in place of the tests.
- ```markdown: each block is a note in a copy of this repository's garden
  (so it may link to its notes, and its charts' scripts are found), and must
  build without a problem, unless an HTML comment before it says what it
  shows: `<!-- expect: broken link -->` means every problem it has says
  "broken link", and it has at least one.
- ```yaml: front-matter (starting `---`) is a note, as above; any other block
  is a `garden.yaml`, which must load without a problem or a warning.
- ```json: a chart, which must validate.
- ```text: the example of what a build prints is compared with what a build prints.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from dataclasses import dataclass, fields
from pathlib import Path

import pytest
import yaml
from markdown_it import MarkdownIt

from garden.charts.spec import parse_chart
from garden.cli import EXIT_NOTE_ERRORS, EXIT_OK, EXIT_USAGE, VERBS, main, make_parser
from garden.config import DEFAULT_IGNORE, Config, load_config
from garden.init import init_garden
from garden.pipeline import build_site
from garden.state import BuildState

from .conftest import REPO

README = REPO / "README.md"
NOT_RUN = {"serve": "runs until stopped; test_init.py serves a new garden",
           "deploy": "pushes to a git remote; test_deploy.py deploys to a local one"}


@dataclass(frozen=True)
class Block:
    language: str
    text: str
    line: int  # 1-based, of the opening fence
    expect: str = ""  # from a preceding `<!-- expect: ... -->`

    def __str__(self) -> str:
        return f"README.md:{self.line} ({self.language})"


def readme_blocks() -> list[Block]:
    """The README's fenced blocks, as a Markdown parser sees them (a ````markdown block may hold ```chart)."""
    tokens = MarkdownIt("commonmark").parse(README.read_text(encoding="utf-8"))
    blocks, expect = [], ""
    for token in tokens:
        if token.type == "html_block":
            found = re.match(r"\s*<!--\s*expect:\s*(.+?)\s*-->", token.content)
            expect = found[1] if found else ""
            continue
        if token.type == "fence":
            blocks.append(Block(token.info.strip().split(" ")[0], token.content, token.map[0] + 1, expect))
        expect = ""
    return blocks


BLOCKS = readme_blocks()


def of(language: str) -> list[Block]:
    return [b for b in BLOCKS if b.language == language]


def test_the_readme_has_examples_of_each_kind():
    assert {"sh", "markdown", "yaml", "json", "text"} <= {b.language for b in BLOCKS}
    assert not [str(b) for b in BLOCKS if not b.language], "give every code block a language"


# --- commands -----------------------------------------------------------------------------------

CI_COMMAND = next(line for line in (REPO / ".ci" / "run").read_text().splitlines()
                  if line.startswith("python3 -m venv"))


def command_lines(block: Block) -> list[str]:
    return [line for line in block.text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def quick_start(line: str) -> bool:
    return line.startswith("python3 -m venv")


def test_the_quick_start_is_what_ci_runs():
    lines = [line for b in of("sh") for line in command_lines(b) if quick_start(line)]
    assert CI_COMMAND in lines, "the README's test command must be byte for byte the one in .ci/run"
    setup, _, tests = CI_COMMAND.rpartition(" && ")
    assert tests == "pytest -q" and setup.endswith('pip install -q -e ".[test]"')
    build = setup.replace('pip install -q -e ".[test]"', "pip install -q -e .") + " && garden build"
    assert lines == [build, CI_COMMAND]


@pytest.mark.parametrize("block", [b for b in of("sh") if not all(map(quick_start, command_lines(b)))], ids=str)
def test_shell_examples_run(block, tmp_path, monkeypatch, capsys):
    lines = [line for line in command_lines(block) if not quick_start(line)]
    workspace = tmp_path / "work"
    workspace.mkdir()
    if not any(word == "init" for line in lines for word in shlex.split(line)[1:2]):
        init_garden(workspace)
    monkeypatch.chdir(workspace)
    for line in lines:
        for command in line.split("&&"):
            words = shlex.split(command, comments=True)
            if words[0] == "cd":
                monkeypatch.chdir(Path.cwd() / words[1])
                continue
            assert words[0] == "garden", f"{block}: teach this test to run {command.strip()!r}, or leave it out"
            if words[1] in NOT_RUN:
                make_parser().parse_args(words[1:])  # every flag exists and takes what is given
                continue
            code = main(words[1:])
            assert code == EXIT_OK, f"{block}: `{command.strip()}` exited {code}:\n{capsys.readouterr().err}"


# --- notes, front-matter, configuration, charts -------------------------------------------------

def note_blocks() -> list[Block]:
    return of("markdown") + [b for b in of("yaml") if b.text.startswith("---\n")]


@pytest.fixture(scope="module")
def seed_garden(tmp_path_factory):
    """A copy of this repository's garden, with every script a README chart names also in sims/."""
    root = tmp_path_factory.mktemp("readme-garden")
    shutil.copytree(REPO / "content", root / "content")
    (root / "garden.yaml").write_text("title: README examples\ngit_dates: false\nsearch: false\n")
    sims = root / "content" / "sims"
    sims.mkdir()
    for block in note_blocks():
        for script in re.findall(r"^script:\s*(\S+)", block.text, re.M):
            for found in (root / "content").rglob(script):
                if found.parent != sims:
                    for part in found.parent.glob(Path(script).stem + ".*"):
                        shutil.copy(part, sims / part.name)
    return load_config(root / "garden.yaml"), BuildState()


@pytest.mark.parametrize("block", note_blocks(), ids=str)
def test_markdown_examples_render(block, seed_garden):
    config, state = seed_garden
    note = config.content_dir / "readme" / f"example-{block.line}.md"
    note.parent.mkdir(exist_ok=True)
    note.write_text(block.text, encoding="utf-8")
    try:
        result = build_site(config, write=False, jobs=1, state=state)  # the state keeps the garden's bodies
    finally:
        note.unlink()
    problems = [d.format() for d in result.diagnostics if d.path == f"readme/{note.name}"]
    if block.expect:
        assert problems and all(block.expect in p for p in problems), problems
    else:
        assert problems == []
    assert not [d for d in result.diagnostics if d.path.startswith("readme/") and d.path != f"readme/{note.name}"]


@pytest.mark.parametrize("block", [b for b in of("yaml") if not b.text.startswith("---\n")], ids=str)
def test_configuration_examples_load(block, tmp_path):
    (tmp_path / "garden.yaml").write_text(block.text, encoding="utf-8")
    config = load_config(tmp_path / "garden.yaml")
    assert [w.format() for w in config.warnings] == []


@pytest.mark.parametrize("block", of("json"), ids=str)
def test_chart_examples_validate(block):
    assert parse_chart(json.loads(block.text)).series


def test_the_printed_output_is_what_a_build_prints(tmp_path, monkeypatch, capsys):
    [shown] = [b for b in of("text") if "did you mean" in b.text]
    garden = tmp_path / "g"
    init_garden(garden)
    (garden / "content" / "typo.md").write_text("See [[Evergren Notes]].\n")
    monkeypatch.chdir(garden)
    assert main(["build", "--no-search"]) == EXIT_OK
    printed = capsys.readouterr().err
    # The seconds vary, and so does the count of pages as the site grows page types; the rest is exact.
    def masked(text: str) -> str:
        return re.sub(r"\d+ pages, (.*) in \d+\.\d\ds", r"N pages, \1 in S", text)

    assert masked(printed) == masked(shown.text)


# --- tables -------------------------------------------------------------------------------------

def table_rows(heading: str) -> list[list[str]]:
    """The rows of the first table after `heading`, as cells."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading):]
    rows = re.findall(r"^\|(.+)\|\s*$", section, re.M)
    table = []
    for row in rows[2:]:  # after the header and its rule
        table.append([cell.strip() for cell in re.split(r"(?<!\\)\|", row)])
        end = section.index(row) + len(row) + 2
        if not section[end:].startswith("|"):
            break
    return table


def test_every_command_is_in_the_commands_table():
    listed = {re.match(r"`garden (\w+)", row[0])[1] for row in table_rows("## Commands")}
    assert listed == set(VERBS)


def test_every_option_is_in_the_configuration_table_with_its_default():
    rows = {row[0].strip("`"): row[1].strip("`") for row in table_rows("## Configuration")}
    options = [f.name for f in fields(Config) if f.name not in ("root", "warnings")]
    assert sorted(rows) == sorted(options)
    defaults = Config()
    for name in options:
        shown = yaml.safe_load(rows[name])
        expected = [] if name == "ignore" else getattr(defaults, name)
        assert shown == expected, name
    assert defaults.ignore == DEFAULT_IGNORE


def test_the_exit_codes_table_is_the_clis():
    codes = {int(row[0]) for row in table_rows("### Exit codes")}
    assert {EXIT_OK, EXIT_NOTE_ERRORS, EXIT_USAGE, 130} == codes
