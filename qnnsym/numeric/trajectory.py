"""The trajectory type shared by training runs, the asymptotic flow and frozen-kernel predictions.

>>> import numpy as np
>>> from qnnsym.numeric.trajectory import Trajectory
>>> tr = Trajectory(times=np.array([0.0, 1.0]), residuals=np.array([[1.0], [0.5]]))
>>> tr.loss.tolist()
[0.5, 0.125]
"""

from __future__ import annotations

import json
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .. import validate
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
        """Every array finite and of consistent shape: a trajectory never carries NaN or inf."""
        self.times = validate.real_vector("times", self.times)
        n = self.times.shape[0]
        self.residuals = validate.real_array("residuals", self.residuals, (None, None))
        if self.residuals.shape[0] != n:
            raise InvalidInput("residuals", f"an array of shape ({n}, m)", f"shape {self.residuals.shape}")
        if not isinstance(self.series, dict):
            raise InvalidInput("series", "a dict of per-record arrays", validate.describe(self.series))
        for k, v in list(self.series.items()):
            if not isinstance(k, str):
                raise InvalidInput("series", "string keys", repr(k))
            arr = _as_float_array(f"series[{k!r}]", v)
            if arr.shape[:1] != self.times.shape:
                raise InvalidInput(f"series[{k!r}]", f"one value per record ({n})", f"shape {arr.shape}")
            self.series[k] = arr
        self.kernel_times = validate.real_vector("kernel_times", self.kernel_times)
        nk, m = self.kernel_times.shape[0], self.residuals.shape[1]
        kern = _as_float_array("kernels", self.kernels)
        if kern.size == 0 and nk == 0:
            kern = kern.reshape(0, m, m) if kern.ndim != 3 else kern
        elif kern.shape != (nk, m, m):
            raise InvalidInput("kernels", f"an array of shape ({nk}, {m}, {m}) (one m x m kernel per kernel time)", f"shape {kern.shape}")
        self.kernels = kern
        if self.final is not None:
            try:
                is_complex, ndim = np.iscomplexobj(self.final), np.ndim(self.final)
            except (ValueError, TypeError):  # ragged nested lists: complex_array reports them
                is_complex, ndim = False, 1
            self.final = validate.complex_array("final", self.final, (None,) * max(ndim, 1))
            if not is_complex:
                self.final = self.final.real.copy()
        if not isinstance(self.meta, dict):
            raise InvalidInput("meta", "a JSON-serialisable dict", validate.describe(self.meta))

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
        if not isinstance(path, (str, Path)):
            raise InvalidInput("path", "a file path (str or pathlib.Path)", validate.describe(path))
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
        """Read a file written by :meth:`save`.

        Raises :class:`~qnnsym.errors.InvalidInput` naming ``path`` when the file is missing, is
        not an ``.npz`` archive, or lacks an array :meth:`save` writes; and naming the field when
        an array is malformed (e.g. non-finite).
        """
        if not isinstance(path, (str, Path)):
            raise InvalidInput("path", "a file path (str or pathlib.Path)", validate.describe(path))
        what = "an .npz file written by Trajectory.save"
        try:
            f = np.load(Path(path), allow_pickle=False)
        except FileNotFoundError:
            raise InvalidInput("path", what, f"no file at {str(path)!r}") from None
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise InvalidInput("path", what, f"an unreadable file ({type(exc).__name__}: {exc})") from None
        if not hasattr(f, "files"):
            raise InvalidInput("path", what, "a single .npy array")
        with f:
            try:
                names = json.loads(str(f["series_names"]))
                meta = json.loads(str(f["meta"]))
                arrays = {k: f[k] for k in ("times", "residuals", "kernel_times", "kernels")}
                series = {k: f[f"series__{k}"] for k in names}
                final = f["final"] if "final" in f.files else None
            except KeyError as exc:
                raise InvalidInput("path", what, f"a file without the entry {exc}") from None
            except (ValueError, TypeError, OSError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
                raise InvalidInput("path", what, f"a damaged file ({type(exc).__name__}: {exc})") from None
        if not isinstance(names, list) or not all(isinstance(k, str) for k in names):
            raise InvalidInput("path", what, "a file whose series_names is not a list of strings")
        return cls(series=series, final=final, meta=meta, **arrays)


def _as_float_array(name: str, value) -> np.ndarray:
    """A finite float64 array of any shape (at least 1-d)."""
    return np.atleast_1d(validate.real_array(name, value))


def _json_default(obj):
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (np.floating,)):
        return float(obj)
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    return str(obj)
