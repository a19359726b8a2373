# jixiao: `make run` sets up and serves the web app on SQLite with the seed forms; `make test` runs every test.
SHELL := /bin/bash
PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
PY := $(VENV)/bin/python
SEEDS ?= $(firstword $(wildcard ../shared/seeds) $(wildcard shared/seeds))
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test setup lint typecheck check bench clean migrate demo fonts messages

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet "uv==$(UV_VERSION)"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

setup: $(VENV)/.synced fonts

# The PDF reports embed a Chinese TrueType font (Debian's fonts-wqy-microhei); install it when missing.
fonts:
	@if [ -z "$$JIXIAO_CJK_FONT" ] && ! ls /usr/share/fonts/truetype/wqy/wqy-microhei.ttc >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-wqy-microhei fontconfig >/dev/null); \
	  else echo "note: install fonts-wqy-microhei (or set JIXIAO_CJK_FONT) for PDF reports"; fi; \
	fi

migrate: setup
	$(PY) -m jixiao.manage migrate --noinput

demo: migrate
	$(PY) -m jixiao.manage load_demo $(SEEDS)

# The web app, and beside it a handful of demo sites on 127.0.0.1 that the monitor checks for real.
run: export JIXIAO_DEMO = 1
run: demo
	$(PY) -m jixiao.manage collectstatic --noinput >/dev/null
	$(PY) -m jixiao.manage demo_sites --monitor & monitor=$$!; \
	trap 'kill $$monitor 2>/dev/null' EXIT INT TERM; \
	$(PY) -m jixiao.manage runserver --noreload $(HOST):$(PORT)

lint: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench

typecheck: setup
	$(VENV)/bin/mypy

# Every test on SQLite; when JIXIAO_TEST_POSTGRES_URL is set (CI sets it), the database tests again on
# PostgreSQL.
test: setup
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -n 2 $(PYTEST_ARGS)
	@if [ -n "$$JIXIAO_TEST_POSTGRES_URL" ]; then \
	  echo "== database tests on PostgreSQL"; \
	  DATABASE_URL="$$JIXIAO_TEST_POSTGRES_URL" $(VENV)/bin/pytest -n 2 --ignore=tests/domain $(PYTEST_ARGS); \
	fi

bench: setup
	$(PY) bench/run_all.py

# The English catalog: collect the strings into src/jixiao/locale/en/LC_MESSAGES/django.po (existing translations
# kept), then compile django.mo; both are committed. Needs GNU gettext (msgfmt, xgettext, msgmerge).
messages: setup
	cd src/jixiao && DJANGO_SETTINGS_MODULE=jixiao.settings JIXIAO_DEBUG=1 PYTHONPATH=$(CURDIR)/src \
	  $(CURDIR)/$(PY) -m django makemessages -l en --no-obsolete --ignore='*/static/vendor/*' --ignore='locale/*'
	cd src/jixiao && DJANGO_SETTINGS_MODULE=jixiao.settings JIXIAO_DEBUG=1 PYTHONPATH=$(CURDIR)/src \
	  $(CURDIR)/$(PY) -m django compilemessages -l en

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
