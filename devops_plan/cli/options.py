"""The options several commands share, defined once: the design file (or a shipped example),
the overrides of what the design says (cloud, primary region, purchase option), the catalog
folder, and the output options `--format`, `--out` and `--json`."""

from __future__ import annotations

from typing import Any

import typer

from ._common import check_cloud, check_purchase


def design(required: bool = False) -> Any:
    # Optional so that `--example NAME` can stand in for it; `design_path` checks one is given.
    return typer.Argument(
        ... if required else None,
        metavar="DESIGN",
        show_default=False,
        help="Design file (YAML); or use --example NAME.",
    )


def example() -> Any:
    return typer.Option(
        None,
        "--example",
        metavar="NAME",
        help="A shipped example design instead of a file (see `devops-plan examples`).",
    )


def cloud() -> Any:
    return typer.Option(
        None,
        "--cloud",
        metavar="CLOUD",
        callback=check_cloud,
        help="Plan on another cloud: aws, gcp, azure.",
    )


def region() -> Any:
    return typer.Option(None, "--region", metavar="REGION", help="Override the primary region.")


def purchase() -> Any:
    return typer.Option(
        None,
        "--purchase",
        metavar="OPTION",
        callback=check_purchase,
        help="Override the default purchase option.",
    )


def catalog() -> Any:
    return typer.Option(
        None,
        "--catalog",
        metavar="DIR",
        help="Folder of price catalogs (<cloud>.csv, e.g. from `catalog refresh`) or one "
        "catalog CSV to price with instead of the shipped ones (also DEVOPS_PLAN_CATALOG, "
        "or `catalog` in devops-plan.toml).",
    )


def output_format(formats: str, default: str = "table") -> Any:
    return typer.Option(
        None,
        "--format",
        "-f",
        metavar="FORMAT",
        help=f"{formats} (default: {default}, or the configuration's; with --out, the file's "
        "extension).",
    )


def out(what: str) -> Any:
    return typer.Option(None, "--out", "-o", metavar="FILE", help=f"Write {what} to FILE.")


def json(what: str) -> Any:
    return typer.Option(False, "--json", metavar="", help=f"Print {what} as JSON (--format json).")
