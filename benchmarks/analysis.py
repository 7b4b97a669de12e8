"""Derived tables for the report: cost-growth fits (with plots) and the roofline fractions."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["fit_exponent", "growth_series", "growth_tables", "roofline_rows", "BOUND_TARGETS"]

#: (workload, size label prefix, factor): qnnsym within ``factor`` x the bound at that size
BOUND_TARGETS = (("W1", "n=14, L=4", 1.5), ("W1", "n=14, L=10", 1.5))


def fit_exponent(x, t) -> tuple[float, float]:
    """Least squares ``log t = a + b log x``; returns ``(b, standard error of b)`` (NaN s.e. for 2 points)."""
    lx, lt = np.log(np.asarray(x, float)), np.log(np.asarray(t, float))
    n = len(lx)
    A = np.vstack([np.ones(n), lx]).T
    coef, *_ = np.linalg.lstsq(A, lt, rcond=None)
    if n <= 2:
        return float(coef[1]), math.nan
    resid = lt - A @ coef
    s2 = float(resid @ resid) / (n - 2)
    cov = s2 * np.linalg.inv(A.T @ A)
    return float(coef[1]), float(math.sqrt(cov[1, 1]))


def growth_series(wr, xname: str, fixed: dict[str, Any]) -> dict[str, list[tuple[float, float]]]:
    """``{contender: [(x, median seconds), ...]}`` over the sizes that hold ``fixed``."""
    out: dict[str, list[tuple[float, float]]] = {}
    for sr in wr.sizes:
        prm = sr.size.params
        if xname not in prm or any(prm.get(k) != v for k, v in fixed.items()):
            continue
        for o in sr.outcomes:
            if o.timed:
                out.setdefault(o.name, []).append((float(prm[xname]), o.median))
    for k in out:
        out[k].sort()
    return out


def growth_tables(run, figures: Path | None) -> list[dict[str, Any]]:
    """One record per (workload, growth spec): the series, the fitted exponents, the plot path."""
    records = []
    for wr in run.workloads:
        for xname, fixed in wr.workload.growth:
            series = growth_series(wr, xname, fixed)
            fits = {}
            for name, pts in series.items():
                if len(pts) >= 2:
                    # qubits: the work grows like the state dimension 2^n, so fit t against 2^n
                    xs = [2.0 ** p[0] if xname == "n" else p[0] for p in pts]
                    b, se = fit_exponent(xs, [p[1] for p in pts])
                    fits[name] = (b, se, len(pts))
            fixed_txt = ", ".join(f"{k} = {v}" for k, v in fixed.items())
            rec = {"workload": wr.workload.key, "x": xname, "fixed": fixed, "fixed_text": fixed_txt,
                   "series": series, "fits": fits, "plot": None}
            if figures is not None and any(len(p) >= 2 for p in series.values()):
                rec["plot"] = _plot(rec, figures)
            records.append(rec)
    return records


def _plot(rec: dict[str, Any], figures: Path) -> str | None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    figures.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5.5, 4))
    for name, pts in rec["series"].items():
        if len(pts) < 2:
            continue
        x = [p[0] for p in pts]
        t = [p[1] * 1e3 for p in pts]
        b, se, _ = rec["fits"][name]
        se_txt = "" if not math.isfinite(se) else f" ± {se:.2f}"
        if rec["x"] == "n":  # log time against n: a straight line is t ∝ (2^n)^b
            ax.semilogy(x, t, "o-", label=f"{name} (t ∝ (2^n)^{b:.2f}{se_txt})")
        else:
            ax.loglog(x, t, "o-", label=f"{name} (slope {b:.2f}{se_txt})")
    ax.set_xlabel("n (qubits)" if rec["x"] == "n" else rec["x"])
    ax.set_ylabel("median time per call [ms]")
    ax.set_title(f"{rec['workload']}: time vs {rec['x']} ({rec['fixed_text']})")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7)
    fig.tight_layout()
    name = f"{rec['workload'].lower()}_vs_{rec['x']}_" + "_".join(f"{k}{v}" for k, v in rec["fixed"].items()) + ".png"
    path = figures / name
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return str(path)


def _cost(key: str, prm: dict[str, Any], fused: bool = True):
    from . import roofline

    if key == "W1":
        return roofline.w1_cost(prm["n"], prm["layers"], fused)
    if key == "W2":
        return roofline.w2_cost(prm["n"], prm["layers"], prm["m"], fused)
    if key == "W3":
        return roofline.w3_cost(prm["d"], prm["p"], prm["m"])
    return None


def roofline_rows(run, limits: dict | None) -> list[dict[str, Any]]:
    """Per W1/W2/W3 size: flops, bytes, both bounds, the nearest bound and qnnsym's time over it."""
    from .limits import bandwidth_for

    if not limits:
        return []
    rows = []
    for wr in run.workloads:
        for sr in wr.sizes:
            base = sr.outcomes[0]
            if not base.timed:
                continue
            cost = _cost(wr.workload.key, sr.size.params)
            if cost is None:
                continue
            per_gate = _cost(wr.workload.key, sr.size.params, fused=False)
            bw, foot = bandwidth_for(limits, cost.working_set)
            t_flop = cost.flops / limits["peak_flops"]
            t_byte = cost.bytes / bw
            bound = max(t_flop, t_byte)
            rows.append({
                "workload": wr.workload.key, "size": sr.size.label, "flops": cost.flops, "bytes": cost.bytes,
                "working_set": cost.working_set, "bandwidth": bw, "footprint": foot, "t_flop": t_flop, "t_byte": t_byte,
                "bound": bound, "nearest": "memory" if t_byte >= t_flop else "flops", "qnnsym": base.median,
                "fraction": base.median / bound, "detail": cost.detail,
                "per_gate_bytes": per_gate.bytes, "per_gate_flops": per_gate.flops,
            })
    return rows
