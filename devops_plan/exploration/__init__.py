"""Design-space exploration: price and assess every combination of zones, DR strategy (and with
it one or two regions), purchase option, node family, Multi-AZ and load over numpy arrays, and
mark the Pareto frontier of monthly cost against availability and RTO.

The sweep never runs the planner per candidate. A plan's line items split into four groups,
each depending on only a few dimensions: node pools (zones, load, node family, purchase),
other compute (zones, load, purchase), inter-zone network (zones, load) and data stores
(zones, Multi-AZ, data purchase); every group also depends on the DR strategy. Each group is
priced once per combination of its own dimensions with the planner's own topology and cost
functions, in integer cents, and a candidate's cost is the sum of four table look-ups.
Availability is assessed once per (zones, load, Multi-AZ, serving regions) with the planner's
`assess`.
`candidate_design` turns any row back into a design that `build_plan` plans to the same figures;
the tests check that on sampled candidates.
"""

from __future__ import annotations

from .space import (
    DEFAULT_FAMILY,
    DIMENSIONS,
    Candidate,
    Space,
    candidate_design,
    candidate_of,
    check_space,
    default_data_purchases,
    default_families,
    design_space,
)
from .sweep import explore, frontier, pareto_mask

__all__ = [
    "DEFAULT_FAMILY",
    "DIMENSIONS",
    "Candidate",
    "Space",
    "candidate_design",
    "candidate_of",
    "check_space",
    "default_data_purchases",
    "default_families",
    "design_space",
    "explore",
    "frontier",
    "pareto_mask",
]
