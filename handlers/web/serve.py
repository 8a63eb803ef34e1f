"""`tmbot serve`'s server: uvicorn with tmbot's logging, in a fresh process.

The command migrates the database, then replaces itself with this module (exec), so the server
process (and with --workers N, each worker it spawns) holds only what serving needs: not the
command line's other commands, Alembic, or the libraries of reports and imports.

    python -m handlers.web.serve HOST PORT WORKERS

It runs with glibc's malloc limited to two arenas (`MALLOC_ARENA_MAX=2`, unless set): by default
every thread of the worker's pools may get its own arena, which holds freed memory for that
thread; two keep about 3 MiB less resident per worker under load (docs/benchmarks.md).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

__all__ = ("main", "server_env")

MALLOC_ARENAS = "2"


def server_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The server's environment: `environ`, with malloc's arena limit unless already set."""
    return {"MALLOC_ARENA_MAX": MALLOC_ARENAS, **environ}


def main(argv: list[str]) -> None:
    """Serve `webhook:served_app` on HOST:PORT with WORKERS processes."""
    import uvicorn

    from handlers.web.logs import LOG_CONFIG

    host, port, workers = argv[0], int(argv[1]), int(argv[2])
    uvicorn.run(
        "webhook:served_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=LOG_CONFIG,
    )


if __name__ == "__main__":
    main(sys.argv[1:])
