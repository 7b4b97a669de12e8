"""W5: the Theorem 4.2 asymptotic flow ``M' = -c [M, [M, R]]``, ``R = sum_i r_i rho_i``, to ``T = 10``.

``M(0) = V diag(+-1) V^dag`` (``V`` Haar, half the eigenvalues +1), the inputs are
``random_orthonormal_dataset(d, m)`` (pure states ``rho_i``, targets ``y_i``), ``c = 1``,
``dt = 0.01`` (1000 steps).  Every contender returns the final ``M(T)``.

Contenders: qnnsym (``qnnsym.numeric.asymptotic_flow``, RK4 in numba, recording only the end
point), ``scipy.integrate.solve_ivp`` (RK45, ``rtol = 1e-10``, ``atol = 1e-12``, on the real
and imaginary parts of ``M`` flattened), and the same classical RK4 with the same step in JAX
(``jit`` of a ``lax.fori_loop``) and in torch (a Python loop of tensor ops).
"""

from __future__ import annotations

import numpy as np

from ._util import remembering
from .timing import Contender
from .workload import Size, Workload

__all__ = ["WORKLOAD", "sizes", "contenders"]

SEED = 20230328
C = 1.0
T_FINAL = 10.0
DT = 0.01


def _label(d: int, m: int) -> str:
    return f"d={d}, m={m}, T={T_FINAL:g}, dt={DT:g}"


def sizes(quick: bool) -> list[Size]:
    grid = [(8, 1, 3), (16, 4, 3)] if quick else [(8, 1, 5), (16, 4, 5), (32, 4, 3), (32, 8, 3), (64, 8, 3)]
    return [Size(_label(d, m), {"d": d, "m": m}, r) for d, m, r in grid]


def _problem(d: int, m: int):
    from qnnsym.model import random_orthonormal_dataset
    from qnnsym.sampling import haar_unitaries

    v = haar_unitaries(d, 1, seed=SEED + d)[0]
    spec = np.where(np.arange(d) < d // 2, 1.0, -1.0)
    m0 = (v * spec) @ v.conj().T
    m0 = 0.5 * (m0 + m0.conj().T)
    data = random_orthonormal_dataset(d, m, seed=SEED + 1)
    return m0, data


def contenders(size: Size) -> list[Contender]:
    from qnnsym import numeric as qn

    d, m = size.params["d"], size.params["m"]
    m0, data = _problem(d, m)
    rhos = np.ascontiguousarray(data.density_matrices())
    y = np.array(data.targets, dtype=np.float64)
    n_steps = int(round(T_FINAL / DT))

    def qnnsym_():
        return remembering(lambda: qn.asymptotic_flow(m0, data, c=C, t_final=T_FINAL, dt=DT, record_every=n_steps).final)

    def scipy_():
        from scipy.integrate import solve_ivp

        def rhs(t, v):
            mm = (v[: d * d] + 1j * v[d * d:]).reshape(d, d)
            r = np.einsum("ab,iba->i", mm, rhos).real - y
            big_r = np.einsum("i,iab->ab", r, rhos)
            inner = mm @ big_r - big_r @ mm
            out = (-C * (mm @ inner - inner @ mm)).ravel()
            return np.concatenate([out.real, out.imag])

        v0 = np.concatenate([m0.real.ravel(), m0.imag.ravel()])

        def run():
            sol = solve_ivp(rhs, (0.0, T_FINAL), v0, method="RK45", rtol=1e-10, atol=1e-12, t_eval=[T_FINAL])
            v = sol.y[:, -1]
            return (v[: d * d] + 1j * v[d * d:]).reshape(d, d)

        return remembering(run)

    def jax_():
        from .peers.jax_peer import JaxFlowRK4

        return remembering(JaxFlowRK4(m0, rhos, y, C, T_FINAL, n_steps))

    def torch_():
        from .peers.torch_peer import TorchFlowRK4

        return remembering(TorchFlowRK4(m0, rhos, y, C, T_FINAL, n_steps))

    return [
        Contender("qnnsym", qnnsym_, f"qnnsym.numeric.asymptotic_flow (RK4, dt = {DT}, numba)"),
        Contender("scipy solve_ivp", scipy_, "scipy.integrate.solve_ivp RK45, rtol 1e-10, atol 1e-12 (adaptive steps)"),
        Contender("jax jit RK4", jax_, f"the same RK4 (dt = {DT}) as one jax.jit of lax.fori_loop"),
        Contender("torch RK4", torch_, f"the same RK4 (dt = {DT}) as a Python loop of torch ops"),
    ]


WORKLOAD = Workload(
    key="W5",
    title="Theorem 4.2 asymptotic flow M' = -c[M, [M, R]] to T = 10",
    description=(
        f"M(0) = V diag(±1) V^† (V Haar), inputs `random_orthonormal_dataset(d, m)`, c = {C:g}, T = {T_FINAL:g}, "
        f"dt = {DT:g} ({int(round(T_FINAL / DT))} RK4 steps). The compared output is M(T)."
    ),
    sizes=sizes,
    contenders=contenders,
    atol=1e-7,
    atol_reason=("solve_ivp is adaptive (RK45, rtol 1e-10) and the fixed-step RK4 has a global error of order dt^4, "
                 "so M(T) agrees to about 1e-9–1e-8, not to round-off; the RK4 peers agree with qnnsym to ~1e-13"),
)
