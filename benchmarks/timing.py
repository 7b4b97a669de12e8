"""The timing core: build, first call, agreement check, then interleaved rounds.

For one problem size the contenders are measured like this:

1. **build** — each contender's ``prepare()`` builds everything it needs (models, tensors,
   QNodes) outside any timed region.  A peer whose library is missing raises
   :class:`Unavailable` and is reported as *skipped* with the reason.
2. **first call** — one call of ``run()`` is timed on its own (JIT compilation, tracing,
   caches); it is reported in its own column and never enters the statistics.
3. **agreement** — ``check()`` of every contender is compared with the baseline's
   (qnnsym's); the largest absolute difference is recorded.  A contender off by more than
   ``atol`` is reported as *disagrees* and is not timed.
4. **calibration** — one more call sets ``inner``, the number of calls per sample, so that
   a sample lasts at least ``min_sample_s`` (fast calls are averaged over ``inner`` calls,
   as :mod:`timeit` does; slow calls are timed one by one).
5. **rounds** — in round ``r`` every contender takes one sample, in an order rotated by
   ``r``, so slow drifts of the machine (frequency, other load) hit all contenders alike.
   The garbage collector is off inside a sample.

The statistics are the median, min and max over the rounds of the per-call time.

6. **memory** — the first call (step 2) runs with the process's peak resident set size
   reset (``echo 5 > /proc/self/clear_refs``), so ``VmHWM - VmRSS(before)`` is the growth of
   resident memory during that first call: every allocator, native ones (torch, XLA, C++)
   included, and one-time costs such as JIT compilation; memory the allocator already holds
   from earlier contenders is reused without growing the RSS, so small sizes read 0.  After
   the rounds, one more call runs under :mod:`tracemalloc`: the peak of Python-tracked
   allocations (Python objects and numpy buffers; torch, XLA and C++ allocate outside it).
   Neither call enters the statistics.
"""

from __future__ import annotations

import gc
import math
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

__all__ = ["Unavailable", "Prepared", "Contender", "Outcome", "measure"]


class Unavailable(Exception):
    """A contender cannot run here (library missing, model outside what the peer supports)."""


@dataclass
class Prepared:
    """A built contender.

    ``run`` is the timed call.  ``check`` (default: ``run``) returns the array compared
    with the baseline's; it is never timed.
    """

    run: Callable[[], Any]
    check: Callable[[], np.ndarray] | None = None
    #: optional exact result (e.g. a list of sympy Rationals) compared with the baseline's by ``==``
    exact: Callable[[], Any] | None = None


@dataclass
class Contender:
    name: str
    prepare: Callable[[], Prepared]
    note: str = ""


@dataclass
class Outcome:
    name: str
    status: str  # "baseline" | "timed" | "skipped" | "disagrees" | "failed"
    reason: str = ""
    build_s: float = math.nan
    first_call_s: float = math.nan
    agreement: float = math.nan  # max |check - baseline check|
    inner: int = 0
    samples: list[float] = field(default_factory=list)  # seconds per call, one per round
    note: str = ""
    peak_py_bytes: float = math.nan  # tracemalloc peak during one call
    peak_rss_bytes: float = math.nan  # VmHWM - VmRSS(before) during the first call (Linux only)

    @property
    def timed(self) -> bool:
        return self.status in ("baseline", "timed") and bool(self.samples)

    @property
    def median(self) -> float:
        return float(np.median(self.samples)) if self.samples else math.nan

    @property
    def min(self) -> float:
        return float(np.min(self.samples)) if self.samples else math.nan

    @property
    def max(self) -> float:
        return float(np.max(self.samples)) if self.samples else math.nan

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "status": self.status,
            "reason": self.reason,
            "note": self.note,
            "build_s": self.build_s,
            "first_call_s": self.first_call_s,
            "agreement": self.agreement,
            "inner": self.inner,
            "median_s": self.median,
            "min_s": self.min,
            "max_s": self.max,
            "samples_s": list(self.samples),
            "peak_py_bytes": self.peak_py_bytes,
            "peak_rss_bytes": self.peak_rss_bytes,
        }


def _short(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}".strip()
    return text.splitlines()[0][:300]


def _one_sample(run: Callable[[], Any], inner: int) -> float:
    gc_was_on = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter()
        for _ in range(inner):
            run()
        return (time.perf_counter() - t0) / inner
    finally:
        if gc_was_on:
            gc.enable()


def _status_kb(key: str) -> int | None:
    try:
        for line in open("/proc/self/status"):
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _peak_rss_growth(run: Callable[[], Any]) -> float:
    """Growth of resident memory during one call of ``run`` (bytes), or NaN where unsupported."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")  # reset VmHWM to the current VmRSS
    except OSError:
        return math.nan
    before = _status_kb("VmRSS")
    run()
    peak = _status_kb("VmHWM")
    if before is None or peak is None:
        return math.nan
    return float(max(peak - before, 0) * 1024)


def _peak_python(run: Callable[[], Any]) -> float:
    import tracemalloc

    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        run()
        return float(tracemalloc.get_traced_memory()[1] - base)
    finally:
        tracemalloc.stop()


def measure(
    contenders: list[Contender],
    rounds: int,
    *,
    atol: float = 1e-9,
    min_sample_s: float = 0.02,
    max_inner: int = 10_000,
    memory: bool = True,
    log: Callable[[str], None] = lambda s: None,
) -> list[Outcome]:
    """Measure ``contenders`` (the first is the baseline) for ``rounds`` interleaved rounds."""
    if not contenders:
        return []
    outcomes: list[Outcome] = []
    prepared: list[Prepared | None] = []
    for c in contenders:
        out = Outcome(c.name, "timed", note=c.note)
        t0 = time.perf_counter()
        try:
            p = c.prepare()
            out.build_s = time.perf_counter() - t0
        except Unavailable as exc:
            out.status, out.reason, p = "skipped", str(exc), None
        except Exception as exc:  # a peer that breaks is reported, not fatal
            out.status, out.reason, p = "failed", f"build: {_short(exc)}", None
            log(traceback.format_exc())
        outcomes.append(out)
        prepared.append(p)
    outcomes[0].status = "baseline" if prepared[0] is not None else outcomes[0].status
    if prepared[0] is None:
        raise RuntimeError(f"the baseline {contenders[0].name} could not be built: {outcomes[0].reason}")

    # first call, then agreement with the baseline
    reference: np.ndarray | None = None
    exact_reference: Any = None
    for out, p in zip(outcomes, prepared):
        if p is None:
            continue
        try:
            if memory:
                gc.collect()
                t0 = time.perf_counter()
                out.peak_rss_bytes = _peak_rss_growth(p.run)
            else:
                t0 = time.perf_counter()
                p.run()
            out.first_call_s = time.perf_counter() - t0
            value = np.asarray((p.check or p.run)(), dtype=np.complex128).ravel()
        except Exception as exc:
            if out.status == "baseline":
                raise
            out.status, out.reason = "failed", f"run: {_short(exc)}"
            log(traceback.format_exc())
            continue
        if reference is None:
            reference = value
            out.agreement = 0.0
            exact_reference = p.exact() if p.exact is not None else None
            continue
        if exact_reference is not None and p.exact is not None:
            try:
                same = p.exact() == exact_reference
            except Exception as exc:
                out.status, out.reason = "failed", f"exact check: {_short(exc)}"
                continue
            if not same:
                out.status, out.reason = "disagrees", "exact values differ from the baseline's (compared with ==)"
                continue
        if value.shape != reference.shape:
            out.status, out.reason = "disagrees", f"output shape {value.shape} != baseline {reference.shape}"
            continue
        out.agreement = float(np.max(np.abs(value - reference))) if value.size else 0.0
        if not out.agreement <= atol:  # also catches NaN
            out.status, out.reason = "disagrees", f"max |difference| {out.agreement:.3e} > {atol:.0e}"

    active = [(out, p) for out, p in zip(outcomes, prepared) if p is not None and out.status in ("baseline", "timed")]
    for out, p in active:
        t = _one_sample(p.run, 1)
        out.inner = int(min(max_inner, max(1, math.ceil(min_sample_s / max(t, 1e-9)))))
    for r in range(rounds):
        k = r % len(active)
        for out, p in active[k:] + active[:k]:
            out.samples.append(_one_sample(p.run, out.inner))
        gc.collect()
    for out, p in active:
        if memory:
            gc.collect()
            out.peak_py_bytes = _peak_python(p.run)
        log(f"    {out.name:<28} median {out.median * 1e3:10.3f} ms  (x{out.inner} per sample)"
            + (f"  first {out.first_call_s * 1e3:.1f} ms" if math.isfinite(out.first_call_s) else ""))
    return outcomes
