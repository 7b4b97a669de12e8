"""The trajectory type shared by training runs, the asymptotic flow and frozen-kernel predictions.

>>> import numpy as np
>>> from qnnsym.numeric.trajectory import Trajectory
>>> tr = Trajectory(times=np.array([0.0, 1.0]), residuals=np.array([[1.0], [0.5]]))
>>> tr.loss.tolist()
[0.5, 0.125]
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InvalidInput

__all__ = ["Trajectory"]


@dataclass(eq=False)
class Trajectory:
    """A recorded run.

    Attributes
    ----------
    times : (n,) array
        Flow time of each record (C3: ``t_k = k eta_step / eta`` for gradient descent).
    residuals : (n, m) array
        ``r = yhat - y`` at each record; ``loss`` is ``1/2 ||r||^2`` (C3).
    series : dict of (n,) arrays
        Further per-record quantities, e.g. ``theta_drift_max`` (``max_l |theta_l - theta_l(0)|``),
        ``theta_drift_norm``, ``grad_norm``, ``spectrum_drift``.
    kernel_times, kernels : (k,) and (k, m, m) arrays
        Tangent kernels (or asymptotic kernels, for the flow) at checkpoints.
    final : array or None
        The final parameters (training) or effective measurement (flow).
    meta : dict
        JSON-serialisable description: method, step sizes, seeds, sizes.
    """

    times: np.ndarray
    residuals: np.ndarray
    series: dict[str, np.ndarray] = field(default_factory=dict)
    kernel_times: np.ndarray = field(default_factory=lambda: np.zeros(0))
    kernels: np.ndarray = field(default_factory=lambda: np.zeros((0, 0, 0)))
    final: np.ndarray | None = None
    meta: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.times = np.asarray(self.times, dtype=np.float64)
        self.residuals = np.asarray(self.residuals, dtype=np.float64)
        if self.residuals.ndim != 2 or self.residuals.shape[0] != self.times.shape[0]:
            raise InvalidInput("residuals", f"an array of shape ({self.times.shape[0]}, m)", f"shape {self.residuals.shape}")
        for k, v in self.series.items():
            self.series[k] = np.asarray(v, dtype=np.float64)
            if self.series[k].shape[:1] != self.times.shape:
                raise InvalidInput(f"series[{k!r}]", f"one value per record ({self.times.shape[0]})", f"shape {self.series[k].shape}")

    @property
    def loss(self) -> np.ndarray:
        """``L = 1/2 sum_i r_i^2`` at each record."""
        return 0.5 * np.sum(self.residuals**2, axis=1)

    @property
    def m(self) -> int:
        return int(self.residuals.shape[1])

    def __len__(self) -> int:
        return int(self.times.shape[0])

    # -- persistence -----------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write an ``.npz`` file (arrays plus the JSON ``meta``); returns the path written."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(".npz")
        arrays = {
            "times": self.times,
            "residuals": self.residuals,
            "kernel_times": self.kernel_times,
            "kernels": self.kernels,
            "meta": np.array(json.dumps(self.meta, sort_keys=True, default=_json_default)),
            "series_names": np.array(json.dumps(sorted(self.series))),
        }
        for k, v in self.series.items():
            arrays[f"series__{k}"] = v
        if self.final is not None:
            arrays["final"] = self.final
        tmp = path.with_name(path.name + ".tmp.npz")
        np.savez_compressed(tmp, **arrays)
        tmp.replace(path)  # no half-written file is left behind
        return path

    @classmethod
    def load(cls, path: str | Path) -> "Trajectory":
        with np.load(Path(path), allow_pickle=False) as f:
            names = json.loads(str(f["series_names"]))
            return cls(
                times=f["times"],
                residuals=f["residuals"],
                series={k: f[f"series__{k}"] for k in names},
                kernel_times=f["kernel_times"],
                kernels=f["kernels"],
                final=f["final"] if "final" in f.files else None,
                meta=json.loads(str(f["meta"])),
            )


def _json_default(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
