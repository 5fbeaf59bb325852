"""The JSON Schema of the design file, for editors and `devops-plan schema`."""

from __future__ import annotations

from typing import Any

from .models import Design


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the design file (for editors and `devops-plan schema`)."""
    schema = Design.model_json_schema(by_alias=True, mode="validation")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "devops-plan design file"
    return schema
