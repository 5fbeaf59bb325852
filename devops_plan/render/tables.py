"""Text tables, the one shape every command's printed result takes: a title, columns and rows
of strings (numbers already formatted, money by `units.format_money`). The same table becomes
a terminal table (Rich, in the CLI), Markdown, an HTML page or CSV, so the formats cannot
drift apart."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..escape import terminal

__all__ = ["TextTable", "csv_text", "html_page", "markdown", "markdown_table"]


@dataclass(frozen=True)
class TextTable:
    """A titled table; the columns named in `right` hold numbers (right-aligned)."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...] = ()
    right: frozenset[str] = field(default_factory=frozenset)

    @staticmethod
    def of(
        title: str,
        columns: Sequence[str],
        rows: Iterable[Sequence[str]],
        right: Iterable[str] = (),
    ) -> TextTable:
        table = TextTable(title, tuple(columns), tuple(tuple(r) for r in rows), frozenset(right))
        for row in table.rows:
            assert len(row) == len(table.columns), (table.title, row)
        return table


def _cell(text: str) -> str:
    # A pipe would end the cell and a newline the row; `<` and `&` would start HTML (a plan's
    # JSON read by `diff` is anyone's text, and its Markdown is a pull-request comment);
    # control characters are shown as escapes.
    shown = terminal(text).replace("&", "&amp;").replace("<", "&lt;")
    return shown.replace("|", "\\|").replace("\n", " ")


def markdown_table(table: TextTable) -> str:
    """A GitHub-flavoured Markdown table (no title)."""
    align = ["---:" if c in table.right else "---" for c in table.columns]
    lines = [
        "| " + " | ".join(_cell(c) for c in table.columns) + " |",
        "|" + "|".join(align) + "|",
    ]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in table.rows]
    return "\n".join(lines) + "\n"


def markdown(title: str, lines: Sequence[str], tables: Sequence[TextTable]) -> str:
    """A Markdown document: a heading, paragraphs, then each table under its own heading."""
    parts = [f"# {title}\n"]
    parts += [f"{line}\n" for line in lines]
    for table in tables:
        parts.append(f"## {table.title}\n")
        parts.append(markdown_table(table))
    return "\n".join(parts)


_STYLE = (
    "body{font-family:system-ui,sans-serif;margin:2rem;color:#222}"
    "table{border-collapse:collapse;margin:0 0 1.5rem}"
    "th,td{border:1px solid #ccc;padding:.25rem .6rem;text-align:left}"
    "th{background:#f3f3f3}td.n{text-align:right;font-variant-numeric:tabular-nums}"
)


def _html_table(table: TextTable) -> str:
    numeric = [c in table.right for c in table.columns]
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{html.escape(v)}</td>' if n else f"<td>{html.escape(v)}</td>"
            for v, n in zip(row, numeric, strict=True)
        )
        + "</tr>\n"
        for row in table.rows
    )
    return (
        f"<h2>{html.escape(table.title)}</h2>\n"
        f"<table><thead><tr>{head}</tr></thead>\n<tbody>\n{body}</tbody></table>\n"
    )


def html_page(title: str, lines: Sequence[str], tables: Sequence[TextTable]) -> str:
    """A self-contained HTML page (no scripts, no external resources)."""
    paragraphs = "".join(f"<p>{html.escape(line)}</p>\n" for line in lines)
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n"
        f"<h1>{html.escape(title)}</h1>\n{paragraphs}"
        + "".join(_html_table(t) for t in tables)
        + "</body>\n</html>\n"
    )


def csv_text(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """CSV with a header row and `\\n` line ends (the same bytes on every platform)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return buf.getvalue()
