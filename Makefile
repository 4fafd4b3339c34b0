# Two commands for a fresh machine (python3 with venv and pip; no conda needed):
#   make lab    set up .venv, fetch MNIST, start JupyterLab on the notebooks
#   make test   set up .venv, fetch MNIST, run every test and every notebook
# Both are idempotent: the second run skips the install and the download.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
# extra arguments, e.g. make test PYTEST_ARGS="-x tests/test_functions.py"
PYTEST_ARGS ?=
LAB_ARGS ?=
# JupyterLab refuses to run as root (containers, CI machines) unless told it is intended.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: lab test setup data clean-venv

setup: $(STAMP)

# Reinstalls only when pyproject.toml changes.
$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "dlfs needs Python 3.11 or newer; found " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV) || { echo "Could not create $(VENV). On Debian/Ubuntu: sudo apt-get install python3-venv"; exit 1; }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[lab,test]'
	@touch $(STAMP)

# Downloads and verifies MNIST once into data/; later runs only check it.
data: $(STAMP)
	$(PY) -m dlfs fetch-mnist

lab: data
	$(VENV)/bin/jupyter lab --ServerApp.root_dir=notebooks $(ROOT_FLAG) $(LAB_ARGS) notebooks/00_index.ipynb

test: data
	$(PY) -m pytest $(PYTEST_ARGS)

clean-venv:
	rm -rf $(VENV)
