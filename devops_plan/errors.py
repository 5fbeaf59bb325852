"""The one error hierarchy of devops-plan.

DevopsPlanError                 base; the CLI maps it to an exit code
├── UserError                   bad input from a person: exit 2
│   ├── DesignError             a design file that does not load (list of Problems)
│   ├── PlanningError           a valid design that cannot be planned
│   ├── CatalogError            unknown cloud/product/region/purchase option
│   │   └── PriceNotFound       one or more cost components have no price
│   ├── BillingInputError       a billing or utilization file that cannot be read
│   ├── ConfigError             a devops-plan.toml, DEVOPS_PLAN_* variable or flag that is wrong
│   └── NotebookInputError      unknown notebook or parameter, missing design
└── ExternalError               the outside world failed (credentials, AWS, kernel): exit 1
    └── NotebookFailed          a cell raised while the notebook ran (exit 2 if a UserError)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


class DevopsPlanError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 1


class UserError(DevopsPlanError):
    """The input was wrong; the message tells the person what to fix."""

    exit_code = 2


class ExternalError(DevopsPlanError):
    """Something outside the input failed: credentials, a cloud API, a kernel."""

    exit_code = 1


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a design file, with where it is."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class DesignError(UserError):
    """A design file did not load; carries every problem found, not just the first."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class PlanningError(UserError):
    """A design that validates but cannot be planned (nothing large enough, ...)."""


class CatalogError(UserError):
    """A price catalog lookup named something the catalog does not have."""


@dataclass(frozen=True)
class MissingPrice:
    """One cost component without a price."""

    cloud: str
    product: str
    region: str
    purchase: str
    detail: str = ""

    def __str__(self) -> str:
        extra = f" ({self.detail})" if self.detail else ""
        return f"{self.cloud} {self.product} in {self.region} ({self.purchase}){extra}"


class PriceNotFound(CatalogError):
    """Every cost component that has no price, collected together; never priced as 0."""

    def __init__(self, missing: Sequence[MissingPrice], hint: str = ""):
        self.missing = tuple(missing)
        lines = [f"no price for {len(self.missing)} cost component(s):"]
        lines += [f"  - {m}" for m in self.missing]
        if hint:
            lines.append(hint)
        super().__init__("\n".join(lines))


class BillingInputError(UserError):
    """A billing export or utilization file that cannot be read."""


class ConfigError(UserError):
    """A configuration value (file, environment variable or flag) that is wrong; the message
    says where it was set (file:line:col, the variable or the flag) and what was expected."""


class NotebookInputError(UserError):
    """Unknown notebook, unknown parameter or missing design before a kernel starts."""


class NotebookFailed(ExternalError):
    """A notebook cell raised; the partial output notebook is kept at `output_path`. Exit 1,
    or 2 when the cell stopped on a user mistake (one of the UserErrors above, e.g. a history
    path that is a file): the same mistake exits 2 from the command line."""

    def __init__(self, message: str, output_path: str | None = None, exit_code: int = 1):
        self.output_path = output_path
        self.exit_code = exit_code
        super().__init__(message)


def user_error_names() -> frozenset[str]:
    """The class names of every UserError, as a kernel reports an exception it raised."""
    found, todo = set(), [UserError]
    while todo:
        cls = todo.pop()
        found.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return frozenset(found)
