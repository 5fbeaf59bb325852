"""Text from a bill made safe for what it is written into. A bill is written by others: a
resource id or tag can hold `<script>`, a `|` that breaks a Markdown table, a formula a
spreadsheet would run, or a control or bidi character that hides or reorders text.

- `visible`: control, bidi and other invisible format characters as `\\xNN` / `\\uNNNN`
  (terminal output, HTML text, Markdown), so what a reader sees is what the bill holds;
- `markdown`: `visible`, then HTML's `& < >` as entities and Markdown's own characters
  (`\\ ` * _ [ ] | ~`) escaped, so a cell is text in any renderer and tables keep their shape;
- `spreadsheet`: a cell that starts like a formula (`= + - @`, a tab or a carriage return,
  or their full-width forms) gets a leading `'`, as OWASP advises against CSV injection.

HTML escaping itself is Jinja's autoescape; JSON is escaped by its encoder.
"""

from __future__ import annotations

import re

# C0 controls but tab and newline, DEL, C1 controls, the bidi embeddings, overrides and
# isolates, zero-width characters and the other format characters that change how text
# shows (Unicode category Cf, the ones that occur in practice).
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u00ad\u061c\u115f\u1160\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2069\u3164\ufeff\ufe00-\ufe0f\ufff9-\ufffb]"
)
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _code(match: re.Match[str]) -> str:
    point = ord(match.group(0))
    return f"\\x{point:02x}" if point < 0x100 else f"\\u{point:04x}"


def visible(text: str, *, one_line: bool = False) -> str:
    """`text` with invisible and control characters written as escapes; `one_line` also
    writes newlines and tabs as `\\n` and `\\t`."""
    shown = _INVISIBLE.sub(_code, text)
    if one_line:
        shown = shown.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return shown


def markdown(text: str) -> str:
    """`text` as one line of literal Markdown text (a table cell, a list item)."""
    shown = visible(text, one_line=True)
    shown = shown.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", shown)


def spreadsheet(text: str) -> str:
    """`text` as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text.startswith(_FORMULA_START) else text
