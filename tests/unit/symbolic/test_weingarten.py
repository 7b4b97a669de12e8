"""The unitary Weingarten function: known values, orthogonality, pseudo-inverse for d < t,
and an independent exact Haar integration over an explicit parametrisation of U(2).

Every comparison of rational functions is exact (``sympy.cancel(a - b) == 0``); integer-d
values are exact rationals compared with ``==``.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from functools import lru_cache
from itertools import product

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.symbolic import permutations as P
from qnnsym.symbolic import weingarten as W
from qnnsym.symbolic.haar import permutation_operator
from qnnsym.symbolic.symbols import d

wg = W.weingarten


def same(a, b) -> bool:
    return sympy.cancel(sympy.sympify(a) - sympy.sympify(b)) == 0


# ------------------------------------------------------------------------------ known values

KNOWN = {
    (1,): 1 / d,
    (1, 1): 1 / (d**2 - 1),
    (2,): -1 / (d * (d**2 - 1)),
    (1, 1, 1): (d**2 - 2) / (d * (d**2 - 1) * (d**2 - 4)),
    (2, 1): -1 / ((d**2 - 1) * (d**2 - 4)),
    (3,): 2 / (d * (d**2 - 1) * (d**2 - 4)),
    # t = 4 (Collins 2003, Collins--Sniady 2006)
    (1, 1, 1, 1): (d**4 - 8 * d**2 + 6) / (d**2 * (d**2 - 1) * (d**2 - 4) * (d**2 - 9)),
    (2, 1, 1): -1 / (d * (d**2 - 1) * (d**2 - 9)),
    (2, 2): (d**2 + 6) / (d**2 * (d**2 - 1) * (d**2 - 4) * (d**2 - 9)),
    (3, 1): (2 * d**2 - 3) / (d**2 * (d**2 - 1) * (d**2 - 4) * (d**2 - 9)),
    (4,): -5 / (d * (d**2 - 1) * (d**2 - 4) * (d**2 - 9)),
}


@pytest.mark.parametrize("mu", list(KNOWN))
def test_known_symbolic_values(mu):
    assert same(wg(mu, d), KNOWN[mu])


def test_s7_values_and_form():
    # SPEC S7; the result is cancelled: numerator and denominator coprime
    e, swap = wg((0, 1), d), wg((1, 0), d)
    assert same(e, 1 / (d**2 - 1)) and same(swap, -1 / (d * (d**2 - 1)))
    for mu in P.partitions(5):
        num, den = sympy.fraction(sympy.together(wg(mu, d)))
        assert sympy.degree(sympy.gcd(sympy.expand(num), sympy.expand(den)), d) == 0


def test_permutation_and_cycle_type_inputs_agree():
    assert wg((1, 2, 0), d) == wg((3,), d)
    assert wg((0, 2, 1), 4) == wg((2, 1), 4)
    assert wg((), d) == 1 and wg((), 3) == 1


@pytest.mark.parametrize("t", range(1, 7))
def test_integer_d_at_least_t_matches_the_rational_function(t):
    sym = W.weingarten_table(t, d)
    for n in (t, t + 1, t + 3):
        exact = W.weingarten_table(t, n)
        assert all(isinstance(v, sympy.Rational) for v in exact.values())
        assert {mu: v.subs(d, n) for mu, v in sym.items()} == exact


def test_other_symbolic_dimension_is_substituted():
    n = sympy.Symbol("n", positive=True, integer=True)
    assert same(wg((2,), 2**n), -1 / (2**n * ((2**n) ** 2 - 1)))


def mobius(mu):
    # leading coefficient: Wg(sigma, d) ~ Moeb(sigma) d^{-t-|sigma|}, Moeb = prod (-1)^{k-1} Cat_{k-1}
    out = 1
    for k in mu:
        out *= (-1) ** (k - 1) * math.comb(2 * k - 2, k - 1) // k
    return out


@pytest.mark.parametrize("t", range(1, 7))
def test_large_d_asymptotics_are_the_mobius_function(t):
    for mu, v in W.weingarten_table(t, d).items():
        length = t - len(mu)
        assert sympy.limit(v * d ** (t + length), d, sympy.oo) == mobius(mu)


# ------------------------------------------------------------------------------ characters


@pytest.mark.parametrize("t", range(1, 8))
def test_character_orthogonality(t):
    parts = P.partitions(t)
    for mu in parts:
        for nu in parts:
            s = sum(W.character(lam, mu) * W.character(lam, nu) for lam in parts)
            assert s == (P.centralizer_order(mu) if mu == nu else 0)
    for lam in parts:
        assert W.character(lam, (1,) * t) == math.factorial(t) // W.hook_product(lam)


def test_schur_dimensions_sum_to_the_tensor_power():
    # (C^d)^{(x)t} = sum_lambda f^lambda s_lambda(1^d):  d^t = sum f s
    for t in range(1, 6):
        total = sum(W.character(lam, (1,) * t) * W.schur_dimension(lam, d) for lam in P.partitions(t))
        assert same(total, d**t)
    assert W.schur_dimension((1, 1, 1), 2) == 0


# ------------------------------------------------------------------------------ orthogonality


@pytest.mark.parametrize("t", range(1, 6))
def test_orthogonality_symbolic(t):
    """sum_sigma Wg(sigma tau, d) d^{#cycles(sigma)} = delta_{tau, e}, exactly in d."""
    perms = P.all_permutations(t)
    table = W.weingarten_table(t, d)
    seen = {}
    for tau in perms:
        counts = Counter((P.cycle_type(P.compose(s, tau)), P.num_cycles(s)) for s in perms)
        key = frozenset(counts.items())
        if key not in seen:
            seen[key] = sympy.cancel(sum(n * table[mu] * d**k for (mu, k), n in counts.items()))
        assert seen[key] == (1 if tau == P.identity(t) else 0), tau


def _as_int_matrix(m: sympy.Matrix) -> tuple[list[list[int]], int]:
    den = math.lcm(*[sympy.Rational(x).q for x in m])
    return [[int(x * den) for x in row] for row in m.tolist()], den


def _exact_int_arrays(*mats: list[list[int]]) -> list[np.ndarray]:
    """int64 arrays when no triple product A B C of them can overflow, else Python-int arrays."""
    n = len(mats[0])
    big = max(max(abs(x) for row in m for x in row) for m in mats)
    dtype = np.int64 if (n * big) ** 3 < 2**62 else object
    return [np.array(m, dtype=dtype) for m in mats]


@pytest.mark.parametrize("t, dim", [(2, 1), (3, 1), (3, 2), (4, 1), (4, 2), (4, 3), (5, 2), (5, 3), (5, 4)])
def test_pseudo_inverse_below_t(t, dim):
    """For d < t the Gram matrix is singular; Wg is its Moore-Penrose inverse."""
    Wm, den = _as_int_matrix(W.weingarten_matrix(t, dim))
    G, Wm = _exact_int_arrays([[int(x) for x in row] for row in W.gram_matrix(t, dim).tolist()], Wm)
    assert np.array_equal(Wm.dot(G).dot(Wm), den * Wm)  # Wg G Wg = Wg
    assert np.array_equal(G.dot(Wm).dot(G), den * G)  # G Wg G = G
    WG = Wm.dot(G)
    assert np.array_equal(WG, WG.T)  # G Wg, Wg G symmetric projections
    assert not np.array_equal(WG, den * np.eye(len(G), dtype=WG.dtype))  # G really is singular
    # the generic rational function has a pole there; the integer value is finite
    assert W.weingarten_table(t, d)[(1,) * t].subs(d, dim) is sympy.zoo
    assert W.weingarten_table(t, dim)[(1,) * t].is_finite


@pytest.mark.parametrize("t, dim", [(2, 2), (3, 3), (4, 5)])
def test_inverse_at_or_above_t(t, dim):
    G = W.gram_matrix(t, dim)
    assert G * W.weingarten_matrix(t, dim) == sympy.eye(math.factorial(t))


def test_gram_matrix_is_the_overlap_of_permutation_operators():
    for t, dim in [(2, 2), (3, 2), (3, 3)]:
        perms = P.all_permutations(t)
        ops = [permutation_operator(s, dim) for s in perms]
        G = W.gram_matrix(t, dim)
        for i, j in product(range(len(perms)), repeat=2):
            assert G[i, j] == int(np.trace(ops[i].T @ ops[j]))


# ------------------------------------------------------------------------------ hypothesis

perm_pairs = st.integers(1, 6).flatmap(lambda t: st.tuples(st.permutations(range(t)), st.permutations(range(t))))


@settings(deadline=None)
@given(perm_pairs, st.integers(1, 7))
def test_class_function_and_inverse_invariance(pair, dim):
    sigma, pi = tuple(pair[0]), tuple(pair[1])
    conj = P.compose(P.compose(pi, sigma), P.inverse(pi))
    for dd in (dim, d):
        assert wg(sigma, dd) == wg(conj, dd) == wg(P.inverse(sigma), dd)


@settings(deadline=None)
@given(st.integers(1, 5).flatmap(lambda t: st.tuples(st.permutations(range(t)), st.integers(0, 3))))
def test_orthogonality_at_random_integer_d(case):
    tau, extra = tuple(case[0]), case[1]
    t = len(tau)
    dim = t + extra
    total = sum(wg(P.compose(s, tau), dim) * dim ** P.num_cycles(s) for s in P.all_permutations(t))
    assert total == (1 if tau == P.identity(t) else 0)


# ------------------------------------------------------------------------------ U(1) and U(2), exactly


@pytest.mark.parametrize("t", range(1, 6))
def test_u1_moments(t):
    """U(1): E[u^t conj(u)^t] = 1, so the pseudo-inverse Wg at d = 1 sums to 1 over all pairs."""
    perms = P.all_permutations(t)
    assert sum(wg(P.compose(s, P.inverse(u)), 1) for s in perms for u in perms) == 1


ETA = sympy.Symbol("eta", real=True)
# U = e^{i phi} [[cos eta e^{i xi}, sin eta e^{i zeta}], [-sin eta e^{-i zeta}, cos eta e^{-i xi}]]
# entry -> (sign, power of cos eta, power of sin eta, exponents of (phi, xi, zeta))
ENTRY = {
    (0, 0): (1, 1, 0, (1, 1, 0)),
    (0, 1): (1, 0, 1, (1, 0, 1)),
    (1, 0): (-1, 0, 1, (1, 0, -1)),
    (1, 1): (1, 1, 0, (1, -1, 0)),
}


@lru_cache(maxsize=None)
def _eta_integral(a: int, b: int) -> sympy.Expr:
    """int_0^{pi/2} cos^a sin^b  * (sin cos) d eta / int_0^{pi/2} sin cos d eta  (Haar density)."""
    density = sympy.sin(ETA) * sympy.cos(ETA)
    norm = sympy.integrate(density, (ETA, 0, sympy.pi / 2))
    assert norm == sympy.Rational(1, 2)
    return sympy.integrate(sympy.cos(ETA) ** a * sympy.sin(ETA) ** b * density, (ETA, 0, sympy.pi / 2)) / norm


def u2_moment(i, j, ip, jp) -> sympy.Expr:
    """E[U_{i1 j1}...U_{it jt} conj(U_{i'1 j'1}...U_{i't j't})] by direct integration: the
    uniform angles phi, xi, zeta in [0, 2 pi) kill every monomial with a non-zero frequency."""
    sign, a, b, freq = 1, 0, 0, np.zeros(3, dtype=int)
    for r, c in zip(i, j):
        s, ca, sb, f = ENTRY[(r, c)]
        sign, a, b, freq = sign * s, a + ca, b + sb, freq + f
    for r, c in zip(ip, jp):
        s, ca, sb, f = ENTRY[(r, c)]
        sign, a, b, freq = sign * s, a + ca, b + sb, freq - f
    return sign * _eta_integral(a, b) if not freq.any() else sympy.S.Zero


def test_u2_parametrisation_is_normalised_haar():
    assert u2_moment((0,), (0,), (0,), (0,)) + u2_moment((0,), (1,), (0,), (1,)) == 1  # row norm
    assert u2_moment((0,), (0,), (0,), (0,)) == sympy.Rational(1, 2)  # E|U00|^2 = 1/d
    assert u2_moment((0, 0), (0, 0), (0, 0), (0, 0)) == sympy.Rational(1, 3)  # |U00|^2 ~ U[0, 1]
    assert u2_moment((0,), (0,), (1,), (1,)) == 0  # E[U00 conj(U11)] = 0


def weingarten_moment(i, j, ip, jp, dim, order="sigma tau^-1"):
    t = len(i)
    total = sympy.S.Zero
    for s in P.all_permutations(t):
        if any(i[k] != ip[s[k]] for k in range(t)):
            continue
        for u in P.all_permutations(t):
            if any(j[k] != jp[u[k]] for k in range(t)):
                continue
            arg = P.compose(s, P.inverse(u)) if order == "sigma tau^-1" else P.compose(s, u)
            total += wg(arg, dim)
    return total


@pytest.mark.parametrize("t", [1, 2, 3])
def test_u2_moments_match_weingarten(t):
    """All 2^{4t} moments of degree (t, t) on U(2), exactly; t = 3 > d uses the pseudo-inverse."""
    wrong_order_differs = False
    for idx in product(range(2), repeat=4 * t):
        i, j, ip, jp = idx[:t], idx[t : 2 * t], idx[2 * t : 3 * t], idx[3 * t :]
        exact = u2_moment(i, j, ip, jp)
        assert weingarten_moment(i, j, ip, jp, 2) == exact, (i, j, ip, jp)
        if t == 3 and not wrong_order_differs:
            wrong_order_differs = weingarten_moment(i, j, ip, jp, 2, order="sigma tau") != exact
    # the test can tell the composition order apart (Wg(sigma tau) would be wrong)
    assert wrong_order_differs or t < 3


# ------------------------------------------------------------------------------ validation and size


@pytest.mark.parametrize("bad", [0, -2, True, 1.5, sympy.Rational(1, 2), sympy.Float(2.0), "d", None])
def test_bad_dimension(bad):
    with pytest.raises(InvalidInput) as info:
        wg((0, 1), bad)
    assert info.value.argument == "d" and "positive integer" in info.value.expected


@pytest.mark.parametrize("bad", [(2, 2, 0), (0, 2), (2, 3), (0, 0, 1), "01", 3, (1.0, 0.0), (1, 2)])
def test_bad_permutation(bad):
    with pytest.raises(InvalidInput) as info:
        wg(bad, d)
    assert info.value.argument == "sigma"


def test_partition_input_is_not_a_permutation():
    # (1, 2) is neither non-increasing (partition) nor a permutation of range(2)
    with pytest.raises(InvalidInput):
        wg((1, 2), 3)


def test_too_large():
    with pytest.raises(TooLarge) as info:
        wg((1,) * (W.MAX_T + 1), d)
    assert str(W.MAX_T) in str(info.value)
    with pytest.raises(TooLarge):
        W.gram_matrix(7, d)
    with pytest.raises(InvalidInput):
        W.weingarten_table(-1, d)


def test_timing_targets():
    """Targets: every table t <= 6 in < 1 s total, t = 8 in < 10 s (symbolic d), caches cleared."""
    for f in (W._symbolic_table, W._symbolic_data, W._mn, W._integer_table):
        f.cache_clear()
    start = time.perf_counter()
    for t in range(1, 7):
        W.weingarten_table(t, d)
    small = time.perf_counter() - start
    start = time.perf_counter()
    W.weingarten_table(8, d)
    eight = time.perf_counter() - start
    assert small < 1.0 and eight < 10.0, (small, eight)
