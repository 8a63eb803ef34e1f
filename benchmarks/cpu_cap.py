"""Cap processes at a fraction of one core, each in its own cgroup (cgroup v1 `cpu` controller).

`benchmarks.load --worker-cpu 0.4` puts each server worker in its own group capped at 0.4 core
and leaves the load client uncapped, so that 1 worker vs 2 workers measures whether a second
worker doubles capacity when cores are not the limit (2 x 0.4 core on a 2-core machine leaves
the client about a core). The groups get a high cpu.shares, so that other work on the machine
does not take what a capped worker is allowed; `favour` gives the same weight, without a cap, to
the load client and the database's backends. The groups are removed on exit, on Ctrl-C and on errors; groups a
killed run left behind are removed by the next one.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from types import TracebackType

__all__ = ("CpuCapError", "CpuCaps")

ROOT = Path("/sys/fs/cgroup/cpu")
PERIOD_US = 100_000
# cpu.shares of the benchmark's groups (the default is 1024, one ordinary process's worth): other
# sessions' processes on the machine must not take the CPU a capped worker is allowed.
SHARES = 8192
_PREFIX = "tmbot-load-"


class CpuCapError(RuntimeError):
    """The cgroup v1 cpu controller is missing or not writable here."""


def _own_group(root: Path) -> Path:
    """The cpu cgroup this process is in (the caps are made under it, pids return to it)."""
    for line in Path("/proc/self/cgroup").read_text().splitlines():
        _, controllers, path = line.split(":", 2)
        if "cpu" in controllers.split(","):
            return root / path.lstrip("/")
    return root


def _alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


class CpuCaps:
    """Per-process CPU caps; use as a context manager so the groups always go away."""

    def __init__(self, fraction: float, root: Path = ROOT) -> None:
        if not 0.01 <= fraction <= 64:
            raise CpuCapError(f"--worker-cpu {fraction}: give a fraction of a core, e.g. 0.4")
        self.fraction = fraction
        self.root = root
        self.parent = _own_group(root) if root == ROOT else root
        self.groups: dict[int, Path] = {}
        self._check()

    def _check(self) -> None:
        quota = self.parent / "cpu.cfs_quota_us"
        if not quota.exists():
            raise CpuCapError(
                f"--worker-cpu needs the cgroup v1 cpu controller at {self.root} "
                f"({quota} not found; cgroup v2-only machines are not supported)"
            )
        if not os.access(self.parent, os.W_OK) or not os.access(
            self.parent / "cgroup.procs", os.W_OK
        ):
            raise CpuCapError(
                f"--worker-cpu needs write access to {self.parent} (run as root, or give this "
                "user a delegated cpu cgroup)"
            )
        self._remove_stale()

    def _remove_stale(self) -> None:
        """Groups of an earlier run that was killed before it could clean up."""
        for group in self.parent.glob(f"{_PREFIX}*"):
            owner = group.name[len(_PREFIX) :].split("-", 1)[0]
            if owner.isdigit() and not _alive(int(owner)):
                self._remove(group)

    def _group(self, name: str) -> Path:
        group = self.parent / f"{_PREFIX}{os.getpid()}-{name}"
        if not group.exists():
            group.mkdir()
            (group / "cpu.shares").write_text(str(SHARES))
        return group

    def cap(self, pid: int) -> None:
        """Move `pid` (all its threads) into a new group capped at `fraction` of a core."""
        try:
            group = self._group(str(pid))
            self.groups[pid] = group
            (group / "cpu.cfs_period_us").write_text(str(PERIOD_US))
            (group / "cpu.cfs_quota_us").write_text(str(round(self.fraction * PERIOD_US)))
            (group / "cgroup.procs").write_text(str(pid))
        except OSError as exc:
            raise CpuCapError(f"could not cap pid {pid}: {exc}") from exc

    def favour(self, pids: list[int]) -> None:
        """Move `pids` into one uncapped group of the same weight (a pid gone meanwhile is
        skipped)."""
        try:
            group = self._group("uncapped")
        except OSError as exc:
            raise CpuCapError(f"could not make the uncapped group: {exc}") from exc
        self.groups.setdefault(0, group)
        for pid in pids:
            with contextlib.suppress(OSError):
                (group / "cgroup.procs").write_text(str(pid))

    def stat(self, pid: int) -> dict[str, int]:
        """The group's cpu.stat (nr_periods, nr_throttled, throttled_time in ns)."""
        group = self.groups.get(pid)
        if group is None:
            return {}
        with contextlib.suppress(OSError):
            pairs = (line.split() for line in (group / "cpu.stat").read_text().splitlines())
            return {key: int(value) for key, value in pairs}
        return {}

    def _remove(self, group: Path) -> None:
        with contextlib.suppress(OSError):
            for pid in (group / "cgroup.procs").read_text().split():
                # Back to where the benchmark runs; a process that exited meanwhile is skipped.
                with contextlib.suppress(OSError):
                    (self.parent / "cgroup.procs").write_text(pid)
        with contextlib.suppress(OSError):
            group.rmdir()

    def close(self) -> None:
        for group in self.groups.values():
            self._remove(group)
        self.groups.clear()

    def __enter__(self) -> CpuCaps:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
