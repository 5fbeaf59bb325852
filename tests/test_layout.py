"""The package reads as the pipeline and stays that way: small modules and functions, no
import cycles, and no module reaching into another's private names (tests included)."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "devops_plan"
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 500


def _modules() -> Iterator[tuple[str, Path, ast.Module]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        yield ".".join(parts), path, ast.parse(path.read_text(encoding="utf-8"))


def test_no_function_over_60_lines_and_no_module_over_500() -> None:
    long_functions = [
        f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({n} lines)"
        for _, path, tree in _modules()
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and (n := (node.end_lineno or node.lineno) - node.lineno + 1) > MAX_FUNCTION_LINES
    ]
    assert long_functions == []
    long_modules = [
        f"{path.relative_to(ROOT)} ({n} lines)"
        for _, path, _ in _modules()
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES
    ]
    assert long_modules == []


def _module_level_imports(name: str, path: Path, tree: ast.Module) -> set[str]:
    """The package modules `name` imports when it loads (not inside functions, not only for
    type checkers)."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parts = parts[: len(parts) - (node.level - 1)]
                base = ".".join([*parts, base] if base else parts)
            if base.startswith("devops_plan"):
                found.add(base)
                found.update(f"{base}.{a.name}" for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("devops_plan"))
    return found


def test_no_import_cycle_between_modules() -> None:
    modules = {name: (path, tree) for name, path, tree in _modules()}
    graph = {
        name: {m for m in _module_level_imports(name, *modules[name]) if m in modules} - {name}
        for name in modules
    }
    state: dict[str, int] = {}

    def cycle_from(start: str) -> list[str] | None:
        stack = [(start, iter(sorted(graph[start])))]
        path = [start]
        state[start] = 1
        while stack:
            node, edges = stack[-1]
            nxt = next(edges, None)
            if nxt is None:
                state[node] = 2
                stack.pop()
                path.pop()
            elif state.get(nxt) == 1 and not node.startswith(nxt + "."):
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in state:
                state[nxt] = 1
                path.append(nxt)
                stack.append((nxt, iter(sorted(graph[nxt]))))
        return None

    # A package's __init__ importing its own submodules is how packages re-export: only
    # cycles between different modules count.
    first = next((c for m in sorted(graph) if m not in state and (c := cycle_from(m))), None)
    assert first is None, " -> ".join(first or [])


def test_nothing_imports_another_modules_private_names() -> None:
    offenders = []
    for path in sorted([*PACKAGE.rglob("*.py"), *(ROOT / "tests").glob("*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                private = [a.name for a in node.names if a.name.startswith("_")]
                private = [n for n in private if not n.startswith("__")]
                if private and (node.level or (node.module or "").startswith("devops_plan")):
                    offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {private}")
    assert offenders == []
