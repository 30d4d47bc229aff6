"""The command line: `garden init | build | check | serve | new | deploy | charts`, each with --help."""

from __future__ import annotations

import argparse
import importlib
import signal
import sys
import threading
import time
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__, fingerprint
from .config import Config, load_config
from .errors import Diagnostic, GardenError
from .lock import site_lock
from .result import BuildResult
from .progress import Progress
from .report import SHOWN, display, report

if TYPE_CHECKING:
    from .deploy import Target
    from .search import SearchIndex

EXIT_OK, EXIT_NOTE_ERRORS, EXIT_USAGE = 0, 1, 2


VERBS = ("init", "build", "check", "serve", "new", "deploy", "charts")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if not argv or (argv[0] not in VERBS and argv[0] not in ("-h", "--help", "--version")):
        argv = ["build", *argv]  # `garden` alone, or with build's flags, builds
    parser = make_parser()
    args = parser.parse_args(argv)
    previous = _interrupt_on_sigterm()
    try:
        return args.run(args)
    except GardenError as exc:
        print(f"garden: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("garden: interrupted", file=sys.stderr)
        return 130
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _interrupt_on_sigterm():
    """SIGTERM (a CI job cancelled, `kill`) stops a command as Ctrl+C does, so a build that is
    writing cleans up after itself and the previous site stays whole."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="garden", description="Build a static site from a garden of notes.",
                                     epilog="example: garden init my-garden && cd my-garden && garden serve\n"
                                            "exit codes: 0 ok, 1 errors in notes, 2 bad usage or configuration",
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version", version=f"garden {__version__}")
    verbs = parser.add_subparsers(dest="command", metavar="COMMAND")

    init = verbs.add_parser("init", help="start a new garden in a folder",
                            description="Start a new garden: garden.yaml with every option, a few notes that show "
                                        "the syntax (and a chart), the GitHub Pages workflow and a .gitignore. "
                                        "Writes only into an empty or new folder, and never overwrites a file.",
                            epilog="example: garden init my-garden && cd my-garden && garden serve")
    init.add_argument("folder", nargs="?", default=".", type=Path, metavar="DIR",
                      help="where to start it (default: here)")
    init.add_argument("--title", help="the site's name (default: from the folder's name)")
    init.add_argument("--force", action="store_true",
                      help="write into a folder that is not empty, adding only the files that are missing")
    init.set_defaults(run=run_init)

    build = verbs.add_parser("build", help="build the site from the notes",
                             description="Build the site: content/ → public/.",
                             epilog="example: garden build --base-url https://me.github.io/garden/ --strict")
    _site_options(build)
    build.set_defaults(run=run_build)

    check = verbs.add_parser("check", help="everything a build does, without writing",
                             description="Report broken links and other problems without writing the site.",
                             epilog="example: garden check --strict\n"
                                    "         garden check --format json   # for editors and CI tools",
                             formatter_class=argparse.RawDescriptionHelpFormatter)
    _site_options(check)
    check.add_argument("--format", choices=("text", "json"), default="text",
                       help="text (default), or one JSON document on standard output")
    check.set_defaults(run=run_check)

    serve = verbs.add_parser("serve", help="build, serve, and rebuild on every save",
                             description="Preview the garden: a local server that rebuilds and reloads the page "
                                         "as you save. The preview's site is kept apart from public/.",
                             epilog="example: garden serve --port 8001")
    serve.add_argument("--config", type=Path, help="config file (default: ./garden.yaml)")
    serve.add_argument("--content", help="folder of notes (default: content)")
    serve.add_argument("--output", type=Path, help="where to write the preview site (default: a temporary folder)")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1, this machine only)")
    serve.add_argument("--port", type=int, default=8000, help="port (default: 8000, or the next free one)")
    serve.add_argument("--poll", action="store_true", help="poll for changes (for file systems without events)")
    serve.add_argument("--charts", action="store_true",
                       help="rerun chart scripts whose source or arguments changed, in the background")
    serve.set_defaults(run=run_serve)

    new = verbs.add_parser("new", help="start a new note", description="Create a note from the note template.",
                           epilog='example: garden new "Roofline Model" --folder ai-systems')
    new.add_argument("title", help="the note's title")
    new.add_argument("--folder", default="", help="folder inside the content folder")
    new.add_argument("--config", type=Path, help="config file (default: ./garden.yaml)")
    new.add_argument("--content", help="content folder (overrides the config)")
    new.set_defaults(run=run_new)

    deploy = verbs.add_parser("deploy", help="build, then push the site to a gh-pages branch",
                              description="Build the site and publish it as one new commit on the gh-pages "
                                          "branch of a git remote, without touching the work tree.",
                              epilog="example: garden deploy --remote origin")
    _site_options(deploy)
    deploy.add_argument("--remote", default="origin", help="git remote to push to (default: origin)")
    deploy.add_argument("--branch", default="gh-pages", help="branch to publish on (default: gh-pages)")
    deploy.add_argument("--message", help="commit message (default: names the commit the site was built from)")
    deploy.add_argument("--dry-run", action="store_true", help="build and show what would be pushed; push nothing")
    deploy.set_defaults(run=run_deploy)

    charts = verbs.add_parser("charts", help="run the chart scripts whose source or arguments changed",
                              description="Run the scripts of the charts the notes embed, each in its own process, "
                                          "and store each result beside its script (commit those files: builds "
                                          "never run scripts). Only scripts whose source or arguments changed "
                                          "since their result was stored are run, and those that failed.",
                              epilog="example: garden charts --timeout 120")
    charts.add_argument("--config", type=Path, help="config file (default: ./garden.yaml)")
    charts.add_argument("--content", help="folder of notes (default: content)")
    charts.add_argument("--force", action="store_true", help="run every chart's script, changed or not")
    charts.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                        help="time limit for each script (default: 60)")
    charts.add_argument("--jobs", type=int, help="scripts run at once (default: all cores)")
    charts.set_defaults(run=run_charts)
    return parser


def _site_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", type=Path, help="config file (default: ./garden.yaml)")
    parser.add_argument("--content", help="folder of notes (default: content)")
    parser.add_argument("--output", help="folder for the site (default: public)")
    parser.add_argument("--base-url", help="the site's public URL, e.g. https://user.github.io/repo/")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument("--file-urls", action="store_true", default=None,
                        help="links name index.html, so the site works opened straight from disk")
    parser.add_argument("--jobs", type=_count, metavar="N", help="processes for rendering (default: all cores)")
    talk = parser.add_mutually_exclusive_group()
    talk.add_argument("-q", "--quiet", action="store_true", help="print only problems")
    talk.add_argument("-v", "--verbose", action="store_true", help="also print how long each phase took")
    parser.add_argument("--no-search", dest="search", action="store_false", default=None,
                        help="do not build the full-text search index")


def _count(text: str) -> int:
    """A whole number >= 1, else argparse's usage error (exit 2)."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number of at least 1, found {text!r}")
    return number


def _config(args: argparse.Namespace) -> Config:
    overrides = {"content": args.content, "output": getattr(args, "output", None),
                 "base_url": getattr(args, "base_url", None), "file_urls": getattr(args, "file_urls", None),
                 "search": getattr(args, "search", None)}
    return load_config(args.config, **overrides)


def run_build(args: argparse.Namespace, write: bool = True) -> int:
    config = _config(args)
    result = _build(config, args, write=write)
    # `garden check` is where the whole list is read; a build cuts a long one short.
    report(result, config, strict=args.strict, limit=None if not write else SHOWN, quiet=args.quiet,
           verbose=args.verbose)
    failed = result.errors or (args.strict and result.warnings)
    return EXIT_NOTE_ERRORS if failed else EXIT_OK


def _build(config: Config, args: argparse.Namespace, write: bool = True, locked: bool = False) -> BuildResult:
    """build_site, then the search index, with progress on standard error (none with --quiet).
    `locked`: the caller already holds the site's lock."""
    started = time.perf_counter()
    progress = Progress(sys.stderr) if not args.quiet else None
    said = progress or (lambda phase, done, total: None)
    index = None
    try:
        # One build at a time writes a site and its cache; a second is refused (exit 2), naming the first.
        # (The look ahead begins first: its child process must not hold the lock.)
        with fingerprint.looking_ahead(config) if write else nullcontext() as looked, \
                site_lock(config.output_dir, config.cache_dir) if write and not locked else nullcontext():
            if looked is not None:
                # While a child process walks the content folder, this one loads the stages (Markdown, Jinja:
                # a tenth of a second) that a build after an edit needs: at 10,000 notes, an edit takes 0.05 s
                # less, and a build with nothing to do 0.03 s more.
                importlib.import_module(".pipeline", __package__)
            inputs, result = fingerprint.shortcut(config, started, looked) if write else (None, None)
            if result is None:
                from .pipeline import build_site  # (unless loaded above, only now: it brings in every stage)
                result = build_site(config, write=write, jobs=args.jobs, progress=said, inputs=inputs)
            if write and config.search:
                said("search index", 0, 0)
                index = index_search(config, result)
    finally:
        if progress:
            progress.close()  # before anything else is printed
    if index:
        result.timings["search index"] = index.seconds
        result.seconds += index.seconds  # the summary's time is the whole command's
        if not args.quiet:
            print(f"search: {index.summary()}", file=sys.stderr)
    return result


def index_search(config: Config, result: BuildResult) -> SearchIndex | None:
    """After a build that wrote the site: the search index, or a warning saying why there is none."""
    from .search import INDEX_DIR, MANIFEST, SearchError, index_site

    if not config.search or result.output is None or not (result.output / "index.html").exists():
        return None
    if result.written == 0 and (result.output / INDEX_DIR / MANIFEST).exists():
        return None  # the site is as the index saw it
    try:
        return index_site(result.output, result.searchable)
    except SearchError as exc:
        result.diagnostics.append(Diagnostic("search", 0, "warning", str(exc)))
        return None


def run_check(args: argparse.Namespace) -> int:
    """The build without writing: every problem (not the first 50), then the orphans; or all of it as JSON."""
    from .check import check_json, print_orphans

    if args.format == "json":
        args.quiet = True  # standard output is the JSON alone; no progress either
    config = _config(args)
    result = _build(config, args, write=False)
    failed = result.errors or (args.strict and result.warnings)
    if args.format == "json":
        print(check_json(result, config, strict=args.strict))
        return EXIT_NOTE_ERRORS if failed else EXIT_OK
    report(result, config, strict=args.strict, limit=None, quiet=args.quiet, verbose=args.verbose)
    if not args.quiet:
        print_orphans(result, config, sys.stderr)
    return EXIT_NOTE_ERRORS if failed else EXIT_OK


def run_init(args: argparse.Namespace) -> int:
    from .init import PLACEHOLDER_SOURCE, init_garden

    made = init_garden(args.folder, title=args.title, force=args.force)
    where = display(made.root)
    for rel in made.written:
        print(f"created {rel}")
    for rel in made.kept:
        print(f"kept    {rel} (already there)")
    print(f"\na new garden in {where}: {len(made.written)} files written")
    if made.source == PLACEHOLDER_SOURCE:
        print("to publish on GitHub Pages, name garden's repository in .github/workflows/pages.yml (OWNER)")
    steps = ([f"cd {where}"] if where != "." else []) + ["garden serve"]
    print("next: " + " && ".join(steps) + "    # a preview at http://127.0.0.1:8000, rebuilt as you save")
    return EXIT_OK


def run_serve(args: argparse.Namespace) -> int:
    from .preview.session import PreviewSession

    # base_url is the deployed site's; in the preview, links (even the 404 page's) start at this server's root.
    session = PreviewSession(args.config, {"content": args.content, "base_url": ""}, output=args.output,
                             run_charts=args.charts)
    session.serve(args.host, args.port, poll=args.poll)
    return EXIT_OK


def run_new(args: argparse.Namespace) -> int:
    from .new import create_note

    config = load_config(args.config, content=args.content)
    path = create_note(config, args.title, args.folder)
    print(f"created {display(path)}")
    return EXIT_OK


def run_deploy(args: argparse.Namespace) -> int:
    from . import deploy

    config = _config(args)
    target = deploy.find_target(config.root, args.remote, args.branch)  # refuse before a long build
    # Held until the push is done: a build started meanwhile would change the site being committed.
    with site_lock(config.output_dir, config.cache_dir):
        return _deploy(config, args, target)


def _deploy(config: Config, args: argparse.Namespace, target: Target) -> int:
    from . import deploy

    result = _build(config, args, locked=True)
    report(result, config, strict=args.strict, quiet=args.quiet, verbose=args.verbose)
    failed = len(result.errors) + (len(result.warnings) if args.strict else 0)
    if failed:
        print(f"garden: not deploying: the build has {failed} error{'s' if failed != 1 else ''}", file=sys.stderr)
        return EXIT_NOTE_ERRORS
    if not config.base_url:  # links work without it; the feed and sitemap need the site's full URL
        guess = f"https://{config.cname.strip()}/" if config.cname else deploy.pages_url_hint(target)
        print("garden: note: no base_url is set, so the feed and sitemap use paths from the domain's root; set "
              f"`base_url: {guess}` in garden.yaml or pass --base-url", file=sys.stderr)
    plan = deploy.plan_deploy(target, config.output_dir)
    message = args.message or deploy.default_message(target)
    if args.dry_run:
        print("\n".join(deploy.describe(plan, message)))
        print("dry run: nothing committed, nothing pushed")
        return EXIT_OK
    done = deploy.publish(plan, message)
    if done.committed:
        print(f"committed {deploy.size_text(plan)} to '{target.branch}' as {done.commit[:12]}")
    else:
        print(f"nothing changed since the last deploy ({done.commit[:12]}): no new commit")
    print(f"pushed '{target.branch}' to '{target.remote}'" if done.pushed else f"'{target.remote}' is up to date")
    return EXIT_OK


def run_charts(args: argparse.Namespace) -> int:
    from .charts.refresh import ChartRun, refresh_charts

    config = load_config(args.config, content=args.content)
    if args.timeout <= 0:
        raise GardenError(f"--timeout: expected a number of seconds > 0, found {args.timeout:g}")
    content = display(config.content_dir)
    problems: list[Diagnostic] = []

    def said(run: ChartRun) -> None:
        line = f"{run.status:<11} {run.name}"
        if run.status == "ran":
            line += f"  ({run.seconds:.1f}s{', unchanged' if not run.written else ''})"
        elif run.status == "failed":
            line += f": {run.message}"
        print(line, flush=True)
        if run.status == "failed" and run.stderr:
            for text in run.stderr.splitlines()[-10:]:
                print(f"    {text}")

    runs = refresh_charts(config, only_stale=not args.force, timeout=args.timeout, jobs=args.jobs,
                          problems=problems, on_run=said)
    for problem in problems:
        print(Diagnostic(f"{content}/{problem.path}", problem.line, problem.level, problem.message,
                         problem.hint).format(), file=sys.stderr)
    counts = {status: sum(1 for run in runs if run.status == status) for status in ("ran", "up to date", "failed")}
    print(f"{len(runs)} charts: {counts['ran']} ran, {counts['up to date']} up to date, {counts['failed']} failed"
          + (f"; {len(problems)} chart block problems" if problems else ""))
    failed = counts["failed"] or any(p.level == "error" for p in problems)
    return EXIT_NOTE_ERRORS if failed else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
