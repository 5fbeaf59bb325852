"""ADR files as export reads and marks them: their names (`NNNN-slug.md`, numbered like
adr-tools), the MADR front matter devops-plan writes (design, decision, chosen option and a
sha256 of the body, so an edited body is recognised), parsing a record back, and changing one
front-matter line (a superseded record's status) without touching the rest."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date as Date
from typing import Any

from ...errors import UserError
from ...inputs import InputRefused, load_yaml

# Four digits at least, like adr-tools; record 10000 follows 9999.
RECORD_NAME = re.compile(r"^(\d{4,})-[^/]*\.md$")

# Front matter keys devops-plan writes besides MADR's own (status, date, decision-makers).
KEY_DESIGN = "plan-design"
KEY_DECISION = "plan-decision"
KEY_CHOSEN = "plan-chosen"
KEY_HASH = "content-hash"


def slugify(text: str, limit: int = 60) -> str:
    """adr-tools style: lower case, words joined by '-'."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug[:limit].rstrip("-") or "decision"


def record_filename(number: int, title: str) -> str:
    return f"{number:04d}-{slugify(title)}.md"


def check_date(text: str) -> str:
    """A record date: ISO YYYY-MM-DD, or a UserError saying so."""
    try:
        return Date.fromisoformat(text).isoformat()
    except ValueError:
        raise UserError(f"--date: expected a date as YYYY-MM-DD (got {text!r})") from None


def content_hash(body: str) -> str:
    return "sha256:" + hashlib.sha256(body.encode("utf-8")).hexdigest()


def _yaml_str(value: str) -> str:
    # A JSON string is a valid YAML double-quoted scalar.
    return json.dumps(value, ensure_ascii=False)


def front_matter(
    *,
    status: str,
    date: str,
    decision_makers: Sequence[str],
    design: str,
    decision: str,
    chosen: str,
    body_hash: str,
) -> str:
    lines = [
        "---",
        f"status: {_yaml_str(status) if not re.fullmatch(r'[a-z]+', status) else status}",
        f"date: {date}",
        f"decision-makers: {json.dumps(list(decision_makers), ensure_ascii=False)}",
        f"{KEY_DESIGN}: {design}",
        f"{KEY_DECISION}: {decision}",
        f"{KEY_CHOSEN}: {_yaml_str(chosen)}",
        f"{KEY_HASH}: {body_hash}",
        "---",
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Record:
    """An ADR file found in the folder, parsed just enough to number, index and protect it."""

    number: int
    filename: str
    text: str
    front: dict[str, Any]
    body: str
    title: str
    status: str
    date: str

    @property
    def generated(self) -> bool:
        """Drafted by devops-plan (it carries a design, a decision and a content hash)."""
        return all(isinstance(self.front.get(k), str) for k in (KEY_DESIGN, KEY_DECISION, KEY_HASH))

    @property
    def design(self) -> str:
        return str(self.front.get(KEY_DESIGN, ""))

    @property
    def decision(self) -> str:
        return str(self.front.get(KEY_DECISION, ""))

    @property
    def chosen(self) -> str:
        return str(self.front.get(KEY_CHOSEN, ""))

    @property
    def edited(self) -> bool:
        """The body differs from what devops-plan wrote (its hash no longer matches)."""
        return content_hash(self.body) != self.front.get(KEY_HASH)

    @property
    def superseded(self) -> bool:
        return self.status.lower().startswith("superseded")

    @property
    def number_text(self) -> str:
        return f"{self.number:04d}"


_FRONT = re.compile(r"\A---\n(.*?\n)---\n", re.DOTALL)


def split_front_matter(text: str) -> tuple[str | None, str]:
    """(the front matter's YAML text, the body after it); (None, text) when there is none."""
    m = _FRONT.match(text)
    if not m:
        return None, text
    return m.group(1), text[m.end() :]


def parse_record(filename: str, text: str) -> Record:
    """Read a record: MADR front matter if any, else adr-tools' `## Status` section."""
    match = RECORD_NAME.match(filename)
    if not match:
        raise ValueError(f"{filename} is not named NNNN-slug.md")
    head, body = split_front_matter(text)
    front = _load_front(head) if head is not None else {}
    title = ""
    for line in body.splitlines():
        if line.startswith("# "):
            title = line[2:].strip()
            break
    status = str(front.get("status", "")).strip() if front else ""
    if not status:
        status = _section_first_line(body, "Status")
    raw_date = front.get("date", "")
    date = raw_date.isoformat() if isinstance(raw_date, Date) else str(raw_date or "")
    if not date:
        date = _section_first_line(body, "Date") or _date_line(body)
    return Record(
        number=int(match.group(1)),
        filename=filename,
        text=text,
        front=front,
        body=body,
        title=title or filename,
        status=status or "unknown",
        date=date,
    )


def _load_front(text: str) -> dict[str, Any]:
    """Front matter as plain data, read with the limits designs are read with (alias bombs,
    nesting, text); front matter that breaks them or is not YAML counts as none, so the
    record is treated as written by hand and never rewritten."""
    from ruamel.yaml.error import YAMLError

    try:
        data = load_yaml(text)
    except (YAMLError, InputRefused, ValueError, TypeError):
        return {}
    return _plain(data) if isinstance(data, dict) else {}


def _plain(node: Any) -> Any:
    # Bounded by load_yaml (depth, expansion): round-trip containers as plain dicts and lists.
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _section_first_line(body: str, name: str) -> str:
    lines = body.splitlines()
    for i, line in enumerate(lines):
        if line.strip().lower() == f"## {name.lower()}":
            for nxt in lines[i + 1 :]:
                if nxt.startswith("#"):
                    return ""
                if nxt.strip():
                    return nxt.strip()
    return ""


def _date_line(body: str) -> str:
    m = re.search(r"^Date: *(\d{4}-\d{2}-\d{2})", body, re.MULTILINE)
    return m.group(1) if m else ""


def set_front_matter(text: str, key: str, value: str) -> str:
    """Replace one `key: value` line of the front matter; every other byte stays as it was."""
    m = _FRONT.match(text)
    if not m:
        raise ValueError("record has no front matter")
    head = m.group(1)
    pattern = re.compile(rf"^{re.escape(key)}:.*$", re.MULTILINE)
    line = f"{key}: {value}"
    new_head = (
        pattern.sub(lambda _: line, head, count=1) if pattern.search(head) else head + line + "\n"
    )
    return "---\n" + new_head + "---\n" + text[m.end() :]


def superseded_status(number: int, filename: str) -> str:
    """MADR's status for a replaced record, with a link to its successor (a YAML string)."""
    return _yaml_str(f"superseded by [ADR-{number:04d}]({filename})")
