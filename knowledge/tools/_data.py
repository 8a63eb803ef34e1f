"""Where the tools' data files live, and the error raised when one is malformed."""

from __future__ import annotations

from pathlib import Path

__all__ = ("DATA_DIR", "ToolDataError")

DATA_DIR = Path(__file__).resolve().parent.parent / "data"


class ToolDataError(ValueError):
    """A bundled or admin-supplied data file is missing or malformed (message names the file)."""
