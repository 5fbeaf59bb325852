"""The papermill engine devops-plan runs notebooks with: papermill's own nbclient engine, but
it reports each cell's start and end to a callback (the CLI draws a Rich progress bar from it)
instead of drawing a tqdm bar. Imported only when a notebook runs: it imports papermill."""

from __future__ import annotations

from typing import Any

from papermill.engines import NBClientEngine, NotebookExecutionManager

from .run import ProgressHook


def describe(cell: Any) -> str:
    """A cell in a few words for a progress line: its first non-blank line, cut to 50."""
    first = next((ln.strip() for ln in str(cell.source).splitlines() if ln.strip()), "")
    return first[:50]


class ProgressManager(NotebookExecutionManager):  # type: ignore[misc]
    """papermill's execution manager, calling `on_cell` as each cell starts and completes."""

    def __init__(self, *args: Any, on_cell: ProgressHook | None = None, **kwargs: Any):
        self.on_cell = on_cell
        self.done = 0
        super().__init__(*args, **kwargs)

    def _report(self, cell: Any) -> None:
        if self.on_cell is not None:
            self.on_cell(self.done, len(self.nb.cells), describe(cell))

    def cell_start(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        super().cell_start(cell, cell_index, **kwargs)
        self._report(cell)

    def cell_complete(self, cell: Any, cell_index: int | None = None, **kwargs: Any) -> None:
        super().cell_complete(cell, cell_index, **kwargs)
        self.done += 1
        self._report(cell)


class ProgressEngine(NBClientEngine):  # type: ignore[misc]
    """nbclient execution through a ProgressManager; `on_cell` comes from execute_notebook's
    keyword arguments."""

    @classmethod
    def execute_notebook(
        cls,
        nb: Any,
        kernel_name: str,
        output_path: str | None = None,
        progress_bar: bool = False,
        log_output: bool = False,
        autosave_cell_every: int = 30,
        on_cell: ProgressHook | None = None,
        **kwargs: Any,
    ) -> Any:
        nb_man = ProgressManager(
            nb,
            output_path=output_path,
            progress_bar=False,
            log_output=log_output,
            autosave_cell_every=autosave_cell_every,
            on_cell=on_cell,
        )
        nb_man.notebook_start()
        try:
            cls.execute_managed_notebook(nb_man, kernel_name, log_output=log_output, **kwargs)
        finally:
            nb_man.notebook_complete()
        return nb_man.nb
