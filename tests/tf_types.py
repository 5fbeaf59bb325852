"""Terraform type constraints, read from a variables.tf parsed by python-hcl2 and checked
against the JSON a terraform.tfvars.json gives: string, number, bool, any, list(), set(),
map(), tuple([...]), object({...}) and optional(type[, default]). Stricter than Terraform in
two ways, on purpose: a value must already have the declared type (no string-from-number
conversion), and an object may not carry attributes its type does not declare (Terraform
drops them silently, which is how a module can ignore what the plan exports)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

TOKEN = re.compile(
    r"\s*([A-Za-z_][A-Za-z0-9_-]*|[(){}\[\],=]|\"(?:[^\"\\]|\\.)*\"|[^\s(){}\[\],=]+)"
)
PRIMITIVES = ("string", "number", "bool", "any")


@dataclass(frozen=True)
class TfType:
    kind: str  # a primitive, list, set, map, tuple or object
    element: TfType | None = None
    elements: tuple[TfType, ...] = ()
    attributes: tuple[tuple[str, TfType, bool], ...] = ()  # (name, type, optional)


class _Parser:
    def __init__(self, text: str) -> None:
        self.tokens = [m for m in TOKEN.findall(text) if m]
        self.at = 0

    def peek(self) -> str:
        return self.tokens[self.at] if self.at < len(self.tokens) else ""

    def take(self, expected: str | None = None) -> str:
        token = self.peek()
        if expected is not None and token != expected:
            raise ValueError(f"type expression: expected {expected!r} at {token!r}")
        self.at += 1
        return token

    def skip_expression(self) -> None:
        """An optional() default: skipped up to the closing parenthesis at its depth."""
        depth = 0
        while self.peek() and not (depth == 0 and self.peek() == ")"):
            token = self.take()
            depth += 1 if token in ("(", "{", "[") else -1 if token in (")", "}", "]") else 0

    def parse(self) -> TfType:
        name = self.take()
        if name in PRIMITIVES:
            return TfType(name)
        self.take("(")
        if name in ("list", "set", "map"):
            out = TfType(name, element=self.parse())
        elif name == "tuple":
            out = TfType(name, elements=self.items("[", "]"))
        elif name == "object":
            out = TfType(name, attributes=self.attributes())
        else:
            raise ValueError(f"type expression: unknown type {name!r}")
        self.take(")")
        return out

    def items(self, opening: str, closing: str) -> tuple[TfType, ...]:
        self.take(opening)
        out = []
        while self.peek() != closing:
            out.append(self.parse())
            if self.peek() == ",":
                self.take()
        self.take(closing)
        return tuple(out)

    def attributes(self) -> tuple[tuple[str, TfType, bool], ...]:
        self.take("{")
        out = []
        while self.peek() != "}":
            name = self.take().strip('"')
            self.take("=")
            optional = self.peek() == "optional"
            if optional:
                self.take()
                self.take("(")
                kind = self.parse()
                if self.peek() == ",":
                    self.take()
                    self.skip_expression()
                self.take(")")
            else:
                kind = self.parse()
            out.append((name, kind, optional))
            if self.peek() == ",":
                self.take()
        self.take("}")
        return tuple(out)


def parse_type(expression: str) -> TfType:
    """A type expression as python-hcl2 gives it (`${list(object({...}))}`) or bare."""
    text = expression.strip()
    if text.startswith("${") and text.endswith("}"):
        text = text[2:-1]
    parser = _Parser(text)
    out = parser.parse()
    if parser.peek():
        raise ValueError(f"type expression: unexpected {parser.peek()!r} in {expression!r}")
    return out


def _primitive(value: Any, kind: str) -> bool:
    if kind == "string":
        return isinstance(value, str)
    if kind == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    return kind == "any" or isinstance(value, bool)


def mismatches(value: Any, kind: TfType, where: str) -> list[str]:
    """Where `value` does not have type `kind` (null has every type), one line each."""
    if value is None or kind.kind == "any":
        return []
    if kind.kind in PRIMITIVES:
        return [] if _primitive(value, kind.kind) else [f"{where}: {value!r} is not a {kind.kind}"]
    if kind.kind in ("list", "set", "tuple") and not isinstance(value, list):
        return [f"{where}: expected a {kind.kind}, got {type(value).__name__}"]
    if kind.kind in ("map", "object") and not isinstance(value, dict):
        return [f"{where}: expected a {kind.kind}, got {type(value).__name__}"]
    if kind.kind in ("list", "set") and kind.element is not None:
        return [
            m for i, v in enumerate(value) for m in mismatches(v, kind.element, f"{where}[{i}]")
        ]
    if kind.kind == "map" and kind.element is not None:
        return [m for k, v in value.items() for m in mismatches(v, kind.element, f"{where}.{k}")]
    if kind.kind == "tuple":
        if len(value) != len(kind.elements):
            return [f"{where}: {len(value)} elements, the tuple has {len(kind.elements)}"]
        return [m for i, (v, t) in enumerate(zip(value, kind.elements, strict=True))
                for m in mismatches(v, t, f"{where}[{i}]")]  # fmt: skip
    return _object(value, kind, where)


def _object(value: dict[str, Any], kind: TfType, where: str) -> list[str]:
    declared = {name: (t, optional) for name, t, optional in kind.attributes}
    out = [f"{where}: attribute {k!r} is not declared" for k in value if k not in declared]
    for name, (t, optional) in declared.items():
        if name not in value:
            if not optional:
                out.append(f"{where}: missing attribute {name!r}")
            continue
        out += mismatches(value[name], t, f"{where}.{name}")
    return out


def tfvars_mismatches(variables: list[dict[str, Any]], values: dict[str, Any]) -> list[str]:
    """Every way `values` (a terraform.tfvars.json) breaks the variables declared in
    `variables` (python-hcl2's `variable` list, labels unquoted): a value for an undeclared
    variable, a required variable without one, a value not of the declared type."""
    declared = {name: body for block in variables for name, body in block.items()}
    out = [f"{k}: no such variable" for k in values if k not in declared]
    for name, body in declared.items():
        if name not in values:
            if "default" not in body:
                out.append(f"{name}: required, and the tfvars give no value")
            continue
        out += mismatches(values[name], parse_type(str(body.get("type", "any"))), name)
    return out
