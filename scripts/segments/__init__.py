"""Customer classification warehouse: orchestration CLI (`segments`)."""

import os

__version__ = "0.1.0"

# The CLV fits solve 4x4 systems: OpenBLAS's worker threads would only spin
# beside DuckDB's (measured: ~1% of a 1M-customer build). Set before numpy loads;
# an explicit setting of the caller wins.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
