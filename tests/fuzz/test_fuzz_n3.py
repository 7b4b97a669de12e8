"""Fuzz the public functions of :mod:`qnnsym.neighbours.transition` (N3) with malformed values and
valid-but-extreme inputs: malformed input raises :class:`~qnnsym.errors.InvalidInput` naming the argument;
extreme input gives finite results or a named refusal."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import hostile as H
from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.neighbours.transition import MAX_MAGNITUDE, measure_transition, reduced_flow, transition_rates

N = 60
SPEC = [-1.0, 0.2, 0.9]
W = [0.2, 0.3, 0.5]
E_RATES, E_REDUCED, E_MEASURE = "neighbours/transition_rates", "neighbours/reduced_flow", "neighbours/measure_transition"

BAD_SPECTRUM = st.one_of(H.bad_real_vector(3), st.just([1.0]), st.just([0.5, 0.5, 0.5]), st.just([0.0, 2 * MAX_MAGNITUDE]))
#: never None: ``transition_rates`` reads None as uniform weights (``reduced_flow``, which needs them, adds it back)
BAD_WEIGHTS = st.one_of(H.bad_real_vector(3).filter(lambda w: w is not None), st.just([0.5, 0.6, -0.1]),
                        st.just([0.2, 0.2, 0.2]), st.just([1.0, 0.0, 0.0]))
BAD_TARGET = st.one_of(H.bad_real(), st.just(2 * MAX_MAGNITUDE), st.just(-1e300))
#: ``targets`` takes any number (at least one) of targets, so a vector of another length is valid:
#: never ``H.bad_real_vector``, whose wrong-shape branch draws such vectors
BAD_TARGETS = st.one_of(H.non_finite_laced((2,)), H.wrong_dtype_array((2,)), H.complex_with_imag((2,)),
                        st.just(np.zeros((2, 2))), st.just([]), st.just([2 * MAX_MAGNITUDE]))


@settings(max_examples=N, deadline=None)
@given(spectrum=BAD_SPECTRUM, weights=BAD_WEIGHTS, target=BAD_TARGET, c=H.bad_positive_real())
def test_transition_rates_names_the_bad_argument(spectrum, weights, target, c):
    H.expect_invalid(E_RATES, "spectrum", transition_rates, spectrum, 0.0, 1.0)
    H.expect_invalid(E_RATES, "weights", transition_rates, SPEC, 0.0, 1.0, weights=weights)
    H.expect_invalid(E_RATES, "target", transition_rates, SPEC, target, 1.0)
    H.expect_invalid(E_RATES, "c", transition_rates, SPEC, 0.0, c)


@settings(max_examples=N, deadline=None)
@given(spectrum=BAD_SPECTRUM, weights=st.one_of(BAD_WEIGHTS, st.none()), target=BAD_TARGET, c=H.bad_positive_real(),
       times=st.one_of(H.non_finite_laced((3,)), H.wrong_dtype_array((3,)), H.complex_with_imag((3,)), st.just(np.zeros((2, 2))),
                       st.just([0.0, 1.0, 1.0]), st.just([-1.0, 0.0]), st.just([])))
def test_reduced_flow_names_the_bad_argument(spectrum, weights, target, c, times):
    H.expect_invalid(E_REDUCED, "spectrum", reduced_flow, spectrum, W, 0.0, 1.0, [0.0, 1.0])
    H.expect_invalid(E_REDUCED, "weights", reduced_flow, SPEC, weights, 0.0, 1.0, [0.0, 1.0])
    H.expect_invalid(E_REDUCED, "target", reduced_flow, SPEC, W, target, 1.0, [0.0, 1.0])
    H.expect_invalid(E_REDUCED, "c", reduced_flow, SPEC, W, 0.0, c, [0.0, 1.0])
    H.expect_invalid(E_REDUCED, "times", reduced_flow, SPEC, W, 0.0, 1.0, times)


def test_transition_rates_refuses_an_underflowing_critical_constant_by_name():
    H.expect_invalid(E_RATES, "c", transition_rates, [-1e-200, 1e-200], -1e-200, 1e-200)


def test_reduced_flow_refuses_too_much_work_by_name():
    err = H.expect_invalid(E_REDUCED, "times", reduced_flow, SPEC, W, 0.0, 1e6, [0.0, 1e3])
    assert isinstance(err, TooLarge) and "MAX_REDUCED_WORK" in str(err)


@settings(max_examples=N, deadline=None)
@given(spectrum=st.one_of(BAD_SPECTRUM, st.just(np.linspace(0, 1, 17))),
       targets=BAD_TARGETS,
       c=H.bad_positive_real(), engine=st.one_of(H.bad_text(), st.just("rk4")), p=H.bad_positive_int(4096),
       seed=H.bad_nonnegative_int(), dt=H.bad_positive_real(),
       t_final=st.one_of(H.NON_FINITE, st.floats(max_value=0.0, allow_nan=False, allow_infinity=False), st.text(max_size=3)))
def test_measure_transition_names_the_bad_argument(spectrum, targets, c, engine, p, seed, dt, t_final):
    H.expect_invalid(E_MEASURE, "spectrum", measure_transition, spectrum, [0.0], 1.0)
    H.expect_invalid(E_MEASURE, "targets", measure_transition, SPEC, targets, 1.0)
    H.expect_invalid(E_MEASURE, "c", measure_transition, SPEC, [0.0], c)
    H.expect_invalid(E_MEASURE, "engine", measure_transition, SPEC, [0.0], 1.0, engine=engine)
    H.expect_invalid(E_MEASURE, "p", measure_transition, SPEC, [0.0], 1.0, engine="qnn", p=p)
    H.expect_invalid(E_MEASURE, "seed", measure_transition, SPEC, [0.0], 1.0, seed=seed)
    H.expect_invalid(E_MEASURE, "dt", measure_transition, SPEC, [0.0], 1.0, dt=dt)
    H.expect_invalid(E_MEASURE, "t_final", measure_transition, SPEC, [0.0], 1.0, t_final=t_final)


@settings(max_examples=N, deadline=None)
@given(scale=st.floats(1e-8, 1e8), shift=st.floats(-1e6, 1e6), frac=st.floats(-3.0, 4.0), c=st.floats(1e-6, 1e6),
       w=st.lists(st.floats(1e-12, 1.0), min_size=3, max_size=3), with_weights=st.booleans())
def test_transition_rates_extreme_but_valid(scale, shift, frac, c, w, with_weights):
    spec = shift + scale * np.array([-1.0, 0.1, 1.0])
    target = shift + scale * frac
    weights = np.array(w) / np.sum(w) if with_weights else None
    try:
        r = transition_rates(spec, target, c, weights=weights)
    except InvalidInput as err:  # a target within rounding of the range's end: a named refusal
        assert err.argument in ("target", "c"), str(err)
        H.COUNTS[E_RATES] += 1
        return
    numbers = [r.o_min, r.o_max, r.attractor, r.floor, r.gap, r.var_bound]
    if r.determined:
        numbers += [r.residual_rate, r.loss_rate]
    H.expect_finite(E_RATES, numbers)
    assert r.residual_rate >= 0 or np.isnan(r.residual_rate)


@settings(max_examples=20, deadline=None)
@given(frac=st.floats(-2.0, 3.0), c=st.floats(1e-3, 10.0), t_end=st.floats(1e-6, 50.0))
def test_reduced_flow_extreme_but_valid(frac, c, t_end):
    target = -1.0 + 1.9 * frac
    res = reduced_flow(SPEC, W, target, c, [0.0, t_end])
    H.expect_finite(E_REDUCED, [res.yhat, res.beta, res.excess])
    assert np.all(res.yhat >= -1.0 - 1e-12) and np.all(res.yhat <= 0.9 + 1e-12)


@settings(max_examples=10, deadline=None)
@given(target=st.floats(-1e3, 1e3), c=st.floats(1e-3, 1e3), engine=st.sampled_from(("flow", "qnn")))
def test_measure_transition_extreme_but_valid(target, c, engine):
    try:
        (run,) = measure_transition(SPEC, [target], c, engine=engine, p=3, t_final=0.5, dt=0.1)
    except InvalidInput as err:  # an unstable step for a large c or a far target: a named refusal
        assert err.argument == "dt", str(err)
        H.COUNTS[E_MEASURE] += 1
        return
    H.expect_finite(E_MEASURE, [run.times, run.loss, run.excess])
