"""Command-line options generated from settings models (krr's way): one option per field,
with the field's name, description, bounds and default, so no setting is exposed twice or
forgotten. A command decorated with `with_setting_options` receives the values given, by
dotted key (`report.idle_cpu_p95_pct`, `kubernetes.registry`), as its `setting_flags`."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any

import typer

from ..config.options import SettingOption


def _parameter(option: SettingOption) -> inspect.Parameter:
    return inspect.Parameter(
        option.dotted.replace(".", "__"),
        inspect.Parameter.KEYWORD_ONLY,
        default=None,
        annotation=Annotated[
            list[str] | None if option.repeat else str | None,
            typer.Option(
                option.flag,
                help=option.help,
                metavar=option.metavar,
                show_default=False,
            ),
        ],
    )


def with_setting_options(
    options: Callable[[], Sequence[SettingOption]],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Give `command` one option per setting in `options()`; Typer sees them in its signature
    and `command` receives the values given as `setting_flags` (None: not given)."""

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        own = [p for p in signature.parameters.values() if p.name != "setting_flags"]
        generated = [_parameter(o) for o in options()]
        names = {p.name: p.name.replace("__", ".") for p in generated}
        assert not set(names) & {p.name for p in own}, "a setting shadows an option"

        def run(**values: Any) -> None:
            given = {dotted: values.pop(name) for name, dotted in names.items()}
            command(**values, setting_flags=given)

        run.__name__ = command.__name__
        run.__doc__ = command.__doc__
        setattr(run, "__signature__", signature.replace(parameters=[*own, *generated]))  # noqa: B010
        return run

    return decorate
