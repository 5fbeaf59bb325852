"""The boto3 edge shared by the AWS sources (Athena, Cost Explorer, CloudWatch): making a
client and turning AWS failures into one clear line (ExternalError, exit 1).

Endpoints come from boto3's own configuration (AWS_PROFILE, AWS_REGION, AWS_ENDPOINT_URL,
...), so the same code runs against AWS and against a local moto server in tests.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import ExternalError


def make_client(service: str, region: str | None = None) -> Any:
    """A boto3 client for `service`; region from the argument or the environment."""
    import boto3  # the AWS SDK loads slowly; only the AWS sources need it

    session: Any = boto3.session.Session()  # Any: the stubs only type literal service names
    return session.client(service, region_name=region or session.region_name or "us-east-1")


@contextmanager
def aws_errors(what: str) -> Iterator[None]:
    """Re-raise boto3/botocore failures while doing `what` as one-line ExternalErrors."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    try:
        yield
    except (NoCredentialsError, PartialCredentialsError):
        raise ExternalError(
            f"{what}: no AWS credentials found; set AWS_PROFILE, or AWS_ACCESS_KEY_ID and "
            "AWS_SECRET_ACCESS_KEY"
        ) from None
    except ClientError as exc:
        error = exc.response.get("Error", {})
        code = str(error.get("Code", "Error"))
        message = " ".join(str(error.get("Message", "")).split())
        # Some endpoints answer a JSON API with an XML error body; read its code and message.
        xml_code = re.search(r"<Code>([^<]+)</Code>", message)
        xml_message = re.search(r"<Message>([^<]+)</Message>", message)
        if xml_code or xml_message:
            code = xml_code.group(1) if xml_code else code
            message = xml_message.group(1) if xml_message else ""
        operation = getattr(exc, "operation_name", "") or "the call"
        raise ExternalError(
            f"{what}: AWS refused {operation}: {code}: {message}".rstrip(": ")
        ) from None
    except BotoCoreError as exc:
        raise ExternalError(f"{what}: {' '.join(str(exc).split())}") from None
