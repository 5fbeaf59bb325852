"""Where the shipped tables live: devops_plan/_data in a wheel, the repo's data/ when editable."""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_root() -> Path:
    """The folder that holds pricing/, sla/, regions.yaml, dr.yaml and designs/."""
    bundled = _PACKAGE / "_data"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parent / "data"


def data_path(*parts: str) -> Path:
    """A path inside the shipped data folder."""
    return data_root().joinpath(*parts)


def package_path(*parts: str) -> Path:
    """A path inside the package itself (templates, SQL)."""
    return _PACKAGE.joinpath(*parts)
