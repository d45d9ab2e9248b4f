# The two commands a newcomer types are `make run` and `make test`; README.md explains the rest.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
# `make serve` runs with DJANGO_DEBUG=false; locally it may default what production must set.
SERVE_ENV = SECRET_KEY="$${SECRET_KEY:-local-serve-$$(hostname)-not-for-production-use-0123456789}" \
	ALLOWED_HOSTS="$${ALLOWED_HOSTS:-127.0.0.1,localhost}" \
	SECURE_SSL_REDIRECT="$${SECURE_SSL_REDIRECT:-false}" PORT=$(PORT)

.PHONY: install e2e-tools run serve test lint format messages worker collectstatic screenshots clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed (set PYTHON=python3.x).")'
	$(PYTHON) -m venv $(VENV)

# Reinstall whenever a lock file changes: the lock files are what CI tested. Development gets
# both: requirements.lock (what production installs) and requirements-dev.lock (the same pins
# plus the test tools).
$(VENV)/.installed: requirements.lock requirements-dev.lock | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

# axe-core for the accessibility tests, at the version tests/e2e/package-lock.json pins.
AXE := tests/e2e/node_modules/axe-core/axe.min.js
$(AXE): tests/e2e/package.json tests/e2e/package-lock.json
	npm ci --prefix tests/e2e --no-audit --no-fund
	touch $@

# Without npm the accessibility tests skip with their reason; CI installs npm first.
e2e-tools:
	@if command -v npm >/dev/null 2>&1; then $(MAKE) --no-print-directory $(AXE); \
	else echo "npm not found: the accessibility tests will be skipped"; fi

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py load_demo
	@echo "Serving http://127.0.0.1:$(PORT)/ (admin: http://127.0.0.1:$(PORT)/admin/)"
	SITE_URL="$${SITE_URL:-http://127.0.0.1:$(PORT)}" $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# Production settings on this machine: gunicorn (gunicorn.conf.py), compressed static files,
# no debug pages. Uses the same database as `make run` unless DATABASE_URL says otherwise.
serve: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py createcachetable
	DJANGO_DEBUG=false $(SERVE_ENV) $(BIN)/python manage.py collectstatic --noinput --verbosity 0
	DJANGO_DEBUG=false $(SERVE_ENV) $(BIN)/gunicorn --config gunicorn.conf.py

test: install e2e-tools
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The translation catalogues (needs gettext): collect every marked string into
# locale/<lang>/LC_MESSAGES/django.po, keeping what is translated, then compile the .mo files,
# which are committed so that `make run` works on a machine without gettext.
# tests/test_catalogues.py fails when a catalogue is stale, incomplete or not compiled.
messages: install
	$(BIN)/python manage.py makemessages -l fr -l es -l ar -e html,txt,py,md --no-location --no-obsolete -i '.venv/*' -i 'var/*' -i 'tests/*' -i 'bench/*' -i 'node_modules/*' -i 'deploy/*'
	$(BIN)/python manage.py compilemessages -l fr -l es -l ar -i .venv -i var -i tests -i bench -i node_modules -i deploy

worker: install
	$(BIN)/celery -A a4ep_portal worker --beat --loglevel=INFO

# The README's screenshots (docs/screenshots/), from the demo data in a throwaway database, taken
# with Chromium: run again whenever the design changes.
screenshots: install
	$(BIN)/python tools/screenshots.py

collectstatic: install
	$(BIN)/python manage.py collectstatic --noinput

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
