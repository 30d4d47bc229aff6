"""The GitHub Pages workflow: valid YAML, the official actions with their permissions, and its build command."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from garden.config import load_config

from .conftest import REPO

WORKFLOW = REPO / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def step_using(workflow: dict, job: str, action: str) -> dict:
    found = [s for s in steps(workflow, job) if s.get("uses", "").split("@")[0] == action]
    assert len(found) == 1, f"{job} should use {action} once"
    return found[0]


def build_step(workflow: dict) -> dict:
    found = [s for s in steps(workflow, "build") if "garden build" in s.get("run", "")]
    assert len(found) == 1
    return found[0]


def test_runs_on_a_push_to_the_default_branch(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers["push"]["branches"] == ["main"]


def test_permissions_and_concurrency_the_pages_actions_need(workflow):
    assert workflow["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert workflow["concurrency"] == {"group": "pages", "cancel-in-progress": False}


def test_build_job_uses_the_official_actions(workflow):
    assert step_using(workflow, "build", "actions/checkout")["uses"] == "actions/checkout@v4"
    assert step_using(workflow, "build", "actions/checkout")["with"]["fetch-depth"] == 0  # dates come from git
    python = step_using(workflow, "build", "actions/setup-python")
    assert python["uses"] == "actions/setup-python@v5" and python["with"]["cache"] == "pip"
    pages = step_using(workflow, "build", "actions/configure-pages")
    assert pages["uses"] == "actions/configure-pages@v5" and pages["id"] == "pages"
    upload = step_using(workflow, "build", "actions/upload-pages-artifact")
    assert upload["uses"] == "actions/upload-pages-artifact@v3"
    assert upload["with"]["path"] == load_config(REPO / "garden.yaml").output == "public"
    runs = [s.get("run", "") for s in steps(workflow, "build")]
    assert "pip install ." in runs
    order = [s.get("uses", s.get("run", "")) for s in steps(workflow, "build")]
    assert order.index("pip install .") < order.index(build_step(workflow)["run"]) < order.index(upload["uses"])


def test_build_takes_the_base_url_from_the_pages_configuration(workflow):
    step = build_step(workflow)
    assert step["env"]["BASE_URL"] == "${{ steps.pages.outputs.base_url }}"
    assert re.fullmatch(r'garden build --strict --base-url "\$BASE_URL"', step["run"].strip())


def test_deploy_job_uses_the_official_deploy_action(workflow):
    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    step = step_using(workflow, "deploy", "actions/deploy-pages")
    assert step["uses"] == "actions/deploy-pages@v4" and step["id"] == "deployment"


def test_the_workflows_build_command_builds_the_seed_garden(workflow, tmp_path):
    """The exact command of the build step, with the base URL configure-pages gives (no trailing slash)."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "garden.yaml", tmp_path / "garden.yaml")
    env = {**os.environ, "BASE_URL": "https://user.github.io/my-garden",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    done = subprocess.run(["bash", "-eo", "pipefail", "-c", build_step(workflow)["run"]], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    site = tmp_path / "public"
    locs = re.findall(r"<loc>([^<]+)</loc>", (site / "sitemap.xml").read_text())
    assert locs and all(loc.startswith("https://user.github.io/my-garden/") for loc in locs)
    assert (site / ".nojekyll").exists()
    assert 'href="/my-garden/"' in (site / "404.html").read_text()
