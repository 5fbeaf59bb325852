"""Shared test helpers: paths to the repo's shipped data and the reference data beside it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DESIGNS = ROOT / "data" / "designs"
# shared/ lies beside the checkout (../shared) on developer machines and in CI.
REFERENCE = Path(os.environ.get("DEVOPS_PLAN_REFERENCE", ROOT.parent / "shared" / "reference"))


@pytest.fixture
def shop_yaml() -> str:
    return (DESIGNS / "shop.yaml").read_text(encoding="utf-8")


# Tests never reach past loopback: botocore must not probe the EC2 instance metadata
# service (169.254.169.254) for credentials.
os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
