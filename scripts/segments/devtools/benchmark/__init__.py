"""`segments benchmark`: wall time and peak memory of each step, per number of customers.

For each scale, every step runs in its own child process, so its peak resident
memory (`ru_maxrss` from `os.wait4`) is its own:

1. `segments generate` (seed 42, CSV), or the files of an earlier run
   (`--reuse DIR`);
2. the load alone (`segments.warehouse.load.load_raw` into a fresh database), which is
   also the database the direct run (6) works on;
3. `segments build --raw-dir ... --target ci`: load + `dbt build` of every
   model, data test and unit test, as a user runs it;
4. dbt's own timing from `run_results.json`: elapsed time, and each node's
   `execution_time` summed per kind (dbt runs two nodes at once, so these sums
   are busy time, not elapsed time), and the slowest nodes;
5. the CLV fits and predictions alone, timed on the built warehouse with the
   functions its Python models call (`clv_timing.py`);
6. "direct" (unless `--no-direct`): the SQL dbt ran, without dbt, one model
   after another on one connection (`direct.py`); the ratio of dbt's model
   time to it is dbt's overhead;
7. with `--peers`: lifetimes and PyMC-Marketing fitted on the same CLV inputs
   (`peers.py`), their times and parameters next to ours.

dbt runs on a copy of the project taken when the benchmark starts, so its
`target/` and `logs/` are the benchmark's own, and every scale parses the
project from scratch, as a fresh CI checkout does. Progress goes to stderr, the
Markdown tables to stdout, and the JSON file (`--json`) is written after every
step, so a run stopped or failed at a later step keeps what it measured.
"""
