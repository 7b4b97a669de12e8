"""The inventory of fuzzed entry points of :mod:`qnnsym.neighbours` (N1-N3): every name in the
``__all__`` of ``frozen``, ``dla`` and ``transition`` maps to at least one fuzz test, or to a
written reason in :data:`EXCLUDED`, so a new export without a fuzz case fails the suite (as
tests/fuzz/test_fuzz_inventory.py does for the model and numeric layers).
"""

from __future__ import annotations

import importlib

import pytest

from qnnsym.neighbours import FIGURE_MODULES

F1, F2, F3 = "test_fuzz_n1", "test_fuzz_n2", "test_fuzz_n3"

ENTRY_POINTS: dict[str, list[str]] = {
    # N1: qnnsym.neighbours.frozen
    "frozen.mean_kernel": [f"{F1}::test_mean_kernel"],
    "frozen.mean_kernel_prediction": [f"{F1}::test_mean_kernel_prediction"],
    "frozen.jacobian_derivative": [f"{F1}::test_jacobian_and_kernel_derivative"],
    "frozen.kernel_derivative": [f"{F1}::test_jacobian_and_kernel_derivative"],
    "frozen.dqntk_residual_correction": [f"{F1}::test_dqntk_residual_correction",
                                         f"{F1}::test_dqntk_residual_correction_extreme_valid"],
    "frozen.dqntk_correction": [f"{F1}::test_dqntk_correction", f"{F1}::test_dqntk_correction_extreme_valid"],
    "frozen.FIGURE": [f"{F1}::test_figure_sizes"],
    # N2: qnnsym.neighbours.dla
    "dla.pauli_bracket": [f"{F2}::test_pauli_bracket", f"{F2}::test_pauli_bracket_length_mismatch"],
    "dla.pauli_closure": [f"{F2}::test_pauli_closure_generators", f"{F2}::test_pauli_closure_max_dim",
                          f"{F2}::test_closures_too_large_are_refused"],
    "dla.rational_closure": [f"{F2}::test_rational_closure_coefficients", f"{F2}::test_rational_closure_generators",
                             f"{F2}::test_closures_too_large_are_refused"],
    "dla.float_closure": [f"{F2}::test_float_closure_matrices", f"{F2}::test_float_closure_rtol"],
    "dla.numerical_rank": [f"{F2}::test_numerical_rank_rows", f"{F2}::test_numerical_rank_rtol"],
    "dla.ansatz_generators": [f"{F2}::test_ansatz_generators_and_expected_dimension"],
    "dla.expected_dla_dimension": [f"{F2}::test_ansatz_generators_and_expected_dimension"],
    "dla.periodic_ansatz": [f"{F2}::test_periodic_ansatz", f"{F2}::test_periodic_ansatz_dense_sums_too_large"],
    "dla.heisenberg_generators": [f"{F2}::test_model_theta_functions", f"{F2}::test_model_functions_model",
                                  f"{F2}::test_model_functions_refuse_large_registers",
                                  f"{F2}::test_extreme_angles_give_finite_ranks"],
    "dla.rank_profile": [f"{F2}::test_model_theta_functions", f"{F2}::test_prefix_lengths", f"{F2}::test_states",
                         f"{F2}::test_rank_profile_data_and_rtol"],
    "dla.frame_deviation": [f"{F2}::test_model_theta_functions", f"{F2}::test_prefix_lengths"],
    "dla.orbit_dimension": [f"{F2}::test_orbit_dimension_algebra", f"{F2}::test_states"],
    "dla.saturation_point": [f"{F2}::test_saturation_point"],
    "dla.LieAlgebra": [f"{F2}::test_lie_algebra_fields"],
    "dla.RankProfile": [f"{F2}::test_rank_profile_data_and_rtol"],
    # N3: qnnsym.neighbours.transition
    "transition.transition_rates": [f"{F3}::test_transition_rates_names_the_bad_argument",
                                    f"{F3}::test_transition_rates_extreme_but_valid",
                                    f"{F3}::test_transition_rates_refuses_an_underflowing_critical_constant_by_name"],
    "transition.reduced_flow": [f"{F3}::test_reduced_flow_names_the_bad_argument", f"{F3}::test_reduced_flow_extreme_but_valid",
                                f"{F3}::test_reduced_flow_refuses_too_much_work_by_name"],
    "transition.measure_transition": [f"{F3}::test_measure_transition_names_the_bad_argument",
                                      f"{F3}::test_measure_transition_extreme_but_valid"],
}

EXCLUDED: dict[str, str] = {
    "dla.NumericalRank": "a result type, only built by numerical_rank",
    "dla.ANSATZ_KINDS": "a constant (the ansatz families), not callable",
    "dla.CLOSURE_RTOL": "a constant (the float closure's tolerance), not callable",
    "dla.RANK_RTOL": "a constant (the SVD rank tolerance), not callable",
    "dla.MAX_EXACT_DIM": "a constant (the exact closures' size guard), not callable",
    "dla.MAX_FLOAT_D": "a constant (the dense methods' size guard), not callable",
    "dla.FIGURE": "its data function forwards every size to rank_profile / periodic_ansatz / dense_haar_model, "
                  "each fuzzed above; data, plot and summary are exercised in tests/test_proofs_n2.py",
    "transition.TransitionRates": "a result type, only built by transition_rates",
    "transition.ReducedFlow": "a result type, only built by reduced_flow",
    "transition.TransitionMeasurement": "a result type, only built by measure_transition",
    "transition.FIGURE": "its data function forwards its sizes to measure_transition (fuzzed above); "
                         "data, plot and summary are exercised in tests/test_proofs_n3.py",
}


def _public_names() -> set[str]:
    names = set()
    for dotted in FIGURE_MODULES.values():
        module = importlib.import_module(dotted)
        short = dotted.rsplit(".", 1)[1]
        names |= {f"{short}.{n}" for n in module.__all__}
    return names


def test_every_public_name_of_the_neighbours_has_a_fuzz_test_or_a_reason():
    uncovered = _public_names() - set(ENTRY_POINTS) - set(EXCLUDED)
    assert not uncovered, f"public names without a fuzz test: {sorted(uncovered)}"


@pytest.mark.parametrize("entry", sorted(ENTRY_POINTS))
def test_listed_names_and_tests_exist(entry):
    assert entry in _public_names(), entry
    assert entry not in EXCLUDED
    for ref in ENTRY_POINTS[entry]:
        module, func = ref.split("::")
        assert callable(getattr(importlib.import_module(module), func, None)), f"{entry}: {ref} does not exist"


def test_excluded_names_exist_and_give_a_reason():
    public = _public_names()
    for name, reason in EXCLUDED.items():
        assert name in public, name
        assert len(reason) > 20, name
