"""Reading design files: YAML with line/column locations, every problem reported at once.

This is the I/O edge for designs. `load_design(path)` returns a validated `Design` or
raises `DesignError` listing each problem as ``file:line:col: path: message``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from ..errors import DesignError, Problem
from ..regions import CLOUDS, regions_of
from .models import Design, Kind

MAX_DESIGN_BYTES = 5 * 1024 * 1024  # design files are hand-written; 5 MiB is generous
Loc = tuple[str | int, ...]


def load_design(path: str | Path) -> Design:
    """Read, parse and validate one design file."""
    path = Path(path)
    text = _read_text(path)
    return parse_design(text, str(path))


def parse_design(text: str, filename: str = "<design>") -> Design:
    """Validate design YAML given as text; `filename` is used in messages."""
    root = _parse_yaml(text, filename)
    return _validate(root, filename)


def validate_files(paths: Iterable[str | Path]) -> dict[str, DesignError | None]:
    """Each path mapped to its DesignError, or None when it is valid."""
    results: dict[str, DesignError | None] = {}
    for p in paths:
        try:
            load_design(p)
            results[str(p)] = None
        except DesignError as exc:
            results[str(p)] = exc
    return results


# --- reading -------------------------------------------------------------------------------


def _fail(filename: str, message: str, line: int | None = None, col: int | None = None) -> None:
    raise DesignError([Problem(filename, line, col, "", message)])


def _read_text(path: Path) -> str:
    name = str(path)
    if not path.exists():
        _fail(name, "no such file")
    if path.is_dir():
        _fail(name, "is a folder; expected a design file (.yaml)")
    size = path.stat().st_size
    if size > MAX_DESIGN_BYTES:
        _fail(name, f"file is {size / 1e6:.1f} MB; a design file is at most 5 MiB of YAML")
    data = path.read_bytes()
    return _decode(data, name)


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        _fail(name, "is not a text file (it contains NUL bytes); expected YAML")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(name, f"is not UTF-8 text (bad byte at offset {exc.start}); expected YAML")
    raise AssertionError("unreachable")


def _parse_yaml(text: str, filename: str) -> Any:
    if len(text.encode("utf-8", "surrogatepass")) > MAX_DESIGN_BYTES:
        _fail(filename, "text is larger than 5 MiB; a design file is at most 5 MiB of YAML")
    yaml = YAML(typ="rt", pure=True)
    try:
        root = yaml.load(text)
    except DuplicateKeyError as exc:
        mark = exc.problem_mark
        key = (exc.problem or "").split('"')[1] if '"' in (exc.problem or "") else ""
        detail = f"duplicate key {key!r}" if key else "duplicate key"
        _fail(filename, f"{detail}; each key may appear once", _line(mark), _col(mark))
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or exc.context or "invalid YAML"
        _fail(filename, f"YAML syntax error: {problem}", _line(mark), _col(mark))
    except (YAMLError, RecursionError, ValueError, TypeError) as exc:
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


# --- locations -----------------------------------------------------------------------------


def _plain(node: Any, filename: str, depth: int = 0) -> Any:
    """ruamel's commented containers as plain dicts and lists (what pydantic should see)."""
    if depth > 200:
        _fail(filename, "nesting is too deep (more than 200 levels); expected a design mapping")
    if isinstance(node, dict):
        return {
            (k if isinstance(k, str) else str(k)): _plain(v, filename, depth + 1)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_plain(v, filename, depth + 1) for v in node]
    if hasattr(node, "value") and type(node).__name__ == "TaggedScalar":
        return node.value
    return node


def _position(root: Any, loc: Loc, key: bool = False) -> tuple[int | None, int | None]:
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
            try:
                pos = node.lc.key(match) if (key and last) else node.lc.value(match)
            except (KeyError, TypeError, AttributeError):
                pos = _node_pos(node)
            node = node[match]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            try:
                pos = node.lc.item(part)
            except (KeyError, TypeError, AttributeError):
                pos = _node_pos(node)
            node = node[part]
        else:
            break
    if pos is None:
        return None, None
    return pos[0] + 1, pos[1] + 1


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


def format_path(loc: Loc) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


# --- validation ----------------------------------------------------------------------------


def _validate(root: Any, filename: str) -> Design:
    data = _plain(root, filename)
    problems: list[Problem] = []
    design: Design | None = None
    try:
        design = Design.model_validate(data)
    except ValidationError as exc:
        problems += _pydantic_problems(exc, root, filename)
    problems += _semantic_problems(data, root, filename)
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


def _pydantic_problems(exc: ValidationError, root: Any, filename: str) -> Iterator[Problem]:
    for err in exc.errors():
        loc = _doc_loc(root, err["loc"])
        kind = err["type"]
        if kind == "extra_forbidden":
            line, col = _position(root, loc, key=True)
            yield Problem(filename, line, col, format_path(loc), _unknown_key(loc))
            continue
        if kind == "missing":
            line, col = _position(root, loc[:-1])
            yield Problem(filename, line, col, format_path(loc), "required key is missing")
            continue
        line, col = _position(root, loc)
        yield Problem(filename, line, col, format_path(loc), _message(err))


def _doc_loc(root: Any, loc: tuple[Any, ...]) -> Loc:
    """Pydantic's loc with union-branch tags dropped, aliases as in the YAML."""
    out: list[str | int] = []
    node = root
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


def _fields_at(loc: Loc) -> list[str]:
    """The keys allowed at the mapping that holds loc[-1]."""
    model: type[BaseModel] | None = Design
    for part in loc[:-1]:
        if isinstance(part, int) or model is None:
            continue
        field = model.model_fields.get(part)
        if field is None:
            return []
        model = _submodel(field.annotation)
    if model is None:
        return []
    return [f.alias or n for n, f in model.model_fields.items()]


def _submodel(annotation: Any) -> type[BaseModel] | None:
    import typing

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _submodel(arg)
        if found is not None:
            return found
    return None


def _unknown_key(loc: Loc) -> str:
    key = str(loc[-1])
    allowed = _fields_at(loc)
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    if close:
        return f"unknown key {key!r}; did you mean {close[0]!r}?"
    return f"unknown key {key!r}; expected one of: {', '.join(sorted(allowed))}"


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


def _num(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _message(err: Any) -> str:
    kind = err["type"]
    ctx = {k: _num(v) for k, v in (err.get("ctx") or {}).items()}
    got = err.get("input")
    if kind == "enum":
        expected = ctx.get("expected", "").replace("'", "")
        msg = f"must be one of {expected}"
        close = difflib.get_close_matches(
            str(got), [e.strip() for e in expected.replace(" or ", ",").split(",")], n=1
        )
        if close:
            msg += f"; did you mean {close[0]!r}?"
        return f"{msg} (got {got!r})"
    if kind == "string_pattern_mismatch":
        return f"must be a lowercase slug of a-z, 0-9 and '-' (got {got!r})"
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


def _short(value: Any) -> str:
    text = (
        repr(value)
        if isinstance(value, str)
        else _num(value)
        if isinstance(value, int | float)
        else type(value).__name__
    )
    return text if len(text) <= 60 else text[:57] + "..."


# --- checks across fields ------------------------------------------------------------------


def _semantic_problems(data: dict[str, Any], root: Any, filename: str) -> list[Problem]:
    problems: list[Problem] = []

    def add(loc: Loc, message: str, key: bool = False) -> None:
        line, col = _position(root, loc, key=key)
        problems.append(Problem(filename, line, col, format_path(loc), message))

    services = data.get("services")
    services = services if isinstance(services, list) else []
    named: dict[str, int] = {}
    for i, svc in enumerate(services):
        if not isinstance(svc, dict) or not isinstance(svc.get("name"), str):
            continue
        name = svc["name"]
        if name in named:
            first_line, _ = _position(root, ("services", named[name], "name"))
            add(
                ("services", i, "name"),
                f"duplicate service name {name!r} (first at line {first_line})",
            )
        else:
            named[name] = i

    graph: dict[str, list[str]] = {}
    for i, svc in enumerate(services):
        if not isinstance(svc, dict):
            continue
        _kind_problems(svc, i, add)
        name = svc.get("name")
        deps = svc.get("depends_on")
        if not isinstance(deps, list):
            continue
        for j, dep in enumerate(deps):
            if not isinstance(dep, str):
                continue
            if dep == name:
                add(("services", i, "depends_on", j), f"service {name!r} depends on itself")
            elif dep not in named:
                close = difflib.get_close_matches(dep, list(named), n=1)
                hint = f"; did you mean {close[0]!r}?" if close else ""
                add(("services", i, "depends_on", j), f"unknown service {dep!r}{hint}")
            elif isinstance(name, str):
                graph.setdefault(name, []).append(dep)

    cycle = _find_cycle(graph)
    if cycle:
        first = named[cycle[0]]
        j = _index_of(services[first].get("depends_on", []), cycle[1])
        add(("services", first, "depends_on", j), "dependency cycle: " + " -> ".join(cycle))

    if (
        services
        and named
        and not any(isinstance(s, dict) and s.get("entrypoint") is True for s in services)
    ):
        add(("services",), "no service has entrypoint: true; mark the service user traffic enters")

    _region_problems(data, add)
    return problems


def _index_of(items: Any, value: str) -> int:
    return items.index(value) if isinstance(items, list) and value in items else 0


def _kind_problems(svc: dict[str, Any], i: int, add: Any) -> None:
    kind = svc.get("kind")
    size = svc.get("size") if isinstance(svc.get("size"), dict) else None
    if kind == Kind.stateless and "load" not in svc:
        add(("services", i), "a stateless service needs load: {peak_rps, cpu_ms, memory_mib}")
    if kind == Kind.database and (size is None or "vcpu" not in size or "memory_gib" not in size):
        add(("services", i), "a database needs size: {vcpu, memory_gib, storage_gib}")
    if kind == Kind.cache and (size is None or "memory_gib" not in size):
        add(("services", i), "a cache needs size: {memory_gib}")


def _find_cycle(graph: dict[str, list[str]]) -> list[str] | None:
    """The first dependency cycle in name order, as a closed path [a, b, a]."""
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        stack.append(node)
        for nxt in graph.get(node, []):
            if state.get(nxt) == 1:
                return [*stack[stack.index(nxt) :], nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        stack.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state:
            found = visit(start)
            if found:
                return found
    return None


def _region_problems(data: dict[str, Any], add: Any) -> None:
    cloud = data.get("cloud", "aws")
    if cloud not in CLOUDS:
        return
    known = regions_of(cloud)
    regions = data.get("regions")
    zones = data.get("zones", 3)
    checked: list[tuple[Loc, str]] = []
    if isinstance(regions, list):
        checked += [(("regions", i), r) for i, r in enumerate(regions) if isinstance(r, str)]
        seen: set[str] = set()
        for i, r in enumerate(regions):
            if isinstance(r, str) and r in seen:
                add(("regions", i), f"region {r!r} is listed twice")
            if isinstance(r, str):
                seen.add(r)
    dr_region = data.get("dr_region")
    if isinstance(dr_region, str):
        checked.append((("dr_region",), dr_region))
        if isinstance(regions, list) and regions and dr_region == regions[0]:
            add(("dr_region",), f"dr_region must differ from the primary region {dr_region!r}")
    for loc, name in checked:
        region = known.get(name)
        if region is None:
            close = difflib.get_close_matches(name, list(known), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            add(loc, f"unknown {cloud} region {name!r}{hint}")
        elif (
            loc[0] == "regions"
            and isinstance(zones, int)
            and not isinstance(zones, bool)
            and zones > region.zones
        ):
            add(("zones",), f"{zones} zones requested but {cloud} {name} has {region.zones}")
