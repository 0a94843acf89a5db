"""The command line as a person meets it: quiet by default (one line per stage, dbt's
full log in its log file, the summary of the finished job last), everything with -v;
a mistyped command or option answered with the closest one and that command's usage,
under an exit code of its own; `segments docs` beside a reader."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import duckdb
import pytest

import segments
from segments import cli
from segments.core import console, errors
from segments.devtools import generate
from segments.engines import dbt, dbt_progress

ESC = "\x1b"
# dbt's line for each node it ran: "12 of 279 OK created sql table model ...".
NODE_LINE = re.compile(r"\d+ of \d+ (START|OK|PASS)")
# A quiet build and backfill of the small data set print about this many lines:
# the stages, the tables with their rows, the data quality of each raw table.
QUIET_LINES_AT_MOST = 80
OPERATIONS = Path(segments.__file__).parents[2] / "docs" / "operations.md"


def segments_command(warehouse: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`segments <args> --target ci` in its own process, its output piped (not a terminal)."""
    package_root = str(Path(segments.__file__).parents[1])
    return subprocess.run(
        [sys.executable, "-m", "segments.cli", *args, "--target", "ci"],
        env=os.environ | {"DUCKDB_PATH": str(warehouse), "PYTHONPATH": package_root},
        capture_output=True,
        text=True,
        timeout=900,
    )


def usage_error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The exit code and stderr of `segments <argv>`, a command line argparse refuses."""
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    return int(exited.value.code), capsys.readouterr().err


# --- did you mean, and the usage exit code ----------------------------------------


def test_a_mistyped_command_names_the_closest_and_prints_its_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # WHEN a command is mistyped
    code, err = usage_error(["reprot"], capsys)
    # THEN the closest command is suggested, its usage printed, with the usage exit code
    assert "did you mean 'report'?" in err
    assert err.startswith("usage: segments report ")
    assert code == errors.UsageError.exit_code == 64


def test_a_mistyped_option_names_the_closest_and_prints_the_commands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # WHEN an option of build is mistyped
    code, err = usage_error(["build", "--as-off", "2025-06-30"], capsys)
    # THEN build's closest option is suggested, with build's usage
    assert "unrecognized arguments: --as-off 2025-06-30 (did you mean --as-of?)" in err
    assert err.startswith("usage: segments build ")
    assert code == 64


def test_a_mistyped_choice_names_the_closest(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = usage_error(["backfill", "--from", "2025-01", "--period", "mnth"], capsys)
    assert "invalid choice: 'mnth' (did you mean 'month'?)" in err and code == 64


def test_nothing_close_is_not_guessed(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = usage_error(["report", "--zzzz"], capsys)
    assert "unrecognized arguments: --zzzz" in err and "did you mean" not in err
    assert code == 64


def test_as_of_gives_its_format_in_help_and_in_its_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    # WHEN build's help is asked for THEN --as-of shows the date format
    with pytest.raises(SystemExit):
        cli.main(["build", "--help"])
    assert "--as-of YYYY-MM-DD" in capsys.readouterr().out
    # WHEN the date is not one THEN a usage error names the format
    code, err = usage_error(["build", "--as-of", "30/06/2025"], capsys)
    assert "--as-of: must be a date as YYYY-MM-DD" in err and code == 64


def test_each_exit_code_means_one_thing_and_is_in_the_documented_table() -> None:
    # GIVEN every error class the CLI turns into an exit code
    classes = [errors.SegmentsError, *_subclasses(errors.SegmentsError)]
    codes = [cls.__dict__["exit_code"] for cls in classes if "exit_code" in cls.__dict__]
    # THEN no two give the same code (a subclass may keep its parent's); a usage error is
    # not a refused input file
    assert len(codes) == len(set(codes))
    assert errors.UsageError.exit_code != errors.InputFileError.exit_code
    # AND the one table of exit codes lists each of them
    table = OPERATIONS.read_text(encoding="utf-8").split("### Exit codes", 1)[1]
    listed = {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert set(codes) | {cli.INTERRUPTED_EXIT_CODE, cli.TERMINATED_EXIT_CODE} <= listed


def _subclasses(cls: type) -> list[type]:
    found = []
    for sub in cls.__subclasses__():
        found += [sub, *_subclasses(sub)]
    return found


# --- quiet by default -----------------------------------------------------------------


@dataclass(frozen=True)
class Runs:
    """A build then a backfill of a small data set, each in its own process."""

    warehouse: Path
    build: subprocess.CompletedProcess[str]
    backfill: subprocess.CompletedProcess[str]
    log_written: str  # what dbt's log file gained during the two


def _log_from(offset: int) -> str:
    log = dbt.log_file("ci")
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return text[offset:] if len(text) >= offset else text  # rotated: the new file


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Runs:
    """GIVEN generated data (150 customers), WHEN built and two months backfilled, quietly."""
    root = tmp_path_factory.mktemp("quiet")
    generate.generate(customers=150, seed=5, out=root / "raw")
    warehouse = root / "warehouse.duckdb"
    log = dbt.log_file("ci")
    offset = len(log.read_text(encoding="utf-8", errors="replace")) if log.exists() else 0
    built = segments_command(warehouse, "build", "--raw-dir", str(root / "raw"))
    filled = segments_command(warehouse, "backfill", "--from", "2025-10", "--to", "2025-11")
    return Runs(warehouse, built, filled, _log_from(offset))


def test_a_quiet_build_and_backfill_print_a_few_plain_lines(runs: Runs) -> None:
    assert runs.build.returncode == 0, runs.build.stdout + runs.build.stderr
    assert runs.backfill.returncode == 0, runs.backfill.stdout + runs.backfill.stderr
    output = runs.build.stdout + runs.build.stderr + runs.backfill.stdout + runs.backfill.stderr
    # THEN no dbt node line, no colour code (the output is piped), a few lines
    assert not NODE_LINE.search(output)
    assert ESC not in output
    assert len(output.splitlines()) <= QUIET_LINES_AT_MOST
    # AND one line per stage
    assert re.search(r"^loaded \d+ raw files, [\d,]+ rows, in [\d.]+ s$", runs.build.stdout, re.M)
    assert re.search(r"^dbt build: \d+ nodes in [\d.]+ s$", runs.build.stdout, re.M)
    assert re.search(r"^run 1 of 1: 2025-10 to 2025-11 computed", runs.backfill.stdout, re.M)


def test_dbt_s_full_log_is_in_its_file_and_named(runs: Runs) -> None:
    # THEN dbt's log file holds the node lines the console did not get, without colour codes
    assert NODE_LINE.search(runs.log_written)
    assert " OK created " in runs.log_written and ESC not in runs.log_written
    # AND the summaries say where it is
    assert f"dbt's full log: {dbt.log_file('ci')}" in runs.build.stdout
    assert f"dbt's full log: {dbt.log_file('ci')}" in runs.backfill.stdout


def test_the_backfill_ends_with_its_summary_of_the_history_it_filled(runs: Runs) -> None:
    # THEN the last lines are the backfill's summary: the history tables with the rows
    # they hold once it finished (tier_migrations and segment_outcomes no longer 0)
    with duckdb.connect(str(runs.warehouse), read_only=True) as con:
        migrations = con.execute("select count(*) from marts.tier_migrations").fetchone()[0]
        history = con.execute("select count(*) from marts.customer_segment_history").fetchone()[0]
        outcomes = con.execute("select count(*) from marts.segment_outcomes").fetchone()[0]
    assert migrations > 0 and outcomes > 0
    last = runs.backfill.stdout.strip().splitlines()[-6:]
    assert last[0] == f"warehouse: {runs.warehouse}"
    assert re.fullmatch(rf"  marts\.customer_segment_history +{history:,} rows", last[1])
    assert re.fullmatch(rf"  marts\.tier_migrations +{migrations:,} rows", last[3])
    assert re.fullmatch(rf"  marts\.segment_outcomes +{outcomes:,} rows", last[4])
    assert last[5].startswith("history: 3 period(s), 2025-10 to 2025-12")
    assert runs.backfill.stderr == ""


def test_verbose_prints_dbt_s_node_lines_without_colour_codes_when_piped(runs: Runs) -> None:
    # WHEN a month is backfilled again with -v (a global option)
    redone = segments_command(runs.warehouse, "-v", "backfill", "--from", "2025-11", "--redo")
    # THEN dbt's node lines and each period are printed, still with no colour codes
    assert redone.returncode == 0, redone.stdout + redone.stderr
    assert NODE_LINE.search(redone.stdout) and " OK created " in redone.stdout
    assert re.search(r"^2025-11 +[\d,]+ customers", redone.stdout, re.M)
    assert ESC not in redone.stdout + redone.stderr


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _event(name: str, level: str = "debug", message: str = "", node: str = "") -> object:
    info = SimpleNamespace(unique_id=f"model.p.{node}", resource_type="model", node_name=node)
    return SimpleNamespace(
        info=SimpleNamespace(name=name, level=level, msg=message),
        data=SimpleNamespace(node_info=info),
    )


def test_on_a_terminal_a_live_line_counts_the_nodes_and_is_erased(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN stderr a terminal, and a quiet dbt invocation's events
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(dbt_progress, "_shown", set())
    progress = dbt_progress.Progress("build")
    progress.line.interval = 0
    for node in ("a", "b"):
        progress(_event("NodeStart", node=node))
        progress(_event("NodeFinished", node=node))
    progress(_event("Note", "warn", "[WARNING]: Deprecated\n  option"))
    drawn = terminal.getvalue()
    # THEN a line redrawn in place counts the finished nodes, naming the running one
    assert "\rdbt build  0 nodes done  model a" in drawn and "2 nodes done" in drawn
    assert "\n" not in drawn
    # WHEN it ends THEN the line is erased and dbt's warning printed once, on one line
    progress.close()
    assert terminal.getvalue().endswith("\r")
    assert capsys.readouterr().out == "dbt warning: Deprecated option\n"
    dbt_progress.Progress("run").close()


def test_piped_no_live_line_is_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    piped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", piped)
    progress = dbt_progress.Progress("build")
    progress(_event("NodeStart", node="a"))
    progress.close()
    assert piped.getvalue() == ""


def test_verbose_draws_no_live_line(monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = FakeTerminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(console, "_state", {"verbose": True})
    assert "--log-level" not in dbt.output_args("ci")
    progress = dbt_progress.Progress("build")
    progress(_event("NodeStart", node="a"))
    assert terminal.getvalue() == ""


# --- docs beside a reader ------------------------------------------------------------

HOLDER = """
import duckdb, sys
con = duckdb.connect(sys.argv[1], read_only=sys.argv[2] == "read-only")
print(con.execute("select count(*) from marts.customers").fetchone()[0], flush=True)
sys.stdin.readline()
"""


def _holding(warehouse: Path, mode: str) -> subprocess.Popen[str]:
    """Another process holding `warehouse` open (`mode`: read-only or read-write)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(warehouse), mode],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None and int(holder.stdout.readline()) > 0
    return holder


def _release(holder: subprocess.Popen[str]) -> None:
    assert holder.stdin is not None
    holder.stdin.write("\n")
    holder.stdin.flush()
    assert holder.wait(timeout=60) == 0


def test_docs_beside_a_read_only_reader_are_built_from_a_copy(runs: Runs) -> None:
    # GIVEN a reader (a BI tool) holding the warehouse read-only in another process
    reader = _holding(runs.warehouse, "read-only")
    try:
        # WHEN the docs are generated
        made = segments_command(runs.warehouse, "docs")
    finally:
        _release(reader)
    # THEN they are written, quietly, with no traceback or lock error
    assert made.returncode == 0, made.stdout + made.stderr
    assert "wrote the dbt docs site to" in made.stdout
    assert "Traceback" not in made.stderr and "lock" not in (made.stdout + made.stderr)
    assert not NODE_LINE.search(made.stdout) and len(made.stdout.splitlines()) <= 5


def test_docs_beside_a_writer_is_one_clear_message(runs: Runs) -> None:
    # GIVEN a notebook holding the warehouse read-write
    writer = _holding(runs.warehouse, "read-write")
    try:
        made = segments_command(runs.warehouse, "docs")
    finally:
        _release(writer)
    # THEN one message naming the holder, exit code 3 (locked), no traceback
    assert made.returncode == errors.WarehouseLockedError.exit_code
    assert made.stderr.startswith(f"error: {runs.warehouse} is open read-write in another")
    assert "Traceback" not in made.stderr and len(made.stderr.splitlines()) == 1
