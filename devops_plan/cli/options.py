"""The options several commands share, defined once: the design file, the overrides of what
the design says (cloud, primary region, purchase option) and `--json`."""

from __future__ import annotations

from typing import Any

import typer

from ._common import check_cloud, check_purchase


def design() -> Any:
    return typer.Argument(..., help="Design file (YAML).")


def cloud() -> Any:
    return typer.Option(
        None, "--cloud", callback=check_cloud, help="Plan on another cloud: aws, gcp, azure."
    )


def region() -> Any:
    return typer.Option(None, "--region", help="Override the primary region.")


def purchase() -> Any:
    return typer.Option(
        None, "--purchase", callback=check_purchase, help="Override the default purchase option."
    )


def catalog() -> Any:
    return typer.Option(
        None,
        "--catalog",
        help="A folder of price catalogs (<cloud>.csv, e.g. from `catalog refresh`) or one "
        "catalog CSV to price with instead of the shipped ones; default $DEVOPS_PLAN_CATALOG.",
    )


def json(what: str) -> Any:
    return typer.Option(False, "--json", help=f"Print {what} as JSON.")
