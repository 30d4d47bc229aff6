"""`garden deploy`: publish a built site as one new commit on a `gh-pages` branch.

Only git plumbing is used, with a throwaway index whose work tree is the site
folder, so the user's work tree, index and current branch are never touched
and nothing outside the built site can end up in the commit.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from .errors import GardenError
from .write import MARKER

DEFAULT_REMOTE = "origin"
DEFAULT_BRANCH = "gh-pages"
UNPUBLISHED = (MARKER,)  # files in the output folder that are the writer's, not the site's


class DeployError(GardenError):
    """garden deploy cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class Target:
    """Where a deploy goes: a repository's git folder, a remote and a branch on it."""

    git_dir: Path
    remote: str
    branch: str
    cwd: Path  # git runs here, so a remote given as a relative path means what it means to the user

    @property
    def ref(self) -> str:
        return f"refs/heads/{self.branch}"


@dataclass(frozen=True)
class DeployPlan:
    """What a deploy commits and pushes, computed without changing any ref."""

    target: Target
    tree: str
    files: int
    size: int
    parent: str | None  # the branch's current tip (the remote's when it has one)
    remote_tip: str | None
    local_tip: str | None
    changes: tuple[str, ...] = field(default=())  # "A path", "M path", "D path" against the parent

    @property
    def changed(self) -> bool:
        return self.parent is None or bool(self.changes)


@dataclass(frozen=True)
class Deployed:
    commit: str
    committed: bool  # False: the site was the same as the branch's tip, no commit was made
    pushed: bool


def find_target(where: Path, remote: str = DEFAULT_REMOTE, branch: str = DEFAULT_BRANCH) -> Target:
    """The repository holding `where`, checked to have `remote` and not to have `branch` checked out."""
    done = _run(["rev-parse", "--absolute-git-dir"], cwd=where, check=False)
    if done.returncode != 0:
        why = "" if "not a git repository" in done.stderr else f"\n{_indent(done.stderr)}"
        raise DeployError(f"not a git repository: {where}{why}\n"
                          "  garden deploy pushes the site to a branch of the garden's repository; "
                          "run `git init` and `git remote add origin URL` first")
    git_dir = Path(done.stdout.strip())
    if _run(["check-ref-format", "--branch", branch], git_dir=git_dir, check=False).returncode != 0:
        raise DeployError(f"'{branch}' is not a valid branch name")
    remotes = _run(["remote"], git_dir=git_dir).stdout.split()
    if remote not in remotes:
        there = ", ".join(f"'{r}'" for r in remotes) if remotes else "none"
        raise DeployError(f"remote '{remote}' does not exist (remotes: {there})\n"
                          f"  add it with `git remote add {remote} URL`, or choose one with --remote NAME")
    target = Target(git_dir, remote, branch, where)
    for worktree, checked_out in _worktree_branches(git_dir):
        if checked_out == target.ref:
            raise DeployError(f"branch '{branch}' is checked out in {worktree}; garden deploy writes that branch "
                              "without touching any work tree, so switch that work tree to another branch first")
    return target


def plan_deploy(target: Target, site: Path) -> DeployPlan:
    """Record every file of `site` in a new tree and compare it with the branch's tip."""
    site = site.resolve()
    if not site.is_dir():
        raise DeployError(f"no site to deploy at {site}")
    with tempfile.TemporaryDirectory(prefix="garden-deploy-") as scratch:
        # A fresh index whose work tree is the site: `add` sees the site's files and nothing else.
        # --force: the site is published whole, whatever the user's ignore rules say.
        env = {"GIT_INDEX_FILE": str(Path(scratch) / "index")}
        excluded = [f":(exclude,top){name}" for name in UNPUBLISHED]
        _run(["-c", "core.autocrlf=false", "--work-tree", str(site), "add", "--all", "--force", "--", ".",
              *excluded], git_dir=target.git_dir, cwd=site, env=env)
        tree = _run(["write-tree"], git_dir=target.git_dir, env=env).stdout.strip()
        listing = _run(["ls-files", "-s", "-z"], git_dir=target.git_dir, env=env).stdout
    blobs = [entry.split()[1] for entry in listing.split("\0") if entry]
    size = _blob_sizes(target.git_dir, blobs)

    remote_tip = _remote_tip(target)
    local_tip = _rev(target.git_dir, target.ref)
    parent = remote_tip or local_tip  # build on what is published, so the push is a fast-forward
    changes: tuple[str, ...] = ()
    if parent:
        diff = _run(["diff-tree", "-r", "--no-renames", "--name-status", "-z", parent, tree],
                    git_dir=target.git_dir).stdout.split("\0")
        changes = tuple(f"{status} {path}" for status, path in zip(diff[0::2], diff[1::2]) if status)
    return DeployPlan(target, tree, len(blobs), size, parent, remote_tip, local_tip, changes)


def publish(plan: DeployPlan, message: str) -> Deployed:
    """Commit the planned tree on the branch (unless nothing changed) and push it to the remote."""
    target = plan.target
    commit = plan.parent or ""
    if plan.changed:
        parents = ["-p", plan.parent] if plan.parent else []
        commit = _run(["commit-tree", plan.tree, *parents, "-m", message], git_dir=target.git_dir).stdout.strip()
    if commit != plan.local_tip:
        # The old value guards against another process having moved the branch meanwhile.
        old = plan.local_tip or "0" * len(commit)  # all zeros: the branch must not exist yet
        _run(["update-ref", "-m", "garden deploy", target.ref, commit, old], git_dir=target.git_dir)
    pushed = False
    if commit != plan.remote_tip:
        _run(["push", "--quiet", target.remote, f"{target.ref}:{target.ref}"], git_dir=target.git_dir,
             cwd=target.cwd)
        pushed = True
    return Deployed(commit, plan.changed, pushed)


def describe(plan: DeployPlan, message: str, limit: int = 40) -> list[str]:
    """What a dry run prints: the commit a deploy would make and whether it would push."""
    target = plan.target
    if not plan.changed:
        lines = [f"nothing changed since the last deploy ({plan.parent[:12]}): no new commit"]
    else:
        counts = {s: sum(c.startswith(s) for c in plan.changes) for s in "AMD"}
        onto = (f"on top of {plan.parent[:12]}: {counts['A']} added, {counts['M']} changed, {counts['D']} deleted"
                if plan.parent else "as its first commit")
        lines = [f"would commit {size_text(plan)} to '{target.branch}' {onto}"]
        lines += [f"  {change}" for change in plan.changes[:limit]]
        if len(plan.changes) > limit:
            lines.append(f"  ... and {len(plan.changes) - limit} more")
        lines.append(f"with the message: {message}")
    if plan.changed or plan.parent != plan.remote_tip:
        lines.append(f"would push '{target.branch}' to '{target.remote}'")
    else:
        lines.append(f"'{target.branch}' on '{target.remote}' is up to date")
    return lines


def size_text(plan: DeployPlan) -> str:
    return f"{plan.files} files ({plan.size / 1e6:.1f} MB)"


def default_message(target: Target) -> str:
    """Name the source commit, so a deploy can be traced to the notes it was built from."""
    head = _rev(target.git_dir, "HEAD")
    if not head:
        return "garden deploy"
    branch = _run(["symbolic-ref", "--quiet", "--short", "HEAD"], git_dir=target.git_dir, check=False)
    on = f" ({branch.stdout.strip()})" if branch.returncode == 0 else ""
    return f"garden deploy: site built from {head[:12]}{on}"


def pages_url_hint(target: Target) -> str:
    """A guess at the GitHub Pages URL from the remote's URL, for the message about a missing base_url."""
    url = _run(["remote", "get-url", target.remote], git_dir=target.git_dir, cwd=target.cwd,
               check=False).stdout.strip()
    found = re.search(r"github\.com[:/]([^/]+)/([^/]+?)(?:\.git)?/?$", url)
    if not found:
        return "https://USER.github.io/REPO/"
    user, repo = found.groups()
    if repo.lower() == f"{user.lower()}.github.io":
        return f"https://{repo.lower()}/"
    return f"https://{user.lower()}.github.io/{repo}/"


def _worktree_branches(git_dir: Path) -> list[tuple[str, str]]:
    """(work tree, checked-out ref) for every work tree of the repository."""
    found: list[tuple[str, str]] = []
    listing = _run(["worktree", "list", "--porcelain"], git_dir=git_dir).stdout
    for block in listing.split("\n\n"):
        info = dict(line.partition(" ")[::2] for line in block.splitlines())
        if "worktree" in info:
            found.append((info["worktree"], info.get("branch", "")))
    return found


def _remote_tip(target: Target) -> str | None:
    """The branch's commit on the remote, fetched when this repository does not have it yet."""
    done = _run(["ls-remote", "--heads", target.remote, target.ref], git_dir=target.git_dir, cwd=target.cwd,
                check=False)
    if done.returncode != 0:
        raise DeployError(f"cannot reach remote '{target.remote}':\n{_indent(done.stderr)}")
    tips = [line.split()[0] for line in done.stdout.splitlines() if line.endswith("\t" + target.ref)]
    if not tips:
        return None
    if _run(["cat-file", "-e", f"{tips[0]}^{{commit}}"], git_dir=target.git_dir, check=False).returncode != 0:
        # Into FETCH_HEAD only: no branch or remote-tracking ref of the user's changes.
        _run(["fetch", "--quiet", "--no-tags", target.remote, target.ref], git_dir=target.git_dir,
             cwd=target.cwd)
    return tips[0]


def _rev(git_dir: Path, name: str) -> str | None:
    done = _run(["rev-parse", "--verify", "--quiet", f"{name}^{{commit}}"], git_dir=git_dir, check=False)
    return done.stdout.strip() if done.returncode == 0 else None


def _blob_sizes(git_dir: Path, blobs: list[str]) -> int:
    if not blobs:
        return 0
    done = _run(["cat-file", "--batch-check=%(objectsize)"], git_dir=git_dir, stdin="\n".join(blobs) + "\n")
    return sum(int(n) for n in done.stdout.split())


def _run(args: list[str], *, git_dir: Path | None = None, cwd: Path | None = None, env: dict[str, str] | None = None,
         stdin: str | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    # Variables a git hook or the caller may have set would redirect these commands elsewhere.
    base = {k: v for k, v in os.environ.items() if k not in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE")}
    command = ["git", *([f"--git-dir={git_dir}"] if git_dir else []), *args]
    try:
        done = subprocess.run(command, cwd=cwd or git_dir, env={**base, **(env or {})}, input=stdin,
                              capture_output=True, text=True, timeout=600)
    except FileNotFoundError:
        raise DeployError("git is not installed (or not on PATH); garden deploy needs it") from None
    if check and done.returncode != 0:
        raise DeployError(f"`git {' '.join(args)}` failed:\n{_indent(done.stderr or done.stdout)}")
    return done


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" for line in text.strip().splitlines())
