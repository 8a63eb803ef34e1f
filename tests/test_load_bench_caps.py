"""`benchmarks.load --worker-cpu`: where the cgroup cpu controller is missing, the option fails
with a message saying what it needs; where it is there, a capped group holds the pid at the
fraction asked (a stand-in directory tree; the real one needs root)."""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks.cpu_cap import SHARES, CpuCapError, CpuCaps


def test_no_cpu_controller_fails_with_what_it_needs(tmp_path: Path) -> None:
    with pytest.raises(CpuCapError, match="cgroup v1 cpu controller"):
        CpuCaps(0.4, root=tmp_path)


def test_a_fraction_that_is_not_one_is_refused(tmp_path: Path) -> None:
    (tmp_path / "cpu.cfs_quota_us").write_text("-1")
    with pytest.raises(CpuCapError, match="fraction of a core"):
        CpuCaps(0, root=tmp_path)


def test_a_capped_pid_gets_its_own_group_at_the_fraction(tmp_path: Path) -> None:
    (tmp_path / "cpu.cfs_quota_us").write_text("-1")
    (tmp_path / "cgroup.procs").write_text("")
    with CpuCaps(0.4, root=tmp_path) as caps:
        caps.cap(4242)
        group = caps.groups[4242]
        assert (group / "cpu.cfs_quota_us").read_text() == "40000"
        assert (group / "cpu.cfs_period_us").read_text() == "100000"
        assert (group / "cpu.shares").read_text() == str(SHARES)
        assert (group / "cgroup.procs").read_text() == "4242"
    assert caps.groups == {}
