"""The fast path for reading a design that is valid: YAML parsed by ruamel's C loader (libyaml
with ruamel's YAML 1.2 rules and duplicate-key check, the same data the round-trip loader
gives) and validated without keeping locations. Anything else (a YAML or validation error,
a document beyond the input limits, aliases, tags, keys that are not text, control or
bidi characters, a missing C extension) returns None, and the located loader reads the file again to report every
problem with its file:line:col. The fast path never reports an error itself.

The input limits hold here too, before and after parsing: the C parser recurses per nesting
level and would crash the interpreter on a few hundred thousand levels, so text whose
nesting could be deep is left to the located loader, which refuses it with a message.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import ValidationError

from .checks import cross_field_problems
from .models import Design

__all__ = ["MAX_DEPTH", "MAX_VALUES", "fast_design"]

MAX_DEPTH = 64  # containers within containers, as the located loader allows at most
MAX_VALUES = 200_000  # values in the whole document
MAX_FLOW_DEPTH = 32  # [ and { within each other, screened in the text before parsing
MAX_LINE_DEPTH = 128  # indentation plus `- ` indicators on one line, screened likewise
_SCALARS = (str, int, float, bool, type(None))
# Characters a design may be refused for (terminal control, bidi overrides that make text
# read differently than it is, line separators, lone surrogates): text with any of them is
# left to the located loader, whose rules on them are the ones that count.
_UNUSUAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
    "\u2028\u2029\u2066-\u2069\ud800-\udfff\ufeff]"
)


@cache
def _c_loader_type() -> Any:
    """ruamel's YAML class when its C extension is installed (else None: the pure loader)."""
    import importlib.util

    if importlib.util.find_spec("_ruamel_yaml") is None:  # ruamel.yaml.clib's C extension
        return None
    from ruamel.yaml import YAML

    return YAML


def _line_depth(line: str) -> int:
    stripped = line.lstrip(" ")
    depth = len(line) - len(stripped)
    while stripped[:2] in ("- ", "? ") or stripped == "-":
        depth += 1
        stripped = stripped[2:].lstrip(" ")
    return depth


def _screened(text: str) -> bool:
    """True when the text cannot nest deeper than the C parser handles: few flow brackets
    within each other and no line indented or dashed absurdly deep. Quotes and comments are
    not parsed: a bracket inside a string only makes the screen stricter."""
    depth = 0
    for char in text:
        if char in "[{":
            depth += 1
            if depth > MAX_FLOW_DEPTH:
                return False
        elif char in "]}" and depth:
            depth -= 1
    return all(_line_depth(line) <= MAX_LINE_DEPTH for line in text.splitlines())


def _plain_tree(root: Any) -> bool:
    """True when the loaded document is plain data within the limits: nested at most
    MAX_DEPTH deep, at most MAX_VALUES values, text keys, plain scalars, and no container
    reached twice (an alias, which the located loader checks for expansion)."""
    seen: set[int] = set()
    todo: list[tuple[Any, int]] = [(root, 0)]
    values = 0
    while todo:
        node, depth = todo.pop()
        values += 1
        if values > MAX_VALUES:
            return False
        if isinstance(node, dict | list):
            if depth >= MAX_DEPTH or id(node) in seen:
                return False
            seen.add(id(node))
            if isinstance(node, dict):
                if not all(isinstance(k, str) for k in node):
                    return False
                todo.extend((v, depth + 1) for v in node.values())
            else:
                todo.extend((v, depth + 1) for v in node)
        elif not isinstance(node, _SCALARS):
            return False  # a date, a timestamp, bytes: the located loader's rules apply
    return True


def fast_design(text: str) -> Design | None:
    """The design in `text` when it is valid and plainly within limits; None to ask the
    located loader (see the module docstring)."""
    yaml_type = _c_loader_type()
    if yaml_type is None or _UNUSUAL.search(text) or not _screened(text):
        return None
    try:
        data = yaml_type(typ="safe", pure=False).load(text)
    except Exception:  # any YAML problem: the located loader reports it
        return None
    if not isinstance(data, dict) or not _plain_tree(data):
        return None
    try:
        design = Design.model_validate(data)
    except ValidationError:
        return None
    problems: list[str] = []
    cross_field_problems(
        data, lambda _loc, message, key=False: problems.append(message), lambda _loc: 0
    )
    return None if problems else design
