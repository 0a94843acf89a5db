"""The project copy the benchmark builds, its profile, and the machine it runs on."""

from __future__ import annotations

import os
import platform
import shutil
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from segments import __version__
from segments.core.errors import SegmentsError

# What dbt reads from the project root; everything else stays behind.
PROJECT_ENTRIES = (
    "dbt_project.yml",
    "profiles.yml",
    "selectors.yml",
    "packages.yml",
    "dependencies.yml",
    "package-lock.yml",
    "models",
    "macros",
    "seeds",
    "tests",
    "analyses",
    "snapshots",
    "dbt_packages",
)


def snapshot_project(root: Path, dest: Path) -> Path:
    """Copy what dbt reads from the project at `root` into `dest`."""
    dest.mkdir(parents=True)
    for name in PROJECT_ENTRIES:
        source = root / name
        if source.is_dir():
            shutil.copytree(source, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.is_file():
            shutil.copy2(source, dest / name)
    return dest


def profile_output(project_root: Path, target: str) -> dict[str, Any]:
    """The `target` output of the project's profiles.yml (threads, DuckDB settings)."""
    profile_name = yaml.safe_load((project_root / "dbt_project.yml").read_text())["profile"]
    profiles = yaml.safe_load((project_root / "profiles.yml").read_text())
    try:
        return dict(profiles[profile_name]["outputs"][target])
    except (KeyError, TypeError):
        raise SegmentsError(f"profiles.yml has no target {target!r} for {profile_name}") from None


def machine_info() -> dict[str, Any]:
    """Where the numbers were measured."""
    cpu_model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    try:
        memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        memory_gib = None
    return {
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu": cpu_model or platform.processor(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "memory_gib": round(memory_gib, 1) if memory_gib else None,
    }


def versions() -> dict[str, str]:
    """Versions of Python and the packages that do the work."""
    found = {"python": platform.python_version(), "segments": __version__}
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "numpy", "pandas", "scipy"):
        try:
            found[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            found[package] = "not installed"
    return found
