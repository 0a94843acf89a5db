"""Customer classification warehouse: orchestration CLI (`segments`)."""

__version__ = "0.1.0"
