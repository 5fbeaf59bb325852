"""Architecture Decision Record drafts from a plan's decisions, in MADR 4 format: what each
record says (`content`), rendering it from Jinja templates (`render`), and reading records
back and marking their front matter (`records`), which `devops_plan.export` relies on to
number, supersede and protect them."""

from __future__ import annotations

from .content import (
    Superseded,
    confirmation,
    consequences,
    justification,
    record_context,
    record_title,
)
from .records import (
    KEY_CHOSEN,
    KEY_DECISION,
    KEY_DESIGN,
    KEY_HASH,
    RECORD_NAME,
    Record,
    check_date,
    content_hash,
    parse_record,
    record_filename,
    set_front_matter,
    slugify,
    split_front_matter,
    superseded_status,
)
from .render import (
    environment,
    render_body,
    render_index,
    render_record,
    render_records,
    template_dir,
)

__all__ = [
    "KEY_CHOSEN",
    "KEY_DECISION",
    "KEY_DESIGN",
    "KEY_HASH",
    "RECORD_NAME",
    "Record",
    "Superseded",
    "check_date",
    "confirmation",
    "consequences",
    "content_hash",
    "environment",
    "justification",
    "parse_record",
    "record_context",
    "record_filename",
    "record_title",
    "render_body",
    "render_index",
    "render_record",
    "render_records",
    "set_front_matter",
    "slugify",
    "split_front_matter",
    "superseded_status",
    "template_dir",
]
