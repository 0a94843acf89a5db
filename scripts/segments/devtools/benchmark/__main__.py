"""The benchmark's child processes: `python -m segments.devtools.benchmark load|direct|clv ...`.

load DATABASE RAW_DIR                      the load alone, into DATABASE
direct DATABASE PLAN TIMINGS_OUT           the direct run of a plan (direct.py)
clv WAREHOUSE MANIFEST INPUTS_CSV OUT      the CLV fits and predictions (clv_timing.py)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from segments.core import project
from segments.core.errors import SegmentsError
from segments.devtools.benchmark.clv_timing import time_clv
from segments.devtools.benchmark.direct import run_direct
from segments.warehouse import load, raw_files

USAGE = (
    "usage: python -m segments.devtools.benchmark "
    "load DB RAW_DIR | direct DB PLAN OUT | clv DB MANIFEST CSV OUT"
)


def main(argv: Sequence[str]) -> int:
    try:
        if len(argv) == 3 and argv[0] == "load":
            load.load_raw(Path(argv[1]), raw_files.find(Path(argv[2])), project.column_mapping())
        elif len(argv) == 4 and argv[0] == "direct":
            plan = json.loads(Path(argv[2]).read_text())
            Path(argv[3]).write_text(json.dumps(run_direct(Path(argv[1]), plan)), encoding="utf-8")
        elif len(argv) == 5 and argv[0] == "clv":
            timings = time_clv(Path(argv[1]), Path(argv[2]), Path(argv[3]))
            Path(argv[4]).write_text(json.dumps(timings), encoding="utf-8")
        else:
            print(USAGE)
            return 2
    except SegmentsError as error:
        print(f"error: {error}", file=sys.stderr)
        return error.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
