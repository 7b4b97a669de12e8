r"""Figure N2: the rank of the tangent / QFIM against ``p`` saturating at :math:`\dim\mathfrak g`, and the
QNN-vs-Theorem-4.2 error against ``p`` with the threshold marked.

Data (:func:`n2_data`, quick sizes by default):

1. for each family of :data:`~qnnsym.neighbours.dla.ANSATZ_KINDS` on ``n_qubits`` qubits: the exact
   closure dimension, the float closure's (and its residual gap), the textbook value where there is
   one, and the tangent and QFIM ranks of the periodic circuit against ``p`` at one random
   :math:`\theta` (uniform on :math:`[0, 2\pi)`, seed ``seed``), up to ``p_factor`` times the dimension, and
   the rank of the prediction Jacobian on ``min(4, d)`` orthonormal random inputs (``<= min(m, dim g)``;
   ``0`` when the measurement commutes with the algebra, as ``Z_0`` does with the commuting family);
2. the dense Haar model (``d = dense_d``): the same ranks (threshold :math:`d^2 - 1`), and, from
   :func:`qnnsym.figures_data.e2_asymptotic` (experiment E2 at this ``d``), the seed-mean
   :math:`\sup_t\max_i|r^{QNN}_i - r^{flow}_i|` against ``p`` together with the S10 frame deviation
   :math:`\delta_p` (:func:`~qnnsym.neighbours.dla.frame_deviation`) of the same models at
   :math:`\theta(0)`.
"""

from __future__ import annotations

import time

import numpy as np

from ._figure import NeighbourFigure

__all__ = ["FIGURE", "n2_data", "n2_plot", "n2_summary"]


def _say(progress, msg: str) -> None:
    if progress is not None:
        progress(msg)


def _state(d: int, seed: int) -> np.ndarray:
    """A Haar-random pure state (seed ``seed + 3``) for the QFIM: at ``|0...0>`` the commuting family's
    orbit is a point, which says nothing."""
    from ..sampling import haar_states

    return haar_states(d, 1, seed=seed + 3)[0]


def _data(d: int, seed: int):
    """``min(4, d)`` orthonormal random inputs (seed ``seed + 4``) for the prediction Jacobian."""
    from ..model import random_orthonormal_dataset

    return random_orthonormal_dataset(d, min(4, d), seed=seed + 4)


def _ansatz_rows(kind: str, n: int, p_factor: float, seed: int) -> tuple[dict, np.ndarray, object]:
    from . import dla

    gens = dla.ansatz_generators(kind, n)
    exact = dla.rational_closure(gens)
    qnn = dla.periodic_ansatz(kind, n, max(2, int(np.ceil(p_factor * exact.dim)) + len(gens)))
    flt = dla.float_closure(np.array([layer.generator.matrix() for layer in qnn.layers[: len(gens)]]))
    theta = np.random.default_rng(seed).uniform(0.0, 2 * np.pi, qnn.n_params)
    psi = _state(qnn.dim, seed)
    prof = dla.rank_profile(qnn, theta, state=psi, data=_data(qnn.dim, seed))
    orbit = dla.orbit_dimension(flt, psi)
    ranks, qf = prof.ranks("tangent"), prof.ranks("qfim")
    row = {"kind": kind, "n_qubits": n, "dim_exact": exact.dim, "dim_float": flt.dim,
           "float_gap": [float(flt.gap[0]), float(flt.gap[1])], "dim_textbook": dla.expected_dla_dimension(kind, n),
           "n_generators": len(gens), "p_max": qnn.n_params, "max_rank": int(ranks.max()),
           "p_star": dla.saturation_point(prof.ps, ranks, exact.dim),
           "orbit_dim": orbit.rank, "qfim_max": int(qf.max()), "qfim_p_star": dla.saturation_point(prof.ps, qf, orbit.rank),
           "worst_gap": prof.worst_gap("tangent"), "m": min(4, qnn.dim), "jacobian_max": int(prof.ranks("jacobian").max()),
           "smallest_kept": float(min(r.smallest_kept for r in prof.tangent)),
           "largest_dropped": float(max(r.largest_dropped for r in prof.tangent))}
    return row, prof.ps, (ranks, qf)


def n2_data(*, n_qubits: int = 3, kinds: tuple[str, ...] = ("controllable", "commuting", "matchgate", "tfim"),
            p_factor: float = 1.5, dense_d: int = 4, flow_ps: tuple[int, ...] = (3, 6, 10, 15, 30, 60, 120, 240, 480),
            m: int = 4, c: float = 1.0, t_final: float = 5.0, dt: float = 0.1, n_seeds: int = 6, seed: int = 0,
            progress=None):
    """The data of figure N2 (see the module docstring); returns an ``ExperimentResult`` named ``"N2"``.

    The flow comparison runs at ``dt = 0.1`` by default (E2's own default is 0.05; at ``d = 4`` the errors
    differ by less than ``2e-3`` and the run takes half the time)."""
    from ..figures_data import Curve, ExperimentResult, _setup, e2_asymptotic
    from ..model import dense_haar_model
    from . import dla

    t0 = time.perf_counter()
    params = {"n_qubits": n_qubits, "kinds": list(kinds), "p_factor": p_factor, "dense_d": dense_d,
              "flow_ps": list(flow_ps), "m": m, "c": c, "t_final": t_final, "dt": dt, "n_seeds": n_seeds, "seed": seed,
              "rank_rtol": dla.RANK_RTOL, "closure_rtol": dla.CLOSURE_RTOL}
    res = ExperimentResult("N2", params)
    rows = []
    for kind in kinds:
        _say(progress, f"N2: {kind} on {n_qubits} qubits")
        row, ps, (ranks, qf) = _ansatz_rows(kind, n_qubits, p_factor, seed)
        rows.append(row)
        label = f"{kind} (dim g = {row['dim_exact']})"
        res.curves += [Curve("rank", label, ps, ranks), Curve("qfim", label, ps, qf),
                       Curve("dim", label, [1, ps[-1]], [row["dim_exact"]] * 2)]
    # the dense Haar model
    D = dense_d * dense_d - 1
    _say(progress, f"N2: dense Haar model d={dense_d}")
    p_max = int(np.ceil(p_factor * D)) + 1
    qnn = dense_haar_model(dense_d, p_max, seed=seed + 7)
    theta = np.random.default_rng(seed).uniform(0.0, 2 * np.pi, p_max)
    H = dla.heisenberg_generators(qnn, theta)
    flt = dla.float_closure(H)
    prof = dla.rank_profile(qnn, theta, state=_state(dense_d, seed), data=_data(dense_d, seed))
    ranks = prof.ranks("tangent")
    dense_row = {"kind": f"dense Haar (d={dense_d})", "dim_float": flt.dim, "float_gap": [float(flt.gap[0]), float(flt.gap[1])],
                 "dim_textbook": D, "p_max": p_max, "max_rank": int(ranks.max()),
                 "p_star": dla.saturation_point(prof.ps, ranks, D), "worst_gap": prof.worst_gap("tangent"),
                 "qfim_max": int(prof.ranks("qfim").max()), "orbit_dim": 2 * dense_d - 2,
                 "qfim_p_star": dla.saturation_point(prof.ps, prof.ranks("qfim"), 2 * dense_d - 2),
                 "m": min(4, dense_d), "jacobian_max": int(prof.ranks("jacobian").max())}
    label = f"dense Haar d={dense_d} (dim g = {D})"
    res.curves += [Curve("rank", label, prof.ps, ranks), Curve("qfim", label, prof.ps, prof.ranks("qfim")),
                   Curve("dim", label, [1, p_max], [D, D])]
    # QNN vs the Theorem 4.2 flow, and the S10 frame, against p
    _say(progress, f"N2: QNN vs flow, d={dense_d}, p in {list(flow_ps)} x {n_seeds} seeds")
    e2 = e2_asymptotic(d=dense_d, ps=tuple(flow_ps), m=m, c=c, t_final=t_final, dt=dt, n_records=50,
                       n_seeds=n_seeds, seed=seed)
    sup = [e2.summary["sup_error"][str(p)] for p in flow_ps]
    frame, trank = [], []
    for p in flow_ps:
        devs, rk = [], []
        for s in range(seed, seed + n_seeds):
            _, model, theta0, _ = _setup(dense_d, p, m, c, s)
            devs.append(float(dla.frame_deviation(model, theta0, ps=[p])[0]))
            rk.append(int(dla.rank_profile(model, theta0, ps=[p]).tangent[0].rank))
        frame.append(float(np.mean(devs)))
        trank.append(min(rk))
    res.curves += [Curve("sup_error", f"QNN vs flow, mean of {n_seeds} seeds", flow_ps, sup),
                   Curve("frame_deviation", "S10 frame deviation δ_p at θ(0)", flow_ps, frame)]
    below = [e for p, e in zip(flow_ps, sup) if p < D]
    far = [e for p, e in zip(flow_ps, sup) if p >= 16 * D]
    past = [(p, e) for p, e in zip(flow_ps, sup) if p >= D]
    slope = float(np.polyfit(np.log([p for p, _ in past]), np.log([e for _, e in past]), 1)[0]) if len(past) > 1 else float("nan")
    res.summary = {"ansatze": rows, "dense": dense_row,
                   "flow": {"threshold": D, "ps": list(flow_ps), "sup_error": sup,
                            "sup_error_stderr": [e2.summary["sup_error_stderr"][str(p)] for p in flow_ps],
                            "frame_deviation": frame, "tangent_rank_min": trank,
                            "min_below": float(min(below)) if below else float("nan"),
                            "geomean_far": float(np.exp(np.mean(np.log(far)))) if far else float("nan"),
                            "slope_past": slope}}
    res.seconds = time.perf_counter() - t0
    return res


def n2_plot(res, plt):
    """Left: tangent rank (solid) and QFIM rank (dotted) against ``p``, with dashed lines at each
    :math:`\\dim\\mathfrak g`. Right: QNN-vs-flow error and S10 frame deviation against ``p``, threshold marked."""
    fig, (a, b) = plt.subplots(1, 2, figsize=(11, 4.4))
    colors = plt.rcParams["axes.prop_cycle"].by_key()["color"]
    for i, (r, q, dline) in enumerate(zip(res.select("rank"), res.select("qfim"), res.select("dim"))):
        col = colors[i % len(colors)]
        a.plot(r.x, r.y, "-", color=col, label=f"tangent: {r.label}")
        a.plot(q.x, q.y, ":", color=col)
        a.plot(dline.x, dline.y, "--", color=col, lw=0.8)
        hit = np.flatnonzero(r.y == dline.y[0])
        if hit.size:  # the saturation point p*
            a.plot(r.x[hit[0]], r.y[hit[0]], "o", color=col, ms=5)
    a.set_xscale("log")
    a.set_yscale("log")
    a.set_xlabel("p (number of parametrised layers)")
    a.set_ylabel("rank (real dimension)")
    a.set_title("rank of {Ĥ_l} (solid, ● at p*), state QFIM (dotted); dashed: dim g")
    a.legend(fontsize=7)
    s, f = res.select("sup_error")[0], res.select("frame_deviation")[0]
    b.loglog(s.x, s.y, "o-", label=s.label)
    b.loglog(f.x, f.y, "s--", label=f.label)
    thr = res.summary["flow"]["threshold"]
    b.axvline(thr, color="k", lw=0.8, ls=":", label=f"p* = d² − 1 = {thr}")
    b.set_xlabel("p (number of parametrised layers)")
    b.set_ylabel("sup_t max_i |r_QNN − r_flow|;  δ_p (dimensionless)")
    b.set_title("agreement with Theorem 4.2 sets in past p*")
    b.legend(fontsize=7)
    P = res.params
    caption = (f"N2: n={P['n_qubits']} qubits, ranks at one random θ (seed {P['seed']}), rtol {P['rank_rtol']:g}; "
               f"dense d={P['dense_d']}, m={P['m']}, c={P['c']}, T={P['t_final']}, dt={P['dt']}, {P['n_seeds']} seeds")
    return fig, caption


def n2_summary(res) -> list[str]:
    """One line per ansatz (dimension, saturation point) and the agreement numbers."""
    lines = []
    for row in res.summary["ansatze"] + [res.summary["dense"]]:
        exact = row.get("dim_exact", row["dim_textbook"])
        lines.append(f"N2 {row['kind']}: dim g = {exact} (float closure {row['dim_float']}, textbook {row['dim_textbook']}); "
                     f"tangent rank saturates at {row['max_rank']} from p* = {row['p_star']} (of {row['p_max']}); "
                     f"QFIM rank {row['qfim_max']} (orbit {row['orbit_dim']}) from p = {row['qfim_p_star']}; "
                     f"prediction-Jacobian rank {row['jacobian_max']} (m = {row['m']})")
    fl = res.summary["flow"]
    pts = ", ".join(f"p={p}: {e:.3g}" for p, e in zip(fl["ps"], fl["sup_error"]))
    lines.append(f"N2 QNN vs flow (threshold {fl['threshold']}): {pts}; min below p* {fl['min_below']:.3g}, "
                 f"geometric mean at p >= 16p* {fl['geomean_far']:.3g}, slope past p* {fl['slope_past']:.2f}")
    lines.append("N2 S10 frame deviation δ_p: " + ", ".join(f"p={p}: {v:.3g}" for p, v in zip(fl["ps"], fl["frame_deviation"])))
    return lines


FIGURE = NeighbourFigure(name="N2", data=n2_data, plot=n2_plot, summary=n2_summary,
                         full_sizes={"n_qubits": 4, "p_factor": 2.0, "n_seeds": 16,
                                     "flow_ps": (3, 6, 10, 15, 30, 60, 120, 240, 480, 960)})
