r"""The sweep's tasks: module-level, picklable functions from a plain cell dict to a row dict.

:func:`run_cell` is what every executor runs.  A cell is the dict of
:meth:`SweepSpec.cells <qnnsym.sweep.spec.SweepSpec.cells>`; the row it returns holds the cell's
``key``, ``experiment``, ``params``, ``seed``, ``versions``, ``status`` (``"ok"`` or
``"failed"``), ``error`` (empty, or ``"Type: message"``), ``measured`` (every quantity the task
measured: the cell's ``record`` is not applied here but when the table is written, see
:func:`qnnsym.sweep.store.apply_record`), ``runtime_s`` and ``worker`` (``host:pid``).  A task
never raises for a failure of the cell itself: the error is in the row, and the sweep goes on.

The experiments measure one run each, set up exactly as :mod:`qnnsym.figures_data` sets up
E1-E4 (same seeds: data ``seed``, model ``seed + 1000 + p``, angles ``seed + 2000 + p``;
``eta = c / kappa``, or ``c = eta kappa`` when ``eta`` is given):

- E1 / E4: gradient descent to ``t_final`` with step ``eta dt``; final loss, the tail fit
  (``kind``, ``rate`` :math:`\lambda` of :math:`L\sim e^{-\lambda t}`, ``exponent``
  :math:`\alpha` of :math:`L\sim t^{-\alpha}`), kernel deviation
  :math:`\|K(T)-K(0)\|_F/\|K(0)\|_F`, parameter drift :math:`\max_l|\theta_l(T)-\theta_l(0)|`;
  E1 also :math:`\min_t L(t)/L_{\rm bound}(t)` against Theorem 3.2's lower bound.
- E2: gradient flow (RK4) against the asymptotic flow :math:`M' = -c[M,[M,R]]` from the same
  :math:`M(0)`: ``sup_error`` :math:`= \sup_t\max_i|r^{QNN}_i - r^{asym}_i|`.
- E3: ``M_0 = gamma P``; gradient descent with step ``eta dt / gamma^2`` to
  ``T_gamma = t_final`` (``gamma = 1``) or ``min(t_final, 25 / (gamma^2 - 1))``, and the
  asymptotic flow; tail fits of both.
- ``package.module:function``: ``f(**params, seed=seed)`` returning a dict of scalars.
- ``property``: :func:`qnnsym.sweep.campaign.property_task`.

>>> row = run_cell({"experiment": "E4", "params": {"d": 4, "p": 8, "m": 2, "c": 1.0, "t_final": 1.0, "dt": 0.1},
...                 "seed": 0, "record": ["final_loss", "kernel_deviation"], "version": "0", "key": "k"})
>>> row["status"], {"final_loss", "kernel_deviation", "theta_drift"} <= set(row["measured"])
('ok', True)
"""

from __future__ import annotations

import numbers
import os
import socket
import time
import traceback
from typing import Any

import numpy as np

from ..errors import InvalidInput
from ..validate import describe

__all__ = ["run_cell", "measure_dense", "call_user_function", "versions_row"]

_CELL_KEYS = ("experiment", "params", "seed", "record", "version", "key")


def versions_row() -> dict[str, str]:
    """The versions recorded in every row (qnnsym, numpy, scipy, numba, Python).

    >>> sorted(versions_row())
    ['numba', 'numpy', 'python', 'qnnsym', 'scipy']
    """
    import platform

    from ..runrecord import versions

    v = versions()
    return {"qnnsym": v["qnnsym"], "numpy": v["numpy"], "scipy": v["scipy"], "numba": v["numba"],
            "python": platform.python_version()}


def _one_line(exc: BaseException) -> str:
    text = " ".join(f"{type(exc).__name__}: {exc}".split())
    return text if len(text) <= 500 else text[:497] + "..."


def _fit(times, loss) -> dict:
    from ..figures_data import _fit_summary

    f = _fit_summary(np.asarray(times), np.asarray(loss))
    return {"kind": f["kind"], "rate": float(f["rate"]), "exponent": float(f["exponent"])}


def measure_dense(experiment: str, params: dict, seed: int) -> dict:
    """Run one E1-E4 cell (see the module docstring) and return every measured quantity.

    >>> out = measure_dense("E2", {"d": 4, "p": 8, "m": 2, "c": 1.0, "t_final": 0.5, "dt": 0.1}, 1)
    >>> out["sup_error"] >= 0.0
    True
    """
    from ..figures_data import _setup, _train
    from ..numeric import asymptotic_flow, effective_measurement, gradient_flow

    if experiment not in ("E1", "E2", "E3", "E4"):
        raise InvalidInput("experiment", "E1, E2, E3 or E4", describe(experiment))
    if not isinstance(params, dict):
        raise InvalidInput("params", "a dict of the experiment's parameters", describe(params))
    from .spec import EXPERIMENT_PARAMS, _check_size, _typed

    allowed = EXPERIMENT_PARAMS[experiment]
    p_in = {}
    for name, value in params.items():
        if name not in allowed:
            raise InvalidInput(f"params.{name}", f"a parameter of {experiment} ({', '.join(allowed)})", repr(name))
        p_in[name] = _typed(f"params.{name}", value, allowed[name][0], name)
    if "c" in p_in and "eta" in p_in:
        raise InvalidInput("params.eta", "either c or eta, not both", "both")
    for name, (_kind, default) in allowed.items():
        if name not in p_in and default is not None and not (name == "c" and "eta" in p_in):
            p_in[name] = default
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise InvalidInput("seed", "a non-negative integer", describe(seed))
    _check_size(experiment, {"c": 1.0, **p_in}, prefix="params")
    d, p, m, dt, t_final = p_in["d"], p_in["p"], p_in["m"], p_in["dt"], p_in["t_final"]
    gamma = p_in.get("gamma", 1.0)
    data, model, theta0, eta = _setup(d, p, m, p_in.get("c", 1.0), int(seed), gamma=gamma)
    kappa = float(model.kappa())
    if "eta" in p_in:
        eta = p_in["eta"]
    c = p_in["c"] if "c" in p_in else eta * kappa  # the given c exactly, as qnnsym figures uses it
    out: dict[str, Any] = {"eta": float(eta), "kappa": kappa}
    if experiment in ("E1", "E4"):
        tr = _train(model, data, theta0, eta, t_final, dt, 400 if experiment == "E1" else 50, kernel_end=True)
        k0, kT = tr.kernels[0], tr.kernels[-1]
        out.update(_fit(tr.times, tr.loss))
        out.update({"initial_loss": float(tr.loss[0]), "final_loss": float(tr.loss[-1]),
                    "kernel_deviation": float(np.linalg.norm(kT - k0) / np.linalg.norm(k0)),
                    "theta_drift": float(tr.series["theta_drift_max"][-1])})
        if experiment == "E1":
            from ..numeric.bounds import measurement_range, sublinear_lower_bound

            lo, hi = measurement_range(model)
            bound = sublinear_lower_bound(float(tr.loss[0]), tr.times, eta=eta, S=model.generator_norm_sq_sum(),
                                          delta=hi - lo, m=m)
            out["min_ratio_to_bound"] = float(np.min(tr.loss / bound))
    elif experiment == "E2":
        every = max(1, int(round(t_final / dt)) // 200)
        tr = gradient_flow(model, data, theta0, eta=eta, t_final=t_final, dt=dt, record_every=every)
        fl = asymptotic_flow(effective_measurement(model, theta0), data, c=c, t_final=t_final, dt=dt, record_every=every)
        out.update({"initial_loss": float(tr.loss[0]), "final_loss": float(tr.loss[-1]),
                    "flow_final_loss": float(fl.loss[-1]),
                    "sup_error": float(np.max(np.abs(tr.residuals - fl.residuals)))})
    else:  # E3
        T = t_final if gamma == 1.0 else min(t_final, 25.0 / (gamma * gamma - 1.0))
        h = dt / (gamma * gamma)
        tr = _train(model, data, theta0, eta, T, h, 400)
        every = max(1, int(round(T / h)) // 400)
        fl = asymptotic_flow(effective_measurement(model, theta0), data, c=c, t_final=T, dt=h, record_every=every)
        out.update(_fit(tr.times, tr.loss))
        ff = _fit(fl.times, fl.loss)
        out.update({"initial_loss": float(tr.loss[0]), "final_loss": float(tr.loss[-1]), "t_final_used": float(T),
                    "flow_final_loss": float(fl.loss[-1]), "flow_kind": ff["kind"], "flow_rate": ff["rate"],
                    "flow_exponent": ff["exponent"]})
    return out


def call_user_function(target: str, params: dict, seed: int) -> dict:
    """Import ``package.module:function`` and return ``f(**params, seed=seed)``, checked to be a
    dict of scalars (str keys; int, float, bool, str or None values).

    Any importable function works, e.g. this module's own :func:`measure_dense`:

    >>> out = call_user_function("qnnsym.sweep.tasks:measure_dense",
    ...                          {"experiment": "E4", "params": {"d": 4, "p": 8, "m": 2, "t_final": 1.0}}, 3)
    >>> out["final_loss"] < out["initial_loss"]
    True
    >>> call_user_function("builtins:dict", {"x": 1.5}, 3)
    Traceback (most recent call last):
    ...
    qnnsym.errors.InvalidInput: result.x: expected a quantity name that is not a parameter or a table column, got 'x'
    """
    from .spec import _user_function, is_table_column

    fn = _user_function("experiment", target)
    if not isinstance(params, dict):
        raise InvalidInput("params", "a dict of keyword arguments", describe(params))
    out = fn(**params, seed=seed)
    if not isinstance(out, dict):
        raise InvalidInput("result", f"a dict of scalars returned by {target}", describe(out))
    clean = {}
    for k, v in out.items():
        if not isinstance(k, str) or not k:
            raise InvalidInput("result", "string keys", describe(k))
        if k in params or is_table_column(k):
            raise InvalidInput(f"result.{k}", "a quantity name that is not a parameter or a table column", repr(k))
        if v is None or isinstance(v, (bool, str)):
            clean[k] = v
        elif isinstance(v, (numbers.Integral, np.integer)):
            clean[k] = int(v)
        elif isinstance(v, (numbers.Real, np.floating)):
            clean[k] = float(v)
        else:
            raise InvalidInput(f"result.{k}", "a scalar (int, float, bool, str or None)", describe(v))
    return clean


def run_cell(cell: dict) -> dict:
    """Run one cell and return its row (see the module docstring); failures of the cell are
    recorded in the row, never raised.  A malformed ``cell`` raises InvalidInput.

    >>> run_cell({"experiment": "E1", "params": {"d": 4, "p": 8, "m": 9}, "seed": 0, "record": None,
    ...           "version": "0", "key": "k"})["error"]
    'InvalidInput: params.m: expected at most d orthonormal inputs (m <= d), got m = 9 with d = 4'
    """
    if not isinstance(cell, dict):
        raise InvalidInput("cell", "a cell dict from SweepSpec.cells()", describe(cell))
    for k in _CELL_KEYS:
        if k not in cell:
            raise InvalidInput(f"cell.{k}", "present (a cell dict from SweepSpec.cells())", "missing")
    if not isinstance(cell["params"], dict):
        raise InvalidInput("cell.params", "a dict", describe(cell["params"]))
    record = cell["record"]
    if record is not None and (isinstance(record, str) or not isinstance(record, (list, tuple))):
        raise InvalidInput("cell.record", "None or a list of quantity names", describe(record))
    t0 = time.perf_counter()
    row = {"key": cell["key"], "experiment": cell["experiment"], "params": dict(cell["params"]), "seed": cell["seed"],
           "versions": versions_row(), "status": "ok", "error": "", "measured": {}}
    try:
        exp = cell["experiment"]
        if exp in ("E1", "E2", "E3", "E4"):
            measured = measure_dense(exp, cell["params"], cell["seed"])
        elif exp == "property":
            from .campaign import property_task

            measured = property_task(cell["params"]["target"], cell["params"]["examples"], cell["seed"])
        else:
            measured = call_user_function(exp, cell["params"], cell["seed"])
        row["measured"] = measured  # everything: record is applied when the table is written
    except Exception as exc:  # the cell failed: record it, the sweep goes on
        row["status"] = "failed"
        row["error"] = _one_line(exc)
        row["traceback"] = "".join(traceback.format_exception(exc)[-3:])[-2000:]
    row["runtime_s"] = time.perf_counter() - t0
    row["worker"] = f"{socket.gethostname()}:{os.getpid()}"
    return row

