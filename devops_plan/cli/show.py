"""Printing text tables: as Rich tables on the terminal (or into a file, for `--format table
--out FILE`), or as Markdown or HTML; one path for every command that prints tables."""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..escape import terminal
from ..render.tables import TextTable, html_page, markdown
from ._common import emit, out


def rich_table(table: TextTable) -> Any:
    """A Rich table titled on the left; numeric columns right-aligned."""
    from rich.table import Table

    # Cells may hold text from files and arguments: control and bidi characters show as
    # escapes (\\x1b), so they never drive the terminal.
    shown = Table(title=terminal(table.title), title_justify="left")
    for name in table.columns:
        shown.add_column(terminal(name), justify="right" if name in table.right else "left")
    for row in table.rows:
        shown.add_row(*(terminal(cell) for cell in row))
    return shown


def print_blocks(blocks: Sequence[str | TextTable], console: Any = None) -> None:
    """Lines and tables in order, on `console` (default: stdout), with no markup read."""
    console = console or out
    for block in blocks:
        if isinstance(block, TextTable):
            console.print(rich_table(block))
        else:
            console.print(block, markup=False, highlight=False)


def show(
    fmt: str,
    title: str,
    blocks: Sequence[str | TextTable],
    out_path: Path | None,
    default_name: str,
) -> None:
    """`blocks` as a terminal table, Markdown or HTML, on stdout or into `out_path`."""
    lines = [b for b in blocks if isinstance(b, str)]
    tables = [b for b in blocks if isinstance(b, TextTable)]
    if fmt == "md":
        emit(markdown(title, lines, tables), out_path, default_name)
    elif fmt == "html":
        emit(html_page(title, lines, tables), out_path, default_name)
    elif out_path is None:
        print_blocks(blocks)
    else:
        from rich.console import Console

        buf = io.StringIO()
        print_blocks(blocks, Console(file=buf, width=160, color_system=None))
        emit(buf.getvalue(), out_path, default_name)
