"""Fuzz the public functions of :mod:`qnnsym.neighbours.dla` (N2) with malformed values.

Each test feeds values that are wrong by construction (``hostile.py``) and asserts
:class:`~qnnsym.errors.InvalidInput` naming the argument; valid-but-extreme inputs give finite results.
Entry points are counted as ``dla/<name>``.
"""

from __future__ import annotations

import re

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import hostile as H
from qnnsym.errors import TooLarge
from qnnsym.model import circuit, random_orthonormal_dataset
from qnnsym.neighbours import dla

N = 60  # examples per property (the N2 fuzz file stays under a few seconds)

_QNN = dla.periodic_ansatz("matchgate", 2, 4)
_THETA = np.array([0.1, 0.2, 0.3, 0.4])
_ALG = dla.pauli_closure(["ZI", "IZ", "XX"])
#: not a sequence of generators at all (``H.bad_text()`` is not used for ``generators``: its list branch draws
#: lists of text such as ``["X"]``, which are valid generators)
_NOT_A_SEQUENCE = st.one_of(st.integers(), st.floats(), st.none(), st.booleans())
_BAD_LABEL = st.one_of(H.bad_text(), st.just(""), st.text(min_size=1, max_size=4).filter(lambda s: set(s.upper()) - set("IXYZ")))


@settings(max_examples=N)
@given(bad=_BAD_LABEL, which=st.sampled_from(["p", "q"]))
def test_pauli_bracket(bad, which):
    args = {"p": "XZ", "q": "ZZ", which: bad}
    H.expect_invalid("dla/pauli_bracket", which, dla.pauli_bracket, **args)


def test_pauli_bracket_length_mismatch():
    H.expect_invalid("dla/pauli_bracket", "q", dla.pauli_bracket, "XZ", "X")


@settings(max_examples=N)
@given(gens=st.one_of(_NOT_A_SEQUENCE, st.just([]), st.just("XZ"), st.just({"XZ": 1}),
                      st.lists(_BAD_LABEL, min_size=1, max_size=3).map(lambda b: ["XZ"] + b),
                      st.just(["XZ", "XZI"])))
def test_pauli_closure_generators(gens):
    H.expect_invalid("dla/pauli_closure", re.compile(r"generators(\[\d+\])?"), dla.pauli_closure, gens)


@settings(max_examples=N)
@given(max_dim=H.bad_positive_int())
def test_pauli_closure_max_dim(max_dim):
    H.expect_invalid("dla/pauli_closure", "max_dim", dla.pauli_closure, ["XI", "ZZ"], max_dim=max_dim)


def test_closures_too_large_are_refused():
    for fn in (dla.pauli_closure, dla.rational_closure):
        err = H.expect_invalid(f"dla/{fn.__name__}", "generators", fn, ["XIII", "YIII", "IXII", "IYII", "ZZII"], max_dim=10)
        assert isinstance(err, TooLarge)
    err = H.expect_invalid("dla/float_closure", "matrices", dla.float_closure, np.zeros((1, 128, 128)))
    assert isinstance(err, TooLarge)


@settings(max_examples=N)
@given(coeff=st.one_of(H.NON_FINITE, st.text(max_size=2), st.none(), st.booleans(), st.complex_numbers(allow_nan=False).filter(lambda z: z.imag != 0)))
def test_rational_closure_coefficients(coeff):
    H.expect_invalid("dla/rational_closure", re.compile(r"generators\[1\]\['ZZ'\]"), dla.rational_closure,
                     [{"XI": 1}, {"ZZ": coeff}])


@settings(max_examples=N)
@given(gens=st.one_of(_NOT_A_SEQUENCE, st.just([]), st.just([{}]), st.lists(_BAD_LABEL, min_size=1, max_size=2),
                      st.just([{"XI": 1}, {"XYZ": 1}]), st.just([{"XI": 1, 3: 2}])))
def test_rational_closure_generators(gens):
    H.expect_invalid("dla/rational_closure", re.compile(r"generators(\[\d+\])?( label)?"), dla.rational_closure, gens)


@settings(max_examples=N)
@given(m=st.one_of(H.non_finite_laced((2, 2, 2), complex_=True), H.wrong_dtype_array((2, 2, 2)),
                   H.wrong_shape((2, 2, 2)).filter(lambda a: not (a.ndim == 3 and a.shape[0] >= 1 and a.shape[1] == a.shape[2] >= 2)),
                   H.non_hermitian(2).map(lambda a: a[None]), st.just(np.zeros((0, 2, 2))),
                   st.just(np.zeros((1, 1, 1))), st.just(np.zeros((1, 2, 3)))))
def test_float_closure_matrices(m):
    H.expect_invalid("dla/float_closure", re.compile(r"matrices(\[\d+\])?"), dla.float_closure, m)


@settings(max_examples=N)
@given(rtol=st.one_of(H.bad_positive_real(), st.floats(1.0, 1e6)))
def test_float_closure_rtol(rtol):
    H.expect_invalid("dla/float_closure", "rtol", dla.float_closure, np.array([np.diag([1.0, -1.0])]), rtol=rtol)


@settings(max_examples=N)
@given(rows=st.one_of(H.non_finite_laced((3, 2)), H.non_finite_laced((3, 2), complex_=True), H.wrong_dtype_array((3, 2)),
                      st.just(np.zeros(3)), st.just(np.zeros((0, 2))), st.just(np.zeros((2, 2, 2)))))
def test_numerical_rank_rows(rows):
    H.expect_invalid("dla/numerical_rank", "rows", dla.numerical_rank, rows)


@settings(max_examples=N)
@given(rtol=st.one_of(H.bad_positive_real(), st.floats(1.0, 10.0)))
def test_numerical_rank_rtol(rtol):
    H.expect_invalid("dla/numerical_rank", "rtol", dla.numerical_rank, np.eye(2), rtol=rtol)


@settings(max_examples=N)
@given(kind=st.one_of(H.bad_text(), st.sampled_from(["Controllable", "dense", ""])), n=H.bad_positive_int(maximum=62),
       which=st.sampled_from(["kind", "n_qubits"]))
def test_ansatz_generators_and_expected_dimension(kind, n, which):
    args = {"kind": "matchgate", "n_qubits": 2, which: kind if which == "kind" else n}
    for fn in (dla.ansatz_generators, dla.expected_dla_dimension):
        H.expect_invalid(f"dla/{fn.__name__}", which, fn, **args)


@settings(max_examples=N)
@given(bad_p=H.bad_positive_int(), bad_n=H.bad_positive_int(maximum=62), which=st.sampled_from(["n_qubits", "p", "kind", "measurement"]))
def test_periodic_ansatz(bad_p, bad_n, which):
    args = {"kind": "tfim", "n_qubits": 2, "p": 3}
    if which == "measurement":
        H.expect_invalid("dla/periodic_ansatz", re.compile("measurement.*"), dla.periodic_ansatz, **args, measurement="QQ")
        return
    args[which] = {"n_qubits": bad_n, "p": bad_p, "kind": 7}[which]
    H.expect_invalid("dla/periodic_ansatz", which, dla.periodic_ansatz, **args)


def test_periodic_ansatz_dense_sums_too_large():
    err = H.expect_invalid("dla/periodic_ansatz", "n_qubits", dla.periodic_ansatz, "tfim", 7, 3)
    assert isinstance(err, TooLarge)


_MODEL_FUNCS = [dla.heisenberg_generators, dla.rank_profile, dla.frame_deviation]


@settings(max_examples=N)
@given(theta=H.bad_real_vector(4), fn=st.sampled_from(_MODEL_FUNCS))
def test_model_theta_functions(theta, fn):
    H.expect_invalid(f"dla/{fn.__name__}", "theta", fn, _QNN, theta)


@settings(max_examples=N // 3)
@given(model=st.one_of(H.WRONG_TYPE, st.just(dla.pauli_closure(["X"]))), fn=st.sampled_from(_MODEL_FUNCS))
def test_model_functions_model(model, fn):
    H.expect_invalid(f"dla/{fn.__name__}", "model", fn, model, _THETA)


def test_model_functions_refuse_large_registers():
    big = circuit(7, [("RX", 0)], "Z" + "I" * 6)
    for fn in _MODEL_FUNCS:
        err = H.expect_invalid(f"dla/{fn.__name__}", "model", fn, big, [0.1])
        assert isinstance(err, TooLarge)


@settings(max_examples=N)
@given(ps=st.one_of(st.integers(), st.floats(), st.booleans(), st.lists(st.text(max_size=2), min_size=1, max_size=2),
                    st.just([]), st.just([0]),
                    st.just([5]), st.just([1, 2.5]), st.just("12")), fn=st.sampled_from([dla.rank_profile, dla.frame_deviation]))
def test_prefix_lengths(ps, fn):
    H.expect_invalid(f"dla/{fn.__name__}", re.compile(r"ps(\[\d+\])?"), fn, _QNN, _THETA, ps=ps)


@settings(max_examples=N)
@given(state=st.one_of(H.non_finite_laced((4,), complex_=True), H.wrong_shape((4,)), st.just(np.ones(4))),
       fn=st.sampled_from(["rank_profile", "orbit_dimension"]))
def test_states(state, fn):
    if fn == "rank_profile":
        H.expect_invalid("dla/rank_profile", "state", dla.rank_profile, _QNN, _THETA, state=state)
    else:
        H.expect_invalid("dla/orbit_dimension", "state", dla.orbit_dimension, _ALG, state)


def test_rank_profile_data_and_rtol():
    H.expect_invalid("dla/rank_profile", "data", dla.rank_profile, _QNN, _THETA, data=np.eye(4))
    H.expect_invalid("dla/rank_profile", "data", dla.rank_profile, _QNN, _THETA, data=random_orthonormal_dataset(8, 2, seed=0))
    for rtol in (0.0, -1.0, float("nan"), 2.0):
        H.expect_invalid("dla/rank_profile", "rtol", dla.rank_profile, _QNN, _THETA, rtol=rtol)
    prof = dla.rank_profile(_QNN, _THETA)
    for which in ("Tangent", 3, None):
        H.expect_invalid("dla/RankProfile.ranks", "which", prof.ranks, which)


@settings(max_examples=N // 3)
@given(algebra=st.one_of(H.WRONG_TYPE, st.just(_QNN)))
def test_orbit_dimension_algebra(algebra):
    H.expect_invalid("dla/orbit_dimension", "algebra", dla.orbit_dimension, algebra)


@settings(max_examples=N)
@given(ps=st.one_of(H.non_finite_laced((3,)), H.wrong_dtype_array((3,)), H.complex_with_imag((3,)),
                    st.just(np.zeros((3, 1))), st.just(np.zeros(0))),
       ranks=H.bad_real_vector(3), target=H.bad_nonnegative_int(), which=st.sampled_from(["ps", "ranks", "target"]))
def test_saturation_point(ps, ranks, target, which):
    """A ``ps`` of another length is valid on its own; ``ranks`` must then match it (named ``ranks``)."""
    args = {"ps": [1, 2, 3], "ranks": [1, 2, 2], "target": 2}
    args[which] = {"ps": ps, "ranks": ranks, "target": target}[which]
    H.expect_invalid("dla/saturation_point", which, dla.saturation_point, **args)


def test_lie_algebra_fields():
    H.expect_invalid("dla/LieAlgebra", "dim", dla.LieAlgebra, dim=-1, n_qubits=1, method="pauli", basis=())
    H.expect_invalid("dla/LieAlgebra", "method", dla.LieAlgebra, dim=0, n_qubits=1, method="exact", basis=())
    H.expect_invalid("dla/LieAlgebra", "basis", dla.LieAlgebra, dim=2, n_qubits=1, method="pauli", basis=("X",))
    H.expect_invalid("dla/LieAlgebra", "_matrices", dla.LieAlgebra, dim=1, n_qubits=1, method="float", basis=())


@settings(max_examples=20)
@given(theta=st.lists(st.floats(-1e12, 1e12, allow_nan=False), min_size=4, max_size=4))
def test_extreme_angles_give_finite_ranks(theta):
    prof = H.expect_finite("dla/rank_profile", dla.rank_profile(_QNN, theta).ranks())
    assert prof.max() <= _ALG.dim
    H.expect_finite("dla/heisenberg_generators", dla.heisenberg_generators(_QNN, theta))
