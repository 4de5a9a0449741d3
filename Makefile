# The two commands for a newcomer: `make site` and `make test`. Each sets up what it needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
READY  := $(VENV)/.ready
# The Nu Html Checker for the tests and PurgeCSS for `make styles` (package.json, pinned in
# package-lock.json).
NODE_READY := node_modules/.ready
# apt-get as root, else through sudo.
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site check preview publish test quick audit messages styles system-packages clean help

site: $(READY)  ## build the site into _build/site
	$(BIN)/webinars build

check: $(READY)  ## validate content/ and list every problem
	$(BIN)/webinars check

PORT ?= 8000
preview: $(READY)  ## build, serve at http://127.0.0.1:8000/ (PORT=8001 for another port), build again on each change
	$(BIN)/webinars preview --port $(PORT)

publish: $(READY)  ## build, say what changes, publish where _config.yml says (YES=1: without asking)
	$(BIN)/webinars publish $(if $(YES),--yes)

test: $(READY) $(NODE_READY) system-packages  ## the whole test suite, browser tests included
	$(BIN)/python -m pytest

quick: $(READY)  ## the fast tests: no site build, no browser, no Node.js (under a minute)
	$(BIN)/python -m pytest -q -m "not build and not browser and not node"

audit: $(READY) system-packages  ## axe on every template x 6 languages x light and dark x desktop and phone (about 10 minutes)
	$(BIN)/python -m pytest -q -m audit

$(READY): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

# --ignore-scripts: vnu-jar's install script would download a Java runtime (Debian's is used).
$(NODE_READY): package.json package-lock.json
	command -v npm >/dev/null || { $(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq npm >/dev/null; }
	npm ci --no-audit --no-fund --ignore-scripts
	touch $@

# Chromium drives the browser tests; the Noto fonts render Arabic and Chinese; Java runs the
# Nu Html Checker; nginx serves the site under docs/serving/'s configuration; sshd and rsync
# are the server `webinars publish` uploads to in tests/test_publish_ssh.py.
system-packages:
	@if ! command -v chromium >/dev/null || ! command -v java >/dev/null || ! fc-list 2>/dev/null | grep -q "Noto Sans CJK" || \
	    ! PATH="$$PATH:/usr/sbin" command -v nginx >/dev/null || ! PATH="$$PATH:/usr/sbin" command -v sshd >/dev/null || \
	    ! command -v rsync >/dev/null; then \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-cjk fonts-noto-core default-jre-headless \
	    nginx openssh-server rsync >/dev/null; \
	fi

messages: $(READY)  ## refresh the catalogue template and every language's catalogue
	$(BIN)/pybabel extract -F babel.cfg -k N_ -k _ -k gettext -k ngettext:1,2 -k pgettext:1c,2 --no-location \
	  --sort-output --project webinars -o book/locales/webinars.pot .
	$(BIN)/pybabel update -i book/locales/webinars.pot -d book/locales -D webinars --no-fuzzy-matching --ignore-obsolete

styles: $(READY) $(NODE_READY)  ## the theme's stylesheet without the rules no page can use (after changing a template or the theme)
	$(BIN)/python scripts/theme_css.py

clean:  ## remove what the builds made (_build/)
	rm -rf _build tests/fixtures/*/_build

help:  ## list these targets
	@echo "make TARGET, from the repository's root (the webinars command itself: .venv/bin/webinars --help)"
	@grep -E '^[a-z-]+:.*## ' $(firstword $(MAKEFILE_LIST)) | sed -E 's/^([a-z-]+):.*## /\1\t/' | \
	  awk -F '\t' '{ printf "  %-10s %s\n", $$1, $$2 }'
