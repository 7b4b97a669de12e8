"""Machine, version and command information recorded with every run."""

from __future__ import annotations

import os
import platform
import shlex
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

__all__ = ["machine_info", "versions", "command_line", "git_revision", "measure_limits", "peak_flops", "bandwidth"]

from .limits import bandwidth, measure_limits, peak_flops  # the measured peak and bandwidth (see limits.py)

REPO = Path(__file__).resolve().parent.parent


def _cpuinfo() -> dict[str, str]:
    out: dict[str, str] = {}
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return out
    for line in text.splitlines():
        if ":" in line:
            k, v = (s.strip() for s in line.split(":", 1))
            out.setdefault(k, v)
    out["logical processors"] = str(sum(1 for l in text.splitlines() if l.startswith("processor")))
    return out


def machine_info() -> dict[str, str]:
    cpu = _cpuinfo()
    info = {
        "CPU model": cpu.get("model name", platform.processor() or "unknown"),
        "logical CPUs (os.cpu_count)": str(os.cpu_count()),
        "CPUs available to this process": str(len(os.sched_getaffinity(0))) if hasattr(os, "sched_getaffinity") else "?",
    }
    if "cpu cores" in cpu:
        info["cores per socket (/proc/cpuinfo)"] = cpu["cpu cores"]
    if "cpu MHz" in cpu:
        info["cpu MHz (at start)"] = cpu["cpu MHz"]
    flags = cpu.get("flags", "").split()
    simd = [f for f in ("sse4_2", "avx", "avx2", "fma", "avx512f") if f in flags]
    if simd:
        info["SIMD flags"] = " ".join(simd)
    try:
        mem = Path("/proc/meminfo").read_text().splitlines()[0].split()[1]
        info["memory"] = f"{int(mem) / 2**20:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    info["platform"] = platform.platform()
    try:
        info["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    return info


def _dist(name: str) -> str | None:
    try:
        return version(name)
    except PackageNotFoundError:
        return None


def versions() -> dict[str, str]:
    import numpy

    out = {"python": platform.python_version() + f" ({sys.executable})", "numpy": numpy.__version__}
    for label, dist in (("numba", "numba"), ("scipy", "scipy"), ("llvmlite", "llvmlite"), ("qnnsym", "qnnsym"),
                        ("sympy", "sympy"), ("torch", "torch"), ("pennylane", "pennylane"),
                        ("pennylane-lightning", "pennylane_lightning"), ("jax", "jax"), ("jaxlib", "jaxlib"),
                        ("qulacs", "qulacs"), ("haarpy", "haarpy"), ("matplotlib", "matplotlib")):
        out[label] = _dist(dist) or "not installed"
    try:
        cfg = numpy.show_config(mode="dicts")
        blas = cfg.get("Build Dependencies", {}).get("blas", {})
        out["numpy BLAS"] = f"{blas.get('name', '?')} {blas.get('version', '')}".strip()
    except Exception:  # older numpy: no mode="dicts"
        pass
    rev = git_revision()
    if rev:
        out["qnnsym"] += f" (git {rev})"
    return out


def git_revision() -> str | None:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, timeout=10)
        if head.returncode != 0:
            return None
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "qnnsym"], cwd=REPO, capture_output=True, text=True, timeout=10)
        return head.stdout.strip() + (", qnnsym/ has uncommitted changes" if dirty.stdout.strip() else "")
    except (OSError, subprocess.SubprocessError):
        return None


def command_line(argv: list[str]) -> str:
    """The command to rerun, from the repository root."""
    return "python -m benchmarks" + ("" if not argv else " " + " ".join(shlex.quote(a) for a in argv))
