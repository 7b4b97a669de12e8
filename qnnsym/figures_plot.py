"""Figures for the experiments E1-E4 (matplotlib, imported lazily).

:func:`plot_experiment` writes ``<out>/<name>.png`` and ``<out>/<name>.pdf`` from an
:class:`~qnnsym.figures_data.ExperimentResult`.  matplotlib is optional: without it a
:class:`~qnnsym.errors.QnnsymError` names the ``[plot]`` extra.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .atomic import atomic_path
from .errors import QnnsymError
from .figures_data import ExperimentResult

__all__ = ["plot_experiment", "require_matplotlib"]

T_LABEL = "t (flow time, η·steps)"


def require_matplotlib():
    """Import matplotlib with the non-interactive Agg backend, or raise a clear error."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise QnnsymError("plotting needs matplotlib: pip install 'qnnsym[plot]' (or use --no-plot for data only)") from exc
    return plt


def _caption(res: ExperimentResult, keys: tuple[str, ...]) -> str:
    def fmt(v):
        return f"{v:.4g}" if isinstance(v, float) else str(v)

    return f"{res.name}: " + ", ".join(f"{k}={fmt(res.params[k])}" for k in keys if k in res.params)


def _plot_e1(res: ExperimentResult, plt):
    fig, ax = plt.subplots(figsize=(6.4, 4.6))
    styles = ["-", "--", ":"]
    for c, ls in zip(res.select("loss"), styles):
        ok = c.y > 0
        ax.loglog(c.x[ok], c.y[ok], ls, label=c.label)
    fit = res.summary["fit"]
    shown = res.select("loss")[:2]
    ax.set_ylim(max(1e-14, 0.1 * min(c.y[c.y > 0].min() for c in shown)), 3 * max(c.y.max() for c in shown))
    ax.set_xlabel(T_LABEL)
    ax.set_ylabel("loss L = ½‖ŷ − y‖² (dimensionless)")
    ax.set_title(f"E1: sublinear convergence, fitted tail L ~ t^-{fit['exponent']:.2f} ({fit['kind']})")
    ax.legend(fontsize=8)
    return fig, _caption(res, ("d", "p", "m", "c", "eta", "dt", "t_final", "seed"))


def _plot_e2(res: ExperimentResult, plt):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (q, f) in enumerate(zip(res.select("loss"), res.select("loss_flow"))):
        col = colors[i % len(colors)]
        a.semilogy(q.x, q.y, "-", color=col, label=q.label)
        a.semilogy(f.x, f.y, "--", color=col, label=f.label)
    a.set_xlabel(T_LABEL)
    a.set_ylabel("loss L (dimensionless)")
    a.set_title("QNN (solid) vs Theorem 4.2 flow (dashed)")
    a.legend(fontsize=7)
    s = res.select("sup_error")[0]
    b.loglog(s.x, s.y, "o-", label=f"{s.label}\nslope {res.summary['sup_error_slope_vs_p']:.2f}")
    b.set_xlabel("p (number of parametrised layers)")
    b.set_ylabel("sup_t max_i |r_QNN − r_asym|")
    b.set_title("distance to the asymptotic dynamics")
    b.legend(fontsize=7)
    return fig, _caption(res, ("d", "ps", "m", "c", "t_final", "dt", "seeds"))


def _plot_e3(res: ExperimentResult, plt):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4.2))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (q, f) in enumerate(zip(res.select("rate"), res.select("rate_flow"))):
        col = colors[i % len(colors)]
        a.loglog(q.x, np.clip(q.y, 1e-8, None), "-", color=col, label=q.label)
        a.loglog(f.x, np.clip(f.y, 1e-8, None), "--", color=col, label=f.label)
    a.set_xlabel(T_LABEL)
    a.set_ylabel("instantaneous rate −d ln L/dt (1/t)")
    a.set_title("rate: constant for γ > 1, ~2/t for γ = 1")
    a.legend(fontsize=7, ncol=2)
    for i, (q, f) in enumerate(zip(res.select("loss"), res.select("loss_flow"))):
        col = colors[i % len(colors)]
        ok = q.y > 0
        b.semilogy(q.x[ok], q.y[ok], "-", color=col, label=q.label)
        ok = f.y > 0
        b.semilogy(f.x[ok], f.y[ok], "--", color=col)
    b.set_xscale("symlog", linthresh=1.0)
    b.set_xlabel(T_LABEL + " (symlog)")
    b.set_ylabel("loss L (dimensionless)")
    b.set_title("loss, M0 = γ·Pauli, labels ±1")
    b.legend(fontsize=7)
    return fig, _caption(res, ("d", "p", "m", "c", "gammas", "t_final", "dt", "seed"))


def _plot_e4(res: ExperimentResult, plt):
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4.2))
    k = res.select("kernel_deviation")[0]
    a.semilogx(k.x, k.y, "o-", label=k.label)
    a.axhline(1.0, color="gray", lw=0.8, ls=":")
    a.set_ylim(0, 1.1)
    a.set_xlabel("p (number of parametrised layers)")
    a.set_ylabel("‖K(T) − K(0)‖_F / ‖K(0)‖_F")
    a.set_title("kernel deviation does not shrink with p")
    a.legend(fontsize=8)
    t = res.select("theta_drift")[0]
    b.loglog(t.x, t.y, "o-", label=f"{t.label}, slope {res.summary['drift_slope_vs_p']:.2f}")
    b.loglog(t.x, t.y[0] * (t.x / t.x[0]) ** -1.0, ":", color="gray", label="∝ 1/p")
    b.set_xlabel("p (number of parametrised layers)")
    b.set_ylabel("max_l |θ_l(T) − θ_l(0)| (rad)")
    b.set_title("each parameter moves O(1/p)")
    b.legend(fontsize=8)
    return fig, _caption(res, ("d", "ps", "m", "c", "t_final", "dt", "seed"))


_PLOTTERS = {"E1": _plot_e1, "E2": _plot_e2, "E3": _plot_e3, "E4": _plot_e4}


def plot_experiment(res: ExperimentResult, out: str | Path, *, dpi: int = 100) -> list[Path]:
    """Write ``<out>/<res.name>.png`` and ``.pdf``; returns the paths written.

    Each figure has labelled axes with units, a legend and a caption line (``fig.text``)
    naming the parameters of the run.
    """
    plt = require_matplotlib()
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    if res.name in _PLOTTERS:
        fig, caption = _PLOTTERS[res.name](res, plt)
    else:  # a neighbouring result (N1-N3) draws itself
        from .neighbours import neighbour_figure

        fig, caption = neighbour_figure(res.name).plot(res, plt)
    fig.text(0.01, 0.005, caption, fontsize=7, ha="left", va="bottom", wrap=True)
    fig.tight_layout(rect=(0, 0.05, 1, 1))
    paths = [out / f"{res.name}.png", out / f"{res.name}.pdf"]
    for p in paths:
        with atomic_path(p) as tmp:  # never a half-written figure (e.g. on Ctrl-C)
            fig.savefig(tmp, dpi=dpi, format=p.suffix[1:])
    plt.close(fig)
    return paths
