"""Secrets in a notebook run: every form of a secret (raw, HTML-escaped, URL-encoded,
JSON-escaped, and these combined) is redacted; the running copy lives in a private 0700
folder outside --out, written redacted, removed on any exit, and a folder a killed run left
is removed by the next run. A run killed at random points (SIGTERM, SIGINT, SIGKILL) leaves
no secret in any file."""

from __future__ import annotations

import html
import json
import os
import random
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, quote_plus

import nbformat
import pytest

from devops_plan.notebooks import private, redact

from .conftest import runs

SECRET = 'tok-&<"sec>ret/+= é'
SECRET_VAR = "DP_TEST_API_TOKEN"  # a name redaction treats as secret
NEEDLES = (SECRET, "sec>ret", "sec&gt;ret", "sec%3Eret", "sec\\u003eret")


def test_every_form_of_a_secret_is_redacted() -> None:
    forms = {
        "raw": SECRET,
        "html": html.escape(SECRET),
        "html-no-quote": html.escape(SECRET, quote=False),
        "url": quote(SECRET),
        "url-all": quote(SECRET, safe=""),
        "url-form": quote_plus(SECRET),
        "json": json.dumps(SECRET)[1:-1],
        "json-ascii-of-html": json.dumps(html.escape(SECRET))[1:-1],
        "html-of-json": html.escape(json.dumps(SECRET)[1:-1]),
        "url-of-html": quote(html.escape(SECRET)),
    }
    for name, form in forms.items():
        text = f"before {form} after"
        out = redact.redact_text(text, [SECRET])
        assert out == f"before {redact.REDACTED} after", name
        assert redact.find_secrets(out, [SECRET]) == [], name


def test_redaction_replaces_the_longest_secret_whole() -> None:
    inner, outer = "abcdefgh", "xxabcdefghyy"
    assert redact.redact_text(f"{outer} {inner}", [outer, inner]) == "[redacted] [redacted]"


def test_private_folder_is_0700_and_removed_on_any_exit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr("tempfile.tempdir", None)
    with pytest.raises(KeyboardInterrupt), private.private_folder() as folder:
        assert folder.parent == tmp_path
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        (folder / "x.ipynb").write_text("secret")
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_a_stale_private_folder_of_a_dead_run_is_removed(tmp_path: Path) -> None:
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    stale = tmp_path / f"{private.PREFIX}{int(dead.stdout)}.abc123"
    stale.mkdir()
    (stale / "plan.ipynb").write_text("leftover")
    alive = tmp_path / f"{private.PREFIX}{os.getppid()}.def456"
    alive.mkdir()
    other = tmp_path / "devops-plan-run.not-a-run"
    other.mkdir()
    assert private.clean_stale(tmp_path) == [stale]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([alive.name, other.name])


def test_the_redacting_handler_never_writes_a_secret(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv(SECRET_VAR, SECRET)
    target = tmp_path / "running.ipynb"
    handler = private.RedactingHandler()
    handler.write(
        json.dumps({"text": f"<b>{html.escape(SECRET)}</b> {SECRET}"}),
        private.redacted_path(target),
    )
    text = target.read_text(encoding="utf-8")
    assert redact.find_secrets(text, [SECRET]) == []
    assert text.count(redact.REDACTED) == 2


# --- a run killed at random points --------------------------------------------------------------

LEAKY_CELLS = [
    "import html, json, os, time, urllib.parse\n"
    "from IPython.display import HTML, display\n"
    f"s = os.environ[{SECRET_VAR!r}]",
    *[
        "print(s)\nprint(json.dumps({'k': s}))\nprint(urllib.parse.quote(s))\n"
        "display(HTML('<b>' + s + '</b>'))\ndisplay(HTML(html.escape(s)))\ntime.sleep(0.7)"
    ]
    * 6,
]


def _leaky_notebook(path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    params = nbformat.v4.new_code_cell("unused: str = ''  # nothing")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# Leaky"), params]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in LEAKY_CELLS]
    nbformat.write(nb, path)
    return path


def _leaks(root: Path) -> list[str]:
    found = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes().decode("utf-8", "replace")
            found += [f"{path}: {n!r}" for n in NEEDLES if n in data]
            found += [f"{path}: {f!r}" for f in redact.find_secrets(data, [SECRET])]
    return found


def _run(notebook: Path, out: Path, tmp: Path) -> subprocess.Popen[str]:
    env = {**os.environ, SECRET_VAR: SECRET, "TMPDIR": str(tmp)}
    cli = Path(sys.executable).with_name("devops-plan")
    return subprocess.Popen(
        [str(cli), "notebook", "run", str(notebook), "--out", str(out), "--html", "--no-progress"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_runs_killed_at_random_points_leave_no_secret(tmp_path: Path) -> None:
    notebook = _leaky_notebook(tmp_path / "leaky.ipynb")
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    rng = random.Random(13)
    signals = [signal.SIGTERM, signal.SIGINT, signal.SIGKILL]
    for attempt in range(runs(3, 12)):
        sig = signals[attempt % 3]
        out = tmp_path / f"out{attempt}"
        proc = _run(notebook, out, tmp)
        time.sleep(rng.uniform(1.0, 10.0))
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=120)
        # During start-up (imports) the signal's default action applies; once the run has
        # begun, SIGTERM and Ctrl-C unwind with one line.
        expected = {signal.SIGTERM: (143, -15), signal.SIGINT: (130, -2), signal.SIGKILL: (-9,)}
        assert proc.returncode in (0, *expected[sig]), err
        if proc.returncode in (143, 130):
            assert err.strip().splitlines()[-1] in ("terminated", "interrupted"), err
        assert _leaks(out) == [], (sig, attempt)
        if sig != signal.SIGKILL:
            assert [p for p in tmp.iterdir() if p.name.startswith(private.PREFIX)] == []
    # A run after the kills cleans what SIGKILL left, and itself leaves nothing behind.
    done = _run(notebook, tmp_path / "last", tmp)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert [p for p in tmp.iterdir() if p.name.startswith(private.PREFIX)] == []
    assert _leaks(tmp_path / "last") == [] and _leaks(tmp) == []
    assert redact.REDACTED in (tmp_path / "last" / "leaky.ipynb").read_text()
