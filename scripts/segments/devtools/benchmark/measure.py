"""Measuring one step of the benchmark: a child process's wall time and own peak memory."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from segments.core.errors import SegmentsError

TAIL_LINES = 25
_KIB_PER_MIB = 1024


def progress(message: str) -> None:
    """One progress line on stderr."""
    print(f"benchmark: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True)
class Measured:
    """What one child process took: wall seconds, peak resident memory, exit code, logs."""

    wall_seconds: float
    peak_mb: float
    returncode: int
    stdout: Path
    stderr: Path
    # The machine's 1-minute load average when the step ended: other work competes.
    load_average: float | None = None

    def as_dict(self) -> dict[str, float | None]:
        return {
            "wall_seconds": round(self.wall_seconds, 3),
            "peak_mb": round(self.peak_mb, 1),
            "load_average_1m_at_end": self.load_average,
        }


def measure(
    command: Sequence[str],
    log_prefix: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> Measured:
    """Run `command` to the end; its wall time and its own peak RSS in MiB.

    Output goes to `<log_prefix>.stdout` / `.stderr`. The peak is the child's
    `ru_maxrss` as `os.wait4` reports it (KiB on Linux): that child (and any
    process it waited for) only, not the maximum over every child this process ran.
    """
    log_prefix.parent.mkdir(parents=True, exist_ok=True)
    stdout = log_prefix.with_name(log_prefix.name + ".stdout")
    stderr = log_prefix.with_name(log_prefix.name + ".stderr")
    # What earlier steps wrote is flushed first, so this step's time is its own.
    os.sync()
    with stdout.open("wb") as out, stderr.open("wb") as err:
        start = time.perf_counter()
        child = subprocess.Popen(list(command), stdout=out, stderr=err, env=env, cwd=cwd)
        try:
            _, status, usage = os.wait4(child.pid, 0)
        except BaseException:
            child.kill()
            child.wait()
            raise
        wall = time.perf_counter() - start
    # Reaped here, not by Popen: tell it, so it never waits for the pid again.
    child.returncode = os.waitstatus_to_exitcode(status)
    peak_mb = usage.ru_maxrss / _KIB_PER_MIB
    return Measured(wall, peak_mb, child.returncode, stdout, stderr, _load_average())


def _load_average() -> float | None:
    try:
        return round(os.getloadavg()[0], 2)
    except OSError:
        return None


def tail(path: Path, lines: int = TAIL_LINES) -> str:
    """The last `lines` lines of a log file ('' when absent)."""
    if not path.exists():
        return ""
    text = path.read_text(encoding="utf-8", errors="replace").rstrip()
    return "\n".join(text.splitlines()[-lines:])


def checked(step: str, measured: Measured) -> Measured:
    """`measured`, or a SegmentsError naming the step and showing the end of its output."""
    if measured.returncode == 0:
        return measured
    shown = tail(measured.stderr) or tail(measured.stdout) or "(no output)"
    raise SegmentsError(
        f"benchmark step {step!r} failed (exit code {measured.returncode}); "
        f"end of its output:\n{shown}"
    )


def run_step(
    label: str,
    step: str,
    command: Sequence[str],
    logs: Path,
    env: Mapping[str, str] | None = None,
) -> Measured:
    """Measure one step with progress lines before and after; fail on a non-zero exit."""
    progress(f"{label}: {step} ...")
    measured = checked(step, measure(command, logs / step, env=env, cwd=logs.parent))
    progress(
        f"{label}: {step} done in {measured.wall_seconds:.1f} s, peak {measured.peak_mb:,.0f} MB"
    )
    return measured
