"""Where a value sits in a design file: YAML paths (`services[1].load`) and their line and
column in the ruamel document, so every problem names its place."""

from __future__ import annotations

from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

Loc = tuple[str | int, ...]


def format_path(loc: Loc) -> str:
    """`services[1].load.peak_rps` for ('services', 1, 'load', 'peak_rps')."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def position(root: Any, loc: Loc, key: bool = False) -> tuple[int | None, int | None]:
    """1-based line/column of the node at `loc`; the key itself when `key` is set.

    Walks as far as the document goes, so a missing key points at its parent mapping.
    """
    node = root
    pos: tuple[int, int] | None = _node_pos(root)
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, CommentedMap):
            match = _find_key(node, part)
            if match is None:
                break
            on_key = key and last
            pos = _lc(node, lambda lc, m=match, k=on_key: lc.key(m) if k else lc.value(m))
            node = node[match]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            pos = _lc(node, lambda lc, n=part: lc.item(n))
            node = node[part]
        else:
            break
    if pos is None:
        return None, None
    return pos[0] + 1, pos[1] + 1


def _lc(node: Any, read: Any) -> tuple[int, int] | None:
    try:
        found: tuple[int, int] = read(node.lc)
        return found
    except (KeyError, TypeError, AttributeError):
        return _node_pos(node)


def _find_key(node: CommentedMap, part: str | int) -> Any:
    if part in node:
        return part
    for k in node:
        if str(k) == str(part):
            return k
    return None


def _node_pos(node: Any) -> tuple[int, int] | None:
    lc = getattr(node, "lc", None)
    if lc is None or lc.line is None:
        return None
    return int(lc.line), int(lc.col)
