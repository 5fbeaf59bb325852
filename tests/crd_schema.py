"""The External Secrets Operator's published ExternalSecret schema (vendored in
tests/schemas/external-secrets, see its README) as a strict JSON Schema validator: a CRD's
structural schema prunes unknown fields where the API server stores an object, so a misspelt
field would be dropped silently; here it is an error, as kubernetes-validate's strict mode
treats the built-in kinds."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft7Validator

SCHEMAS = Path(__file__).parent / "schemas" / "external-secrets"
EXTERNAL_SECRET = SCHEMAS / "externalsecret-v1.json"


def strict(node: Any) -> Any:
    """The OpenAPI v3 schema as JSON Schema: `nullable` admits null, and an object that lists
    its properties admits no others (unless it keeps unknown fields on purpose)."""
    if isinstance(node, list):
        return [strict(x) for x in node]
    if not isinstance(node, dict):
        return node
    out = {k: strict(v) for k, v in node.items()}
    if out.get("nullable") and isinstance(out.get("type"), str):
        out["type"] = [out["type"], "null"]
    keeps_unknown = out.get("x-kubernetes-preserve-unknown-fields")
    if "properties" in out and "additionalProperties" not in out and not keeps_unknown:
        out["additionalProperties"] = False
    return out


def external_secret_validator() -> Draft7Validator:
    schema = strict(json.loads(EXTERNAL_SECRET.read_text(encoding="utf-8")))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def schema_errors(validator: Draft7Validator, doc: dict[str, Any]) -> list[str]:
    """Every place `doc` breaks the schema, as 'path: message' (empty: it validates)."""
    return [
        f"{'.'.join(str(p) for p in e.absolute_path) or '(root)'}: {e.message}"
        for e in validator.iter_errors(doc)
    ]
