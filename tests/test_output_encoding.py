"""Text from a design, a catalog or a hand-written file is escaped for every format it goes
into: the notebooks' Markdown and HTML reports, the ADR index, the explorer's HTML, the
diagram's SVG, YAML manifests, the explorer's CSV and the terminal. Each format gets the same
payload set: script tags, event handlers, formulas, pipes, Markdown, control and bidi
characters."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from nbconvert.filters.markdown import markdown2html_mistune
from ruamel.yaml import YAML
from typer.testing import CliRunner

from devops_plan import build_plan, load_design
from devops_plan.cli import app
from devops_plan.cli.explore import spreadsheet_safe
from devops_plan.escape import csv_cell, markdown_code, markdown_text, terminal
from devops_plan.export import export_docs
from devops_plan.notebooks import files_markdown, summary_markdown
from devops_plan.plan import Plan
from devops_plan.render import k8s, slo
from devops_plan.widgets import numbers_html

from .conftest import DESIGNS

PAYLOADS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '"><svg onload=alert(1)>',
    "[click](javascript:alert(1))",
    "**bold** _em_ `code` ~~gone~~",
    "a | b | c",
    "# heading",
    "- item",
    '=HYPERLINK("http://evil.example","x")',
    "+1+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\x1b[31mred\x1b[0m",
    "\u202etxet desrever",
    "line\nbreak",
    "tab\there",
]
TEXT_PAYLOADS = [p for p in PAYLOADS if not re.search("[\x00-\x08\x0b-\x1f\u202e]", p)]


class _Active(HTMLParser):
    """The elements and attributes of an HTML text that would run or load something."""

    def __init__(self, allowed: tuple[str, ...]) -> None:
        super().__init__()
        self.allowed = allowed
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "img", "svg", "iframe", "object") and tag not in self.allowed:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag} {name}={value}")


def active(html: str, allowed: tuple[str, ...] = ()) -> list[str]:
    parser = _Active(allowed)
    parser.feed(html)
    return parser.found


@pytest.fixture(scope="module")
def plan() -> Plan:
    return build_plan(load_design(DESIGNS / "startup.yaml"))


def test_markdown_text_renders_literally(plan: Plan) -> None:
    for payload in PAYLOADS:
        html = markdown2html_mistune(
            summary_markdown(plan.model_copy(update={"description": payload}))
        )
        heading = html.split("</h2>")[0]
        assert active(html) == [], (payload, heading)
        assert "<strong>" not in heading and "<em>" not in heading and "<del>" not in heading
        assert "\x1b" not in html and "\u202e" not in html


def test_summary_table_cells_and_warnings_cannot_break_out(plan: Plan) -> None:
    for payload in PAYLOADS:
        text = summary_markdown(plan.model_copy(update={"warnings": (payload,)}))
        html = markdown2html_mistune(text)
        assert active(html) == [], payload
        table = [ln for ln in text.splitlines() if ln.startswith("| ")]
        assert all(ln.count(" | ") == 1 for ln in table[1:]), table


def test_markdown_code_and_files_list() -> None:
    assert markdown_code("a`b") == "``a`b``"
    text = files_markdown([Path("/o/<script>x.md")], "/o")
    assert active(markdown2html_mistune(text)) == []


def test_adr_index_shows_hand_written_titles_literally(tmp_path: Path, plan: Plan) -> None:
    docs = tmp_path / "docs"
    (docs / "adr").mkdir(parents=True)
    for i, payload in enumerate(TEXT_PAYLOADS, 1):
        one_line = payload.replace("\n", " ")
        (docs / "adr" / f"{i:04d}-hand.md").write_text(
            f"---\nstatus: accepted <img src=x onerror=alert({i})>\n---\n\n# {one_line}\n",
            encoding="utf-8",
        )
    design = load_design(DESIGNS / "startup.yaml")
    export_docs(plan, design, docs, render_diagram=lambda p: {})
    index = (docs / "adr" / "README.md").read_text(encoding="utf-8")
    rows = [ln for ln in index.splitlines() if ln.startswith("| [")]
    assert len(rows) == len(TEXT_PAYLOADS) + len(plan.decisions)
    assert all(re.sub(r"\\\|", "", ln).count("|") == 5 for ln in rows), rows
    assert active(markdown2html_mistune(index)) == []


def test_widget_html_escapes_every_text(plan: Plan) -> None:
    for payload in PAYLOADS:
        page = numbers_html(plan.model_copy(update={"warnings": (payload,)}))
        assert active(page) == [], payload
        ET.fromstring(f"<root>{page}</root>")  # still well-formed: nothing broke out


def test_diagram_svg_escapes_the_description(plan: Plan) -> None:
    from devops_plan.render.diagram import render_diagram

    for payload in TEXT_PAYLOADS[:4]:
        svg = render_diagram(plan.model_copy(update={"description": payload})).svg
        assert active(svg, allowed=("svg",)) == [], payload
        assert svg.count("<svg") == 1
        ET.fromstring(svg.encode("utf-8"))


def test_yaml_manifests_round_trip_any_text(plan: Plan) -> None:
    design = load_design(DESIGNS / "startup.yaml")
    for payload in PAYLOADS:
        odd = plan.model_copy(update={"design": payload})
        for text in [*k8s.artefacts(odd, design).values(), *slo.artefacts(odd, design).values()]:
            docs = list(YAML(typ="safe", pure=True).load_all(io.StringIO(text)))
            assert docs, payload
            if docs[0].get("kind") == "Namespace":
                assert docs[0]["metadata"]["name"] == payload
                assert docs[0]["metadata"]["labels"]["app.kubernetes.io/part-of"] == payload


def test_csv_cells_never_start_a_formula() -> None:
    df = pd.DataFrame({"text": PAYLOADS, "number": range(len(PAYLOADS))})
    out = spreadsheet_safe(df).to_csv(index=False)
    for cell in pd.read_csv(io.StringIO(out))["text"]:
        assert not str(cell).startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert csv_cell("-2+3") == "'-2+3" and csv_cell("plain") == "plain"
    assert list(spreadsheet_safe(df)["number"]) == list(range(len(PAYLOADS)))


def test_terminal_output_shows_control_characters(tmp_path: Path) -> None:
    assert terminal("\x1b[2J\u202e\r") == "\\x1b[2J\\u202e\\x0d"
    evil = tmp_path / "\x1b[2Jevil\u202e.yaml"
    result = CliRunner().invoke(app, ["validate", str(evil)])
    assert result.exit_code == 2
    assert "\x1b" not in result.stderr and "\u202e" not in result.stderr
    assert "\\x1b[2Jevil\\u202e.yaml: no such file" in result.stderr
    priced = CliRunner().invoke(app, ["price", "aws", "m5\x1b[31m.large"])
    assert priced.exit_code == 2
    assert "\x1b" not in priced.stderr and "m5\\x1b[31m.large" in priced.stderr


def test_markdown_text_keeps_ordinary_text() -> None:
    for text in ("Online shop, checkout path", "Early-stage SaaS app, one zone, cost first"):
        assert markdown_text(text) == text


@pytest.mark.slow
def test_the_notebook_html_report_shows_the_description_as_text(tmp_path: Path) -> None:
    """The issue's stored XSS: a design's description rendered as raw HTML in plan.html."""
    from devops_plan.notebooks import run_notebook

    payload = "<script>alert(1)</script><img src=x onerror=alert(2)> [x](javascript:alert(3))"
    text = (DESIGNS / "startup.yaml").read_text(encoding="utf-8")
    design = tmp_path / "xss.yaml"
    design.write_text(
        text.replace(
            "description: Early-stage SaaS app, one zone, cost first", f"description: '{payload}'"
        ),
        encoding="utf-8",
    )
    result = run_notebook("plan", design=design, out_dir=tmp_path / "out", html=True)
    assert result.html is not None
    page = result.html.read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    for raw in ("<script>alert(1)", "<img src=x onerror", 'href="javascript:alert(3)'):
        assert raw not in page, raw
