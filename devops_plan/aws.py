"""The one boto3 edge, shared by the billing sources and the catalog refresh: making a client,
and turning AWS failures into one clear line (ExternalError, exit 1).

boto3 and botocore are imported inside the functions: they load slowly, and only the AWS
paths need them. Endpoints come from boto3's own configuration (AWS_PROFILE, AWS_REGION,
AWS_ENDPOINT_URL, ...), so the same code runs against AWS and against a local moto server.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .errors import ExternalError

# What to do about missing credentials, after "no AWS credentials found".
CREDENTIALS_HINT = "; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
# The user and password of a URL (http://user:secret@host/): botocore masks them in a proxy
# URL but prints an endpoint URL (AWS_ENDPOINT_URL) as it is.
_URL_CREDENTIALS = re.compile(r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^/\s\"'@]+@")


def masked(text: str) -> str:
    """`text` with the user and password of every URL in it written as ***:***."""
    return _URL_CREDENTIALS.sub(r"\1***:***@", text)


def make_client(service: str, region: str | None = None, config: Any | None = None) -> Any:
    """A boto3 client for `service` from a fresh session (credentials changed since the last
    call are seen); region from the argument, else the environment, else us-east-1;
    `config` a botocore Config (timeouts, retries; see `client_config`).

    A configuration boto3 cannot use (an AWS_PROFILE that does not exist) is one line.
    """
    import boto3
    from botocore.exceptions import BotoCoreError

    try:
        session: Any = boto3.session.Session()  # Any: the stubs type only literal services
        return session.client(
            service, region_name=region or session.region_name or "us-east-1", config=config
        )
    except BotoCoreError as exc:
        raise ExternalError(f"AWS configuration error: {masked(str(exc))}") from None


def client_config(*, connect_timeout: float, read_timeout: float, attempts: int) -> Any:
    """A botocore Config with connect and read timeouts (seconds) and the adaptive retry
    mode: exponential backoff with jitter, and a client-side rate limit once throttled;
    `attempts` counts the first call too."""
    from botocore.config import Config

    return Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"mode": "adaptive", "total_max_attempts": attempts},
    )


def _refusal(exc: Any) -> tuple[str, str]:
    """(code, message) of a botocore ClientError, on one line."""
    error = exc.response.get("Error", {})
    code = str(error.get("Code", "Error"))
    message = " ".join(str(error.get("Message", "")).split())
    # Some endpoints answer a JSON API with an XML error body; read its code and message.
    xml_code = re.search(r"<Code>([^<]+)</Code>", message)
    xml_message = re.search(r"<Message>([^<]+)</Message>", message)
    if xml_code or xml_message:
        code = xml_code.group(1) if xml_code else code
        message = xml_message.group(1) if xml_message else ""
    return code, message


@contextmanager
def aws_errors(
    what: str,
    *,
    api: str = "AWS",
    operation: str | None = None,
    credentials_hint: str = CREDENTIALS_HINT,
    failed: str = "",
) -> Iterator[None]:
    """Re-raise boto3/botocore failures while doing `what` as one-line ExternalErrors.

    Every line starts with `what: ` (nothing when `what` is empty). A refusal reads
    "<api> refused <operation>: <code>: <message>", the operation being botocore's own name
    unless given; missing credentials read "no AWS credentials found<credentials_hint>";
    any other botocore failure is its message after `failed`.
    """
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    prefix = f"{what}: " if what else ""
    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise ExternalError(f"{prefix}no AWS credentials found{credentials_hint}") from None
    except ClientError as exc:
        code, message = _refusal(exc)
        called = operation or getattr(exc, "operation_name", "") or "the call"
        raise ExternalError(
            f"{prefix}{api} refused {called}: {code}: {message}".rstrip(": ")
        ) from None
    except BotoCoreError as exc:
        raise ExternalError(f"{prefix}{failed}{masked(' '.join(str(exc).split()))}") from None
