"""The notebook runner and the helpers the notebooks call.

Fast tests check parameters, paths, input errors (raised before any kernel starts), the shipped
notebooks' shape, and the display helpers. Tests marked slow run real kernels under papermill:
every shipped notebook with every example design, a deliberately broken notebook, secrets in
the environment, and two runs of the same input giving the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jupytext
import nbformat
import papermill as pm
import pytest

from devops_plan import build_plan
from devops_plan import notebooks as nbk
from devops_plan.design import load_design
from devops_plan.errors import DesignError, NotebookFailed, NotebookInputError, PlanningError
from devops_plan.notebooks import redact
from devops_plan.notebooks import run as nb_run
from devops_plan.render.adr import render_records
from devops_plan.render.charts import CHARTS
from devops_plan.render.diagram import render_diagram

from .conftest import DESIGNS, ROOT

NOTEBOOKS = ROOT / "notebooks"
SHIPPED = sorted(p.stem for p in NOTEBOOKS.glob("*.ipynb"))
DESIGN_NAMES = sorted(p.stem for p in DESIGNS.glob("*.yaml"))

# Shaped like real AWS keys (the documented example values, not live ones).
FAKE_KEY_ID = "AKIAIOSFODNN7EXAMPLE"
FAKE_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def _write_notebook(path: Path, cells: list[str], parameters: str) -> Path:
    """A small notebook: a tagged parameters cell, then code cells."""
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.metadata["language_info"] = {"name": "python"}
    params = nbformat.v4.new_code_cell(parameters)
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# A test notebook"), params]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
    nbformat.write(nb, path)
    return path


# --- the shipped notebooks ---------------------------------------------------------------


def test_shipped_notebooks_include_plan_and_explore() -> None:
    assert {"explore", "plan"} <= set(SHIPPED)
    assert [i.name for i in nbk.list_notebooks()] == SHIPPED


@pytest.mark.parametrize("name", SHIPPED)
def test_parameters_cell_declares_typed_parameters_with_help(name: str) -> None:
    # What `papermill --help-notebook` shows: a type and a help text for every parameter.
    raw = pm.inspect_notebook(str(NOTEBOOKS / f"{name}.ipynb"))
    assert raw, "no parameters cell"
    for param in raw.values():
        assert param["inferred_type_name"] in nbk.SUPPORTED_TYPES, param
        assert param["help"].strip(), param
    if name in ("plan", "explore"):
        assert raw["design"]["default"] == '"data/designs/shop.yaml"'


def test_plan_notebook_parameters_are_the_issue_contract() -> None:
    info = nbk.find_notebook("plan")
    assert [(p.name, p.type) for p in info.parameters] == [
        ("design", "str"),
        ("cloud", "str"),
        ("region", "str"),
        ("purchase", "str"),
        ("out_dir", "str"),
        ("catalog", "str"),  # a folder of <cloud>.csv catalogs (--catalog, the configuration)
        ("generated_at", "str"),
    ]


@pytest.mark.parametrize("name", SHIPPED)
def test_notebooks_are_committed_without_outputs(name: str) -> None:
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code
    assert all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", SHIPPED)
def test_notebook_and_its_py_percent_pair_agree(name: str) -> None:
    ipynb = jupytext.read(NOTEBOOKS / f"{name}.ipynb")
    py = jupytext.read(NOTEBOOKS / f"{name}.py", fmt="py:percent")
    assert [(c.cell_type, c.source) for c in ipynb.cells] == [
        (c.cell_type, c.source) for c in py.cells
    ]
    assert "py:percent" in ipynb.metadata["jupytext"]["formats"]


@pytest.mark.parametrize("name", SHIPPED)
def test_notebooks_hold_no_logic(name: str) -> None:
    # Parameters, calls and display only: control flow and definitions belong in the library.
    nb = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source.splitlines():
            word = line.strip().split(" ", 1)[0]
            assert word not in {"def", "class", "for", "while", "if", "try:", "with", "lambda"}, (
                line
            )


# --- parameters and paths ----------------------------------------------------------------


def test_parse_assignments_keeps_equals_in_values() -> None:
    assert nbk.parse_assignments(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(NotebookInputError, match="expected KEY=VALUE"):
        nbk.parse_assignments(["novalue"])
    with pytest.raises(NotebookInputError, match="expected KEY=VALUE"):
        nbk.parse_assignments(["=1"])


def _info(**types: str) -> nbk.NotebookInfo:
    params = tuple(
        nbk.Parameter(name=n, type=t, default="None", help="h") for n, t in types.items()
    )
    return nbk.NotebookInfo(path=Path("t.ipynb"), title="", parameters=params, cells=1)


def test_values_convert_by_declared_type_not_by_guessing() -> None:
    info = _info(label="str", count="int", load="float", flag="bool")
    # papermill's own -p would make "1e5" a float and "True" a bool whatever the notebook says.
    got = nbk.convert_parameters(
        info, {"label": "1e5", "count": "42", "load": "1e5", "flag": "True"}
    )
    assert got == {"label": "1e5", "count": 42, "load": 100000.0, "flag": True}
    assert type(got["label"]) is str and type(got["count"]) is int and type(got["load"]) is float
    assert nbk.convert_parameters(info, {"label": "True", "flag": "no"}) == {
        "label": "True",
        "flag": False,
    }
    # Python callers may pass typed values; they are checked, not re-parsed.
    assert nbk.convert_parameters(info, {"count": 3, "load": 2, "flag": False}) == {
        "count": 3,
        "load": 2.0,
        "flag": False,
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("count", "1e5", "parameter count (int): expected a whole number, got '1e5'"),
        ("count", "2.5", "expected a whole number"),
        ("load", "fast", "parameter load (float): expected a number, got 'fast'"),
        ("load", "nan", "expected a finite number"),
        ("flag", "maybe", "parameter flag (bool): expected true or false, got 'maybe'"),
        ("count", True, "expected a int, got True"),
    ],
)
def test_bad_values_name_the_parameter_and_type(name: str, value: Any, message: str) -> None:
    info = _info(count="int", load="float", flag="bool")
    with pytest.raises(NotebookInputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        nbk.convert_parameters(info, {name: value})


def test_unknown_parameter_lists_the_known_ones() -> None:
    info = nbk.find_notebook("plan")
    with pytest.raises(NotebookInputError) as exc:
        nbk.convert_parameters(info, {"colour": "red"})
    assert str(exc.value) == (
        "notebook plan: unknown parameter 'colour'; its parameters: "
        "design (str), cloud (str), region (str), purchase (str), out_dir (str), "
        "catalog (str), generated_at (str)"
    )


def test_unsupported_declared_type_is_refused() -> None:
    with pytest.raises(NotebookInputError, match="cannot pass a value to a list parameter"):
        nbk.convert_parameters(_info(items="list"), {"items": "a,b"})


def test_unknown_notebook_lists_the_shipped_ones() -> None:
    message = f"unknown notebook 'nope'; shipped notebooks: {', '.join(SHIPPED)}"
    with pytest.raises(NotebookInputError) as exc:
        nbk.find_notebook("nope")
    assert str(exc.value) == message
    with pytest.raises(NotebookInputError, match="no such notebook"):
        nbk.find_notebook("missing/dir/x.ipynb")


def test_resolve_path_from_cwd_then_repo_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "mine.yaml").write_text("x")
    assert nbk.resolve_path("mine.yaml") == tmp_path / "mine.yaml"
    # From anywhere (nbval runs in notebooks/), the repo-relative default still resolves.
    assert nbk.resolve_path("data/designs/shop.yaml") == DESIGNS / "shop.yaml"
    monkeypatch.chdir(NOTEBOOKS)
    assert nbk.resolve_path("data/designs/shop.yaml") == DESIGNS / "shop.yaml"
    assert nbk.resolve_path(DESIGNS / "payments.yaml") == DESIGNS / "payments.yaml"
    assert nbk.resolve_path("nope.yaml") == NOTEBOOKS / "nope.yaml"


# --- input errors come before any kernel -------------------------------------------------


@pytest.fixture
def no_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(nb_run, "execute", fail)


def test_missing_design_is_an_input_error_before_any_kernel(
    no_kernel: None, tmp_path: Path
) -> None:
    with pytest.raises(NotebookInputError, match=r"design file nope\.yaml not found"):
        nbk.run_notebook("plan", design="nope.yaml", out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_unknown_parameter_is_an_input_error_before_any_kernel(
    no_kernel: None, tmp_path: Path
) -> None:
    with pytest.raises(NotebookInputError, match="unknown parameter 'zones'"):
        nbk.run_notebook("plan", parameters={"zones": "2"}, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_invalid_design_and_unplannable_inputs_fail_before_any_kernel(
    no_kernel: None, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text((DESIGNS / "shop.yaml").read_text().replace("zones: 3", "zones: 9"))
    with pytest.raises(DesignError, match=r"bad\.yaml:7"):
        nbk.run_notebook("plan", design=bad, out_dir=tmp_path / "out")
    with pytest.raises(PlanningError, match="unknown aws region 'mars-1'"):
        nbk.run_notebook("plan", parameters={"region": "mars-1"}, out_dir=tmp_path / "out")
    assert not (tmp_path / "out").exists()


# --- secrets -----------------------------------------------------------------------------


def test_secret_values_come_from_secret_looking_variables_only() -> None:
    env = {
        "AWS_ACCESS_KEY_ID": FAKE_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": FAKE_SECRET,
        "AWS_SESSION_TOKEN": "short",  # too short to redact without mangling ordinary text
        "GITHUB_TOKEN": "ghp_0123456789abcdef",
        "HOME": "/root/somewhere/long",
    }
    assert redact.secret_values(env) == [FAKE_SECRET, FAKE_KEY_ID, "ghp_0123456789abcdef"]
    text = json.dumps({"a": f"key {FAKE_SECRET} and {FAKE_KEY_ID}"})
    redacted = redact.redact_text(text, redact.secret_values(env))
    assert FAKE_SECRET not in redacted and FAKE_KEY_ID not in redacted
    assert redacted.count(nbk.REDACTED) == 2


# --- what the notebooks call -------------------------------------------------------------


def test_load_plan_treats_empty_strings_as_the_designs_own_choice() -> None:
    design = load_design(DESIGNS / "shop.yaml")
    assert nbk.load_plan("data/designs/shop.yaml").to_json() == build_plan(design).to_json()
    gcp = nbk.load_plan("data/designs/shop.yaml", cloud="gcp", purchase="reserved_1y")
    assert gcp.to_json() == build_plan(design, cloud="gcp", purchase="reserved_1y").to_json()


def test_key_figures_and_summary_carry_the_plans_numbers() -> None:
    plan = build_plan(load_design(DESIGNS / "shop.yaml"))
    figures = {k.key: k for k in nbk.key_figures(plan)}
    assert figures["monthly-total"].value == str(plan.cost.monthly_total)
    assert figures["monthly-total"].text == f"{plan.cost.monthly_total:,.2f} USD"
    assert figures["availability"].value == f"{plan.availability.achieved:g}"
    assert figures["dr"].value == plan.dr.strategy
    assert figures["nodes"].value == str(sum(p.nodes for p in plan.node_pools))
    md = nbk.summary_markdown(plan)
    assert md.startswith("## shop: Online shop, checkout path\n")
    assert f"| Monthly total | {plan.cost.monthly_total:,.2f} USD |" in md
    assert plan.availability.suggestion is not None
    assert "**Suggestion:** " + plan.availability.suggestion.description in md


def test_tables_have_a_row_per_service_pool_and_strategy() -> None:
    plan = build_plan(load_design(DESIGNS / "shop.yaml"))
    sizing = nbk.sizing_table(plan)
    assert list(sizing.index) == [s.name for s in plan.services]
    assert list(sizing["replicas"]) == [s.replicas for s in plan.services]
    assert list(sizing["monthly cost, all regions"]) == [s.monthly_cost for s in plan.services]
    pools = nbk.node_pools_table(plan)
    assert list(pools["nodes"]) == [p.nodes for p in plan.node_pools]
    dr = nbk.dr_options_table(plan)
    assert list(dr.index) == [o.strategy for o in plan.dr.options]
    assert (
        list(dr["chosen"]).count("chosen") == 1 and dr.loc[plan.dr.strategy, "chosen"] == "chosen"
    )


def test_write_outputs_writes_plan_json_diagram_and_adr_drafts(tmp_path: Path) -> None:
    plan = build_plan(load_design(DESIGNS / "startup.yaml"))
    assert nbk.write_outputs(plan, "") == []
    written = nbk.write_outputs(plan, tmp_path)
    assert (tmp_path / "plan.json").read_text() == plan.to_json()
    drawing = render_diagram(plan)
    for name, data in drawing.files().items():
        path = tmp_path / "diagrams" / name
        assert path.read_bytes() == (data.encode() if isinstance(data, str) else data)
    records = render_records(plan)
    assert len(records) == len(plan.decisions) >= 5
    for name, text in records.items():
        assert (tmp_path / "adr" / name).read_text() == text
    on_disk = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert sorted(written) == on_disk and len(on_disk) == 1 + 3 + len(records)
    listing = nbk.files_markdown(written, tmp_path)
    assert (
        listing.startswith(f"Written to `{tmp_path.name}/`:")
        and "- `diagrams/startup.svg`\n" in listing
    )
    assert nbk.files_markdown([], "") == "Nothing written (no `out_dir` given).\n"


def test_adr_markdown_drops_front_matter_and_nests_headings() -> None:
    plan = build_plan(load_design(DESIGNS / "shop.yaml"))
    md = nbk.adr_markdown(plan)
    assert "content-hash:" not in md and "status: proposed" not in md
    titles = [ln for ln in md.splitlines() if ln.startswith("### ")]
    assert len(titles) == len(plan.decisions)
    assert not [ln for ln in md.splitlines() if ln.startswith(("# ", "## "))]
    assert "#### Considered Options" in md
    first = next(iter(render_records(plan).values()))
    assert first.startswith("---\n") and md.startswith("### shop: ")


def test_diagram_svg_is_one_svg_image() -> None:
    plan = build_plan(load_design(DESIGNS / "startup.yaml"))
    shown = nbk.diagram_svg(plan)
    svg = shown._repr_svg_()
    assert svg.startswith("<svg") and svg.count("<svg") == 1
    assert "data:image/png;base64" in svg  # the diagram's embedded icons came through
    assert not hasattr(shown, "_repr_png_")  # one image in the notebook, not an SVG and a PNG


# --- real kernels ------------------------------------------------------------------------


def _errors(nb_path: Path) -> list[str]:
    nb = nbformat.read(nb_path, as_version=4)
    return [
        f"{o.get('ename')}: {o.get('evalue')}"
        for c in nb.cells
        if c.cell_type == "code"
        for o in c.outputs
        if o.output_type == "error"
    ]


@pytest.mark.slow
@pytest.mark.parametrize("design", DESIGN_NAMES)
def test_plan_notebook_runs_headless_on_every_example(design: str, tmp_path: Path) -> None:
    seen: list[tuple[int, int]] = []
    result = nbk.run_notebook(
        "plan",
        design=DESIGNS / f"{design}.yaml",
        out_dir=tmp_path,
        html=True,
        progress=lambda done, total, _cell: seen.append((done, total)),
    )
    assert result.notebook == tmp_path / "plan.ipynb" and result.html == tmp_path / "plan.html"
    assert _errors(result.notebook) == []
    plan = build_plan(load_design(DESIGNS / f"{design}.yaml"))
    # The notebook's plan.json, diagram and ADR drafts are the library's, byte for byte.
    assert (tmp_path / "plan.json").read_text() == plan.to_json()
    assert (tmp_path / "diagrams" / f"{design}.svg").read_text() == render_diagram(plan).svg
    assert sorted(p.name for p in (tmp_path / "adr").iterdir()) == sorted(render_records(plan))
    assert set(result.files) >= {tmp_path / "plan.json", result.notebook, result.html}
    assert not list(tmp_path.glob(".*"))  # no temporary file left behind
    # Progress reached every cell.
    total = seen[-1][1]
    assert seen[-1] == (total, total) and total == nbk.find_notebook("plan").cells + 1
    page = result.html.read_text()
    assert "nb.load_plan" not in page and "from devops_plan" not in page  # code hidden
    assert f"{plan.cost.monthly_total:,.2f} USD" in page
    assert page.count("data:image/png;base64") >= len(CHARTS)


@pytest.mark.slow
@pytest.mark.parametrize("design", DESIGN_NAMES)
def test_explore_notebook_runs_headless_on_every_example(design: str, tmp_path: Path) -> None:
    result = nbk.run_notebook("explore", design=DESIGNS / f"{design}.yaml", out_dir=tmp_path)
    assert _errors(result.notebook) == []
    nb = nbformat.read(result.notebook, as_version=4)
    mimes = {
        m for c in nb.cells if c.cell_type == "code" for o in c.outputs for m in o.get("data", {})
    }
    assert "application/vnd.jupyter.widget-view+json" in mimes


@pytest.mark.slow
def test_same_input_gives_byte_identical_notebook_and_html(tmp_path: Path) -> None:
    first = nbk.run_notebook("plan", design=DESIGNS / "shop.yaml", out_dir=tmp_path, html=True)
    nb_bytes, html_bytes = first.notebook.read_bytes(), first.html.read_bytes()  # type: ignore[union-attr]
    again = nbk.run_notebook("plan", design=DESIGNS / "shop.yaml", out_dir=tmp_path, html=True)
    assert again.notebook.read_bytes() == nb_bytes
    assert again.html.read_bytes() == html_bytes  # type: ignore[union-attr]


@pytest.mark.slow
def test_failing_cell_raises_naming_cell_and_exception_and_keeps_partial(tmp_path: Path) -> None:
    broken = _write_notebook(
        tmp_path / "broken.ipynb",
        ['print("before the failure")', "ratio = 10 / divisor", 'print("never runs")'],
        "divisor: int = 1  # what to divide by",
    )
    out = tmp_path / "out"
    with pytest.raises(NotebookFailed) as exc:
        nbk.run_notebook(broken, parameters={"divisor": "0"}, out_dir=out, html=True)
    message = str(exc.value)
    assert "notebook broken failed in cell 5 (In [4]) `ratio = 10 / divisor`" in message
    assert "ZeroDivisionError: division by zero" in message
    assert exc.value.exit_code == 1
    partial = out / "broken.ipynb"
    assert exc.value.output_path == str(partial) and message.endswith(
        f"partial notebook kept at {partial}"
    )
    nb = nbformat.read(partial, as_version=4)
    texts = [o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert "before the failure\n" in texts and "never runs\n" not in texts
    assert _errors(partial) == ["ZeroDivisionError: division by zero"]
    assert not (out / "broken.html").exists()
    assert not list(out.glob(".*"))


@pytest.mark.slow
def test_a_cell_stopped_by_a_user_mistake_exits_2(tmp_path: Path) -> None:
    # The same mistake exits 2 from the command line (a history path that is a file, a bill
    # that cannot be read); run through a notebook it exited 1 as if the kernel had failed.
    broken = _write_notebook(
        tmp_path / "mistake.ipynb",
        [
            "from devops_plan.errors import BillingInputError",
            "raise BillingInputError(f'{path}: expected a FOCUS or CUR 2.0 export')",
        ],
        'path: str = "bill.csv"  # a bill',
    )
    with pytest.raises(NotebookFailed) as exc:
        nbk.run_notebook(broken, out_dir=tmp_path / "out")
    assert "BillingInputError: bill.csv: expected a FOCUS or CUR 2.0 export" in str(exc.value)
    assert exc.value.exit_code == 2 and exc.value.output_path


@pytest.mark.slow
def test_outputs_hold_no_secrets_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", FAKE_KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", FAKE_SECRET)
    result = nbk.run_notebook(
        "plan", design=DESIGNS / "startup.yaml", out_dir=tmp_path / "plan", html=True
    )
    # A notebook that prints them (by mistake) must not leak them either.
    leaky = _write_notebook(
        tmp_path / "leaky.ipynb",
        [
            "import os\nprint(os.environ['AWS_SECRET_ACCESS_KEY'])\nos.environ['AWS_ACCESS_KEY_ID']",
            "import json\nprint(json.dumps({'secret': os.environ['AWS_SECRET_ACCESS_KEY']}))",
        ],
        "unused: str = ''  # nothing",
    )
    leaked = nbk.run_notebook(leaky, out_dir=tmp_path / "leaky", html=True)
    files = [result.notebook, result.html, leaked.notebook, leaked.html]
    for path in files:
        assert path is not None
        text = path.read_text()
        assert FAKE_KEY_ID not in text and FAKE_SECRET not in text, path
    # The leaky notebook really did print them: they were redacted, not absent.
    assert leaked.notebook.read_text().count(nbk.REDACTED) >= 3
