"""The GitHub Actions workflows (.github/workflows/): valid by actionlint, and doing what
docs/publishing.md says: a push to main runs the fast tests, builds with the caches kept
and deploys to GitHub Pages; a pull request builds and keeps the site for review."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
import yaml

from conftest import REPO

WORKFLOWS = REPO / ".github" / "workflows"

pytestmark = pytest.mark.node


def _lint(*paths) -> list[dict]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is missing: run `make test`, which installs it")
    done = subprocess.run([node, str(REPO / "tests" / "actionlint.cjs"), *map(str, paths)], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_actionlint_finds_nothing_in_the_workflows_and_finds_a_planted_mistake(tmp_path) -> None:
    files = sorted(WORKFLOWS.glob("*.yml"))
    assert [f.name for f in files] == ["publish.yml", "review.yml"]
    assert _lint(*files) == []
    broken = tmp_path / "broken.yml"
    broken.write_text((WORKFLOWS / "review.yml").read_text(encoding="utf-8").replace(
        "group: review-${{ github.event.pull_request.number }}", "group: review-${{ github.pull_request_number }}"),
        encoding="utf-8")
    [problem] = _lint(broken)
    assert "pull_request_number" in problem["message"] and problem["line"] == 11, problem


def _steps(workflow: dict, job: str) -> list[dict]:
    return workflow["jobs"][job]["steps"]


def test_a_push_to_main_tests_builds_and_deploys_with_its_caches() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "publish.yml").read_text(encoding="utf-8"))
    assert workflow[True]["push"]["branches"] == ["main"]  # YAML reads the key `on` as True
    steps = _steps(workflow, "build")
    runs = [step.get("run") for step in steps if "run" in step]
    assert runs == ["make quick", "make site"]
    cached = [step["with"]["path"] for step in steps if step.get("uses", "").startswith("actions/cache")]
    assert cached == [".venv", "_build/work"]
    assert any(s.get("uses", "").startswith("actions/upload-pages-artifact") and s["with"]["path"] == "_build/site"
               for s in steps)
    assert workflow["jobs"]["deploy"]["needs"] == "build"
    assert _steps(workflow, "deploy")[0]["uses"].startswith("actions/deploy-pages")


def test_a_pull_request_builds_the_site_and_keeps_it_for_review() -> None:
    workflow = yaml.safe_load((WORKFLOWS / "review.yml").read_text(encoding="utf-8"))
    assert "pull_request" in workflow[True]
    steps = _steps(workflow, "build")
    runs = [step.get("run") for step in steps if "run" in step]
    assert runs[:2] == ["make quick", "make site"]
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "_build/site-for-review"
    assert workflow["permissions"] == {"contents": "read"}  # a pull request's build publishes nothing
