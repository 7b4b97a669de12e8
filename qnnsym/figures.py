"""``qnnsym figures``: reproduce the experiments E1-E4 of SPEC section 4 as data and figures.

The data functions live in :mod:`qnnsym.figures_data` (numpy only), the plots in
:mod:`qnnsym.figures_plot` (matplotlib, imported lazily).  This module adds the writers
(JSON with every parameter and the arrays as lists; tidy CSV with one row per point) and
:func:`run_figures`, the driver behind the command line.

The neighbouring results N1-N3 (:mod:`qnnsym.neighbours`) plug in beside them through their
``FIGURE``; :data:`FIGURE_NAMES` lists everything ``qnnsym figures`` can run.

>>> from qnnsym.figures import EXPERIMENTS, FIGURE_NAMES
>>> sorted(EXPERIMENTS)
['E1', 'E2', 'E3', 'E4']
>>> FIGURE_NAMES
('E1', 'E2', 'E3', 'E4', 'N1', 'N2', 'N3')
"""

from __future__ import annotations

import csv
import json
import math
import time
from pathlib import Path
from typing import Callable, Iterable

import numpy as np

from .atomic import atomic_path, atomic_write_text
from .errors import InvalidInput
from .neighbours import FIGURE_MODULES, neighbour_figure
from .figures_data import (
    EXPERIMENTS,
    FULL_SIZES,
    Curve,
    ExperimentResult,
    e1_sublinear,
    e2_asymptotic,
    e3_measurement_range,
    e4_deviation,
)

__all__ = [
    "Curve",
    "ExperimentResult",
    "EXPERIMENTS",
    "FIGURE_NAMES",
    "FULL_SIZES",
    "e1_sublinear",
    "e2_asymptotic",
    "e3_measurement_range",
    "e4_deviation",
    "write_json",
    "write_csv",
    "read_json",
    "run_figures",
    "plot_experiment",
]

CSV_COLUMNS = ("experiment", "quantity", "curve", "x", "y")

#: Every figure ``qnnsym figures`` can run: the experiments E1-E4, then the neighbouring results.
FIGURE_NAMES = (*EXPERIMENTS, *FIGURE_MODULES)


def _clean(obj):
    """JSON-safe: numpy scalars/arrays to Python, NaN/inf to None."""
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_clean(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _clean(obj.tolist())
    if isinstance(obj, (np.floating, float)):
        v = float(obj)
        return v if math.isfinite(v) else None
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.bool_,)):
        return bool(obj)
    return obj


def write_json(res: ExperimentResult, path: str | Path) -> Path:
    """Write ``{"experiment", "params", "summary", "seconds", "curves": [{quantity, label, x, y}]}``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"experiment": res.name, "params": res.params, "summary": res.summary, "seconds": res.seconds,
           "curves": [{"quantity": c.quantity, "label": c.label, "x": c.x, "y": c.y} for c in res.curves]}
    atomic_write_text(path, json.dumps(_clean(doc), indent=1, ensure_ascii=False) + "\n")
    return path


def read_json(path: str | Path) -> ExperimentResult:
    """Read a file written by :func:`write_json` back into an :class:`ExperimentResult`."""
    doc = json.loads(Path(path).read_text(encoding="utf-8"))
    curves = [Curve(c["quantity"], c["label"], np.array(c["x"], dtype=float), np.array(c["y"], dtype=float))
              for c in doc["curves"]]
    return ExperimentResult(doc["experiment"], doc["params"], curves, doc["summary"], doc.get("seconds", 0.0))


def write_csv(res: ExperimentResult, path: str | Path) -> Path:
    """Tidy CSV: columns ``experiment, quantity, curve, x, y``, one row per point.

    The parameters go to a sibling ``<stem>.params.json`` (CSV has no place for them)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, tmp.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(CSV_COLUMNS)
        for c in res.curves:
            for x, y in zip(c.x, c.y):
                w.writerow((res.name, c.quantity, c.label, repr(float(x)), repr(float(y))))
    atomic_write_text(path.with_suffix(".params.json"), json.dumps(_clean(res.params), indent=1, ensure_ascii=False) + "\n")
    return path


def plot_experiment(res: ExperimentResult, out: str | Path, *, dpi: int = 100) -> list[Path]:
    """Write the PNG and PDF of ``res`` into ``out`` (see :mod:`qnnsym.figures_plot`)."""
    from .figures_plot import plot_experiment as _plot

    return _plot(res, out, dpi=dpi)


def summary_lines(res: ExperimentResult) -> list[str]:
    """Human-readable measured numbers of one experiment."""
    if res.name in FIGURE_MODULES:
        return list(neighbour_figure(res.name).summary(res))
    s = res.summary
    if res.name == "E1":
        f = s["fit"]
        return [f"E1: tail {f['kind']}, L ~ t^-{f['exponent']:.3f} (slope {s['tail_slope']:.3f}); "
                f"min L/bound = {s['min_ratio_to_bound']:.3g}; frozen-kernel L(T) = {s['frozen_L_final']:.2e} vs QNN {s['L_final']:.2e}"]
    if res.name == "E2":
        se = s.get("sup_error_stderr", {})  # standard error of the seed mean (absent in older records)
        errs = ", ".join(f"p={p}: {e:.3g}" + (f"±{se[p]:.1g}" if se.get(p) == se.get(p) and p in se else "")
                         for p, e in s["sup_error"].items())
        n = len(res.params.get("seeds", []))
        return [f"E2: sup|r_QNN - r_asym| (mean ± standard error over {n} seeds) {errs}; "
                f"slope vs p {s['sup_error_slope_vs_p']:.2f}"]
    if res.name == "E3":
        out = []
        for g, e in s["by_gamma"].items():
            parts = []
            for tag in ("qnn", "flow"):
                f = e[tag]
                val = f"rate {f['rate']:.4g}" if f["kind"] == "linear" else f"exponent {f['exponent']:.3f}"
                parts.append(f"{tag} {f['kind']} ({val})")
            out.append(f"E3: gamma={g}: " + "; ".join(parts))
        return out
    devs = ", ".join(f"{v:.3f}" for v in s["kernel_deviation"].values())
    return [f"E4: deviation {devs}; drift slope vs p {s['drift_slope_vs_p']:.2f}"]


def run_figures(out: str | Path = "figures", *, only: Iterable[str] | None = None, full: bool = False,
                plot: bool = True, overrides: dict[str, dict] | None = None,
                progress: Callable[[str], None] | None = print) -> dict[str, ExperimentResult]:
    """Run the experiments, write ``<out>/<E>.json``, ``.csv`` (and ``.png``/``.pdf``).

    Parameters
    ----------
    only : iterable of str, optional
        Figure names (:data:`FIGURE_NAMES`: ``"E1"`` ... ``"E4"``, ``"N1"`` ... ``"N3"``); default all.
    full : bool
        Paper-scale sizes (:data:`FULL_SIZES`).
    plot : bool
        Also write the figures (needs matplotlib).
    overrides : dict, optional
        Per-experiment keyword overrides, e.g. ``{"E1": {"p": 64}}`` (tests use tiny sizes).
    """
    names = list(only) if only else list(FIGURE_NAMES)
    bad = [n for n in names if n not in FIGURE_NAMES]
    if bad:
        raise InvalidInput("only", f"figure names among {list(FIGURE_NAMES)}", repr(bad))
    if plot:
        from .figures_plot import require_matplotlib

        require_matplotlib()  # fail before the runs, not after
    out = Path(out)
    results = {}
    for name in names:
        if name in EXPERIMENTS:
            run, full_sizes = EXPERIMENTS[name], FULL_SIZES[name]
        else:
            figure = neighbour_figure(name)
            run, full_sizes = figure.data, figure.full_sizes
        kw = dict(full_sizes) if full else {}
        kw.update((overrides or {}).get(name, {}))
        t0 = time.perf_counter()
        res = run(progress=progress if full else None, **kw)
        written = [write_json(res, out / f"{name}.json"), write_csv(res, out / f"{name}.csv")]
        if plot:
            written += plot_experiment(res, out)
        if progress:
            for line in summary_lines(res):
                progress(line)
            progress(f"{name}: {time.perf_counter() - t0:.1f} s, wrote {', '.join(p.name for p in written)}")
        results[name] = res
    return results
