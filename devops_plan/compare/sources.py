"""Where each side of a diff comes from (the I/O edge of `compare`): a design file (planned
now), a plan's JSON (`plan --format json`), `git:REF:PATH` (either kind, read with `git show`
without a checkout), `example:NAME` (a shipped example design) or `none` (no plan: a design
added or deleted)."""

from __future__ import annotations

import json
import math
import re
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..design.fields import SLUG
from ..errors import UserError
from ..inputs import MIB, InputRefused, describe_size, read_limited, text_problem
from ..plan import Plan

# A plan of 500 services with its decision records is a few MiB; far beyond it is no plan.
MAX_PLAN_JSON_BYTES = 64 * MIB
_EXPECTED = f"a plan's JSON (at most {describe_size(MAX_PLAN_JSON_BYTES)})"
MAX_PLAN_NUMBER = 10**15  # above any money or quantity a plan holds; 1e308 broke the rounding
NONE = "none"
GIT = "git:"
EXAMPLE = "example:"

# Plans a design's text: (text, the name to report problems under) -> Plan.
PlanText = Callable[[str, str], Plan]


@dataclass(frozen=True)
class Spec:
    """One side as given: `kind` is file, git or none."""

    text: str
    kind: str
    ref: str = ""
    path: str = ""

    @staticmethod
    def parse(text: str) -> Spec:
        if text == NONE:
            return Spec(text, "none")
        if text.startswith(EXAMPLE):
            from ..examples import example_path

            return Spec(text, "file", path=str(example_path(text[len(EXAMPLE) :])))
        if text.startswith(GIT):
            ref, sep, path = text[len(GIT) :].partition(":")
            if not sep or not ref or not path:
                raise UserError(f"{text}: expected git:REF:PATH, e.g. git:origin/main:design.yaml")
            return Spec(text, "git", ref, path)
        return Spec(text, "file", path=text)

    @property
    def is_plan_json(self) -> bool:
        return self.path.endswith(".json")

    @property
    def start(self) -> Path | None:
        """The folder a configuration is looked up from for this side."""
        return Path(self.path).parent if self.kind == "file" else None


def git_show(ref: str, path: str, cwd: Path | None = None) -> str:
    """`git show REF:PATH` (PATH from the repository's root, or ./PATH from `cwd`)."""
    try:
        done = subprocess.run(
            ["git", "show", f"{ref}:{path}"],
            capture_output=True,
            cwd=cwd,
            check=False,
            timeout=60,
        )
    except FileNotFoundError:
        raise UserError(f"git:{ref}:{path}: git is not installed") from None
    if done.returncode != 0:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise UserError(f"git:{ref}:{path}: {message[-1] if message else 'git show failed'}")
    try:
        return done.stdout.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"git:{ref}:{path}: not UTF-8 text (offset {exc.start})") from None


def _restore_excluded(data: Any) -> Any:
    """Put back the two sizing fields the published JSON leaves out (they repeat what it
    says elsewhere): the replica count is the service's, and the latency target was reachable
    unless a target was set and no replica count met it."""
    if not isinstance(data, dict):
        return data
    targets = data.get("targets")
    latency = targets.get("latency_p95_ms") if isinstance(targets, dict) else None
    for service in data.get("services") or ():
        sizing = service.get("sizing") if isinstance(service, dict) else None
        if isinstance(sizing, dict):
            sizing.setdefault("replicas", service.get("replicas"))
            sizing.setdefault(
                "latency_reachable", not (latency and sizing.get("n_latency") is None)
            )
    return data


def _value_problem(where: str, node: Any) -> str | None:
    if isinstance(node, str):
        problem = text_problem(node)
        return None if problem is None else f"{where}: {problem}"
    number = isinstance(node, float | int) and not isinstance(node, bool)
    if number and not (math.isfinite(node) and abs(node) <= MAX_PLAN_NUMBER):
        return f"{where}: {node!r} is not a number a plan can have (finite, at most 1e15)"
    return None


def _names(data: Any) -> list[tuple[str, Any]]:
    """The design's, services' and node pools' names, which diffs print as they are."""
    if not isinstance(data, dict):
        return []
    named = [("design", data.get("design"))]
    for part in ("services", "node_pools"):
        items = data.get(part)
        if isinstance(items, list):
            named += [
                (f"{part}[{i}].name", x.get("name"))
                for i, x in enumerate(items)
                if isinstance(x, dict)
            ]
    return named


def _beyond_bounds(data: Any) -> str | None:
    """The first value of a plan's JSON that no plan has, with its path: a number that is
    not finite or beyond MAX_PLAN_NUMBER (a money of 1e308 cannot be rounded to the cent),
    text with control or bidi characters, a name that is not a slug (a name reaches the
    Markdown of a pull-request comment as it is); None when there is none."""
    todo: list[tuple[str, Any]] = [("", data)]
    while todo:
        where, node = todo.pop()
        if isinstance(node, dict):
            todo.extend((f"{where}.{k}" if where else str(k), v) for k, v in node.items())
        elif isinstance(node, list):
            todo.extend((f"{where}[{i}]", v) for i, v in enumerate(node))
        elif (problem := _value_problem(where, node)) is not None:
            return problem
    for where, name in _names(data):
        if isinstance(name, str) and not re.match(SLUG, name):
            return f"{where}: {name[:60]!r} is not a name a plan can have (a lowercase slug)"
    return None


def plan_from_json(text: str, name: str) -> Plan:
    """A plan read back from its JSON (`plan --format json`)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise UserError(f"{name}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    problem = _beyond_bounds(data)
    if problem is not None:
        raise UserError(f"{name}: not a plan's JSON (devops-plan plan --format json): {problem}")
    try:
        return Plan.model_validate(_restore_excluded(data))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise UserError(
            f"{name}: not a plan's JSON (devops-plan plan --format json): "
            f"{where + ': ' if where else ''}{first['msg']}"
        ) from None


def _read_file(path: Path) -> str:
    """A plan's JSON: a regular file (a pipe or /dev/zero named x.json would block or fill
    memory) of at most MAX_PLAN_JSON_BYTES, UTF-8."""
    try:
        data = read_limited(path, MAX_PLAN_JSON_BYTES, _EXPECTED)
    except InputRefused as exc:
        raise UserError(f"{path}: {exc.reason}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None


def load_side(spec: Spec, plan_design: PlanText, cwd: Path | None = None) -> Plan | None:
    """The plan one side names: read (plan JSON) or planned with `plan_design` (a design)."""
    if spec.kind == "none":
        return None
    if spec.kind == "git":
        text = git_show(spec.ref, spec.path, cwd)
    elif spec.is_plan_json:
        text = _read_file(Path(spec.path))
    else:
        return plan_design("", spec.path)  # a design file: loaded by path, with its checks
    return plan_from_json(text, spec.text) if spec.is_plan_json else plan_design(text, spec.text)
