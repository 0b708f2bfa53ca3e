# SKM: `make run` to try it, `make test` to check it. Everything installs into .venv.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed-stamp
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install system-check browser messages bench soak clean

$(INSTALLED): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(INSTALLED)

# The app starts without these; only PDF output (Pango) and the English screens (gettext) need them.
system-check:
	@missing=""; \
	ldconfig -p 2>/dev/null | grep -q 'libpango-1.0.so' || missing="$$missing libpango-1.0-0 libpangoft2-1.0-0"; \
	command -v msgfmt >/dev/null || missing="$$missing gettext"; \
	if [ -n "$$missing" ]; then \
	  echo "Missing system packages (PDF reports need Pango, English screens need gettext). Install with:"; \
	  echo "  sudo apt-get install -y$$missing"; \
	fi

messages: $(INSTALLED)
	@if command -v msgfmt >/dev/null && [ -d locale ]; then $(PY) manage.py compilemessages --ignore '.venv' -v 0; fi

# Browser tests drive Debian's chromium; install it when it is missing and we may.
browser:
	@command -v chromium >/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need chromium: sudo apt-get install -y chromium"; fi; }

run: $(INSTALLED) system-check messages
	$(PY) manage.py migrate --noinput -v 0
	$(PY) manage.py seed_demo --if-empty
	$(PY) manage.py demo_welcome --base-url http://$(HOST):$(PORT)
	@# The task worker builds large reports in the background, restarted whenever it exits; the daily integrity
	@# check flags self-filling patterns for review (docs/integrity.md); the hourly alert round mails each opted-in
	@# unit head's digest at their hour (docs/suggestions.md). All stop with the server.
	DEBUG=1 $(PY) manage.py supervise_worker >var/worker.log 2>&1 & worker=$$!; \
	while :; do $(PY) manage.py detect_self_filling >>var/integrity.log 2>&1; sleep 86400; done & daily=$$!; \
	while :; do DEBUG=1 $(PY) manage.py send_alerts >>var/alerts.log 2>&1; sleep 3600; done & hourly=$$!; \
	trap 'kill $$worker $$daily $$hourly 2>/dev/null' EXIT INT TERM; \
	DEBUG=1 $(PY) manage.py runserver $(HOST):$(PORT)

test: $(INSTALLED) system-check messages browser
	$(PY) -m pytest $(PYTEST_ARGS)

# SIZE=<responses> (default 1000000) over 500 units; QUICK=1 for 20,000 over 50.
bench: $(INSTALLED)
	$(PY) bench/run.py $(if $(QUICK),--quick,) $(if $(SIZE),--size $(SIZE),)

soak: $(INSTALLED)
	$(PY) -m pytest tests/test_faults.py --soak $(PYTEST_ARGS)

clean:
	rm -rf $(VENV) var
