"""Symbolic Haar integrals: twirls, trace products, SPEC S7 second moments.

Independent roads:

* the cycle-trace formula for ``E prod tr(A_k V B_k V^dag)`` is checked exactly against the
  twirl of the explicit tensor product ``(x) B_k`` paired with ``(x) A_k`` (permutation
  operators built from their matrix elements, no cycle traces);
* everything is checked against Monte Carlo over Haar samples drawn here (QR of a complex
  Ginibre matrix with the phases of diag(R) divided out), seeded with
  ``numpy.random.default_rng(seed)``.  Each Monte Carlo assertion states N and the seed and
  passes when ``|estimate - exact| <= MONTE_CARLO_Z * standard error`` for the real and the
  imaginary part separately (z = 5: a false alarm about once in 1.7 million checks).
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from qnnsym.conventions import haar_alpha, haar_beta
from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.symbolic import permutations as P
from qnnsym.symbolic.haar import (
    Op,
    cycle_trace,
    haar_trace_product,
    permutation_operator,
    second_moment_coefficients,
    trace_invariant,
    twirl,
)
from qnnsym.symbolic.symbols import d, trace_symbol
from qnnsym.tolerances import MONTE_CARLO_Z


def same(a, b) -> bool:
    return sympy.cancel(sympy.expand(sympy.sympify(a) - sympy.sympify(b))) == 0


def haar_samples(dim: int, n: int, rng: np.random.Generator) -> np.ndarray:
    """``n`` Haar unitaries: QR of a complex Ginibre matrix, phases of diag(R) divided out."""
    z = (rng.standard_normal((n, dim, dim)) + 1j * rng.standard_normal((n, dim, dim))) / np.sqrt(2)
    q, r = np.linalg.qr(z)
    diag = np.diagonal(r, axis1=1, axis2=2)
    return q * (diag / np.abs(diag))[:, None, :]


def assert_mc(samples: np.ndarray, exact, label: str = "") -> None:
    """Mean of complex ``samples`` (axis 0) against ``exact`` within MONTE_CARLO_Z standard errors."""
    n = samples.shape[0]
    mean = samples.mean(axis=0)
    for part in (np.real, np.imag):
        se = part(samples).std(axis=0, ddof=1) / np.sqrt(n)
        dev = np.abs(part(mean) - part(np.asarray(exact, dtype=complex)))
        assert np.all(dev <= MONTE_CARLO_Z * se + 1e-12), (label, part.__name__, dev, se)


def gaussian_int_matrix(dim: int, rng: np.random.Generator) -> sympy.Matrix:
    """A non-Hermitian matrix with small Gaussian-integer entries (exact in SymPy)."""
    re, im = rng.integers(-2, 3, (dim, dim)), rng.integers(-2, 3, (dim, dim))
    return sympy.Matrix(dim, dim, lambda i, j: int(re[i, j]) + sympy.I * int(im[i, j]))


def kron_all(mats):
    out = mats[0]
    for m in mats[1:]:
        out = np.kron(out, m) if isinstance(out, np.ndarray) else sympy.kronecker_product(out, m)
    return out


def as_operator(coeffs: dict, dim: int) -> np.ndarray:
    return sum(complex(c) * permutation_operator(s, dim) for s, c in coeffs.items())


# ------------------------------------------------------------------------------ permutation operators


@settings(deadline=None)
@given(st.integers(1, 4).flatmap(lambda t: st.tuples(st.permutations(range(t)), st.permutations(range(t)))),
       st.integers(1, 3))
def test_permutation_operators_are_a_representation(pair, dim):
    s, u = tuple(pair[0]), tuple(pair[1])
    Ps, Pu = permutation_operator(s, dim), permutation_operator(u, dim)
    assert np.array_equal(Ps @ Pu, permutation_operator(P.compose(s, u), dim))
    assert np.array_equal(Ps.T, permutation_operator(P.inverse(s), dim))
    assert np.trace(Ps) == dim ** P.num_cycles(s)


def test_permutation_operator_moves_slot_k_to_sigma_k():
    a, b, c = np.eye(3)[0], np.eye(3)[1], np.eye(3)[2]
    sigma = (1, 2, 0)  # slot 0 -> 1, 1 -> 2, 2 -> 0
    out = permutation_operator(sigma, 3) @ kron_all([a, b, c])
    assert np.array_equal(out, kron_all([c, a, b]))
    assert np.array_equal(permutation_operator((1, 0), 2), np.array([[1, 0, 0, 0], [0, 0, 1, 0], [0, 1, 0, 0], [0, 0, 0, 1]]))


@settings(deadline=None)
@given(st.integers(1, 4).flatmap(lambda t: st.tuples(st.permutations(range(t)), st.integers(0, 2**32 - 1))))
def test_cycle_trace_is_the_overlap_with_the_permutation_operator(case):
    sigma, seed = tuple(case[0]), case[1]
    t, dim = len(sigma), 2
    rng = np.random.default_rng(seed)
    mats = [rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim)) for _ in range(t)]
    direct = np.trace(permutation_operator(sigma, dim).T @ kron_all(mats))  # tr(P_sigma^dag (x) A)
    assert abs(cycle_trace(sigma, mats) - direct) <= 1e-10 * max(1.0, abs(direct))


# ------------------------------------------------------------------------------ trace invariants


def test_trace_invariant_reductions():
    A, B, C = Op("A"), Op("B"), Op("C")
    rho, Pj = Op("rho", kind="rank_one_projector"), Op("Pi", kind="projector")
    I = Op("I", kind="identity")
    assert trace_invariant(B, A) == trace_invariant(A, B) == trace_symbol("tr(A*B)")
    assert trace_invariant(A, B, A) == trace_symbol("tr(A**2*B)")
    assert trace_invariant(A, B, C) != trace_invariant(A, C, B)  # no reversal symmetry
    assert trace_invariant(A, I, A) == trace_symbol("tr(A**2)")
    assert trace_invariant(I, I) == d
    assert trace_invariant(Pj, Pj, A, Pj) == trace_symbol("tr(A*Pi)")
    assert trace_invariant(rho, rho) == 1
    assert trace_invariant(rho, A, rho, B) == trace_symbol("tr(A*rho)") * trace_symbol("tr(B*rho)")
    assert trace_invariant(A) is trace_symbol("tr(A)")  # created once
    # <p|A|q><q|B|q><q|C|p> = tr(B sigma) tr(A sigma C rho) with two rank-one projectors
    sig = Op("sigma", kind="rank_one_projector")
    assert trace_invariant(rho, A, sig, B, sig, C) == trace_symbol("tr(B*sigma)") * trace_symbol("tr(A*sigma*C*rho)")
    assert trace_invariant(rho, sig, rho, sig) == trace_symbol("tr(rho*sigma)") ** 2


def test_rank_one_reductions_on_explicit_states():
    """Evaluate reduced invariants on explicit rank-one projectors and compare with the raw trace."""
    rng = np.random.default_rng(5)
    dim = 3
    vecs = [rng.standard_normal(dim) + 1j * rng.standard_normal(dim) for _ in range(2)]
    proj = [np.outer(v, v.conj()) / np.vdot(v, v) for v in vecs]
    mats = {n: rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim)) for n in "ABC"}
    ops = {"rho": Op("rho", kind="rank_one_projector"), "sigma": Op("sigma", kind="rank_one_projector")}
    ops.update({n: Op(n) for n in "ABC"})
    values = {"rho": proj[0], "sigma": proj[1], **mats}
    words = [("rho", "A", "sigma", "B", "sigma", "C"), ("rho", "A", "rho", "B", "rho"), ("sigma", "rho", "A", "sigma", "rho")]
    for word in words:
        raw = np.trace(np.linalg.multi_dot([values[w] for w in word]))
        expr = trace_invariant(*[ops[w] for w in word])
        subs = {}
        for sym in expr.free_symbols:  # "tr(A**2*rho)" -> A, A, rho
            m = np.eye(dim)
            for f in sym.name[3:-1].replace("**", "^").split("*"):
                name, _, power = f.partition("^")
                m = m @ np.linalg.matrix_power(values[name], int(power or 1))
            subs[sym] = complex(np.trace(m))
        assert abs(complex(expr.subs(subs)) - raw) <= 1e-10, word


# ------------------------------------------------------------------------------ S7: t = 2


def test_second_moment_coefficients_match_conventions_symbolically():
    A = Op("A")
    alpha, beta = second_moment_coefficients(A)
    trA, trA2 = trace_symbol("tr(A)"), trace_symbol("tr(A**2)")
    assert same(alpha, haar_alpha(trA, trA2, d))
    assert same(beta, haar_beta(trA, trA2, d))
    # the same from the twirl of the explicit-in-d mapping of overlaps
    coeffs = twirl({(0, 1): trA**2, (1, 0): trA2}, 2)
    assert same(coeffs[(0, 1)], alpha) and same(coeffs[(1, 0)], beta)


@pytest.mark.parametrize("seed", [0, 1])
def test_second_moment_coefficients_explicit(seed):
    rng = np.random.default_rng(seed)
    dim = 3
    h = rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim))
    h = h + h.conj().T
    alpha, beta = second_moment_coefficients(h)
    trA, trA2 = np.trace(h).real, np.trace(h @ h).real
    assert abs(alpha - haar_alpha(trA, trA2, dim)) <= 1e-12 * trA2
    assert abs(beta - haar_beta(trA, trA2, dim)) <= 1e-12 * trA2
    S = sympy.Matrix([[1, 2 - sympy.I, 0], [2 + sympy.I, -1, 3], [0, 3, 0]])
    a, b = second_moment_coefficients(S)
    trS, trS2 = S.trace(), sympy.expand((S * S).trace())
    assert a == haar_alpha(trS, trS2, sympy.Integer(3)) and b == haar_beta(trS, trS2, sympy.Integer(3))
    assert isinstance(a, sympy.Rational) and isinstance(b, sympy.Rational)


def test_s7_operator_identity_monte_carlo():
    """E[V A V^dag (x) V A V^dag] = alpha I + beta SWAP, entrywise; N = 20000, seed 7."""
    dim, n = 2, 20_000
    rng = np.random.default_rng(7)
    A = np.array([[1.0, 0.5 - 0.2j], [0.5 + 0.2j, -0.3]])
    alpha, beta = second_moment_coefficients(A)
    exact = alpha * np.eye(4) + beta * permutation_operator((1, 0), dim)
    V = haar_samples(dim, n, rng)
    VAV = V @ A @ np.conj(np.transpose(V, (0, 2, 1)))
    samples = np.einsum("nab,ncd->nacbd", VAV, VAV).reshape(n, 4, 4)
    assert_mc(samples, exact, "S7 operator identity")


def test_pure_input_moments_of_the_prediction():
    """E yhat = tr M0 / d and E yhat^2 = ((tr M0)^2 + tr M0^2)/(d(d+1)) for Haar-random pure inputs."""
    M0, rho = Op("M0"), Op("rho", kind="rank_one_projector")
    trM, trM2 = trace_symbol("tr(M0)"), trace_symbol("tr(M0**2)")
    assert same(haar_trace_product([(M0, rho)]), trM / d)
    assert same(haar_trace_product([(M0, rho), (M0, rho)]), (trM**2 + trM2) / (d * (d + 1)))
    # the same with rho a general operator and tr(rho) = tr(rho^2) = 1 substituted afterwards
    R = Op("R")
    general = haar_trace_product([(M0, R), (M0, R)])
    general = general.subs({trace_symbol("tr(R)"): 1, trace_symbol("tr(R**2)"): 1})
    assert same(general, (trM**2 + trM2) / (d * (d + 1)))


def test_pure_input_moments_monte_carlo():
    """N = 40000, seed 11, d = 4, M0 = Z (x) Z."""
    dim, n = 4, 40_000
    M0 = np.diag([1.0, -1.0, -1.0, 1.0])
    exact1 = haar_trace_product([(M0, np.diag([1.0, 0, 0, 0]))])
    exact2 = haar_trace_product([(M0, np.diag([1.0, 0, 0, 0]))] * 2)
    assert abs(exact1) <= 1e-14 and abs(exact2 - (0 + 4) / (dim * (dim + 1))) <= 1e-14
    V = haar_samples(dim, n, np.random.default_rng(11))
    psi = V[:, :, 0]
    yhat = np.einsum("na,a,na->n", psi.conj(), np.diag(M0), psi)
    assert_mc(np.stack([yhat, yhat**2], axis=1), [exact1, exact2], "yhat moments")


# ------------------------------------------------------------------------------ trace products


@pytest.mark.parametrize("t", [1, 2, 3])
def test_abstract_formula_equals_the_explicit_twirl_road_exactly(t):
    """Abstract result with traces substituted == tr((x)A Phi((x)B)) with Phi from the explicit
    d^t x d^t matrix (x)B and P_tau from matrix elements; exact, d = 2 (t = 3 is below t)."""
    dim = 2
    rng = np.random.default_rng(100 + t)
    As = [gaussian_int_matrix(dim, rng) for _ in range(t)]
    Bs = [gaussian_int_matrix(dim, rng) for _ in range(t)]
    names_a, names_b = [f"A{k}" for k in range(t)], [f"B{k}" for k in range(t)]
    abstract = haar_trace_product([(Op(a), Op(b)) for a, b in zip(names_a, names_b)], d=dim)
    lookup = dict(zip(names_a + names_b, As + Bs))
    values = {}
    for sym in abstract.free_symbols:
        word = sym.name[3:-1].split("*")  # "tr(A0*B1)" -> ["A0", "B1"]; no powers: names distinct
        m = sympy.eye(dim)
        for w in word:
            m = m * lookup[w]
        values[sym] = m.trace()
    via_abstract = sympy.expand(abstract.subs(values))
    coeffs = twirl(kron_all(Bs), t)  # explicit SymPy matrix of size d^t
    XA = kron_all(As)
    via_twirl = sympy.expand(sum(c * (XA * sympy.Matrix(permutation_operator(s, dim))).trace() for s, c in coeffs.items()))
    via_explicit = haar_trace_product(list(zip(As, Bs)))
    assert via_abstract == via_twirl == via_explicit


@pytest.mark.parametrize("t, dim, seed", [(2, 3, 21), (3, 3, 22), (3, 2, 23), (4, 2, 24)])
def test_trace_product_monte_carlo(t, dim, seed):
    """Non-Hermitian A_k, B_k; N = 20000 Haar samples; dim = 2 < t covers the pseudo-inverse."""
    n = 20_000
    rng = np.random.default_rng(seed)
    pairs = [tuple(rng.standard_normal((dim, dim)) + 1j * rng.standard_normal((dim, dim)) for _ in range(2)) for _ in range(t)]
    exact = haar_trace_product(pairs)
    V = haar_samples(dim, n, rng)
    Vd = np.conj(np.transpose(V, (0, 2, 1)))
    samples = np.ones(n, dtype=complex)
    for A, B in pairs:
        samples *= np.einsum("nii->n", A @ V @ B @ Vd)
    assert_mc(samples[:, None], [exact], f"t={t} d={dim}")


def test_symbolic_in_d_agrees_with_integer_d():
    A, B = Op("A"), Op("B")
    for t in (1, 2, 3):
        sym = haar_trace_product([(A, B)] * t)
        for dim in (t, t + 2):
            assert same(sym.subs(d, dim), haar_trace_product([(A, B)] * t, d=dim))


def test_identity_and_unitary_invariance_sanity():
    A, I = Op("A"), Op("I", kind="identity")
    # tr(A V I V^dag) = tr A, so E[tr(A V V^dag)^2] = tr(A)^2
    assert same(haar_trace_product([(A, I), (A, I)]), trace_symbol("tr(A)") ** 2)
    assert same(haar_trace_product([(I, I)] * 3), d**3)


# ------------------------------------------------------------------------------ twirls


@pytest.mark.parametrize("t, dim, seed", [(2, 2, 31), (2, 3, 32), (3, 2, 33)])
def test_twirl_is_the_projection_onto_the_commutant(t, dim, seed):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((dim**t, dim**t)) + 1j * rng.standard_normal((dim**t, dim**t))
    Phi = as_operator(twirl(X, t), dim)
    for s in P.all_permutations(t):
        Ps = permutation_operator(s, dim)
        assert abs(np.trace(Ps.T @ Phi) - np.trace(Ps.T @ X)) <= 1e-10 * np.abs(X).sum()
    V = haar_samples(dim, 1, rng)[0]
    Vt = kron_all([V] * t)
    assert np.allclose(Vt @ Phi @ Vt.conj().T, Phi, atol=1e-10)  # in the commutant
    assert np.allclose(as_operator(twirl(Phi, t), dim), Phi, atol=1e-10)  # idempotent


def test_twirl_monte_carlo_below_t():
    """t = 3 on one qubit (d = 2 < t: pseudo-inverse); all 64 entries, N = 20000, seed 41."""
    t, dim, n = 3, 2, 20_000
    rng = np.random.default_rng(41)
    X = rng.standard_normal((8, 8)) + 1j * rng.standard_normal((8, 8))
    exact = as_operator(twirl(X, t), dim)
    V = haar_samples(dim, n, rng)
    V3 = np.einsum("nab,ncd,nef->nacebdf", V, V, V).reshape(n, 8, 8)
    samples = V3 @ X @ np.conj(np.transpose(V3, (0, 2, 1)))
    assert_mc(samples, exact, "twirl t=3 d=2")


def test_twirl_forms_agree():
    dim = 2
    A = sympy.Matrix([[1, sympy.I], [2, 0]])
    B = sympy.Matrix([[0, 1], [1, 3]])
    from_factors = twirl([A, B], 2)
    from_matrix = twirl(sympy.kronecker_product(A, B), 2)
    assert {k: sympy.expand(v) for k, v in from_factors.items()} == from_matrix
    numeric = twirl(np.kron(np.array(A, dtype=complex), np.array(B, dtype=complex)), 2)
    assert all(abs(numeric[k] - complex(v)) <= 1e-12 for k, v in from_matrix.items())
    abstract = twirl([Op("A"), Op("B")], 2, d=dim)
    vals = {trace_symbol("tr(A)"): A.trace(), trace_symbol("tr(B)"): B.trace(), trace_symbol("tr(A*B)"): (A * B).trace()}
    assert {k: sympy.expand(v.subs(vals)) for k, v in abstract.items()} == from_matrix


# ------------------------------------------------------------------------------ validation and size guard


def test_validation_messages():
    A = Op("A")
    with pytest.raises(InvalidInput) as info:
        haar_trace_product([(A, np.eye(2))])
    assert info.value.argument == "pairs" and "mix" in info.value.got
    with pytest.raises(InvalidInput) as info:
        haar_trace_product([(np.eye(2), np.eye(3))])
    assert info.value.argument == "pairs[0][1]" and "2x2" in info.value.expected
    with pytest.raises(InvalidInput) as info:
        twirl(np.eye(5), 2)
    assert info.value.argument == "X" and "d^2" in info.value.expected
    with pytest.raises(InvalidInput):
        twirl(np.eye(4), 2, d=3)
    with pytest.raises(InvalidInput) as info:
        twirl({(0, 1): 1}, 2)
    assert "2 permutations" in info.value.expected
    with pytest.raises(InvalidInput):
        twirl(np.eye(4), 0)
    with pytest.raises(InvalidInput):
        haar_trace_product([(np.eye(2), np.eye(2))], d=d)
    with pytest.raises(InvalidInput):
        haar_trace_product([(Op("A"), Op("A", kind="projector"))])
    with pytest.raises(InvalidInput) as info:
        Op("2x")
    assert info.value.argument == "name"
    with pytest.raises(InvalidInput):
        Op("A", kind="hermitian")
    with pytest.raises(InvalidInput):
        permutation_operator((0, 0), 2)
    with pytest.raises(InvalidInput):
        second_moment_coefficients("A")


def test_size_guard_refuses_before_starting():
    A = Op("A")
    start = time.perf_counter()
    with pytest.raises(TooLarge) as info:
        haar_trace_product([(A, A)] * 7)
    assert "t = 7" in info.value.got and "Monte Carlo" in info.value.got
    big = np.eye(60)
    with pytest.raises(TooLarge) as info:
        haar_trace_product([(big, big)] * 6)  # 720^2 + 2*720*6*60^3 > 1e9
    assert "1e+09" in info.value.expected
    s10 = sympy.eye(10)
    with pytest.raises(TooLarge):
        haar_trace_product([(s10, s10)] * 5)  # exact: 120^2 + 2*120*5*10^3 > 1e6
    with pytest.raises(TooLarge) as info:  # 720 x 720 distinct trace monomials in the answer
        haar_trace_product([(Op(f"A{k}"), Op(f"B{k}")) for k in range(6)])
    assert "518400" in info.value.got and "MAX_MONOMIALS" in info.value.expected
    assert time.perf_counter() - start < 2.0


def test_t6_abstract_runs():
    A, B = Op("A"), Op("B")
    start = time.perf_counter()
    expr = haar_trace_product([(A, B)] * 6)
    assert time.perf_counter() - start < 10.0
    # at A = B = I every trace invariant is tr(I) = d and the integrand is d^6
    assert same(expr.subs({s: d for s in expr.free_symbols if s != d}), d**6)
