"""A starter project for a team adopting devops-plan outside this repository: an example
design (with the schema line editors read, and the schema beside it), a devops-plan.toml
listing every setting with its default, the shipped notebooks and a README of next steps."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from .atomic import write_atomic
from .config import CONFIG_NAME, settings_options
from .design import json_schema
from .errors import UserError
from .examples import example_path
from .notebooks.catalogue import notebooks_dir

__all__ = ["config_template", "starter_files", "write_project"]

SCHEMA_LINE = "# yaml-language-server: $schema=design.schema.json\n"

README = """# {name}: infrastructure plan

Made by `devops-plan init` from the `{example}` example. Edit `design.yaml`, then:

```sh
devops-plan validate design.yaml            # ok, or file:line:col: what is wrong
devops-plan plan design.yaml                # sizing, availability, DR and cost
devops-plan plan design.yaml --format csv --out line-items.csv
devops-plan diff git:HEAD:design.yaml design.yaml   # what your edit changes (in a git repo)
devops-plan export design.yaml --docs docs  # ADRs, diagram, manifests, SLO rules, runbooks
devops-plan notebook run plan --design design.yaml --out out/plan --html   # needs [notebooks]
devops-plan config show                     # the settings in force and where they come from
```

- `design.yaml`: the design; `design.schema.json` gives editors completion and checks.
- `{config}`: settings (catalog folder, image registry, namespace, SLO metric names,
  report thresholds, default output formats); every one can also be set by a
  `DEVOPS_PLAN_*` variable or a flag, which win over the file.
- `notebooks/`: the plan report, the interactive explorer and the cost report
  (`pip install 'devops-plan[notebooks]'`; the cost report also needs `[billing]`).
"""


def _toml_value(default: str, kind: str) -> str:
    if kind in ("list", "numbers"):
        items = [d.strip() for d in default.split(",") if d.strip()]
        return "[" + ", ".join(json.dumps(i) if kind == "list" else i for i in items) + "]"
    if kind in ("map", "labels"):
        return "{}" if not default else "{ " + default + " }"
    if kind in ("number", "integer"):
        return default
    return json.dumps(default)


def config_template() -> str:
    """devops-plan.toml with every setting commented out at its default, by section."""
    lines = [
        "# devops-plan settings. Precedence: command-line flag > DEVOPS_PLAN_* variable > this",
        "# file > default. `devops-plan config show` prints what is in force and from where.",
        "",
    ]
    section = ""
    for option in settings_options():
        if option.section != section:
            section = option.section
            lines += ["", f"[{section}]"]
        lines.append(f"# {option.description} ({option.env}, {option.flag})")
        value = _toml_value(option.default, option.kind) if option.default else '""'
        lines.append(f"# {option.field} = {value}")
    lines += ["", "[report]", "# Every report setting: devops-plan report --help, docs/billing.md."]
    return "\n".join(lines) + "\n"


def starter_files(example: str) -> dict[str, str | bytes]:
    """The starter project's files by relative path."""
    design = example_path(example).read_text(encoding="utf-8").splitlines(keepends=True)
    body = [line for line in design if not line.startswith("# yaml-language-server:")]
    files: dict[str, str | bytes] = {
        "design.yaml": SCHEMA_LINE + "".join(body),
        "design.schema.json": json.dumps(json_schema(), indent=2, sort_keys=True) + "\n",
        CONFIG_NAME: config_template(),
        "README.md": README.format(name=example, example=example, config=CONFIG_NAME),
    }
    for notebook in sorted(notebooks_dir().glob("*.ipynb")):
        files[f"notebooks/{notebook.name}"] = notebook.read_bytes()
    return files


def write_project(folder: Path, files: Mapping[str, str | bytes], overwrite: bool) -> list[Path]:
    """Write `files` under `folder`; UserError naming those that exist unless `overwrite`."""
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder}: exists and is not a folder")
    existing = [name for name in files if (folder / name).exists()]
    if existing and not overwrite:
        raise UserError(
            f"{folder}: {', '.join(existing)} already exist; use --force to overwrite them"
        )
    return [write_atomic(folder / name, data) for name, data in files.items()]
