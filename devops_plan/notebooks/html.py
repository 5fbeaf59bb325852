"""An executed notebook as a standalone HTML report: code hidden, cells tagged `notebook-only`
(how to run the notebook, for instance) left out, secrets redacted."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from .catalogue import read_notebook
from .redact import redact

# Cells with this tag speak to someone running the notebook, not to the report's reader.
NOTEBOOK_ONLY = "notebook-only"


def to_html(notebook: str | Path, title: str = "") -> str:
    """An executed notebook as a standalone HTML report with the code hidden (as `jupyter
    nbconvert --no-input` does; papermill's report mode alone does not hide it in HTML) and
    the `notebook-only` cells removed."""
    import nbconvert
    from nbconvert.preprocessors import TagRemovePreprocessor

    nb = read_notebook(Path(notebook))
    exporter = cast(Any, nbconvert).HTMLExporter(
        exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True
    )
    exporter.register_preprocessor(
        cast(Any, TagRemovePreprocessor)(remove_cell_tags={NOTEBOOK_ONLY}, enabled=True),
        enabled=True,
    )
    body, _ = exporter.from_notebook_node(
        nb, resources={"metadata": {"name": title or Path(notebook).stem}}
    )
    return redact(str(body))
