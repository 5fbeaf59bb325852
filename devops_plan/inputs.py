"""Reading what other people wrote, within limits: files read only when they are regular files
and no larger than a limit (whatever `st_size` claims), YAML whose expansion, nesting and
aliases are bounded, and text that can be written into any output (no control, bidi or
surrogate characters). Each input kind (designs, catalogs, ADR front matter, notebooks) calls
these with its own limit and turns `InputRefused` into its own one-line error.

The YAML checks run on the loaded tree, not inside one parser, so that any loader (the pure
round-trip one, or a faster one) is held to the same limits. docs/security.md lists them.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

KIB = 1024
MIB = 1024 * KIB

# Characters no text read from a file may carry: they make output lie (bidi overrides that
# reorder what a reviewer sees), drive a terminal (escape sequences) or cannot be encoded
# (lone surrogates). Tab and newline are ordinary text.
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_SEPARATORS = frozenset("\u2028\u2029")  # line/paragraph separators end a JS string or line


class InputRefused(Exception):
    """Why an input was not read, for a person; with its 1-based line and column if known."""

    def __init__(self, reason: str, line: int | None = None, column: int | None = None):
        self.reason = reason
        self.line = line
        self.column = column
        super().__init__(reason)


def describe_size(n: int) -> str:
    """512 KiB, 16 MiB, 100 bytes: a limit as people read it."""
    for unit, size in (("MiB", MIB), ("KiB", KIB)):
        if n >= size and n % size == 0:
            return f"{n // size} {unit}"
    return f"{n:,} bytes"


_KINDS = (
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def _kind(mode: int) -> str:
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def read_limited(path: str | Path, limit: int, expected: str) -> bytes:
    """The bytes of a regular file of at most `limit` bytes; InputRefused otherwise.

    The file is opened without blocking (a FIFO with no writer would wait forever) and its
    type checked on the open descriptor, so a symlink to /dev/zero or a pipe is refused;
    at most `limit + 1` bytes are read, so a file that grows or lies about its size cannot
    exhaust memory. `expected` says what the file should be ("a design file (YAML)").
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputRefused("no such file") from None
    except OSError as exc:
        raise InputRefused(f"cannot be read: {exc.strerror or exc}") from None
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            kind = _kind(mode)
            raise InputRefused(f"is {kind}; expected {expected}")
        os.set_blocking(fd, True)
        return _read_at_most(fd, limit, expected)
    finally:
        os.close(fd)


def _read_at_most(fd: int, limit: int, expected: str) -> bytes:
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        try:
            chunk = os.read(fd, min(left, 1 * MIB))
        except OSError as exc:
            raise InputRefused(f"cannot be read: {exc.strerror or exc}") from None
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    if left <= 0:
        raise InputRefused(f"is larger than {describe_size(limit)}; expected {expected}")
    return b"".join(chunks)


# Every character `text_problem` refuses, as one class: the common case (plain text) is one
# regex search in C instead of a Python loop over each character (catalogs check 24,000 ids).
_NONCHARACTERS = "".join(f"{chr(p << 16 | 0xFFFE)}{chr(p << 16 | 0xFFFF)}" for p in range(17))
_REFUSED = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f"
    + "".join(sorted(_BIDI | _SEPARATORS))
    + "\ud800-\udfff\ufdd0-\ufdef"
    + _NONCHARACTERS
    + "]"
)


def text_problem(value: str) -> str | None:
    """Why `value` cannot be written into every output as it is, or None when it can."""
    found = _REFUSED.search(value)
    if found is None:
        return None
    ch, code = found.group(), ord(found.group())
    if code < 0x20 or 0x7F <= code < 0xA0:
        what = "a control character"
    elif ch in _BIDI:
        what = "a bidirectional text control"
    elif 0xD800 <= code < 0xE000:
        what = "a lone surrogate"
    elif ch in _SEPARATORS:
        what = "a line separator"
    else:
        what = "a Unicode noncharacter"
    return f"contains {what} (U+{code:04X}) at character {found.start() + 1}; expected plain text"


# --- YAML --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YamlLimits:
    """How much a YAML document may hold once its aliases are expanded."""

    max_depth: int = 64
    max_nodes: int = 200_000
    max_chars: int = 8 * MIB
    max_aliases: int = 1_000


YAML_LIMITS = YamlLimits()
_SCALARS = (str, int, float, bool, type(None), date, datetime)


def _children(node: Any) -> Iterator[tuple[Any, Any, bool]]:
    """(child, key-or-index, is_key) for a mapping or a sequence."""
    if isinstance(node, dict):
        for k, v in node.items():
            yield k, k, True
            yield v, k, False
    else:
        for i, v in enumerate(node):
            yield v, i, False


def _position(parent: Any, key: Any, is_key: bool) -> tuple[int | None, int | None]:
    """1-based line and column of a child in a round-trip document (None elsewhere)."""
    lc: Any = getattr(parent, "lc", None)
    try:
        if isinstance(parent, dict):
            line, col = lc.key(key) if is_key else lc.value(key)
        else:
            line, col = lc.item(key)
        return int(line) + 1, int(col) + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        line = getattr(lc, "line", None)
        col = getattr(lc, "col", None)
        return (line + 1 if line is not None else None), (col + 1 if col is not None else None)


class _Walk:
    """One bounded walk over a loaded YAML tree: post-order over its containers, each
    container's expanded size (nodes, characters) remembered so an alias costs one lookup."""

    def __init__(self, limits: YamlLimits) -> None:
        self.limits = limits
        self.sizes: dict[int, tuple[int, int]] = {}
        self.aliases = 0
        # A frame: (container, its children still to visit, [nodes, characters] so far).
        self.stack: list[tuple[Any, Iterator[tuple[Any, Any, bool]], list[int]]] = []
        self.on_path: set[int] = set()

    def scalar(self, value: Any, parent: Any, key: Any, is_key: bool) -> tuple[int, int]:
        text = value if isinstance(value, str) else getattr(value, "value", None)  # !tagged
        if isinstance(text, str):
            problem = text_problem(text)
            if problem is not None:
                where = "a key" if is_key else "a value"
                raise InputRefused(f"{where} {problem}", *_position(parent, key, is_key))
            return 1, len(text)
        if is_key and not isinstance(value, _SCALARS):
            raise InputRefused(
                "a mapping key must be a plain value (text or a number), not a list or mapping",
                *_position(parent, key, is_key),
            )
        return 1, 0

    def enter(self, node: Any) -> None:
        if len(self.stack) >= self.limits.max_depth:
            raise InputRefused(
                f"nesting is deeper than {self.limits.max_depth} levels",
                *_position(node, None, False),
            )
        self.on_path.add(id(node))
        self.stack.append((node, _children(node), [1, 0]))

    def leave(self) -> None:
        node, _, total = self.stack.pop()
        self.on_path.discard(id(node))
        self.sizes[id(node)] = (total[0], total[1])
        if self.stack:
            self.add(self.stack[-1][2], total, node)

    def alias(self, child: Any, parent: Any, key: Any) -> tuple[int, int]:
        if id(child) in self.on_path:
            raise InputRefused(
                "an alias refers to a node that contains it", *_position(parent, key, False)
            )
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            raise InputRefused(
                f"more than {self.limits.max_aliases} alias references",
                *_position(parent, key, False),
            )
        return self.sizes[id(child)]

    def add(self, total: list[int], part: Any, node: Any) -> None:
        total[0] += part[0]
        total[1] += part[1]
        if total[0] > self.limits.max_nodes or total[1] > self.limits.max_chars:
            raise InputRefused(
                f"expands to more than {self.limits.max_nodes:,} values or "
                f"{describe_size(self.limits.max_chars)} of text (aliases count each time "
                "they are used)",
                *_position(node, None, False),
            )

    def run(self, root: Any) -> None:
        self.enter(root)
        while self.stack:
            node, children, total = self.stack[-1]
            step = next(children, None)
            if step is None:
                self.leave()
                continue
            child, key, is_key = step
            if is_key or not isinstance(child, dict | list):
                self.add(total, self.scalar(child, node, key, is_key), node)
            elif id(child) in self.sizes or id(child) in self.on_path:
                self.add(total, self.alias(child, node, key), node)
            else:
                self.enter(child)


def check_yaml_tree(root: Any, limits: YamlLimits = YAML_LIMITS) -> None:
    """Refuse a loaded YAML tree that is too deep, expands (through aliases) to too many nodes
    or characters, reuses too many aliases, contains itself, has non-scalar keys or text that
    cannot be written anywhere (`text_problem`). Iterative: no recursion on user data."""
    walk = _Walk(limits)
    if isinstance(root, dict | list):
        walk.run(root)
        return
    try:
        walk.scalar(root, None, None, False)
    except InputRefused as exc:
        raise InputRefused(exc.reason, 1, 1) from None  # a document of one value


def load_yaml(text: str, limits: YamlLimits = YAML_LIMITS) -> Any:
    """YAML text loaded round-trip (with line/column on every container), held to `limits`.

    Raises InputRefused for a limit (with where), ruamel's YAMLError for bad YAML.
    """
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt", pure=True)
    yaml.Composer = _depth_limited_composer(limits.max_depth)
    try:
        with warnings.catch_warnings():
            # A reused anchor is valid YAML (the later one wins); ruamel's warning would
            # print a multi-line notice, or raise where warnings are errors.
            warnings.simplefilter("ignore")
            root = yaml.load(text)
    except RecursionError:
        raise InputRefused(f"nesting is deeper than {limits.max_depth} levels") from None
    check_yaml_tree(root, limits)
    return root


def _depth_limited_composer(max_depth: int) -> Any:
    """ruamel's composer, refusing nesting deeper than `max_depth` as it reads: its recursion
    would otherwise go on until Python's own limit, slowly, on a hostile file."""
    from ruamel.yaml.composer import Composer

    class DepthLimitedComposer(Composer):  # type: ignore[misc]
        nesting = 0

        def compose_node(self, parent: Any, index: Any) -> Any:
            self.nesting += 1
            try:
                if self.nesting > max_depth + 1:  # + 1: a scalar inside the deepest container
                    mark = self.parser.peek_event().start_mark
                    raise InputRefused(
                        f"nesting is deeper than {max_depth} levels", mark.line + 1, mark.column + 1
                    )
                return super().compose_node(parent, index)
            finally:
                self.nesting -= 1

    return DepthLimitedComposer
