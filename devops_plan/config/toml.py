"""Reading a configuration file: `devops-plan.toml`, or the `[tool.devops-plan]` table of a
`pyproject.toml`, found from a folder upwards; its values with the line and column of each
key, so a bad value is reported where it is written."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import ConfigError

CONFIG_NAME = "devops-plan.toml"
PYPROJECT = "pyproject.toml"
PYPROJECT_TABLE = ("tool", "devops-plan")
MAX_CONFIG_BYTES = 1024 * 1024  # a hand-written settings file; 1 MiB is generous

Key = tuple[str, ...]

_HEADER = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_ASSIGN = re.compile(r"^(\s*)([A-Za-z0-9_\-.\"' ]+?)\s*=\s*")
_WHERE = re.compile(r"\(at line (\d+), column (\d+)\)")


@dataclass(frozen=True)
class ConfigFile:
    """One configuration file: its settings table and where each key is written."""

    path: Path
    data: dict[str, Any]
    positions: dict[Key, tuple[int, int]]

    def where(self, key: Key) -> str:
        """`file:line:col` of the nearest written part of `key` (`file` when none is)."""
        for end in range(len(key), 0, -1):
            found = self.positions.get(key[:end])
            if found is not None:
                return f"{self.path}:{found[0]}:{found[1]}"
        return str(self.path)


def _split_key(text: str) -> Key:
    parts = re.findall(r'"([^"]*)"|\'([^\']*)\'|([^.\s]+)', text)
    return tuple(next(p for p in groups if p) if any(groups) else "" for groups in parts)


def key_positions(text: str) -> dict[Key, tuple[int, int]]:
    """1-based (line, column) of every table header and of every `key =` value in `text`.

    A line scan, not a parser (tomllib has already checked the syntax): enough to point at
    keys as people write them. A continuation line of a multi-line value that looks like an
    assignment adds a key no setting has, which is never looked up."""
    positions: dict[Key, tuple[int, int]] = {}
    table: Key = ()
    for number, line in enumerate(text.splitlines(), start=1):
        header = _HEADER.match(line)
        if header and not line.lstrip().startswith("[["):
            table = _split_key(header.group(1))
            positions.setdefault(table, (number, line.index("[") + 1))
            continue
        assign = _ASSIGN.match(line)
        if assign:
            key = table + _split_key(assign.group(2))
            positions.setdefault(key, (number, assign.end() + 1))
    return positions


def _decode_error(path: Path, exc: tomllib.TOMLDecodeError) -> ConfigError:
    message = str(exc)
    where = _WHERE.search(message)
    text = _WHERE.sub("", message).strip()
    if where is None:
        return ConfigError(f"{path}: not valid TOML: {text}")
    return ConfigError(f"{path}:{where.group(1)}:{where.group(2)}: not valid TOML: {text}")


def _parse(path: Path) -> tuple[dict[str, Any], str]:
    try:
        size = path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(f"{path}: file is {size:,} bytes; a configuration is at most 1 MiB")
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the configuration: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (bad byte at offset {exc.start})") from None
    try:
        return tomllib.loads(text), text
    except tomllib.TOMLDecodeError as exc:
        raise _decode_error(path, exc) from None


def read_config(path: Path) -> ConfigFile | None:
    """The settings in `path`; None for a pyproject.toml without a [tool.devops-plan] table."""
    data, text = _parse(path)
    positions = key_positions(text)
    if path.name != PYPROJECT:
        return ConfigFile(path, data, positions)
    table: Any = data
    for part in PYPROJECT_TABLE:
        table = table.get(part) if isinstance(table, dict) else None
    if table is None:
        return None
    if not isinstance(table, dict):
        where = ConfigFile(path, {}, positions).where(PYPROJECT_TABLE)
        raise ConfigError(f"{where}: tool.devops-plan: expected a table of settings")
    n = len(PYPROJECT_TABLE)
    inner = {k[n:]: v for k, v in positions.items() if k[:n] == PYPROJECT_TABLE and len(k) > n}
    return ConfigFile(path, table, inner)


def find_config(start: Path) -> ConfigFile | None:
    """The nearest configuration from `start` upwards: `devops-plan.toml`, else a
    `pyproject.toml` with a [tool.devops-plan] table, in the same folder or the next one up."""
    folder = start.resolve()
    if not folder.is_dir():
        folder = folder.parent
    for candidate in (folder, *folder.parents):
        own = candidate / CONFIG_NAME
        if own.is_file():
            return read_config(own)
        project = candidate / PYPROJECT
        if project.is_file():
            found = read_config(project)
            if found is not None:
                return found
    return None
