"""A/B profile of the adjoint kernels on W1/W2 (issue 7): the general op-by-op sweep
(``_kernels.adjoint_rows``) against the fused per-row sweep (``_fused.adjoint_fused``), interleaved
in one process, timed with the thread's CPU clock (``time.thread_time_ns``) so that other load on
a shared machine inflates the figures less than wall time would.

Run: ``python -m benchmarks.profile_kernels [--repeats 7] [--stages]``.  ``--stages`` adds the time
of each fused pass at n = 14 (one backward RY+RZ stage per bit, the forward 2 x 2 pass, the
CNOT-chain gather), the numbers behind the flop/byte model in ``/work/notes/issue7_kernels.md``.
"""

from __future__ import annotations

import argparse
import time

import numpy as np


def _cpu_ms(f, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t = time.thread_time_ns()
        f()
        out.append((time.thread_time_ns() - t) / 1e6)
    return out


def _cases(quick: bool):
    from qnnsym.model import AngleEncoding, Dataset, hardware_efficient_ansatz

    for n in (12, 14) if quick else (12, 14, 16):
        model = hardware_efficient_ansatz(n, 10)
        theta = np.random.default_rng([1, n]).uniform(0, 2 * np.pi, model.n_params)
        yield f"W1 n={n} L=10", model, Dataset.basis_state(2**n), theta
    for n in (12, 14):
        model = hardware_efficient_ansatz(n, 10)
        rng = np.random.default_rng([2, n])
        data = AngleEncoding(n).dataset(rng.uniform(0, np.pi, (16, n)), np.zeros(16))
        yield f"W2 n={n} L=10 m=16", model, data, rng.uniform(0, 2 * np.pi, model.n_params)


def ab(repeats: int, quick: bool) -> None:
    from qnnsym.numeric import _fused, _kernels as K
    from qnnsym.numeric.program import compile_model, compile_schedule, prepare_inputs

    print(f"{'case':24s} {'general ms':>11s} {'fused ms':>9s} {'ratio':>6s}  max|dJ|")
    for label, model, data, theta in _cases(quick):
        prog = compile_model(model)
        sched = compile_schedule(prog)
        inp = prepare_inputs(data, prog.dim)
        args = (*prog.circuit_args, *prog.measurement_args, theta, inp.rows, prog.n_params)

        def old():
            return K.adjoint_rows(*args)

        def new():
            return _fused.adjoint_fused(*sched.adjoint_args, *args)

        diff = float(np.max(np.abs(old()[1] - new()[1])))
        reps = max(3, repeats // (4 if "n=16" in label or "W2" in label else 1))
        t_old, t_new = [], []
        for _ in range(reps):  # interleaved A/B
            t_old += _cpu_ms(old, 1)
            t_new += _cpu_ms(new, 1)
        mo, mn = float(np.median(t_old)), float(np.median(t_new))
        print(f"{label:24s} {mo:11.2f} {mn:9.2f} {mo / mn:6.2f}  {diff:.1e}", flush=True)


def stages(n: int = 14, repeats: int = 50) -> None:
    from qnnsym.numeric import _fused as F

    d = 2**n
    w = np.random.default_rng(0).normal(size=(4, d + F._PAD))  # padded rows, as adjoint_fused allocates them
    w /= np.linalg.norm(w)
    alt = np.empty_like(w)
    scratch = np.empty((2, d // 2 + F._PAD))
    ta, tb = scratch[0, : d // 2], scratch[1, : d // 2]
    w0, w1, w2, w3 = (w[r, :d] for r in range(4))
    g = F._stage_matrix(np.array([[0, 2], [1, 3]]), 0, 2, np.ones(2), np.array([0.3, 0.7]))
    gray = (np.arange(d) ^ (np.arange(d) >> 1)).astype(np.int32)

    def best_us(f):
        f()
        return min(_cpu_ms(f, repeats)) * 1e3

    print(f"per-pass CPU time at n = {n} (d = {d}), best of {repeats}, microseconds")
    print(f"{'bit':>4s} {'back RY+RZ':>11s} {'fwd 2x2':>8s}")
    for bit in range(n):
        st = 1 << bit
        b = best_us(lambda: F._back2(w0, w1, w2, w3, st, 2, 0.9, 0.1, 3, 0.8, 0.2, ta, tb))
        f = best_us(lambda: F._gate2x2(w0, w1, st, g))
        print(f"{bit:4d} {b:11.1f} {f:8.1f}")
    print(f"gather (forward, 2 arrays) {best_us(lambda: F._gather(alt, w, gray, 2)):.1f}; "
          f"(backward, 4 arrays) {best_us(lambda: F._gather(alt, w, gray, 4)):.1f}")


def main(argv=None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--repeats", type=int, default=7)
    p.add_argument("--quick", action="store_true", help="skip n = 16")
    p.add_argument("--stages", action="store_true", help="also time each fused pass at n = 14")
    a = p.parse_args(argv)
    ab(a.repeats, a.quick)
    if a.stages:
        stages()


if __name__ == "__main__":
    main()
