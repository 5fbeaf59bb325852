"""The fast path for reading a design that is valid: YAML parsed by ruamel's C loader (libyaml
with ruamel's YAML 1.2 rules and duplicate-key check, the same data the round-trip loader
gives) and validated without keeping locations. Anything else (a YAML or validation error,
a document beyond the input limits, aliases, tags, keys that are not text, a name the
vocabulary does not know, a missing C extension) returns None, and the located loader reads
the file again to report every problem with its file:line:col. The fast path never reports
an error itself, so it can only ever accept less than the located loader.

The same limits and checks hold here as there: the loaded tree goes through
`inputs.check_yaml_tree` (depth, expanded size, aliases, keys, text no output can carry) and
the design through `checks.design_problems` (across fields, and the vocabulary when given).
The C parser recurses per nesting level and would crash the interpreter on a few hundred
thousand levels, so text whose nesting could be deep is screened out before it parses.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from pydantic import ValidationError

from ..inputs import YAML_LIMITS, check_yaml_tree
from .checks import design_problems
from .models import Design
from .vocabulary import VocabularyFor

__all__ = ["MAX_DEPTH", "fast_design"]

MAX_DEPTH = YAML_LIMITS.max_depth  # containers within containers, as the located loader allows
MAX_FLOW_DEPTH = 32  # [ and { within each other, screened in the text before parsing
MAX_LINE_DEPTH = 128  # indentation plus `- ` indicators on one line, screened likewise
_SCALARS = (str, int, float, bool, type(None))
# Characters a design may be refused for (terminal control, bidi overrides that make text
# read differently than it is, line separators, lone surrogates, a byte-order mark): text
# with any of them anywhere, comments included, is left to the located loader.
_UNUSUAL = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e"
    "\u2028\u2029\u2066-\u2069\ud800-\udfff\ufdd0-\ufdef\ufeff\ufffe\uffff]"
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
    """True when the loaded document (already held to the input limits) is plain data: text
    keys, plain scalars and no container reached twice (an alias)."""
    seen: set[int] = set()
    todo: list[Any] = [root]
    while todo:
        node = todo.pop()
        if isinstance(node, dict | list):
            if id(node) in seen:
                return False
            seen.add(id(node))
            if isinstance(node, dict):
                if not all(isinstance(k, str) for k in node):
                    return False
                todo.extend(node.values())
            else:
                todo.extend(node)
        elif not isinstance(node, _SCALARS):
            return False  # a date, a timestamp, bytes: the located loader's rules apply
    return True


def _load(text: str) -> Any:
    """The document parsed by the C loader and held to the input limits; None otherwise."""
    yaml_type = _c_loader_type()
    if yaml_type is None or _UNUSUAL.search(text) or not _screened(text):
        return None
    try:
        data = yaml_type(typ="safe", pure=False).load(text)
        check_yaml_tree(data, YAML_LIMITS)
    except Exception:  # any YAML problem or InputRefused: the located loader reports it
        return None
    return data if isinstance(data, dict) and _plain_tree(data) else None


def fast_design(text: str, vocabulary: VocabularyFor | None = None) -> Design | None:
    """The design in `text` when it is valid and plainly within limits; None to ask the
    located loader (see the module docstring)."""
    data = _load(text)
    if data is None:
        return None
    try:
        design = Design.model_validate(data)
    except ValidationError:
        return None
    problems: list[str] = []
    design_problems(
        data, lambda _loc, message, key=False: problems.append(message), lambda _loc: 0, vocabulary
    )
    return None if problems else design
