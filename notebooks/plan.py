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
# # Plan report
#
# One design file, planned: sizing, node pools, availability along the user path, DR options,
# cost, budget, the architecture diagram and ADR drafts. Run it headless with
# `devops-plan notebook run plan --design FILE --out DIR --html`.

# %% tags=["parameters"]
design: str = "data/designs/shop.yaml"  # design file (YAML); relative to the working folder or the repo root
cloud: str = ""  # aws, gcp or azure; empty keeps the design's cloud
region: str = ""  # primary region; empty keeps the design's first region
purchase: str = ""  # on_demand, spot, reserved_1y, reserved_3y, savings_plan_1y, savings_plan_3y; empty keeps the design's
out_dir: str = ""  # folder for plan.json, the diagram and the ADR drafts; empty writes nothing
catalog: str = ""  # folder of price catalogs (<cloud>.csv) or one CSV; empty: the shipped ones (or $DEVOPS_PLAN_CATALOG)

# %%
# %matplotlib inline
from IPython.display import Markdown, display

from devops_plan.render import charts
from devops_plan import notebooks as nb

plan = nb.load_plan(design, cloud=cloud, region=region, purchase=purchase, catalog=catalog)
display(Markdown(nb.summary_markdown(plan)))

# %% [markdown]
# ## Sizing

# %%
nb.sizing_table(plan)

# %% [markdown]
# ## Node pools

# %%
nb.node_pools_table(plan)

# %% [markdown]
# ## Availability along the user path

# %%
charts.availability_chart(plan)

# %% [markdown]
# ## Disaster recovery options

# %%
charts.dr_chart(plan)

# %%
nb.dr_options_table(plan)

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
nb.diagram_svg(diagram)

# %% [markdown]
# ## Architecture decision records (drafts)

# %%
Markdown(nb.adr_markdown(plan))

# %% [markdown]
# ## Outputs

# %%
written = nb.write_outputs(plan, out_dir, diagram)
Markdown(nb.files_markdown(written, out_dir))
