"""A file built once per test run and shared by the pytest-xdist workers (a template database).

Every worker used to build its own copy (and a module-scoped fixture one per module it ran):
with 8 workers that is 8 to 100 migrations of the same schema. The first worker to get the lock
builds the file; the others wait for it and read the same file.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Callable
from pathlib import Path

import pytest

__all__ = ("built_once",)


def built_once(
    tmp_path_factory: pytest.TempPathFactory, name: str, build: Callable[[Path], None]
) -> Path:
    """The path of `name`, made by `build(path)` once in this run (a worker's copy alone in a
    run without xdist)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        path = tmp_path_factory.mktemp(name) / name
        build(path)
        return path
    # Under xdist each worker's base directory is <the run's base directory>/<worker id>:
    # the parent belongs to this run alone, so no file of an earlier run is ever read.
    root = tmp_path_factory.getbasetemp().parent
    path = root / name
    with (root / f"{name}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if not path.exists():
            part = root / f"{name}.part"
            part.unlink(missing_ok=True)
            build(part)
            part.rename(path)  # whole or absent: a worker never sees half a file
    return path
