"""Edit-to-reload: from a note's save to the preview server's reload event.

    python bench/reload.py [--sizes seed,1000,10000] [--edits 7] [--links]

For each garden (a copy of the seed garden in content/, or a generated one), starts
`garden serve` in this process on a free port, waits for the first build,
listens on the server-sent event stream, then saves one note's body
`--edits` times and measures, for each save, the time until the reload event
arrives. Prints the median and the worst, and the time of the first build.
With --links each save adds a link to another note, so the graph's layout is
made again, after the reload; the median time to its `graph` event is printed too.
Targets (issue 3): under 100 ms at 1,000 notes, under 300 ms at 10,000.
"""

from __future__ import annotations

import argparse
import http.client
import io
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from garden.preview.session import PreviewSession  # noqa: E402


def garden_for(size: str, work: Path) -> tuple[Path, Path]:
    """(config file, a note to edit) for a copy of the seed garden (the edits never touch content/ itself), or
    a generated one."""
    if size == "seed":
        root = work / "seed"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(REPO / "content", root / "content")
        shutil.copy(REPO / "garden.yaml", root / "garden.yaml")
        return root / "garden.yaml", root / "content" / "ai-systems" / "batching.md"
    root = work / f"g{size}"
    if not (root / "content").exists():
        subprocess.run([sys.executable, str(REPO / "bench" / "generate.py"), size, str(root / "content")],
                       check=True, stdout=subprocess.DEVNULL)
    (root / "garden.yaml").write_text("title: Bench\ngit_dates: false\n")
    note = next(p for p in sorted((root / "content").rglob("*.md")))
    return root / "garden.yaml", note


def measure(config: Path, note: Path, edits: int, links: bool = False) -> tuple[float, list[float], list[float]]:
    """The first build's seconds, and each edit's milliseconds to the reload and (`links`: each edit adds a
    link to another note, so the graph changes) to the graph's update."""
    log = io.StringIO()
    session = PreviewSession(config, {"base_url": ""}, log=log)
    ready = threading.Event()
    url: list[str] = []
    started = time.perf_counter()
    thread = threading.Thread(target=session.serve, args=("127.0.0.1", 0),
                              kwargs={"ready": lambda u: (url.append(u), ready.set())}, daemon=True)
    thread.start()
    ready.wait(3600)
    first_build = time.perf_counter() - started
    port = int(url[0].rsplit(":", 1)[1].strip("/"))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", "/__garden/events")
    response = conn.getresponse()  # kept referenced: its file closes with it
    stream = response.fp
    original = note.read_text(encoding="utf-8")
    # Notes this one does not link to yet, by title: each edit's link changes the graph (else no graph event).
    key = note.relative_to(session.config.content_dir).as_posix()
    linked = set(session.state.graph.outgoing.get(key, ())) | {key}
    others = sorted(meta.title for other, meta in session.state.indexed.notes.items() if other not in linked)
    timings, graph_timings = [], []
    try:
        for i in range(edits):
            time.sleep(0.3)  # let the last reload settle
            saved = time.perf_counter()
            added = f"Edit number {i}, about [[{others[i % len(others)]}]]." if links else f"Edit number {i}."
            note.write_text(original + f"\n\n{added}\n", encoding="utf-8")
            waiting = ["event: reload", "event: graph"] if links else ["event: reload"]
            while waiting:
                line = stream.readline().decode()
                if line.startswith(waiting[0]):
                    (timings if len(timings) == i else graph_timings).append((time.perf_counter() - saved) * 1000)
                    waiting.pop(0)
    finally:
        note.write_text(original, encoding="utf-8")
        time.sleep(0.3)
        session.shutdown()
        thread.join(60)
    return first_build, timings, graph_timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="seed,1000,10000")
    parser.add_argument("--edits", type=int, default=7)
    parser.add_argument("--work", type=Path, help="keep generated gardens here (default: a temp folder)")
    parser.add_argument("--links", action="store_true", help="each edit adds a link (the graph is laid out anew)")
    args = parser.parse_args()
    # Stopped by SIGTERM (`timeout`, say), it still puts back the note it edits, as after Ctrl+C.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    work = args.work or Path(tempfile.mkdtemp(prefix="garden-reload-"))
    graph = f"  {'edit→graph median ms':>21}" if args.links else ""
    print(f"{'garden':>8}  {'first build s':>13}  {'edit→reload median ms':>22}  {'worst ms':>9}{graph}")
    for size in args.sizes.split(","):
        config, note = garden_for(size, work)
        first, timings, graph_timings = measure(config, note, args.edits, args.links)
        graph = f"  {statistics.median(graph_timings):21.0f}" if args.links else ""
        print(f"{size:>8}  {first:13.1f}  {statistics.median(timings):22.0f}  {max(timings):9.0f}{graph}", flush=True)


if __name__ == "__main__":
    main()
