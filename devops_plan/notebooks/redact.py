"""Secrets never reach an output file: the values of environment variables whose names look
secret are replaced by `[redacted]` in executed notebooks, HTML reports and failure messages,
in every form an output can hold them: as they are, HTML-escaped, URL-encoded and
JSON-escaped (and combinations: a notebook file holds HTML outputs as JSON strings)."""

from __future__ import annotations

import html
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from urllib.parse import quote, quote_plus

REDACTED = "[redacted]"
SECRET_NAME = re.compile(
    r"SECRET|TOKEN|PASSWORD|PASSWD|CREDENTIAL|ACCESS_KEY|PRIVATE_KEY|API_KEY|AUTH"
)
# Shorter values are left alone: replacing them would mangle ordinary text.
MIN_SECRET_LENGTH = 8


def secret_values(env: Mapping[str, str] | None = None) -> list[str]:
    """The values of secret-looking variables in `env` (default: os.environ), longest first,
    so a secret that contains another is redacted whole."""
    env = os.environ if env is None else env
    values = {
        v for k, v in env.items() if SECRET_NAME.search(k.upper()) and len(v) >= MIN_SECRET_LENGTH
    }
    return sorted(values, key=lambda v: (-len(v), v))


def _escapes(text: str) -> set[str]:
    """`text` as HTML (with and without quotes escaped), URL-encoded (path, form, all) and
    inside a JSON string (ASCII-only or not)."""
    forms = {
        html.escape(text),
        html.escape(text, quote=False),
        quote(text),
        quote(text, safe=""),
        quote_plus(text),
        json.dumps(text)[1:-1],
        json.dumps(text, ensure_ascii=False)[1:-1],
    }
    return forms


def secret_forms(secret: str) -> list[str]:
    """Every form of `secret` to look for: raw, each escape, and each escape escaped again
    (HTML in JSON, URL in HTML, ...), longest first."""
    forms = {secret} | _escapes(secret)
    forms |= {twice for once in list(forms) for twice in _escapes(once)}
    return sorted(forms, key=lambda f: (-len(f), f))


def redact_text(text: str, secrets: Sequence[str]) -> str:
    """`text` with every form of each secret (`secret_forms`) replaced."""
    for secret in secrets:
        for form in secret_forms(secret):
            text = text.replace(form, REDACTED)
    return text


def redact(text: str) -> str:
    """`text` with the secrets of this process's environment replaced."""
    return redact_text(text, secret_values())


def find_secrets(text: str, secrets: Iterable[str]) -> list[str]:
    """The forms of `secrets` present in `text` (tests grep every file a run left)."""
    return [form for s in secrets for form in secret_forms(s) if form in text]
