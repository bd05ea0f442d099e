# The two commands a newcomer needs are `make demo` and `make test`; both
# create the virtualenv on first use and are safe to run again.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
SCALE ?= small
SEED ?= 1
MANAGE := $(BIN)/python manage.py

.PHONY: demo test lint install venv browser pdf-fonts migrate seed serve messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# The Leaflet plugins and ECharts from the npm registry (docs/adr/0024, 0030): their dist files only, copied into
# vendor/ (git-ignored), which Django serves under static/vendor/.
vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --silent
	mkdir -p vendor
	cp node_modules/leaflet.markercluster/dist/leaflet.markercluster.js \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.css \
	  node_modules/leaflet.markercluster/dist/MarkerCluster.Default.css \
	  node_modules/leaflet.heat/dist/leaflet-heat.js \
	  node_modules/echarts/dist/echarts.min.js vendor/
	touch $@

install: $(VENV)/.installed vendor/.installed pdf-fonts

# Debian's chromium for the browser tests; Playwright never downloads one.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's chromium: sudo apt-get install chromium" >&2; exit 1; fi; }

# The reports' PDFs (docs/adr/0031): WeasyPrint lays out with Debian's pango and embeds Noto
# Sans CJK from fonts-noto-cjk; without the font the Chinese text would be empty boxes.
pdf-fonts:
	@fc-list 2>/dev/null | grep -q NotoSansCJK || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && apt-get install -y -qq fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	  else echo "PDF reports need Debian's CJK fonts and pango: sudo apt-get install fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0" >&2; exit 1; fi; }

migrate: install
	mkdir -p var
	$(MANAGE) migrate --no-input -v 0

seed: migrate
	$(MANAGE) seed_demo --scale $(SCALE) --seed $(SEED)

# seed_demo prints the logins last, just before the server starts. A Celery worker with an
# embedded beat runs beside the server on the SQLite broker (docs/adr/0018) and stops with it.
demo: seed
	$(BIN)/celery -A gridgov.tasks.engine worker --beat --pool solo --loglevel warning \
	  --schedule var/celerybeat-schedule & worker=$$!; \
	  trap 'kill $$worker' EXIT INT TERM; $(MANAGE) runserver 127.0.0.1:8000

# The suite runs on every core (pytest-xdist; each worker has its own test database); tests
# that share one expensive fixture are an xdist group, run by one worker (loadgroup).
TEST_WORKERS ?= auto

test: install browser
	$(BIN)/pytest -q -n $(TEST_WORKERS) --dist loadgroup $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src bench

messages: install
	cd src/gridgov && ../../$(MANAGE) makemessages -l zh_Hans --no-obsolete && ../../$(MANAGE) compilemessages -l zh_Hans

clean:
	rm -rf $(VENV) var staticfiles node_modules vendor
