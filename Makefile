# devops-plan: every target installs what it needs first, so a fresh clone works.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python

.PHONY: demo test lint bench install dev system-deps explore dashboard clean docs-images wheel-test policy-tools

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "devops-plan needs Python >= 3.11 (found %s)" % sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

# Reinstall only when the project's metadata changes.
$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e '.[all]'
	$(PY) -m ipykernel install --sys-prefix --name python3 >/dev/null
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(PY) -m pip install --quiet -e '.[all,dev]'
	@touch $@

# The Kubernetes policy linter (checkov, from PyPI) in a venv of its own: its pinned
# dependencies would clash with the project's. tests/test_k8s_policy.py runs it.
CHECKOV_VENV ?= .venv-checkov
$(CHECKOV_VENV)/.installed: scripts/policy-tools.txt
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r scripts/policy-tools.txt
	@touch $@
policy-tools: $(CHECKOV_VENV)/.installed

install: $(VENV)/.installed
dev: $(VENV)/.installed-dev

system-deps:
	@sh scripts/ensure-system-deps.sh graphviz

demo: install system-deps
	$(BIN)/devops-plan notebook run plan --design data/designs/shop.yaml --out out/shop --html
	$(BIN)/devops-plan export data/designs/shop.yaml --docs out/shop/docs
	$(BIN)/devops-plan report --billing data/billing/focus-sample.csv.gz --utilization data/billing/utilization-sample.csv.gz --out out/cost-report --format html,md,json,csv

test: dev system-deps policy-tools
	@sh scripts/ensure-system-deps.sh test-tools
	$(PY) -m pytest -n auto --maxprocesses=4
	$(PY) -m pytest --nbval-lax --nbval-current-env notebooks/

lint: dev
	$(BIN)/ruff check devops_plan tests benchmarks scripts
	$(BIN)/ruff format --check devops_plan tests benchmarks scripts
	$(BIN)/mypy devops_plan tests benchmarks
	$(PY) scripts/check_notebooks.py
	# The GitHub workflows: valid for GitHub's schema, and no zizmor findings (pinned actions,
	# no template injection, no persisted credentials).
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	$(BIN)/zizmor --offline .github/workflows/

# The wheel as users get it, with each extras set, in fresh virtualenvs outside the checkout
# (about 8 minutes; CI's wheel job; tests/test_packaging.py is the quick check in `make test`).
wheel-test: install system-deps
	$(PY) scripts/wheel_check.py

# Every benchmark in benchmarks/, one after the other (figures go to docs/performance.md).
bench: dev system-deps
	$(PY) -m benchmarks.run

explore: install system-deps
	$(BIN)/jupyter lab notebooks/explore.ipynb

# The explorer alone, as a web page (Voilà, a dev tool): http://localhost:8866/
dashboard: dev system-deps
	$(BIN)/voila notebooks/explore.ipynb --Voila.ip=127.0.0.1 --port=8866

clean:
	rm -rf out .pytest_cache .mypy_cache .ruff_cache $(CHECKOV_VENV)

# The README's picture, drawn by the tool itself from the shop example; and screenshots of the
# plan report, the cost report and the explorer (Voila) in headless Chromium at 1400 px, which
# fail naming anything cut off (scripts/docs_images.py).
docs-images: dev system-deps
	@sh scripts/ensure-system-deps.sh test-tools
	$(PY) -c "from devops_plan import load_design, build_plan; from devops_plan.render.diagram import render_diagram; from devops_plan.atomic import write_atomic; write_atomic('docs/images/shop-diagram.png', render_diagram(build_plan(load_design('data/designs/shop.yaml'))).png)"
	$(PY) scripts/docs_images.py
