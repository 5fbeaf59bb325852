"""Browser-test helpers: Debian's Chromium, a Voilà server on loopback, the page's console.

Used by tests/test_browser_explorer.py. Everything here stays on 127.0.0.1: the server binds
to loopback, and the page may load nothing from anywhere else (requests elsewhere are
aborted and recorded, since a machine without internet could not reach them anyway).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser")
# Exactly these switches (issue 9): no sandbox (we run as root in a container), no GPU, and
# none of Chromium's own outside connections (updates, sync, field trials, first-run pages).
# Playwright adds --headless itself.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
APT_MARKER = Path("/tmp/.devops-plan-apt-updated")  # shared with scripts/ensure-system-deps.sh
READY_PATH = "voila/static/voila.js"
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})


def find_chromium() -> str | None:
    """The path of Debian's Chromium, or None."""
    for name in CHROMIUM_CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def ensure_chromium() -> str:
    """Debian's Chromium, installed with apt-get when missing and we are root; else skip, saying why.

    `make test` installs it beforehand (scripts/test-tools.txt); this covers a bare `pytest`.
    """
    found = find_chromium()
    if found:
        return found
    if os.name != "posix" or os.geteuid() != 0 or shutil.which("apt-get") is None:
        pytest.skip(
            "Chromium is not installed and cannot be installed here (needs root and apt-get): "
            "run 'sudo apt-get install chromium' to run the browser test"
        )
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [["apt-get", "install", "-y", "-qq", "chromium"]]
    if not APT_MARKER.exists():
        steps.insert(0, ["apt-get", "update", "-qq"])
    for step in steps:
        done = subprocess.run(
            step, env=env, capture_output=True, text=True, timeout=900, check=False
        )
        if done.returncode != 0:
            tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
            pytest.skip(
                f"Chromium could not be installed ({' '.join(step)} failed: {' / '.join(tail)})"
            )
        if step[1] == "update":
            APT_MARKER.touch()
    found = find_chromium()
    if not found:
        pytest.skip("apt-get installed the chromium package but no chromium command appeared")
    return found


def chromium_version(path: str) -> str:
    """What `chromium --version` prints (for the report), or '' if it says nothing."""
    done = subprocess.run(
        [path, "--version"], capture_output=True, text=True, timeout=60, check=False
    )
    return done.stdout.strip()


def is_loopback(url: str) -> bool:
    """True for addresses on this machine and for page-local schemes (data:, blob:)."""
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return (parts.hostname or "") in LOOPBACK_HOSTS


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nobody listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class VoilaServer:
    """A running Voilà process serving one notebook on loopback."""

    url: str
    process: subprocess.Popen[bytes]
    log_path: Path
    started_s: float

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def _start_voila(notebook: Path, port: int, log_path: Path) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--no-browser",
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--Voila.port_retries=0",  # fail on a taken port rather than serve somewhere else
    ]
    with log_path.open("ab") as log:
        # A session of its own, so a signal meant for pytest does not reach the server first.
        return subprocess.Popen(
            command,
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )


@contextlib.contextmanager
def voila_server(notebook: Path, log_path: Path, timeout_s: float = 90.0) -> Iterator[VoilaServer]:
    """Serve `notebook` with Voilà on a free loopback port until the block ends; then stop it.

    Stopping ends the server and every kernel it started (they run in sessions of their own,
    so they are found by process tree before the server goes), leaving no process behind.
    """
    started = time.perf_counter()
    process: subprocess.Popen[bytes] | None = None
    url = ""
    for _attempt in range(3):
        port = free_port()
        url = f"http://127.0.0.1:{port}/"
        process = _start_voila(notebook, port, log_path)
        deadline = time.monotonic() + timeout_s
        # A static file answers once the server listens, without starting a kernel (the page does).
        while time.monotonic() < deadline and process.poll() is None:
            if _answers(url + READY_PATH):
                break
            time.sleep(0.2)
        if process.poll() is None and _answers(url + READY_PATH):
            break
        exited = process.poll() is not None
        _stop(process)
        if not exited:  # it hung rather than lost the port to another program: do not retry
            break
    else:
        process = None
    if process is None or process.poll() is not None:
        log = log_path.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise RuntimeError(
            f"Voilà did not start serving {notebook} within {timeout_s:.0f} s:\n{log}"
        )
    assert process is not None
    server = VoilaServer(
        url=url, process=process, log_path=log_path, started_s=time.perf_counter() - started
    )
    try:
        yield server
    finally:
        leftover = _stop(process)
        if leftover:
            raise RuntimeError(f"processes left after stopping Voilà: {leftover}")


def _stop(process: subprocess.Popen[bytes]) -> list[str]:
    """Stop the server gracefully (it shuts its kernels down), then kill what is left, by pid."""
    try:
        family = [
            psutil.Process(process.pid),
            *psutil.Process(process.pid).children(recursive=True),
        ]
    except psutil.NoSuchProcess:
        family = []
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
    _gone, alive = psutil.wait_procs(family, timeout=10)
    for proc in alive:
        with contextlib.suppress(psutil.NoSuchProcess):
            proc.kill()
    _gone, still = psutil.wait_procs(alive, timeout=5)
    return [f"{p.pid}" for p in still]


@dataclass
class ConsoleLog:
    """What the page said: console messages, uncaught errors, blocked outside requests."""

    messages: list[dict[str, Any]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def attach(self, page: Any) -> None:
        """Listen on a Playwright page and abort every request that would leave this machine."""

        def on_console(message: Any) -> None:
            location = message.location or {}
            self.messages.append(
                {"type": message.type, "text": message.text, "url": location.get("url", "")}
            )

        def on_route(route: Any) -> None:
            url = route.request.url
            if is_loopback(url):
                route.continue_()
            else:
                self.blocked.append(url)
                route.abort()

        page.on("console", on_console)
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "requestfailed",
            lambda request: self.failed_requests.append(f"{request.url} ({request.failure})"),
        )
        page.route("**/*", on_route)

    def errors(self) -> list[dict[str, Any]]:
        return [m for m in self.messages if m["type"] == "error"]


# Every element whose content is wider than its box, when the box clips or scrolls it; and
# the labels ipywidgets cut with an ellipsis. Reported as "what: content px > box px".
CUT_OFF_JS = """() => {
  const out = [];
  const doc = document.documentElement;
  if (doc.scrollWidth > window.innerWidth + 1)
    out.push(`page: ${doc.scrollWidth} px wide > window ${window.innerWidth} px`);
  for (const el of document.querySelectorAll('body *')) {
    const style = getComputedStyle(el);
    if (style.display === 'none' || el.clientWidth === 0) continue;
    const clips = ['auto', 'scroll', 'hidden', 'clip'].includes(style.overflowX);
    const ellipsis = style.textOverflow === 'ellipsis';
    if ((clips || ellipsis) && el.scrollWidth > el.clientWidth + 1) {
      const name = el.tagName.toLowerCase() + (el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
      const text = (el.innerText || '').trim().slice(0, 40).replace(/\\s+/g, ' ');
      out.push(`${name} "${text}": content ${el.scrollWidth} px > box ${el.clientWidth} px`);
    }
  }
  return out;
}"""


def cut_off(page: Any) -> list[str]:
    """What is cut off on the page (empty when nothing is)."""
    return list(page.evaluate(CUT_OFF_JS))
