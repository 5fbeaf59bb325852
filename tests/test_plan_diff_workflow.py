"""The pull-request workflow (.github/workflows/plan-diff.yml) and its script: the script runs
on two commits of a temporary git repository and posts, then updates, one comment on a fake
GitHub API served on loopback; the workflow is pinned, least-privilege and takes its inputs
through env:."""

from __future__ import annotations

import importlib.util
import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from ruamel.yaml import YAML

from .conftest import DESIGNS, ROOT, git

WORKFLOW = ROOT / ".github" / "workflows" / "plan-diff.yml"


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "plan_diff_comment", ROOT / "scripts" / "plan_diff_comment.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _small_repo(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository whose second commit edits startup.yaml only (two zones)."""
    root = tmp_path / "small"
    (root / "designs").mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    design = root / "designs" / "startup.yaml"
    design.write_text((DESIGNS / "startup.yaml").read_text())
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    base = git(root, "rev-parse", "HEAD")
    design.write_text(re.sub(r"^zones: 1$", "zones: 2", design.read_text(), flags=re.M))
    git(root, "commit", "-q", "-am", "head")
    return root, base, git(root, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path) -> tuple[Path, str, str]:
    """A repository whose second commit edits shop.yaml (two zones), adds a design, deletes
    one, breaks one, and touches a file that is no design."""
    root = tmp_path / "repo"
    designs = root / "data" / "designs"
    designs.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for name in ("shop", "startup", "payments"):
        (designs / f"{name}.yaml").write_text((DESIGNS / f"{name}.yaml").read_text())
    (root / "README.md").write_text("hello\n")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "base")
    base = git(root, "rev-parse", "HEAD")
    git(root, "checkout", "-q", "-b", "change")
    shop = (designs / "shop.yaml").read_text()
    (designs / "shop.yaml").write_text(re.sub(r"^zones: 3 ", "zones: 2 ", shop, flags=re.M))
    (designs / "startup.yaml").unlink()
    (designs / "new.yaml").write_text(
        (DESIGNS / "startup.yaml").read_text().replace("name: startup", "name: new")
    )
    (designs / "payments.yaml").write_text("name: payments\nservices: 3\n")
    (root / "README.md").write_text("changed\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "head")
    return root, base, git(root, "rev-parse", "HEAD")


def test_the_comment_covers_every_changed_design(repo: tuple[Path, str, str]) -> None:
    root, base, head = repo
    script = _script()
    body = script.comment(base, head, script.DEFAULT_GLOBS, cwd=root)
    assert body is not None and body.startswith(script.MARKER)
    assert "4 design(s)" in body and "README" not in body
    sections = {
        m: body.index(f"### data/designs/{m}.yaml") for m in ("new", "payments", "shop", "startup")
    }
    assert list(sections) == sorted(sections, key=lambda m: sections[m])  # one per design, by path
    shop = body[sections["shop"] : sections["startup"]]
    assert "zones | 3 | 2 | changed" in shop and "<details>" in shop
    new = body[sections["new"] : sections["payments"]]
    assert "added" in new  # no base: everything is added
    startup = body[sections["startup"] :]
    assert "removed" in startup
    broken = body[sections["payments"] : sections["shop"]]
    assert "could not compare it" in broken and "payments.yaml" in broken
    assert script.comment(head, head, script.DEFAULT_GLOBS, cwd=root) is None


class _FakeGitHub(BaseHTTPRequestHandler):
    comments: ClassVar[list[dict[str, Any]]] = []
    calls: ClassVar[list[tuple[str, str]]] = []

    def _reply(self, data: Any, status: int = 200) -> None:
        raw = json.dumps(data).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(raw)))
        self.end_headers()
        self.wfile.write(raw)

    def _body(self) -> Any:
        return json.loads(self.rfile.read(int(self.headers["Content-Length"])))

    def do_GET(self) -> None:
        self.calls.append(("GET", self.path))
        self._reply(self.comments)

    def do_POST(self) -> None:
        self.calls.append(("POST", self.path))
        assert self.headers["Authorization"] == "Bearer t0ken"
        comment = {"id": 100 + len(self.comments), "body": self._body()["body"]}
        self.comments.append(comment)
        self._reply(comment, 201)

    def do_PATCH(self) -> None:
        self.calls.append(("PATCH", self.path))
        number = int(self.path.rsplit("/", 1)[1])
        comment = next(c for c in self.comments if c["id"] == number)
        comment["body"] = self._body()["body"]
        self._reply(comment)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def github() -> Iterator[str]:
    _FakeGitHub.comments = [{"id": 7, "body": "LGTM"}]
    _FakeGitHub.calls = []
    server = HTTPServer(("127.0.0.1", 0), _FakeGitHub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


def test_posts_one_comment_then_updates_it(
    github: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    root, base, head = _small_repo(tmp_path)
    script = _script()
    monkeypatch.chdir(root)
    monkeypatch.setenv("GITHUB_API_URL", github)
    monkeypatch.setenv("GITHUB_TOKEN", "t0ken")
    monkeypatch.setenv("REPOSITORY", "acme/infra")
    monkeypatch.setenv("PR_NUMBER", "12")
    out = tmp_path / "comment.md"
    assert script.main(["--base", base, "--head", head, "--post", "--out", str(out)]) == 0
    assert [c for c in _FakeGitHub.calls if c[0] != "GET"] == [
        ("POST", "/repos/acme/infra/issues/12/comments")
    ]
    assert len(_FakeGitHub.comments) == 2 and _FakeGitHub.comments[1]["body"] == out.read_text()
    # The next push updates that comment instead of adding another.
    assert script.main(["--base", base, "--head", head, "--post"]) == 0
    writes = [c for c in _FakeGitHub.calls if c[0] != "GET"]
    assert writes[-1] == ("PATCH", "/repos/acme/infra/issues/comments/101")
    assert len(_FakeGitHub.comments) == 2 and _FakeGitHub.comments[0]["body"] == "LGTM"


def test_the_workflow_is_pinned_least_privilege_and_takes_inputs_through_env() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    flow = YAML(typ="safe").load(text)
    on = flow.get("on", flow.get(True))  # YAML 1.1 reads `on` as true
    assert set(on) == {"pull_request"} and on["pull_request"]["paths"]
    assert flow["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = flow["jobs"]["diff"]["steps"]
    uses = [s["uses"] for s in steps if "uses" in s]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", u) for u in uses), uses
    checkout = next(s for s in steps if s.get("uses", "").startswith("actions/checkout@"))
    assert checkout["with"]["persist-credentials"] is False
    for step in steps:
        assert "${{" not in step.get("run", ""), step  # expressions only in env:
    post = next(s for s in steps if "plan_diff_comment.py" in s.get("run", ""))
    assert {"BASE_SHA", "HEAD_SHA", "PR_NUMBER", "REPOSITORY", "GITHUB_TOKEN"} <= set(post["env"])
