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
# # Cost-optimization report
#
# What the running estate really cost and where money is wasted, from billing exports (FOCUS
# 1.0-1.2 or AWS CUR 2.0; CSV, gzip CSV or Parquet) and, optionally, a utilization CSV.

# %% [markdown] tags=["notebook-only"]
# Run it headless with `devops-plan notebook run cost_report -p billing=FILE,... --out DIR --html`;
# `devops-plan report` writes the same report without a kernel. This cell is left out of the
# HTML report.

# %% tags=["parameters"]
billing: str = "data/billing/focus-sample.csv.gz"  # billing exports (FOCUS or CUR 2.0), comma-separated; relative to the working folder or the repo root
utilization: str = "data/billing/utilization-sample.csv.gz"  # utilization CSV (resource_id,timestamp,cpu_pct,mem_pct); empty for none
since: str = ""  # first day of the period (YYYY-MM-DD); empty: the whole export
until: str = ""  # day after the last day (YYYY-MM-DD, exclusive); empty: the whole export
out_dir: str = ""  # folder for report.html, report.md, report.json and recommendations.csv; empty writes nothing
history: str = ""  # history folder: compare with the runs in it (realised, new, open), then add this one; empty: none

# %%
from IPython.display import Markdown, display

from devops_plan import notebooks as nb
from devops_plan.billing import notebook as cr

report = cr.report_from_parameters(billing, utilization, since, until, history)
display(Markdown(cr.summary_markdown(report)))

# %% [markdown]
# ## Where the savings are

# %%
cr.savings_chart(report)

# %%
cr.section_html(report, "recommendations")

# %% [markdown]
# ## What each kind of advice could judge

# %%
cr.section_html(report, "coverage")

# %% [markdown]
# ## Spend over time

# %%
cr.spend_chart(report)

# %% [markdown]
# ## Spend by service

# %%
cr.section_html(report, "services")

# %% [markdown]
# ## Top resources

# %%
cr.section_html(report, "top_resources")

# %% [markdown]
# ## Tag hygiene and data quality

# %%
Markdown(cr.quality_markdown(report))

# %% [markdown]
# ## Outputs

# %%
written = cr.write_outputs(report, out_dir)
Markdown(nb.files_markdown(written, out_dir))
