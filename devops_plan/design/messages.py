"""Pydantic's validation errors as problems a person can act on: the YAML path, its line and
column, and a sentence saying what was expected (with a 'did you mean' where one is close)."""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import Problem
from .locations import Loc, format_path, position
from .models import HEALTH_PATH, IMAGE, INSTANCE, SERVICE_MODELS, SLUG, WORD, Design, Kind

# What each pattern of the design models asks for, in words.
_PATTERNS = {
    SLUG: "a lowercase slug of a-z, 0-9 and '-'",
    WORD: "a lowercase word of a-z, 0-9, '_' and '-'",
    INSTANCE: "an instance type or family of letters, digits, '.', '_' and '-'",
    HEALTH_PATH: "an HTTP path starting with '/' (letters, digits and URL path characters)",
    IMAGE: "an image reference (registry/path:tag or @sha256:digest) of letters, digits and "
    "._/:@- in which {design} and {service} stand for the names",
}

_TEMPLATES = {
    "greater_than": "must be greater than {gt}",
    "greater_than_equal": "must be at least {ge}",
    "less_than": "must be less than {lt}",
    "less_than_equal": "must be at most {le}",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "tuple_type": "must be a list",
    "list_type": "must be a list",
    "model_type": "must be a mapping",
    "dict_type": "must be a mapping",
    "model_attributes_type": "must be a mapping",
    "decimal_parsing": "must be a number",
    "decimal_type": "must be a number",
    "finite_number": "must be a finite number",
    "string_too_long": "must be at most {max_length} characters",
}
KINDS = tuple(k.value for k in Kind)


def pydantic_problems(
    exc: ValidationError, root: Any, data: Any, filename: str
) -> Iterator[Problem]:
    """One Problem per pydantic error, located in the YAML document `root`."""
    for err in exc.errors():
        loc = doc_loc(data, err["loc"])
        kind = err["type"]
        if kind == "too_short" and _long_enough(loc, data, err):
            continue  # pydantic counts only the items that validated; those items have errors
        if kind == "extra_forbidden":
            line, col = position(root, loc, key=True)
            yield Problem(filename, line, col, format_path(loc), unknown_key(loc, data))
        elif kind in ("missing", "union_tag_not_found"):
            missing = (*loc, "kind") if kind == "union_tag_not_found" else loc
            line, col = position(root, missing[:-1])
            yield Problem(filename, line, col, format_path(missing), _missing(missing, data))
        else:
            loc = (*loc, "kind") if kind == "union_tag_invalid" else loc
            line, col = position(root, loc)
            yield Problem(filename, line, col, format_path(loc), message(err))


def _long_enough(loc: Loc, data: Any, err: Any) -> bool:
    node = data
    for part in loc:
        node = _child(node, part)
    return isinstance(node, list) and len(node) >= int((err.get("ctx") or {}).get("min_length", 0))


def doc_loc(data: Any, loc: tuple[Any, ...]) -> Loc:
    """Pydantic's loc with union-branch tags dropped, aliases as in the YAML."""
    out: list[str | int] = []
    node = data
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, dict):
            if part in node or last:
                out.append(part)
                node = node.get(part) if part in node else None
            continue
        if isinstance(node, list) and isinstance(part, int):
            out.append(part)
            node = node[part] if 0 <= part < len(node) else None
            continue
        if node is None or not isinstance(part, str):
            out.append(part)
    return tuple(out)


def model_at(loc: Loc, data: Any) -> type[BaseModel] | None:
    """The model of the mapping at `loc` (a service's own kind for services[i])."""
    model: type[BaseModel] | None = Design
    node = data
    for part in loc:
        node = _child(node, part)
        if model is None:
            return None
        if isinstance(part, int):
            if model is _ServiceItems:
                kind = node.get("kind") if isinstance(node, dict) else None
                model = SERVICE_MODELS.get(Kind(kind)) if kind in KINDS else None
            continue
        if model is Design and part == "services":
            model = _ServiceItems
            continue
        field = model.model_fields.get(part)
        model = None if field is None else _submodel(field.annotation)
    if model is _ServiceItems:
        return None
    return model


class _ServiceItems(BaseModel):
    """Marks 'a list of services': the model of each item depends on its `kind`."""


def _child(node: Any, part: str | int) -> Any:
    if isinstance(node, dict) and isinstance(part, str):
        return node.get(part)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return None


def _submodel(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _allowed(model: type[BaseModel] | None) -> list[str]:
    return [] if model is None else [f.alias or n for n, f in model.model_fields.items()]


def unknown_key(loc: Loc, data: Any) -> str:
    key = str(loc[-1])
    model = model_at(loc[:-1], data)
    allowed = _allowed(model)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    kind = next((k.value for k, m in SERVICE_MODELS.items() if m is model), None)
    where = f" for a {kind} service" if kind else ""
    return f"unknown key {key!r}{where}; expected one of: {', '.join(sorted(allowed))}"


def _missing(loc: Loc, data: Any) -> str:
    """'required key is missing', saying what the missing mapping holds."""
    if loc[-1] == "kind":
        return f"required key is missing; expected one of {', '.join(KINDS)}"
    parent = model_at(loc[:-1], data)
    field = parent.model_fields.get(str(loc[-1])) if parent is not None else None
    sub = _submodel(field.annotation) if field is not None else None
    if sub is None:
        return "required key is missing"
    keys = [n for n, f in sub.model_fields.items() if f.is_required()] or list(sub.model_fields)
    return f"required key is missing; expected a mapping with {', '.join(keys)}"


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, float) and abs(value) >= 1e15:
        return f"{value:g}"
    if isinstance(value, int) and abs(value) >= 10**15:
        return f"{value:.3g}"
    return str(value)


def message(err: Any) -> str:
    """The sentence for one pydantic error (not an unknown or missing key)."""
    kind = err["type"]
    ctx = {k: _num(v) for k, v in (err.get("ctx") or {}).items()}
    got = err.get("input")
    if kind in ("enum", "union_tag_invalid", "literal_error"):
        return _choice(ctx, got if kind != "union_tag_invalid" else ctx.get("tag"))
    if kind == "string_pattern_mismatch":
        pattern = str(ctx.get("pattern", ""))
        return f"must be {_PATTERNS.get(pattern, f'text matching {pattern}')} (got {_short(got)})"
    if kind in ("too_short", "too_long"):
        n = ctx.get("min_length" if kind == "too_short" else "max_length")
        word = "at least" if kind == "too_short" else "at most"
        return f"must have {word} {n} item(s)"
    if kind == "value_error":
        return str(err["msg"]).removeprefix("Value error, ")
    template = _TEMPLATES.get(kind)
    if template is None:
        msg = str(err["msg"]).replace("Input should be", "must be")
        return f"{msg} (got {_short(got)})"
    return f"{template.format(**ctx)} (got {_short(got)})"


def _choice(ctx: dict[str, str], got: Any) -> str:
    expected = (ctx.get("expected") or ctx.get("expected_tags") or "").replace("'", "")
    options = [e.strip() for e in expected.replace(" or ", ",").split(",") if e.strip()]
    options = [re.sub(r"^<\w+\.\w+: (\w+)>$", r"\1", o) for o in options]
    listed = ", ".join(options[:-1]) + f" or {options[-1]}" if len(options) > 1 else expected
    msg = f"must be one of {listed}"
    close = difflib.get_close_matches(str(got), options, n=1)
    if close:
        msg += f"; did you mean {close[0]!r}?"
    return f"{msg} (got {got!r})"


def _short(value: Any) -> str:
    if isinstance(value, str):
        text = repr(value)
    elif isinstance(value, int | float):
        text = _num(value)
    else:
        text = type(value).__name__
    return text if len(text) <= 60 else text[:57] + "..."
