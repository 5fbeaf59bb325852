"""The diagram's icons: which `diagrams` icon stands for each role on each cloud, and how the
SVG carries them: each icon embedded once as a small PNG `data:` URI in `<defs>`, drawn with
`<use>`, instead of Graphviz's absolute links into site-packages."""

from __future__ import annotations

import base64
import io
import re
from functools import cache
from importlib import import_module
from pathlib import Path

from ...errors import ExternalError

_ICON_PX = 96  # the embedded icon's pixel size: about 2x the drawn size, sharp on HiDPI screens

# Icons by role: the `diagrams` class on aws, gcp and azure. Pods, nodes and users look the
# same on every cloud.
_CLOUDS = ("aws", "gcp", "azure")
_BY_CLOUD: dict[str, tuple[str, str, str]] = {
    "lb": ("aws.network.ELB", "gcp.network.LoadBalancing", "azure.network.LoadBalancers"),
    "vm": ("aws.compute.EC2AutoScaling", "gcp.compute.ComputeEngine", "azure.compute.VMScaleSet"),
    "containers": ("aws.compute.Fargate", "gcp.compute.Run", "azure.compute.ContainerInstances"),
    "database": ("aws.database.RDS", "gcp.database.SQL", "azure.database.SQLDatabases"),
    "cache": (
        "aws.database.ElastiCache",
        "gcp.database.Memorystore",
        "azure.database.CacheForRedis",
    ),
    "bucket": ("aws.storage.S3", "gcp.storage.GCS", "azure.storage.BlobStorage"),
    "backup": (
        "aws.storage.Backup",
        "gcp.storage.PersistentDisk",
        "azure.storage.RecoveryServicesVaults",
    ),
    "queue": ("aws.integration.SQS", "gcp.analytics.PubSub", "azure.integration.ServiceBus"),
    "k8s": ("aws.compute.EKS", "gcp.compute.GKE", "azure.compute.AKS"),
    "dns": ("aws.network.Route53", "gcp.network.DNS", "azure.network.TrafficManagerProfiles"),
    "nat": ("aws.network.NATGateway", "gcp.network.NAT", "azure.network.VirtualNetworkGateways"),
    "network": ("aws.network.VPC", "gcp.network.VPC", "azure.network.VirtualNetworks"),
}
_ANY_CLOUD = {"users": "onprem.client.Users", "pod": "k8s.compute.Pod", "node": "k8s.infra.Node"}
_AZURE_DB = {
    "postgres": "azure.database.DatabaseForPostgresqlServers",
    "mysql": "azure.database.DatabaseForMysqlServers",
}


def icon_class(cloud: str, role: str, engine: str | None = None) -> str:
    """The `diagrams` class drawn for a role on a cloud, as `module.Class` under `diagrams`."""
    if cloud == "azure" and role == "database" and engine in _AZURE_DB:
        return _AZURE_DB[engine]
    if cloud in _CLOUDS and role in _BY_CLOUD:
        return _BY_CLOUD[role][_CLOUDS.index(cloud)]
    return _ANY_CLOUD.get(role, _ANY_CLOUD["node"])


def icon_source(cloud: str, role: str, engine: str | None = None) -> str:
    """The icon's path relative to the icon root (`resources/aws/...png`), from `diagrams`."""
    module, _, name = icon_class(cloud, role, engine).rpartition(".")
    cls = getattr(import_module(f"diagrams.{module}"), name)
    # `diagrams` keeps an icon's path in these class attributes and offers no public accessor.
    return f"{cls._icon_dir}/{cls._icon}"


# The two memos below hold what the installed `diagrams` package ships, which does not change
# while the process runs (like the shipped tables in devops_plan.defaults); re-encoding the
# icons would add a fifth to every drawing the explorer makes.
@cache
def icon_root() -> Path:
    """The folder `diagrams` resolves its icon paths against (site-packages)."""
    import diagrams

    return Path(diagrams.__file__).resolve().parent.parent


@cache
def icon_data_uri(src: str) -> str:
    """An icon (a path under `icon_root`) as a small PNG `data:` URI, downscaled so the SVG
    stays small."""
    from PIL import Image

    with Image.open(icon_root() / src) as original:
        img = original.convert("RGBA")
    img.thumbnail((_ICON_PX, _ICON_PX), Image.Resampling.LANCZOS)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode("ascii")


_IMAGE = re.compile(
    r'<image xlink:href="([^"]+)" width="([^"]+)" height="([^"]+)" ([^>]*?)x="([^"]+)" y="([^"]+)"/>'
)


def embed_icons(svg: str) -> str:
    """Replace each icon's file reference with one shared `data:` URI per icon (SVG <defs>/<use>)."""
    defs: dict[tuple[str, str, str], str] = {}

    def use(m: re.Match[str]) -> str:
        src, w, h, _aspect, x, y = m.groups()
        key = (src, w, h)
        if key not in defs:
            defs[key] = f"icon-{len(defs) + 1}"
        return f'<use xlink:href="#{defs[key]}" x="{x}" y="{y}"/>'

    body = _IMAGE.sub(use, svg)
    if "<image " in body:
        raise ExternalError(
            "an icon in the Graphviz SVG was not recognised, so it could not be embedded"
        )
    images = []
    for (src, w, h), ident in defs.items():
        if src.startswith("data:"):
            raise ExternalError("unexpected data URI in Graphviz output")
        images.append(
            f'<image id="{ident}" width="{w}" height="{h}" preserveAspectRatio="xMinYMin meet" '
            f'xlink:href="{icon_data_uri(src)}"/>'
        )
    block = "<defs>\n" + "\n".join(images) + "\n</defs>\n"
    # Graphviz opens the drawing with <g id="graph0" ...>; the icons go just before it.
    at = body.find("<g id=")
    if at < 0:
        raise ExternalError("Graphviz SVG has no drawing group")
    body = body[:at] + block + body[at:]
    # Graphviz writes the source's file name in a comment; the source came from stdin.
    return re.sub(r"<!-- Title: [^>]*-->\n", "", body)
