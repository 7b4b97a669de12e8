"""The inventory of fuzzed entry points: every public name of ``qnnsym.model`` and
``qnnsym.numeric`` (and the public functions of ``qnnsym.numeric.rates`` / ``bounds``) outside
:data:`EXCLUDED` must map to at least one fuzz test here, so a new export without a fuzz test
fails the suite.
"""

from __future__ import annotations

import importlib

import qnnsym.model
import qnnsym.numeric
from qnnsym.numeric import bounds, rates

M, N = "test_fuzz_model", "test_fuzz_numeric"

#: entry point -> the fuzz tests that feed it malformed (and, where listed, extreme valid) input
ENTRY_POINTS: dict[str, list[str]] = {
    # qnnsym.model
    "PauliString": [f"{M}::test_pauli_string_label", f"{M}::test_pauli_string_methods_other"],
    "PauliOperator": [f"{M}::test_pauli_operator"],
    "DiagonalOperator": [f"{M}::test_diagonal_operator"],
    "DenseHermitian": [f"{M}::test_dense_hermitian"],
    "DenseUnitary": [f"{M}::test_dense_unitary"],
    "Gate": [f"{M}::test_gate"],
    "GateSequence": [f"{M}::test_gate_sequence"],
    "Layer": [f"{M}::test_layer"],
    "QNN": [f"{M}::test_qnn"],
    "AngleEncoding": [f"{M}::test_angle_encoding_construction", f"{M}::test_angle_encoding_inputs",
                      f"{M}::test_angle_encoding_extreme_valid"],
    "Dataset": [f"{M}::test_dataset_unnormalised_state", f"{M}::test_dataset_bad_density_matrix",
                f"{M}::test_dataset_shapes_and_targets"],
    "circuit": [f"{M}::test_circuit"],
    "dense_haar_model": [f"{M}::test_dense_haar_model", f"{M}::test_dense_haar_model_too_large_is_refused_before_allocating"],
    "hardware_efficient_ansatz": [f"{M}::test_hardware_efficient_ansatz"],
    "random_orthonormal_dataset": [f"{M}::test_random_orthonormal_dataset", f"{M}::test_random_orthonormal_dataset_extreme_labels"],
    "all_pauli_strings": [f"{M}::test_all_pauli_strings"],
    "as_operator": [f"{M}::test_as_operator"],
    # qnnsym.numeric
    "predict": [f"{N}::test_model_data_theta_functions", f"{N}::test_extreme_theta_gives_finite_bounded_results"],
    "jacobian": [f"{N}::test_model_data_theta_functions", f"{N}::test_jacobian_method", f"{N}::test_extreme_theta_gives_finite_bounded_results"],
    "predict_and_jacobian": [f"{N}::test_model_data_theta_functions", f"{N}::test_extreme_theta_gives_finite_bounded_results"],
    "tangent_kernel": [f"{N}::test_model_data_theta_functions", f"{N}::test_extreme_theta_gives_finite_bounded_results"],
    "loss": [f"{N}::test_model_data_theta_functions", f"{N}::test_overflowing_measurement_is_reported_not_returned"],
    "loss_gradient": [f"{N}::test_model_data_theta_functions", f"{N}::test_overflowing_measurement_is_reported_not_returned"],
    "loss_and_gradient": [f"{N}::test_model_data_theta_functions", f"{N}::test_overflowing_measurement_is_reported_not_returned"],
    "unitary": [f"{N}::test_unitary_and_effective_measurement", f"{N}::test_extreme_theta_gives_finite_bounded_results"],
    "effective_measurement": [f"{N}::test_unitary_and_effective_measurement", f"{N}::test_extreme_theta_gives_finite_bounded_results"],
    "asymptotic_kernel": [f"{N}::test_asymptotic_kernel"],
    "frozen_kernel_prediction": [f"{N}::test_frozen_kernel_prediction", f"{N}::test_frozen_kernel_prediction_extreme_valid"],
    "gradient_descent": [f"{N}::test_gradient_descent_arguments", f"{N}::test_gradient_descent_huge_learning_rate_is_finite_or_named"],
    "gradient_flow": [f"{N}::test_gradient_flow_arguments", f"{N}::test_gradient_flow_refuses_unstable_step",
                      f"{N}::test_gradient_flow_accepts_steps_within_the_a_priori_bound", f"{N}::test_gradient_flow_refuses_too_many_steps"],
    "asymptotic_flow": [f"{N}::test_asymptotic_flow_arguments", f"{N}::test_asymptotic_flow_refuses_unstable_step",
                        f"{N}::test_asymptotic_flow_accepted_steps_stay_finite"],
    "Trajectory": [f"{N}::test_trajectory_construction", f"{N}::test_trajectory_save_load"],
    # qnnsym.numeric.rates
    "rates.instantaneous_rate": [f"{N}::test_rates_series", f"{N}::test_rates_extreme_valid"],
    "rates.classify_tail": [f"{N}::test_rates_series", f"{N}::test_classify_tail_parameters", f"{N}::test_rates_extreme_valid"],
    "rates.fit_exponential": [f"{N}::test_rates_series", f"{N}::test_rates_extreme_valid"],
    "rates.fit_power_law": [f"{N}::test_rates_series", f"{N}::test_classify_tail_parameters", f"{N}::test_rates_extreme_valid"],
    # qnnsym.numeric.bounds
    "bounds.measurement_range": [f"{N}::test_bounds_model_functions"],
    "bounds.sublinear_lower_bound": [f"{N}::test_bounds_scalar_functions", f"{N}::test_bounds_extreme_valid"],
    "bounds.one_sample_residual_bound": [f"{N}::test_bounds_scalar_functions", f"{N}::test_bounds_extreme_valid"],
    "bounds.discrete_lower_bound": [f"{N}::test_bounds_scalar_functions", f"{N}::test_bounds_extreme_valid"],
    "bounds.gd_step_condition": [f"{N}::test_bounds_model_functions"],
    "bounds.gradient_bounds": [f"{N}::test_bounds_model_functions"],
    "bounds.kernel_trace_bound": [f"{N}::test_bounds_model_functions"],
}

#: public names deliberately not fuzzed here, with the reason
EXCLUDED: dict[str, str] = {
    "haar_average": "qnnsym/numeric/haar.py is fuzzed by the sampling helper's suite",
    "haar_states": "qnnsym/numeric/haar.py is fuzzed by the sampling helper's suite",
    "haar_unitaries": "qnnsym/numeric/haar.py is fuzzed by the sampling helper's suite",
    "MonteCarloResult": "the result type of haar_average (haar.py)",
    "warmup": "takes no arguments: there is no input to malform",
    "rates.RateFit": "a result type, only built by classify_tail",
    "bounds.GDStepCondition": "a result type, only built by gd_step_condition",
}


def _public_names() -> set[str]:
    names = set(qnnsym.model.__all__) | set(qnnsym.numeric.__all__)
    names |= {f"rates.{n}" for n in rates.__all__} | {f"bounds.{n}" for n in bounds.__all__}
    return names


def test_every_public_entry_point_has_a_fuzz_test():
    uncovered = _public_names() - set(ENTRY_POINTS) - set(EXCLUDED)
    assert not uncovered, f"public names without a fuzz test: {sorted(uncovered)}"


def test_inventory_lists_only_existing_names_and_tests():
    public = _public_names()
    assert set(ENTRY_POINTS) <= public, sorted(set(ENTRY_POINTS) - public)
    assert set(EXCLUDED) <= public, sorted(set(EXCLUDED) - public)
    assert not set(ENTRY_POINTS) & set(EXCLUDED)
    for entry, tests in ENTRY_POINTS.items():
        assert tests, entry
        for ref in tests:
            module, func = ref.split("::")
            assert callable(getattr(importlib.import_module(module), func, None)), f"{entry}: {ref} does not exist"


def test_inventory_count():
    # 17 model names + 15 numeric names + 4 rates + 7 bounds functions = 43 entry points
    assert len(ENTRY_POINTS) == 43
