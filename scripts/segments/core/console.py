"""What the commands print: one line per stage by default, everything with `-v`.

Quiet (the default), a command prints one line per stage and ends with the
summary of its finished job; dbt's node lines go to its log file only (see
`segments.engines.dbt.log_file`). While dbt runs, a live progress line is
drawn on stderr when stderr is a terminal (never when it is piped, so piped
output holds no control characters). `segments -v` (`--verbose`) prints
everything as it happens: dbt's node lines, each raw file, each period.
"""

from __future__ import annotations

import shutil
import sys
import threading
import time

_state = {"verbose": False}


def set_verbose(verbose: bool) -> None:
    """Print everything (`-v`), or one line per stage (the default)."""
    _state["verbose"] = verbose


def verbose() -> bool:
    return _state["verbose"]


def detail(text: str) -> None:
    """A line printed only with `-v` (a step inside a stage)."""
    if verbose():
        print(text, flush=True)


class LiveLine:
    """One line on stderr, redrawn in place while a stage runs; erased when it ends.

    Drawn only when stderr is a terminal and the output is quiet; otherwise every
    call does nothing. At most one redraw every `interval` seconds, from any thread.
    """

    def __init__(self, label: str, interval: float = 0.2) -> None:
        self.label = label
        self.interval = interval
        self.active = not verbose() and sys.stderr.isatty()
        self.started = time.monotonic()
        self._drawn = 0.0
        self._width = 0
        self._lock = threading.Lock()

    def show(self, text: str, force: bool = False) -> None:
        if not self.active:
            return
        with self._lock:
            now = time.monotonic()
            if not force and now - self._drawn < self.interval:
                return
            self._drawn = now
            columns = shutil.get_terminal_size((80, 24)).columns - 1
            line = f"{self.label}  {text}  {now - self.started:.0f} s"[:columns]
            sys.stderr.write("\r" + line.ljust(self._width))
            sys.stderr.flush()
            self._width = len(line)

    def close(self) -> None:
        """Erase the line, so the next printed line starts at the left."""
        if not self.active or not self._width:
            return
        with self._lock:
            sys.stderr.write("\r" + " " * self._width + "\r")
            sys.stderr.flush()
            self._width = 0
