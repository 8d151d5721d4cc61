# photosort — every target is idempotent and fast when there is nothing to do.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.stamp-deps
RAY_STAMP := $(VENV)/.stamp-ray
NODE_STAMP := client/node_modules/.stamp-deps
UI_INDEX := backend/photosort/static/index.html
UI_SOURCES := $(shell find client/src client/index.html client/vite.config.ts client/tsconfig*.json -type f 2>/dev/null)
HOST ?= 127.0.0.1
PORT ?= 8000
CHROMIUM ?= /usr/bin/chromium
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
export PHOTOSORT_CHROMIUM := $(CHROMIUM)

.PHONY: help setup run test lint typecheck test-backend test-ui test-e2e bench chromium disk-tools ui dist sample-reset clean

help:
	@echo "make run    install what is needed, build the UI, serve sample/ at http://$(HOST):$(PORT)"
	@echo "make test   install what tests need and run every test (pytest, vitest, Chromium e2e)"
	@echo "make lint   ruff + mypy --strict + TypeScript + ESLint (layers, 60-line functions)"
	@echo "make bench  run the benchmarks in bench/ (writes bench/out/*.json)"
	@echo "make dist   build the UI, then an sdist and a wheel that carry it (dist/)"

# torch==2.13.0 first, explicitly: it is a local CPU wheel here, while an unpinned
# requirement would pull a multi-GB CUDA build.
$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install -q --disable-pip-version-check torch==2.13.0
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	@touch $@

# The optional Ray extra (`index --ray`, ~80 MB of wheels): tests and benchmarks need it,
# `make run` does not.
$(RAY_STAMP): $(PY_STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,ray]'
	@touch $@

$(NODE_STAMP): client/package.json client/package-lock.json
	cd client && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

setup: $(PY_STAMP) $(NODE_STAMP)

$(UI_INDEX): $(NODE_STAMP) $(UI_SOURCES)
	npm --prefix client run build --silent

ui: $(UI_INDEX)

# The built UI is not in git (backend/photosort/static is ignored), so the packages are built
# from the tree right after `ui`: the sdist carries static/, the wheel is built from the sdist.
# No build isolation: setuptools comes from the venv, so this works offline.
dist: setup ui
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	@ls -1 dist

run: setup ui
	PHOTOSORT_LAUNCHER="make run" $(BIN)/photosort serve sample --host $(HOST) --port $(PORT)

chromium:
	@test -x $(CHROMIUM) || { \
	  echo "installing Debian's chromium for the end-to-end tests"; \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium >/dev/null; }

# The real-disk tests mount exFAT, FAT32 and NTFS images through FUSE (as root with /dev/fuse;
# elsewhere they skip with the reason). Debian's tools for that, installed when missing.
DISK_TOOLS := mkfs.exfat mount.exfat-fuse mkfs.vfat fusefat mkntfs ntfs-3g
disk-tools:
	@missing=$$(for t in $(DISK_TOOLS); do PATH=$$PATH:/usr/sbin:/sbin command -v $$t >/dev/null || echo $$t; done); \
	if [ -n "$$missing" ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing exfatprogs exfat-fuse dosfstools fusefat ntfs-3g for the real-disk tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    exfatprogs exfat-fuse dosfstools fusefat ntfs-3g >/dev/null; \
	fi

lint: setup
	$(BIN)/ruff check backend bench scripts
	$(BIN)/ruff format --check backend bench scripts
	$(BIN)/mypy
	npm --prefix client run typecheck --silent
	npm --prefix client run lint --silent

# `ui` first: the installed-wheel test (pytest -m installed) packages the built UI.
test-backend: setup $(RAY_STAMP) ui disk-tools
	$(BIN)/python -m pytest -rs

test-ui: setup
	npm --prefix client test --silent

test-e2e: setup ui chromium
	npm --prefix client run e2e --silent

test: lint test-backend test-ui test-e2e

bench: setup $(RAY_STAMP)
	$(BIN)/python bench/actions.py
	$(BIN)/python bench/scale.py --items 100000
	$(BIN)/python bench/warm_index.py --items 100000
	$(BIN)/python bench/renditions.py
	$(BIN)/python bench/stacks.py
	$(BIN)/python bench/groups.py
	$(BIN)/python bench/index.py
	$(BIN)/python bench/ray_index.py
	$(BIN)/python bench/startup.py
	$(BIN)/python bench/quality.py --trials 20
	$(BIN)/python bench/offline_search.py
	$(BIN)/python bench/near_duplicates.py

sample-reset:
	git checkout -- sample && git clean -fdxq sample

clean:
	rm -rf $(VENV) client/node_modules backend/photosort/static bench/out dist
