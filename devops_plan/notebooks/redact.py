"""Secrets never reach an output file: the values of environment variables whose names look
secret are replaced by `[redacted]` in executed notebooks, HTML reports and failure messages."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence

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


def redact_text(text: str, secrets: Sequence[str]) -> str:
    """`text` with each secret, and its JSON-escaped form (as inside a notebook file), replaced."""
    for secret in secrets:
        text = text.replace(secret, REDACTED)
        escaped = json.dumps(secret)[1:-1]
        if escaped != secret:
            text = text.replace(escaped, REDACTED)
    return text


def redact(text: str) -> str:
    """`text` with the secrets of this process's environment replaced."""
    return redact_text(text, secret_values())
