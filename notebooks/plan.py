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

# %% [markdown] tags=["notebook-only"]
# # Plan report
#
# One design file, planned: key figures, charts (availability along the user path, DR options,
# cost, budget), the architecture diagram, the sizing, node-pool and DR tables and ADR drafts.
# Run it headless with `devops-plan notebook run plan --design FILE --out DIR --html`; this
# cell is left out of the HTML report.

# %% tags=["parameters"]
design: str = "data/designs/shop.yaml"  # design file (YAML); relative to the working folder or the repo root
cloud: str = ""  # aws, gcp or azure; empty keeps the design's cloud
region: str = ""  # primary region; empty keeps the design's first region
purchase: str = ""  # on_demand, spot, reserved_1y, reserved_3y, savings_plan_1y, savings_plan_3y; empty keeps the design's
out_dir: str = ""  # folder for plan.json, the diagram and the ADR drafts; empty writes nothing
catalog: str = ""  # folder of price catalogs (<cloud>.csv) or one CSV; empty: the shipped ones (or $DEVOPS_PLAN_CATALOG)
generated_at: str = ""  # date shown as "Generated" in the report; empty shows the catalog's date (no clock: same input, same report)

# %%
# %matplotlib inline
from IPython.display import Markdown

from devops_plan.render import charts
from devops_plan import notebooks as nb

plan = nb.load_plan(design, cloud=cloud, region=region, purchase=purchase, catalog=catalog)
nb.report_header(plan, generated_at)

# %% [markdown]
# ## Availability along the user path

# %%
charts.availability_chart(plan)

# %% [markdown]
# ## Disaster recovery options

# %%
charts.dr_chart(plan)

# %% [markdown]
# ## Network

# %%
nb.network_table(plan)

# %% [markdown]
# ## Allowed flows (everything else is denied)

# %%
nb.rules_table(plan)

# %% [markdown]
# ## Cost

# %%
charts.cost_by_service_chart(plan)

# %%
charts.cost_by_category_chart(plan)

# %%
charts.budget_chart(plan)

# %% [markdown]
# ## Architecture diagram

# %%
diagram = nb.render_diagram(plan)
nb.diagram_figure(diagram, out_dir)

# %% [markdown]
# ## Sizing

# %%
nb.sizing_report(plan)

# %% [markdown]
# ## Node pools

# %%
nb.node_pools_report(plan)

# %% [markdown]
# ## Cost by region and resource
#
# What each resource costs a month in each region and what it includes; the diagram's cost
# labels show these figures.

# %%
nb.cost_by_resource_report(plan)

# %% [markdown]
# ## Disaster recovery options compared

# %%
nb.dr_options_report(plan)

# %% [markdown]
# ## Architecture decision records (drafts)

# %%
Markdown(nb.adr_markdown(plan))

# %% [markdown]
# ## Outputs

# %%
written = nb.write_outputs(plan, out_dir, diagram)
Markdown(nb.files_markdown(written, out_dir))
