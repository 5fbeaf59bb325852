"""Runs one devops-plan command in a process of its own for tests/test_hostile.py: forked
from a server that has imported the CLI and loaded the shipped catalogs once, so that each
case starts in milliseconds, yet can be killed when it hangs and cannot disturb another."""

from __future__ import annotations

import importlib
import os
import sys
import tempfile
import traceback

import nbformat  # noqa: F401  (imported once in the server: notebook cases start fast)
import papermill  # noqa: F401

from devops_plan.catalog import load_catalog
from devops_plan.cli import COMMANDS, main

for _cloud in ("aws", "gcp", "azure"):
    load_catalog(_cloud)  # warm, read-only: every forked case shares it
for _module in sorted({module for module, _app, _help in COMMANDS.values()}):
    # The CLI loads a command's module when it runs; loaded once here, every case shares it.
    importlib.import_module(f"devops_plan.cli.{_module}")


def run_cli(argv: list[str], cwd: str, stdout: str, stderr: str, env: dict[str, str]) -> None:
    """The CLI with `argv` in `cwd`, output to files; the process exits with its exit code."""
    os.chdir(cwd)
    os.environ.update(env)
    tempfile.tempdir = None  # TMPDIR changed: forget the server's choice
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    os.dup2(os.open(stdout, flags, 0o644), 1)
    os.dup2(os.open(stderr, flags, 0o644), 2)
    sys.argv = ["devops-plan", *argv]
    code = 0
    try:
        main()
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except BaseException:  # a traceback is a failure of the case: the test reports it
        traceback.print_exc()
        code = 99
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
