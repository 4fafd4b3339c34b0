# Two commands for a fresh machine (python3 with venv and pip; no conda needed):
#   make lab    set up .venv, fetch MNIST, start JupyterLab on the notebooks (make lab-ko: the Korean edition)
#   make test   set up .venv, fetch MNIST, lint, build the site, run every test and every notebook
#   make site   the notebooks of both editions as a static site in site/_build/html (open its index.html)
# Both are idempotent: the second run skips the install and the download.
# For contributors (CONTRIBUTING.md):
#   make lint          ruff check and ruff format --check on dlfs, tests and benchmarks
#   make test-oldest   the unit tests on the oldest numpy, matplotlib, tqdm and ipywidgets pyproject.toml allows
#   make lock          re-resolve pyproject.toml's ranges into requirements/lock.txt (.venv is not touched)

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# The locked test environment: exact versions of everything make lab and make test install, used as pip
# constraints so that the committed notebook outputs and the browser tests meet the versions they were made with.
LOCK   := requirements/lock.txt
# A second venv inside .venv (so git and ruff ignore it) for make test-oldest.
OLDEST := $(VENV)/oldest
LINTED := dlfs tests benchmarks scripts site
# extra arguments, e.g. make test PYTEST_ARGS="-x tests/test_functions.py"
PYTEST_ARGS ?=
LAB_ARGS ?=
# extra pip arguments for make lock, e.g. LOCK_ARGS="-c freeze.txt" to keep the versions a venv has
LOCK_ARGS ?=
# JupyterLab refuses to run as root (containers, CI machines) unless told it is intended.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# setuptools prints a boxed "Editable installation" notice on every editable install; it is not a problem here
QUIET_EDITABLE := PYTHONWARNINGS="ignore:Editable installation"
CHECK_PYTHON := $(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dlfs needs Python 3.11 or newer; $(PYTHON) is " + sys.version.split()[0] + ". Name a newer one, e.g. make lab PYTHON=python3.12")'
# pyproject.toml's requirements, one a line: the package's dependencies and its lab, test and site extras
REQUIREMENTS := import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; o = p["optional-dependencies"]; print("\n".join(p["dependencies"] + o["lab"] + o["test"] + o["site"]))
# the package's dependencies at their lower bounds: "numpy>=2.0,<3" -> "numpy==2.0"
FLOORS := import re, tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; print(" ".join(re.sub(r">=([^,]+),.*", r"==\1", d) for d in p["dependencies"]))

.PHONY: lab lab-ko test lint test-oldest lock sync-ko setup data clean-venv site

setup: $(STAMP)

# Reinstalls when pyproject.toml or the lock changes.
$(STAMP): pyproject.toml $(LOCK)
	@$(CHECK_PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(QUIET_EDITABLE) $(PY) -m pip install --quiet -c $(LOCK) -e '.[lab,test]'
	@touch $(STAMP)

# Downloads and verifies MNIST once into data/; later runs only check it.
data: $(STAMP)
	$(PY) -m dlfs fetch-mnist

# JupyterLab's defaults for this project (jupyterlab/README.md): no news pop-up, no update check.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
$(LAB_OVERRIDES): jupyterlab/overrides.json $(STAMP)
	@mkdir -p $(dir $@)
	cp jupyterlab/overrides.json $@

lab: data $(LAB_OVERRIDES)
	@echo "한국어판: make lab-ko (notebooks/ko/00_index.ipynb, 한국어 메뉴)"
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_index.ipynb

# The Korean edition: the same JupyterLab with Korean menus, opened on the Korean index. Its user settings live in
# .venv/lab-ko-settings (seeded once from jupyterlab/korean/), so make lab keeps its own language.
KO_SETTINGS := $(VENV)/lab-ko-settings
lab-ko: data $(LAB_OVERRIDES)
	@test -d $(KO_SETTINGS) || cp -r jupyterlab/korean $(KO_SETTINGS)
	JUPYTERLAB_SETTINGS_DIR=$(KO_SETTINGS) $(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) \
		$(LAB_ARGS) notebooks/ko/00_index.ipynb

# Style first: a lint failure stops make test in seconds, before the notebooks and the browser run.
lint: $(STAMP)
	$(PY) -m ruff check $(LINTED)
	$(PY) -m ruff format --check $(LINTED)

# -n auto: one worker per core; --dist loadscope keeps a notebook's cells (and the browser tier's
# JupyterLab session) in one worker. PYTEST_ARGS="-n 0" runs everything in one process.
# One OpenBLAS thread in every worker and in every kernel they start: the workers already fill the cores,
# and a second BLAS thread per process only spins while it waits for a core (nbval took 11% more CPU).
# The results are the same either way (OpenBLAS splits a product by blocks of its output).
TEST_ENV := OPENBLAS_NUM_THREADS=1
test: lint data site
	$(TEST_ENV) $(PY) -m pytest -n auto --dist loadscope $(PYTEST_ARGS)

# The static site of both editions from the committed notebooks, nothing executed (site/conf.py says how);
# then open site/_build/html/index.html. Its tools, the site extra, go into .venv once. -W: a broken link fails it;
# -E: read every notebook anew (about 7 s), since Sphinx does not notice an edit of site/conf.py's functions.
SITE_STAMP := $(VENV)/.installed-site
$(SITE_STAMP): $(STAMP)
	$(QUIET_EDITABLE) $(PY) -m pip install --quiet -c $(LOCK) -e '.[site]'
	@touch $@

site: $(SITE_STAMP)
	$(PY) -m sphinx -q -E -W --keep-going -c site -d site/_build/doctrees notebooks site/_build/html
	@echo "The site: site/_build/html/index.html"

# The unit tests (not nbval, not the browser tier) with numpy, matplotlib, tqdm and ipywidgets at the lower
# bounds pyproject.toml declares, so that those bounds are true. The test tools come from the lock; whatever
# else the old versions need is resolved by pip as it would be for a user. Wheels only, from pip's cache: the
# venv takes about half a minute, the tests (on both cores) under a minute on the 2-core machine.
$(OLDEST)/.installed: pyproject.toml $(LOCK)
	@$(CHECK_PYTHON)
	rm -rf $(OLDEST)
	$(PYTHON) -m venv $(OLDEST)
	$(OLDEST)/bin/python -m pip install --quiet --only-binary=:all: \
		$$($(PYTHON) -c '$(FLOORS)') $$(grep -iE '^(pytest|pytest-xdist|execnet|hypothesis|cmarkgfm)==' $(LOCK))
	$(QUIET_EDITABLE) $(OLDEST)/bin/python -m pip install --quiet --no-deps -e .
	@touch $@

# Tests that do not depend on numpy's, matplotlib's, tqdm's or ipywidgets' version (the repository's files,
# the notebooks' structure, the benchmark records and scripts) run once, in make test.
NOT_VERSION_BOUND := browser test_packaging.py test_readme.py test_structure.py test_notebooks.py \
	test_korean_edition.py test_benchmarks.py

test-oldest: $(OLDEST)/.installed
	@$(OLDEST)/bin/python -m pip list 2>/dev/null | grep -iE '^(numpy|matplotlib|tqdm|ipywidgets) '
	$(OLDEST)/bin/python -m dlfs fetch-mnist
	$(TEST_ENV) $(OLDEST)/bin/python -m pytest -p no:cacheprovider -o addopts="" -n auto \
		tests $(addprefix --ignore=tests/,$(NOT_VERSION_BOUND)) $(PYTEST_ARGS)

# Resolves pyproject.toml's ranges anew in a temporary venv and writes its pip freeze to the lock. Afterwards:
# re-execute the notebooks, run make test, and update the tested versions in README.md (tests/test_readme.py).
lock:
	@$(CHECK_PYTHON)
	@set -e; tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install --quiet --upgrade pip; \
	$(PYTHON) -c '$(REQUIREMENTS)' > "$$tmp/requirements.txt"; \
	"$$tmp/venv/bin/python" -m pip install --quiet -r "$$tmp/requirements.txt" $(LOCK_ARGS); \
	{ echo '# The locked test environment, written by `make lock` (do not edit by hand; run it again).'; \
	  echo '# Exact versions of everything `make lab`, `make test` and `make site` install: pip freeze of a fresh venv with'; \
	  echo "# pyproject.toml's dependencies and its lab, test and site extras (dlfs itself is not listed). The targets"; \
	  echo "# install with it as pip constraints: pip install -c $(LOCK) -e '.[lab,test]' (and '.[site]')"; \
	  "$$tmp/venv/bin/python" -c 'import platform; print("# Python", platform.python_version(), "on", platform.system(), platform.machine())'; \
	  "$$tmp/venv/bin/python" -m pip freeze; } > "$$tmp/lock.txt"; \
	mkdir -p $(dir $(LOCK)); cp "$$tmp/lock.txt" $(LOCK)
	@echo "$(LOCK) written. Now re-execute the notebooks, run make test and update README.md's tested versions."

# The Korean edition's code cells from the English notebooks (scripts/sync_ko.py says what it keeps).
sync-ko: $(STAMP)
	$(PY) scripts/sync_ko.py

clean-venv:
	rm -rf $(VENV)
