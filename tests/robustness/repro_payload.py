"""Seeded computations whose bits must not depend on the process or on numba's cache.

Run as a script it prints ``{name: sha256 of the array's bytes}`` as JSON;
``tests/robustness/test_reproducibility.py`` runs it in subprocesses with the cache on and
off and compares with :func:`digests` called in the test process.
"""

from __future__ import annotations

import hashlib
import json

import numpy as np


def _sha(a) -> str:
    a = np.ascontiguousarray(np.asarray(a))
    return hashlib.sha256(str(a.dtype).encode() + str(a.shape).encode() + a.tobytes()).hexdigest()


def arrays() -> dict[str, np.ndarray]:
    """The computations: Haar sampling, predict/J/K of a dense model and a qubit circuit,
    GD steps, both asymptotic-flow integrators and a Haar average."""
    from qnnsym.model import AngleEncoding, dense_haar_model, hardware_efficient_ansatz, random_orthonormal_dataset
    from qnnsym.numeric import (asymptotic_flow, effective_measurement, gradient_descent, haar_average, jacobian, predict,
                                tangent_kernel)
    from qnnsym.sampling import haar_states, haar_unitaries, random_density_matrices

    out: dict[str, np.ndarray] = {}
    for d in (2, 5, 16):
        out[f"haar_unitaries(d={d})"] = haar_unitaries(d, 50, seed=100 + d)
    out["haar_states"] = haar_states(6, 20, seed=7)
    out["random_density_matrices"] = random_density_matrices(4, 10, rank=2, seed=8)

    dense = dense_haar_model(8, 10, seed=11)
    ddata = random_orthonormal_dataset(8, 4, seed=12)
    th = np.random.default_rng(13).uniform(-np.pi, np.pi, dense.n_params)
    hea = hardware_efficient_ansatz(3, 3)
    hdata = AngleEncoding(3).dataset(np.random.default_rng(14).uniform(0, np.pi, (5, 3)), [1.0, -1.0, 0.5, 0.0, 0.2])
    th_h = np.random.default_rng(15).uniform(-np.pi, np.pi, hea.n_params)
    for name, model, data, theta in (("dense", dense, ddata, th), ("hea", hea, hdata, th_h)):
        out[f"{name}.predict"] = predict(model, data, theta)
        out[f"{name}.jacobian"] = jacobian(model, data, theta)
        out[f"{name}.tangent_kernel"] = tangent_kernel(model, data, theta)
        gd = gradient_descent(model, data, theta, lr=0.05, steps=20)
        out[f"{name}.gd.residuals"] = gd.residuals
        out[f"{name}.gd.final"] = gd.final
    m0 = effective_measurement(dense, th)
    for method in ("rk4", "isospectral"):
        tr = asymptotic_flow(m0, ddata, c=0.5, t_final=1.0, dt=0.04, method=method)
        out[f"flow.{method}.residuals"] = tr.residuals
        out[f"flow.{method}.final"] = tr.final
    res = haar_average(lambda U: np.abs(U[:, 0, 0]) ** 4, d=4, n_samples=3000, seed=17, batch_size=1000)
    out["haar_average"] = np.array([res.mean, res.stderr])
    return out


def digests() -> dict[str, str]:
    return {k: _sha(v) for k, v in arrays().items()}


if __name__ == "__main__":
    from qnnsym.numeric._jit import CACHE

    print(json.dumps({"cache": CACHE, "digests": digests()}))
