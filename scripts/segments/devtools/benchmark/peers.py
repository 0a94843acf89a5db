"""Peer CLV libraries fitted on the warehouse's own CLV inputs (`segments benchmark --peers`).

lifetimes and PyMC-Marketing are an optional extra, installed by `make
bench-peers` into their own virtualenv (`.venv-peers`), never a dependency of
the warehouse. Each peer runs `peer_fits.py` in that virtualenv, in a process
of its own with a time limit; a peer that is not installed, fails or runs out
of time is reported with that status, not left out.
"""

from __future__ import annotations

import json
import math
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from segments.devtools.benchmark.measure import progress, tail

PEERS = ("lifetimes", "pymc-marketing")
PEER_SCRIPT = Path(__file__).with_name("peer_fits.py")
DEFAULT_TIME_LIMIT_SECONDS = 1800


def run_peers(
    python: Path, inputs_csv: Path, work: Path, label: str, time_limit: float
) -> list[dict[str, Any]]:
    """Fit every peer on `inputs_csv` with the `python` of the peers' virtualenv."""
    if not python.exists():
        status = f"not installed: {python} missing (run `make bench-peers`)"
        return [{"peer": peer, "status": status} for peer in PEERS]
    results = []
    for peer in PEERS:
        out = work / f"peer-{peer}.json"
        progress(f"{label}: peer {peer} ...")
        try:
            completed = subprocess.run(
                [str(python), str(PEER_SCRIPT), peer, str(inputs_csv), str(out)],
                capture_output=True,
                text=True,
                timeout=time_limit,
                check=False,
            )
        except subprocess.TimeoutExpired:
            results.append({"peer": peer, "status": f"no fit within {time_limit:.0f} s"})
            continue
        (work / f"peer-{peer}.log").write_text(completed.stdout + completed.stderr)
        if completed.returncode != 0 or not out.exists():
            shown = tail(work / f"peer-{peer}.log", 3).replace("\n", " ")
            results.append(
                {"peer": peer, "status": f"failed (exit {completed.returncode}): {shown}"}
            )
            continue
        result = {"peer": peer, **json.loads(out.read_text(encoding="utf-8"))}
        results.append(result)
        seconds = result.get("bgnbd_seconds", 0) + result.get("gamma_gamma_seconds", 0)
        progress(f"{label}: peer {peer}: {result['status']}, fits {seconds:.1f} s")
    return results


def compare(ours: Mapping[str, Any], peers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each peer's fit time against ours and its largest relative parameter difference."""
    compared = []
    for peer in peers:
        row = dict(peer)
        if peer.get("status") == "fitted":
            seconds = peer["bgnbd_seconds"] + peer["gamma_gamma_seconds"]
            row["fit_seconds"] = seconds
            row["times_ours"] = seconds / ours["fit_seconds"] if ours["fit_seconds"] else None
            row["max_relative_parameter_difference"] = max(
                abs(value - ours["parameters"][model][name]) / abs(ours["parameters"][model][name])
                for model in ("bgnbd", "gamma_gamma")
                for name, value in peer[model].items()
                if math.isfinite(ours["parameters"][model][name])
            )
        compared.append(row)
    return compared
