"""Instruction counts with valgrind's callgrind, for the in-process benchmarks: the child runs
under callgrind with instrumentation off, and switches it on (`control("on")`) only around what
it measures.

Deterministic on a shared, noisy machine, where CPU times move by 30 % between runs. Callgrind
counts user-space instructions only and runs about 50 times slower.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path


def control(state: str) -> None:
    """Switch the instrumentation of this process "on" or "off" (it runs under callgrind)."""
    subprocess.run(
        ["callgrind_control", "-i", state, str(os.getpid())], check=True, stdout=subprocess.DEVNULL
    )


def count(command: Sequence[str], env: Mapping[str, str], cwd: Path, log: Path) -> int:
    """Run `command` under callgrind; the instructions it counted while switched on."""
    valgrind = ["valgrind", "--tool=callgrind", "--instr-atstart=no"]
    valgrind += ["--callgrind-out-file=/dev/null", f"--log-file={log}"]
    subprocess.run([*valgrind, *command], env=env, cwd=cwd, check=True)
    return next(
        int(line.split(":")[1].replace(",", ""))
        for line in log.read_text().splitlines()
        if "Collected :" in line
    )
