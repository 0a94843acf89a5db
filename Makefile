# Two commands do everything on a fresh machine (Python 3.11 + make):
#   make build   set up .venv, generate the demo raw data, load it, dbt build, backfill history
#   make test    set up .venv, sqlfluff lint, dbt build on a test database, pytest
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR := data/demo
DEMO_CUSTOMERS ?= 5000
# The demo data runs from 2023-01 to 2025-12: make build backfills two years of
# monthly history before the current month (periods already there are skipped).
DEMO_HISTORY_FROM := 2024-01
DEMO_HISTORY_TO := 2025-11
TEST_DIR := target/test
# pytest workers (pytest-xdist): the suite is mostly whole builds, one per core.
PYTEST_WORKERS ?= 2
export DBT_PROFILES_DIR := $(CURDIR)

PEERS_VENV := .venv-peers
PEERS_STAMP := $(PEERS_VENV)/.installed
SPARK_VENV := .venv-spark
SPARK_STAMP := $(SPARK_VENV)/.installed

.PHONY: build test test-spark java-check venv demo-data lint dbt-test pytest docs clean bench-peers

$(STAMP): requirements.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

venv: $(STAMP)

demo-data: $(STAMP)
	$(BIN)/segments generate --customers $(DEMO_CUSTOMERS) --seed 42 --out $(DEMO_DIR)

build: demo-data
	$(BIN)/segments build --raw-dir $(DEMO_DIR)
	$(BIN)/segments backfill --from $(DEMO_HISTORY_FROM) --to $(DEMO_HISTORY_TO)

lint: $(STAMP)
	$(BIN)/ruff check scripts
	$(BIN)/ruff format --check scripts
	@mkdir -p target
	DUCKDB_PATH=target/lint.duckdb $(BIN)/python -m segments.devtools.lint_sql lint --processes 2 models tests analyses

dbt-test: $(STAMP)
	$(BIN)/segments generate --customers 2000 --seed 7 --out $(TEST_DIR)/raw
	DUCKDB_PATH=$(TEST_DIR)/test.duckdb $(BIN)/segments build --raw-dir $(TEST_DIR)/raw --target ci
	DUCKDB_PATH=$(TEST_DIR)/test.duckdb $(BIN)/dbt test --target ci --select tag:after_first_build
	# Two past months, so the history's tests (migrations and shares add up) compare periods.
	DUCKDB_PATH=$(TEST_DIR)/test.duckdb $(BIN)/segments backfill --target ci --from 2025-10 --to 2025-11

pytest: $(STAMP)
	$(BIN)/pytest -n $(PYTEST_WORKERS)

test: lint dbt-test pytest

# The peer CLV libraries of `segments benchmark --peers`, in their own virtualenv
# (never a dependency of the warehouse).
$(PEERS_STAMP): requirements-peers.txt
	$(PYTHON) -m venv $(PEERS_VENV)
	$(PEERS_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements-peers.txt
	@touch $(PEERS_STAMP)

bench-peers: $(PEERS_STAMP)

# The same project on a local Spark (dbt-spark, method session): its own virtualenv with
# requirements.txt and requirements-spark.txt; demo data loaded into Spark tables, then
# every model and test built; then the DuckDB-vs-Spark comparison test.
$(SPARK_STAMP): requirements.txt requirements-spark.txt pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "error: $(PYTHON) not found (Python 3.11 is required)"; exit 1; }
	$(PYTHON) -m venv $(SPARK_VENV)
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt -r requirements-spark.txt
	$(SPARK_VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(SPARK_STAMP)

java-check:
	@command -v java >/dev/null || { echo "error: java not found: Spark needs Java 17 (e.g. apt-get install openjdk-17-jre-headless)"; exit 1; }
	@java -version 2>&1 | grep -Eq 'version "(17|21)' || { echo "error: Spark 3.5 needs Java 17 or 21, found: $$(java -version 2>&1 | head -1)"; exit 1; }

test-spark: java-check $(SPARK_STAMP)
	$(SPARK_VENV)/bin/pytest -p no:cacheprovider scripts/tests/test_spark.py

docs: $(STAMP)
	$(BIN)/segments docs

clean:
	rm -rf $(VENV) $(PEERS_VENV) $(SPARK_VENV) spark-warehouse target logs data *.duckdb *.raw .warehouse-build .hypothesis
