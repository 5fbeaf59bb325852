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
# # Plan against bill
#
# The plan of a design next to what the bill says, per service and component: planned,
# billed, the difference and its likely cause; every billed cent either mapped onto the plan
# or listed as unplanned. Run it headless with
# `devops-plan notebook run reconcile -p design=FILE -p billing=FILE,... -p period=YYYY-MM --out DIR --html`;
# `devops-plan reconcile` writes the same without a kernel (docs/reconcile.md).

# %% tags=["parameters"]
design: str = "data/designs/startup.yaml"  # the design file; relative to the working folder or the repo root
billing: str = "data/billing/reconcile-sample.csv.gz"  # billing exports (FOCUS or CUR 2.0), comma-separated
period: str = "2024-09"  # the month to reconcile (YYYY-MM); empty: the whole bill
out_dir: str = ""  # folder for reconciliation.json, .md, .html and .csv; empty writes nothing

# %%
from IPython.display import Markdown, display

from devops_plan import notebooks as nb
from devops_plan.billing.reconcile import notebook as rc

rec = rc.reconcile_from_parameters(design, billing, period)
display(Markdown(rc.summary_markdown(rec)))

# %% [markdown]
# ## Planned and billed per service

# %%
rc.service_chart(rec)

# %% [markdown]
# ## From the plan to the bill

# %%
rc.waterfall_chart(rec)

# %%
rc.tables_html(rec, "components")

# %% [markdown]
# ## Unplanned spend

# %%
rc.tables_html(rec, "unplanned")

# %% [markdown]
# ## Outputs

# %%
written = rc.write_outputs(rec, out_dir)
Markdown(nb.files_markdown(written, out_dir))
