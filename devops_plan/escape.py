"""Text from a design, a bill, a catalog or a hand-written file, escaped for the format it
goes into: Markdown (inline text and table cells), HTML, CSV cells (formula injection), and
terminal output (control, bidi and invisible characters made visible). One function per
format; the renderers and the billing writers call them wherever such text is
interpolated. HTML templates rely on Jinja's autoescape after `terminal`; JSON is escaped by
its encoder. docs/security.md and docs/security-billing.md say what is escaped where."""

from __future__ import annotations

import html
import re

# Characters that would drive a terminal (escape sequences, carriage returns), reorder what is
# shown (bidi controls), hide text (zero-width and other format characters that occur in
# practice) or break lines where none is expected; lone surrogates cannot be written at all.
_BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
_INVISIBLE = re.compile(
    f"[\x00-\x08\x0b-\x1f\x7f-\x9f{_BIDI}\u00ad\u115f\u1160\u180e\u200b-\u200d"
    "\u2028\u2029\u2060-\u2065\u3164\ufeff\ufe00-\ufe0f\ufff9-\ufffb\ud800-\udfff]"
)
# Inline Markdown: emphasis, code, links, tables, strikethrough; `#`, `-`, `+` and digits
# followed by `.` matter only where a line starts (handled in markdown_text).
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")
_LINE_START = re.compile(r"^(\s*)([#+-]|\d+(?=[.)]))")
_HTML_CHARS = re.compile(r"[&<>]")
# A spreadsheet runs a cell that starts with these as a formula (OWASP CSV injection),
# full-width forms included (some spreadsheets fold them).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal(text: str, *, one_line: bool = False) -> str:
    """`text` with control, bidi, invisible and separator characters shown as \\x1b,
    \\u202e, ...; newline and tab are kept, or with `one_line` shown as \\n and \\t."""
    shown = _INVISIBLE.sub(_visible, text)
    if one_line:
        shown = shown.replace("\r", "\\r").replace("\n", "\\n").replace("\t", "\\t")
    return shown


def html_text(text: str) -> str:
    """Text for HTML element content or a quoted attribute; control and bidi characters
    shown as escapes (`terminal`), since HTML has no way to show them and XML refuses them."""
    return html.escape(terminal(text), quote=True)


def html_neutral(text: str) -> str:
    """`&`, `<`, `>` as entities and nothing else: safe inside Markdown, where the rest of
    the punctuation is meant as Markdown (links, code spans, emphasis)."""
    return _HTML_CHARS.sub(lambda m: html.escape(m.group()), text)


def markdown_text(text: str) -> str:
    """Text shown literally in Markdown: no HTML, no emphasis, links, headings or code;
    one line (newlines become spaces)."""
    one_line = " ".join(terminal(text).split())
    escaped = _MARKDOWN.sub(r"\\\1", html_neutral(one_line))
    return _LINE_START.sub(_escape_line_start, escaped)


def markdown_verbatim(text: str) -> str:
    """Text quoted from a bill as one line of literal Markdown (a table cell, a list item):
    like `markdown_text`, but newlines and tabs are shown as \\n and \\t rather than folded,
    so what a reader sees is exactly what the bill holds."""
    shown = html_neutral(terminal(text, one_line=True))
    return _MARKDOWN.sub(r"\\\1", shown)


def _escape_line_start(m: re.Match[str]) -> str:
    # `# x`, `- x`, `+ x` start a heading or a list; `1. x` an ordered list (escape the dot).
    mark = m.group(2)
    return m.group(1) + (mark + "\\" if mark[0].isdigit() else "\\" + mark)


_LINK = re.compile(r"\[([^\]\n]*)\]\(([^)\s]*)\)")
_SAFE_TARGET = re.compile(r"^(https?://[^\s]+|[A-Za-z0-9._/#-]+)$")


def markdown_links_safe(text: str) -> str:
    """Markdown whose links go to web pages or relative files only: any other link
    (`javascript:`, `data:`) has its brackets escaped, so it shows as text."""

    def check(m: re.Match[str]) -> str:
        if _SAFE_TARGET.match(m.group(2)) and ":" not in m.group(2).split("//", 1)[-1]:
            return m.group(0)
        return f"\\[{m.group(1)}\\]({m.group(2)})"

    return _LINK.sub(check, text)


def markdown_cell(text: str) -> str:
    """Text in a Markdown table cell: literal (`markdown_text`), so pipes cannot split it."""
    return markdown_text(text)


def markdown_code(text: str) -> str:
    """Text as an inline code span, fenced with more backticks than it holds."""
    one_line = " ".join(terminal(text).split())
    longest = max((len(run) for run in re.findall(r"`+", one_line)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if one_line.startswith("`") or one_line.endswith("`") else ""
    return f"{fence}{pad}{one_line}{pad}{fence}"


def csv_cell(text: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @ (or a tab, CR, LF,
    or their full-width forms) gets a leading apostrophe, as OWASP advises. Numbers are not
    text: pass them as numbers."""
    return "'" + text if text.startswith(_FORMULA_START) else text
