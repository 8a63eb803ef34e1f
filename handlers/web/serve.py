"""`tmbot serve`'s server: uvicorn with tmbot's logging, in a fresh process.

The command migrates the database, then replaces itself with this module (exec), so the server
process (and with --workers N, each worker it spawns) holds only what serving needs: not the
command line's other commands, Alembic, or the libraries of reports and imports.

    python -m handlers.web.serve HOST PORT WORKERS
"""

from __future__ import annotations

import sys

__all__ = ("main",)


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
