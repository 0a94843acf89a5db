"""What a quiet dbt invocation shows: a live progress line, then dbt's warnings.

dbt hands every event it logs to the callbacks of `dbtRunner`, whatever its
console log level; quiet, the console gets none (`--log-level none`) and this
callback counts the nodes as they finish (the live line of
`segments.core.console`) and keeps the warnings, printed after the run one line
each. The log file holds everything (`segments.engines.dbt.log_file`).
"""

from __future__ import annotations

import re
import threading
from typing import Any

from segments.core import console

WARNINGS_SHOWN = 5
# dbt's own prefix of a warning's message ("[WARNING]: ..."), left out of ours.
WARNING_PREFIX = re.compile(r"^\[WARNING\]:\s*")
# Warnings already printed by this process: a backfill's runs parse the project
# again and would repeat its warnings once per run.
_shown: set[str] = set()


class Progress:
    """The callback of one dbt invocation: nodes started and finished, warnings."""

    def __init__(self, command: str) -> None:
        self.line = console.LiveLine(f"dbt {command}")
        self.finished = 0
        self.running: dict[str, str] = {}
        self.warnings: list[str] = []
        self._lock = threading.Lock()

    def __call__(self, event: Any) -> None:
        name = event.info.name
        if event.info.level == "warn":
            self._warned(event.info.msg)
        if name == "NodeStart":
            info = event.data.node_info
            with self._lock:
                self.running[info.unique_id] = f"{info.resource_type} {info.node_name}"
            self._draw()
        elif name == "NodeFinished":
            with self._lock:
                self.running.pop(event.data.node_info.unique_id, None)
                self.finished += 1
            self._draw()

    def _warned(self, message: str) -> None:
        text = WARNING_PREFIX.sub("", " ".join(str(message).split()))
        with self._lock:
            if text and text not in self.warnings:
                self.warnings.append(text)

    def _draw(self) -> None:
        with self._lock:
            done, running = self.finished, sorted(self.running.values())
        # No bar: dbt's own count of the nodes to run is not to be trusted with unit
        # tests (its "1 of 730" of a build of 279 nodes), so the line counts up.
        self.line.show(f"{done} nodes done  {running[0] if running else ''}".rstrip())

    def close(self) -> None:
        """Erase the live line and print dbt's warnings, one line each."""
        self.line.close()
        if console.verbose():
            return  # dbt printed them itself
        new = [text for text in self.warnings if text not in _shown]
        _shown.update(new)
        for text in new[:WARNINGS_SHOWN]:
            print(f"dbt warning: {text}", flush=True)
        if len(new) > WARNINGS_SHOWN:
            print(f"dbt warning: {len(new) - WARNINGS_SHOWN} more in dbt's log file", flush=True)
