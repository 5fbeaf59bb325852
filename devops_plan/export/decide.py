"""Deciding an export without writing anything: each decision's ADR record created, refreshed,
superseded or kept; every other file (index, diagram, producers' artefacts) created, updated
or kept against the manifest of what devops-plan last wrote."""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import jinja2

from ..config.models import ExportSettings
from ..design import Design
from ..errors import UserError
from ..inputs import MIB, InputRefused, read_limited, text_problem
from ..plan import DecisionOut, Plan
from ..render import adr as adrs

MANIFEST = ".devops-plan-manifest.json"
ADR_DIR = "adr"
INDEX = "adr/README.md"
DIAGRAM_DIR = "diagrams"
# Producer modules: devops_plan/render/<name>.py with `artefacts(plan, design[, settings]) ->
# {path: content}`; a module with `settings_from(ExportSettings)` receives its settings from it.
PRODUCERS = ("k8s", "slo", "runbook", "tfvars")

Content = str | bytes
Producer = Callable[[Plan, Design], Mapping[str, Content]]


@dataclass(frozen=True)
class Change:
    """One file's fate: create, update, supersede (status line only), keep (protected), or
    unchanged."""

    path: str
    action: str
    reason: str = ""

    @property
    def writes(self) -> bool:
        return self.action in ("create", "update", "supersede")

    def __str__(self) -> str:
        return f"{self.action:<10} {self.path}" + (f"  ({self.reason})" if self.reason else "")


@dataclass(frozen=True)
class ExportResult:
    docs: Path
    dry_run: bool
    changes: tuple[Change, ...]

    @property
    def written(self) -> tuple[str, ...]:
        return tuple(c.path for c in self.changes if c.writes)

    @property
    def kept(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.action == "keep")

    def to_dict(self) -> dict[str, object]:
        return {
            "docs": str(self.docs),
            "dry_run": self.dry_run,
            "changes": [
                {"path": c.path, "action": c.action, "reason": c.reason} for c in self.changes
            ],
        }


@dataclass
class _Plan:
    """What an export will do, decided before anything is written."""

    writes: dict[str, bytes] = field(default_factory=dict)
    changes: list[Change] = field(default_factory=list)

    def write(self, path: str, data: Content, action: str, reason: str = "") -> None:
        self.writes[path] = _bytes(data)
        self.changes.append(Change(path, action, reason))


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- the producers --------------------------------------------------------------------------


def producers(settings: ExportSettings | None = None) -> dict[str, Producer]:
    """The producer modules present in devops_plan/render/, by name, in PRODUCERS order, each
    bound to its part of `settings` (default: the defaults)."""
    settings = settings or ExportSettings()
    found: dict[str, Producer] = {}
    for name in PRODUCERS:
        module_name = f"devops_plan.render.{name}"
        if importlib.util.find_spec(module_name) is None:
            continue
        module = importlib.import_module(module_name)
        fn = getattr(module, "artefacts", None)
        adapt = getattr(module, "settings_from", None)
        if callable(fn):
            found[name] = _bound(fn, adapt(settings)) if callable(adapt) else fn
    return found


def _bound(fn: Callable[..., Mapping[str, Content]], settings: object) -> Producer:
    return lambda plan, design: fn(plan, design, settings)


def _check_relative(path: str, producer: str) -> str:
    p = PurePosixPath(path)
    if p.is_absolute() or not p.parts or ".." in p.parts or "\\" in path:
        raise ValueError(
            f"producer {producer} returned {path!r}: expected a relative path inside the docs folder"
        )
    if p.parts[0] == ADR_DIR or path == MANIFEST:
        raise ValueError(
            f"producer {producer} returned {path!r}: adr/ and the manifest belong to export"
        )
    return p.as_posix()


# --- reading the folder ---------------------------------------------------------------------


# Hand-written records and the files export tracks are read whole: bounded like any input.
MAX_RECORD_BYTES = 1 * MIB
MAX_TRACKED_BYTES = 64 * MIB


def _read(path: Path, limit: int, expected: str) -> bytes:
    """A file of the docs folder: a regular file (not a link, pipe or device) within `limit`."""
    if path.is_symlink():
        raise UserError(
            f"{path}: is a symbolic link (to {os.readlink(path)}); export does not follow "
            "links out of the docs folder"
        )
    try:
        return read_limited(path, limit, expected)
    except InputRefused as exc:
        raise UserError(f"{path}: {exc.reason}") from None


def _read_records(docs: Path) -> list[adrs.Record]:
    folder = docs / ADR_DIR
    if not folder.is_dir():
        return []
    out = []
    for entry in sorted(folder.iterdir()):
        if adrs.RECORD_NAME.match(entry.name) and (entry.is_symlink() or not entry.is_dir()):
            data = _read(entry, MAX_RECORD_BYTES, "an ADR record (Markdown)")
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = ""  # not ours to read; it still counts for numbering and the index
            out.append(adrs.parse_record(entry.name, text))
    return out


def _read_manifest(docs: Path) -> dict[str, str]:
    path = docs / MANIFEST
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        data = json.loads(_read(path, MAX_RECORD_BYTES, "a devops-plan manifest (JSON)"))
        files = data["files"]
        if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
            raise TypeError("files must map paths to sha256 strings")
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(
            f'{path}: not a devops-plan manifest ({exc}); expected {{"files": {{path: sha256}}}}. '
            "Fix it or delete it (files it listed will then be treated as edited and kept)."
        ) from None
    return {str(k): v for k, v in files.items()}


def _manifest_bytes(files: Mapping[str, str]) -> bytes:
    body = {
        "about": "sha256 of each file as devops-plan last wrote it; a file that differs was edited and is kept",
        "files": dict(sorted(files.items())),
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- deciding ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _RecordSettings:
    """How new and rewritten records are written: date, decision-makers, diagram link, templates."""

    date: str
    decision_makers: Sequence[str]
    diagram: str
    env: jinja2.Environment


def _decide_records(
    plan: Plan, records: list[adrs.Record], out: _Plan, how: _RecordSettings
) -> list[adrs.Record]:
    """Create, update or supersede each decision's record; returns the folder's records after."""
    after = {r.filename: r for r in records}
    next_number = max((r.number for r in records), default=0) + 1
    for decision in plan.decisions:
        mine = [
            r
            for r in records
            if r.generated and r.design == plan.design and r.decision == decision.id
        ]
        current = max((r for r in mine if not r.superseded), key=lambda r: r.number, default=None)
        if current is not None and current.chosen == decision.chosen:
            updated = _refresh(plan, decision, current, _superseded_by(mine, current), out, how)
        else:
            updated = _supersede(plan, decision, current, next_number, out, how)
            next_number += 1
        after.update((r.filename, r) for r in updated)
    return list(after.values())


def _refresh(
    plan: Plan,
    decision: DecisionOut,
    current: adrs.Record,
    previous: adrs.Superseded | None,
    out: _Plan,
    how: _RecordSettings,
) -> list[adrs.Record]:
    """Same choice: regenerate the body as it was written (with its own supersedes link) and
    rewrite it only if it changed, is still proposed and was not edited."""
    body = adrs.render_body(plan, decision, supersedes=previous, diagram=how.diagram, env=how.env)
    path = f"{ADR_DIR}/{current.filename}"
    if body == current.body:
        out.changes.append(Change(path, "unchanged"))
    elif current.status.lower() != "proposed":
        out.changes.append(
            Change(path, "keep", f"status is {current.status}; the plan's figures changed")
        )
    elif current.edited:
        out.changes.append(Change(path, "keep", "edited by hand; the plan's figures changed"))
    else:
        text = adrs.set_front_matter(current.text, adrs.KEY_HASH, adrs.content_hash(body))
        text = adrs.set_front_matter(text, "date", how.date)
        head_end = len(text) - len(current.body)
        text = text[:head_end] + body
        out.write(path, text, "update", "the plan's figures changed")
        return [adrs.parse_record(current.filename, text)]
    return []


def _supersede(
    plan: Plan,
    decision: DecisionOut,
    current: adrs.Record | None,
    number: int,
    out: _Plan,
    how: _RecordSettings,
) -> list[adrs.Record]:
    """A new record numbered `number`; the current one, if any, marked superseded by it."""
    filename = adrs.record_filename(number, adrs.record_title(plan, decision))
    changed = []
    supersedes = None
    if current is not None:
        supersedes = adrs.Superseded(current.number, current.filename, current.title)
        old_text = adrs.set_front_matter(
            current.text, "status", adrs.superseded_status(number, filename)
        )
        out.write(
            f"{ADR_DIR}/{current.filename}",
            old_text,
            "supersede",
            f'the plan now chooses "{decision.chosen}" (was "{current.chosen}"); superseded by {filename}',
        )
        changed.append(adrs.parse_record(current.filename, old_text))
    text = adrs.render_record(
        plan,
        decision,
        date=how.date,
        decision_makers=how.decision_makers,
        supersedes=supersedes,
        diagram=how.diagram,
        env=how.env,
    )
    reason = f"supersedes {current.filename}" if current is not None else f"decision {decision.id}"
    out.write(f"{ADR_DIR}/{filename}", text, "create", reason)
    changed.append(adrs.parse_record(filename, text))
    return changed


def _superseded_by(mine: Sequence[adrs.Record], record: adrs.Record) -> adrs.Superseded | None:
    """The record that `record` replaced: the one whose status links to it."""
    for r in mine:
        if r.superseded and f"({record.filename})" in r.status:
            return adrs.Superseded(r.number, r.filename, r.title)
    return None


def _decide_tracked(
    docs: Path, files: Mapping[str, bytes], manifest: dict[str, str], out: _Plan
) -> dict[str, str]:
    """Write, keep or skip each manifest-tracked file; returns the manifest after."""
    after = dict(manifest)
    for path, data in files.items():
        target = docs / path
        new_hash = sha256(data)
        if not target.exists() and not target.is_symlink():
            out.write(path, data, "create")
            after[path] = new_hash
            continue
        current = _read(target, MAX_TRACKED_BYTES, f"a file devops-plan writes ({path})")
        if current == data:
            out.changes.append(Change(path, "unchanged"))
            after[path] = new_hash
        elif path not in manifest:
            out.changes.append(Change(path, "keep", "not written by devops-plan"))
        elif sha256(current) != manifest[path]:
            out.changes.append(Change(path, "keep", "edited by hand since devops-plan wrote it"))
        else:
            out.write(path, data, "update")
            after[path] = new_hash
    return after


def plan_export(
    plan: Plan,
    design: Design,
    docs: str | Path,
    *,
    templates: Path | None = None,
    date: str | None = None,
    decision_makers: Sequence[str] = (),
    render_diagram: Callable[[Plan], Mapping[str, Content]] | None = None,
    extra: Mapping[str, Producer] | None = None,
    settings: ExportSettings | None = None,
) -> tuple[ExportResult, dict[str, bytes]]:
    """Decide every change without writing: the result and the bytes of each file to write."""
    docs = Path(docs)
    if docs.exists() and not docs.is_dir():
        raise UserError(f"{docs}: --docs must be a folder")
    _check_names(decision_makers)
    record_date = adrs.check_date(date or plan.catalog_as_of)
    env = adrs.environment(templates)
    out = _Plan()
    diagram_path = f"../{DIAGRAM_DIR}/{plan.design}.svg"
    how = _RecordSettings(record_date, decision_makers, diagram_path, env)
    records = _decide_records(plan, _read_records(docs), out, how)
    tracked = {INDEX: adrs.render_index(records, env=env).encode("utf-8")}
    tracked.update(
        _artefacts(plan, design, render_diagram, {**producers(settings), **(extra or {})})
    )
    manifest = _read_manifest(docs)
    after = _decide_tracked(docs, tracked, manifest, out)
    if after != manifest:
        out.write(
            MANIFEST,
            _manifest_bytes(after),
            "create" if not (docs / MANIFEST).exists() else "update",
        )
    result = ExportResult(docs, True, tuple(out.changes))
    return result, out.writes


def _check_names(decision_makers: Sequence[str]) -> None:
    """Decision-makers go into every record's front matter: plain text of a sensible length."""
    for name in decision_makers:
        problem = text_problem(name) or (
            "is longer than 200 characters" if len(name) > 200 else None
        )
        if problem is not None or not name.strip():
            raise UserError(f"--decision-maker {name[:60]!r}: {problem or 'is empty'}")


def _artefacts(
    plan: Plan,
    design: Design,
    render_diagram: Callable[[Plan], Mapping[str, Content]] | None,
    making: Mapping[str, Producer],
) -> dict[str, bytes]:
    """The diagram's files and every producer's, by path under the docs folder."""
    if render_diagram is None:
        from ..render.diagram import render_diagram as draw

        files: Mapping[str, Content] = draw(plan).files()
    else:
        files = render_diagram(plan)
    tracked = {f"{DIAGRAM_DIR}/{name}": _bytes(data) for name, data in sorted(files.items())}
    for producer, fn in making.items():
        for path, data in sorted(fn(plan, design).items()):
            rel = _check_relative(path, producer)
            if rel in tracked:
                raise ValueError(
                    f"producer {producer} returned {rel}, which another artefact already writes"
                )
            tracked[rel] = _bytes(data)
    return tracked


def _bytes(data: Content) -> bytes:
    return data.encode("utf-8") if isinstance(data, str) else data
