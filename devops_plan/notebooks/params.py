"""A notebook's parameters as the CLI and `run_notebook` receive them: `-p KEY=VALUE` parsed,
values converted to the types the parameters cell declares, paths resolved, and every input
checked before a kernel starts (preflight), so a mistake is exit 2, not a failed cell."""

from __future__ import annotations

import ast
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from ..design import load_design
from ..engine import build_plan
from ..errors import NotebookInputError
from ..paths import data_root, package_path
from .catalogue import NotebookInfo, Parameter

# papermill reads annotations as written; these are the ones a -p value can be converted to.
SUPPORTED_TYPES = ("str", "int", "float", "bool")
_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}

# The inputs the planner itself checks; a mistake there is exit 2 before any kernel starts.
PLAN_PARAMETERS = ("cloud", "region", "purchase", "catalog")
# Parameters that name input files (comma-separated lists allowed); an empty value means none.
INPUT_FILE_PARAMETERS = ("billing", "utilization")
# The billing notebooks' period: days (YYYY-MM-DD) and a month (YYYY-MM); empty: the bill's.
DATE_PARAMETERS = ("since", "until")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def parse_assignments(items: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` strings (from `-p`) into a mapping; the value may itself contain `=`."""
    out: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise NotebookInputError(f"-p {item!r}: expected KEY=VALUE")
        out[key.strip()] = value
    return out


def convert_parameters(info: NotebookInfo, values: Mapping[str, Any]) -> dict[str, Any]:
    """Values converted to the types the notebook declares; strings are parsed, never guessed.

    `1e5` stays the string "1e5" for a `str` parameter and is an error for an `int` one.
    """
    out: dict[str, Any] = {}
    for name, value in values.items():
        param = info.parameter(name)
        if param is None:
            known = ", ".join(f"{p.name} ({p.type})" for p in info.parameters) or "none"
            raise NotebookInputError(
                f"notebook {info.name}: unknown parameter {name!r}; its parameters: {known}"
            )
        out[name] = convert_value(info.name, param, value)
    return out


def convert_value(notebook: str, param: Parameter, value: Any) -> Any:
    """One value for `param`: text is parsed by the declared type, a Python value is checked."""
    where = f"notebook {notebook}: parameter {param.name} ({param.type})"
    if param.type not in SUPPORTED_TYPES:
        raise NotebookInputError(
            f"{where}: cannot pass a value to a {param.type} parameter; supported: {', '.join(SUPPORTED_TYPES)}"
        )
    if isinstance(value, str):
        return _parse(where, param.type, value)
    return _check(where, param.type, value)


def _check(where: str, kind: str, value: Any) -> Any:
    ok = {
        "str": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, int | float) and not isinstance(value, bool),
    }[kind]
    if not ok:
        raise NotebookInputError(f"{where}: expected a {kind}, got {value!r}")
    return float(value) if kind == "float" else value


def _parse(where: str, kind: str, value: str) -> Any:
    text = value.strip()
    if kind == "str":
        return value
    if kind == "bool":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise NotebookInputError(f"{where}: expected true or false, got {value!r}")
    if kind == "int":
        try:
            return int(text)
        except ValueError:
            raise NotebookInputError(f"{where}: expected a whole number, got {value!r}") from None
    try:
        number = float(text)
    except ValueError:
        raise NotebookInputError(f"{where}: expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise NotebookInputError(f"{where}: expected a finite number, got {value!r}")
    return number


def resolve_path(path: str | Path) -> Path:
    """A path as a person wrote it, found from the working folder or else the repo root.

    Notebooks default to `data/designs/shop.yaml`; under nbval or JupyterLab the working
    folder is `notebooks/`, and in a wheel the shipped designs live in the package's data.
    """
    given = Path(path).expanduser()
    if given.is_absolute():
        return given
    candidates = [Path.cwd() / given, package_path().parent / given]
    if given.parts and given.parts[0] == "data":
        candidates.append(data_root().joinpath(*given.parts[1:]))
    for candidate in candidates:
        if candidate.exists():
            return candidate.resolve()
    return (Path.cwd() / given).resolve()


def prepare(
    info: NotebookInfo,
    values: Mapping[str, Any],
    *,
    design: str | Path | None,
    out_dir: Path,
    catalog: str | Path | None = None,
) -> dict[str, Any]:
    """The parameters a run passes to the kernel: `values` converted, the design file (if
    given), the catalog folder (if given and the notebook takes one; a `-p catalog=` value
    wins) and the output folder as absolute paths, every input checked (`preflight`)."""
    given = dict(values)
    if design is not None:
        given["design"] = str(design)
    if catalog is not None and info.parameter("catalog") is not None:
        given.setdefault("catalog", str(catalog))
    params = convert_parameters(info, given)
    if info.parameter("out_dir") is not None:
        params["out_dir"] = str(out_dir)
    preflight(info, params)
    return params


def preflight(info: NotebookInfo, params: dict[str, Any]) -> None:
    """Check the input files, the design and the planning inputs here, so a mistake is exit 2,
    not a failed cell. Sets `params["design"]` to the design file's absolute path."""
    check_input_files(info, params)
    check_period(info, params)
    if info.parameter("design") is None:
        return
    path = _design_file(info, params)
    params["design"] = str(path)
    design = load_design(path)  # DesignError: every problem, with file and line
    catalog = _text(info, params, "catalog")
    if catalog is not None:
        params["catalog"] = str(resolve_path(catalog))
    if any(info.parameter(p) for p in PLAN_PARAMETERS):
        # PlanningError / CatalogError (unknown region, purchase option...): exit 2.
        build_plan(
            design,
            cloud=_text(info, params, "cloud"),
            region=_text(info, params, "region"),
            purchase=_text(info, params, "purchase"),
            catalog_dir=resolve_path(catalog) if catalog else None,
        )


def check_input_files(info: NotebookInfo, params: Mapping[str, Any]) -> None:
    """Every file named by an input-file parameter (given or default) exists (a folder of
    billing exports is read as the files under it)."""
    for name in INPUT_FILE_PARAMETERS:
        if info.parameter(name) is None:
            continue
        items = str(_value(info, params, name) or "").split(",")
        if name == "billing" and not any(item.strip() for item in items):
            raise NotebookInputError(
                f"notebook {info.name}: parameter billing: give at least one billing export"
            )
        for item in items:
            item = item.strip()
            found = resolve_path(item) if item else None
            if found is not None and not (
                found.is_file() or (name == "billing" and found.is_dir())
            ):
                raise NotebookInputError(
                    f"notebook {info.name}: {name} file {item} not found "
                    f"(looked for {resolve_path(item)})"
                )


def check_period(info: NotebookInfo, params: Mapping[str, Any]) -> None:
    """The billing notebooks' dates and month read as the report and reconcile read them."""
    for name in DATE_PARAMETERS:
        text = (_text(info, params, name) or "").strip()
        try:
            if text:
                date.fromisoformat(text)
        except ValueError:
            raise NotebookInputError(
                f"notebook {info.name}: parameter {name}={text!r}: expected a date such as "
                "2024-09-01"
            ) from None
    month = (_text(info, params, "period") or "").strip()
    # reconcile's month_period: a year from 0001, and a month that ends before 9999 does.
    if month and (not _MONTH.match(month) or month.startswith("0000") or month == "9999-12"):
        raise NotebookInputError(
            f"notebook {info.name}: parameter period={month!r}: expected a month such as 2024-09"
        )


def _design_file(info: NotebookInfo, params: Mapping[str, Any]) -> Path:
    raw = _value(info, params, "design")
    if not isinstance(raw, str) or not raw:
        raise NotebookInputError(f"notebook {info.name}: parameter design needs a design file")
    path = resolve_path(raw)
    if not path.is_file():
        raise NotebookInputError(f"design file {raw} not found (looked for {path})")
    return path


def _value(info: NotebookInfo, params: Mapping[str, Any], name: str) -> Any:
    """The value a run gives parameter `name`: the one passed, else the notebook's default."""
    param = info.parameter(name)
    if name in params or param is None:
        return params.get(name)
    return _literal(param.default)


def _text(info: NotebookInfo, params: Mapping[str, Any], name: str) -> str | None:
    """A planning input as text, None when the parameter is absent or empty ("as designed")."""
    if info.parameter(name) is None:
        return None
    given = _value(info, params, name)
    return str(given) if given else None


def _literal(source: str) -> Any:
    try:
        return ast.literal_eval(source)
    except (ValueError, SyntaxError):
        return source
