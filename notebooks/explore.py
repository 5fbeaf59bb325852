# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: tags,-all
#     formats: ipynb,py:percent
#     notebook_metadata_filter: kernelspec
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.7
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Design explorer
#
# Move a control and the design is planned again: cost, availability, DR and the charts update
# in place, and the diagram when what runs where changes. Zones, number of regions, purchase
# option, availability target, RTO, RPO, a peak-load multiplier and the node families the
# planner may use. Nothing here changes the design file: "Save as design" writes the settings
# as a new design file beside it (`<name>-explored.yaml`, never over an existing file) and
# says where.

# %% tags=["parameters"]
design: str = "data/designs/shop.yaml"  # design file (YAML); relative to the working folder or the repo root
cloud: str = ""  # aws, gcp or azure; empty keeps the design's cloud
catalog: str = ""  # folder of price catalogs (<cloud>.csv) or one CSV; empty: the shipped ones (or $DEVOPS_PLAN_CATALOG)

# %%
from devops_plan.widgets import Explorer

explorer = Explorer.from_file(design, cloud=cloud, catalog=catalog)
explorer.view

# %% [markdown]
# ## Pareto frontier
#
# Every combination of zones, DR strategy (and with it one or two regions), purchase options,
# node family and Multi-AZ for the design file, priced and assessed at once: monthly cost
# against availability, the candidates no other one beats on cost, availability and RTO
# coloured by DR strategy, the design as written marked with a star (`devops_plan.exploration`).

# %%
# %matplotlib inline
from devops_plan.exploration import explore
from devops_plan.render.pareto import pareto_figure

pareto_figure(explore(explorer.base, catalog=explorer.catalog()))
