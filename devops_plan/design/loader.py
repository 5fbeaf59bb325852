"""Reading design files: YAML with line/column locations, every problem reported at once.

This is the I/O edge for designs. `load_design(path)` returns a validated `Design` or
raises `DesignError` listing each problem as ``file:line:col: path: message``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any, NoReturn

from pydantic import ValidationError
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import DesignError, Problem
from ..inputs import KIB, YAML_LIMITS, InputRefused, describe_size, load_yaml, read_limited
from .checks import design_problems
from .fast import fast_design
from .locations import Loc, format_path, position
from .messages import pydantic_problems
from .models import Design
from .vocabulary import VocabularyFor

# Design files are written by hand: 512 KiB is hundreds of times the shipped examples, and
# the pure-Python YAML reader takes seconds on it (docs/security.md lists every limit).
MAX_DESIGN_BYTES = 512 * KIB
DESIGN_YAML_LIMITS = YAML_LIMITS
_EXPECTED = f"a design file (YAML, at most {describe_size(MAX_DESIGN_BYTES)})"


def load_design(path: str | Path, *, vocabulary: VocabularyFor | None = None) -> Design:
    """Read, parse and validate one design file; with `vocabulary` (cloud -> the names its
    catalog knows), engines, node types and storage classes are checked against it too."""
    path = Path(path)
    text = _read_text(path)
    return parse_design(text, str(path), vocabulary=vocabulary)


def parse_design(
    text: str,
    filename: str = "<design>",
    *,
    vocabulary: VocabularyFor | None = None,
    fast: bool = True,
) -> Design:
    """Validate design YAML given as text; `filename` is used in messages.

    A valid design within the limits is read by the fast path (`fast.fast_design`, the C
    loader, no locations kept, the same limits and checks); anything else is read here again
    with every location, so a problem is always reported as file:line:col. `fast=False`
    reads with locations only.
    """
    if fast and len(text.encode("utf-8", "surrogatepass")) <= MAX_DESIGN_BYTES:
        design = fast_design(text, vocabulary)
        if design is not None:
            return design
    root = _parse_yaml(text, filename)
    return _validate(root, filename, vocabulary)


def validate_files(
    paths: Iterable[str | Path], *, vocabulary: VocabularyFor | None = None
) -> dict[str, DesignError | None]:
    """Each path mapped to its DesignError, or None when it is valid."""
    results: dict[str, DesignError | None] = {}
    for p in paths:
        try:
            load_design(p, vocabulary=vocabulary)
            results[str(p)] = None
        except DesignError as exc:
            results[str(p)] = exc
    return results


# --- reading -------------------------------------------------------------------------------


def _fail(filename: str, message: str, line: int | None = None, col: int | None = None) -> NoReturn:
    raise DesignError([Problem(filename, line, col, "", message)])


def _read_text(path: Path) -> str:
    name = str(path)
    try:
        data = read_limited(path, MAX_DESIGN_BYTES, _EXPECTED)
    except InputRefused as exc:
        if exc.reason.startswith("is a folder"):
            _fail(name, "is a folder; expected a design file (.yaml)")
        _fail(name, exc.reason)
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        _fail(name, "is not a text file (it contains NUL bytes); expected YAML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(name, f"is not UTF-8 text (bad byte at offset {exc.start}); expected YAML")


def _parse_yaml(text: str, filename: str) -> Any:
    if (
        len(text) > MAX_DESIGN_BYTES
        or len(text.encode("utf-8", "surrogatepass")) > MAX_DESIGN_BYTES
    ):
        _fail(filename, f"is larger than {describe_size(MAX_DESIGN_BYTES)}; expected {_EXPECTED}")
    try:
        root = load_yaml(text, DESIGN_YAML_LIMITS)
    except InputRefused as exc:
        _fail(filename, exc.reason, exc.line, exc.column)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else ""
        detail = f"duplicate key {key!r}" if key else "duplicate key"
        _fail(filename, f"{detail}; each key may appear once", _line(mark), _col(mark))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        _fail(filename, f"YAML syntax error: {problem}", _line(mark), _col(mark))
    except (YAMLError, ValueError, TypeError) as exc:
        _fail(filename, f"YAML could not be read: {exc}".splitlines()[0])
    if root is None:
        _fail(filename, "file is empty; expected a mapping with name, regions and services")
    if not isinstance(root, dict):
        kind = "a list" if isinstance(root, list) else f"a {type(root).__name__}"
        _fail(
            filename,
            f"top level is {kind}; expected a mapping with name, regions and services",
            1,
            1,
        )
    return root


def _line(mark: Any) -> int | None:
    return None if mark is None else int(mark.line) + 1


def _col(mark: Any) -> int | None:
    return None if mark is None else int(mark.column) + 1


def _plain(node: Any) -> Any:
    """ruamel's commented containers as plain dicts and lists (what pydantic should see).

    Recursive, but only over a tree `load_yaml` has bounded in depth and expanded size.
    """
    if isinstance(node, dict):
        return {(k if isinstance(k, str) else str(k)): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if hasattr(node, "value") and type(node).__name__ == "TaggedScalar":
        return node.value
    return node


# --- validation ----------------------------------------------------------------------------


def _validate(root: Any, filename: str, vocabulary: VocabularyFor | None = None) -> Design:
    data = _plain(root)
    problems: list[Problem] = []
    design: Design | None = None
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        problems += pydantic_problems(exc, root, data, filename)

    def add(loc: Loc, message: str, key: bool = False) -> None:
        line, col = position(root, loc, key=key)
        problems.append(Problem(filename, line, col, format_path(loc), message))

    design_problems(data, add, lambda loc: position(root, loc)[0], vocabulary)
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.path))
        raise DesignError(_dedupe(problems))
    assert design is not None
    return design


def _dedupe(problems: list[Problem]) -> list[Problem]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for p in problems:
        key = (p.line, p.column, p.path, p.message)
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out
