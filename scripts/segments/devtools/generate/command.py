"""`segments generate`: the command, the parallel run over chunks and the manifest."""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from segments.devtools.generate.chunk import _chunk
from segments.devtools.generate.frames import _columns, _csv_text, _row_count, generated_columns
from segments.devtools.generate.fx_rates import _fx_rates
from segments.devtools.generate.products import _Catalogue, _products
from segments.devtools.generate.reference import (
    _GLOBAL_STREAM,
    MANIFEST_NAME,
)
from segments.devtools.generate.sales_reps import _sales_reps
from segments.devtools.generate.writer import (
    Manifest,
    _chunks,
    _PartWriter,
    _prepare_out_dir,
    _report_progress,
    _Sequences,
    _Tally,
    _validate,
)


def generate(
    customers: int,
    seed: int,
    out: Path,
    fmt: str = "csv",
    progress: bool = False,
    workers: int | None = None,
) -> Manifest:
    """Write every raw table for `customers` customers into `out`; return the manifest.

    Chunks of customers are independent (each draws from its own random stream
    and numbers its rows in its own block of ids), so worker processes, one per
    core (or `workers`), generate and format them while this process writes
    them in order: the files are the same whatever the number of workers.
    """
    _validate(customers, seed, fmt)
    out = _prepare_out_dir(Path(out), fmt)
    tally = _Tally()
    writer = _PartWriter(out)
    try:
        catalogue = _write_global_tables(writer, seed, customers)
        chunks = list(_chunks(customers))
        starts = [first for first, _ in chunks]
        sizes = [size for _, size in chunks]
        workers = min(workers or os.cpu_count() or 1, len(chunks))
        with ProcessPoolExecutor(max_workers=workers) as pool:
            done = pool.map(
                _chunk_csv,
                [seed] * len(chunks),
                range(len(chunks)),
                starts,
                sizes,
                [catalogue] * len(chunks),
            )
            for chunk_index, (texts, chunk_tally) in enumerate(done):
                for name, (text, count) in texts.items():
                    writer.write_text(name, text, count)
                tally.add(chunk_tally)
                if progress:
                    first_number, size = chunks[chunk_index]
                    _report_progress(first_number + size - 1, customers, chunk_index, len(chunks))
        manifest = tally.manifest(seed, customers, fmt, writer.rows)
        # No manifest while files are being swapped: a half-published directory is visible.
        (out / MANIFEST_NAME).unlink(missing_ok=True)
        writer.publish(fmt)
    except BaseException:
        writer.discard()
        raise
    (out / MANIFEST_NAME).write_text(manifest.to_json(), encoding="utf-8", newline="\n")
    return manifest


def _chunk_csv(
    seed: int, chunk_index: int, first_number: int, size: int, catalogue: _Catalogue
) -> tuple[dict[str, tuple[str, int]], _Tally]:
    """One chunk's rows as CSV text per table (with row counts), and its defect tally."""
    rng = np.random.default_rng([seed, chunk_index])
    tally = _Tally()
    texts = {}
    for name, rows in _chunk(rng, first_number, size, catalogue, _Sequences(chunk_index), tally):
        columns = generated_columns(name)
        if _columns(rows) != columns:
            raise AssertionError(f"{name}: columns {_columns(rows)} differ from {columns}")
        count = _row_count(rows)
        texts[name] = (_csv_text(rows) if count else "", count)
    return texts, tally


def _write_global_tables(writer: _PartWriter, seed: int, customers: int) -> _Catalogue:
    rng = np.random.default_rng([seed, _GLOBAL_STREAM])
    catalogue, products = _products(rng)
    writer.write("products", products)
    writer.write("fx_rates", _fx_rates(rng))
    writer.write("sales_reps", _sales_reps(rng, customers))
    return catalogue
