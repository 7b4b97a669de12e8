"""Fuzz the public entry points of the symbolic layer and the theorem machinery with malformed
values: each must raise the documented :class:`~qnnsym.errors.InvalidInput` (or its subclass
:class:`~qnnsym.errors.TooLarge`) naming the argument -- never crash with another exception,
hang (each call runs under a 10 s limit) or return a NaN.

:data:`CASES` lists (entry point, argument, hostile strategy, call); :data:`INVENTORY` maps every
public name of the modules in :data:`MODULES` to its cases or to the reason it takes no input, and
``test_inventory_covers_every_public_name`` fails when a new export has neither.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np
import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import qnnsym.check as check
import qnnsym.proofkit as proofkit
import qnnsym.symbolic as qs
import qnnsym.theorems as th
from hostile_symbolic import (bad_dimension, bad_int_dimension, bad_optional_dimension, bad_order, bad_partition, bad_permutation,
                              bad_positive_int, bad_rationalize, bad_seconds, expect_invalid, non_finite_matrix,
                              not_an)
from qnnsym.errors import TooLarge
from qnnsym.model import QNN, AngleEncoding, Dataset, circuit
from qnnsym.symbolic import circuit as sc
from qnnsym.symbolic import flow, haar, haar_words, kernel, permutations, printing, symbols, weingarten
from qnnsym.symbolic.haar import Op

MODULES = {
    "qnnsym.symbolic": qs, "weingarten": weingarten, "haar": haar, "haar_words": haar_words, "circuit": sc,
    "kernel": kernel, "flow": flow, "permutations": permutations, "printing": printing, "symbols": symbols,
    "check": check, "theorems": th, "proofkit": proofkit,
}

A, B = Op("A"), Op("B")
QNN1 = circuit(1, [("RY", 0)], measurement="Z")
DATA1 = AngleEncoding(1).dataset([[0.3]], [1.0])
X = sp.Symbol("x", real=True)
STEP = th.Step("x = x", "expand", X, X)
THM = th.Theorem(id="demo", title="demo", statement="x = x", claimed="PROVED", steps=[STEP])
Z2, X2 = sp.diag(1, -1), sp.Matrix([[0, 1], [1, 0]])
POLY = haar_words.tr(haar_words.conj(A, "V") * haar_words.letter(B))


@dataclass(frozen=True)
class Case:
    entry: str
    argument: str | re.Pattern
    strategy: st.SearchStrategy
    call: Callable[[Any], Any]

    @property
    def id(self) -> str:
        arg = self.argument.pattern if isinstance(self.argument, re.Pattern) else self.argument
        return f"{self.entry}:{arg}"


def _idx(name: str) -> re.Pattern:
    return re.compile(re.escape(name) + r"(\[.*\])?")


CASES = [
    # weingarten
    Case("weingarten_table", "t", bad_order(0), lambda v: weingarten.weingarten_table(v, 3)),
    Case("weingarten_table", "d", bad_dimension(), lambda v: weingarten.weingarten_table(2, v)),
    Case("gram_matrix", "t", bad_order(0), lambda v: weingarten.gram_matrix(v, 3)),
    Case("gram_matrix", "d", bad_dimension(), lambda v: weingarten.gram_matrix(2, v)),
    Case("weingarten_matrix", "t", bad_order(0), lambda v: weingarten.weingarten_matrix(v, 3)),
    Case("weingarten_matrix", "d", bad_dimension(), lambda v: weingarten.weingarten_matrix(2, v)),
    Case("weingarten", "sigma", bad_permutation().filter(lambda v: not permutations.is_partition(v)), lambda v: weingarten.weingarten(v, 3)),
    Case("weingarten", "d", bad_dimension(), lambda v: weingarten.weingarten((1, 0), v)),
    Case("character", "lam", bad_partition(), lambda v: weingarten.character(v, (1, 1))),
    Case("character", "mu", bad_partition(), lambda v: weingarten.character((2,), v)),
    Case("hook_product", "lam", bad_partition(), lambda v: weingarten.hook_product(v)),
    Case("schur_dimension", "lam", bad_partition(), lambda v: weingarten.schur_dimension(v, 3)),
    Case("schur_dimension", "d", bad_dimension(), lambda v: weingarten.schur_dimension((2, 1), v)),
    # haar
    Case("Op", "name", st.one_of(st.text(max_size=4).filter(lambda s: not re.fullmatch(r"[A-Za-z][A-Za-z0-9_]*", s)),
                                 st.none(), st.integers()), lambda v: Op(v)),
    Case("Op", "kind", st.text(max_size=6).filter(lambda s: s not in haar.OP_KINDS), lambda v: Op("A", v)),
    Case("trace_invariant", _idx("ops"), not_an(Op), lambda v: haar.trace_invariant(A, v)),
    Case("permutation_operator", "sigma", bad_permutation(), lambda v: haar.permutation_operator(v, 2)),
    Case("permutation_operator", "d", bad_int_dimension(), lambda v: haar.permutation_operator((1, 0), v)),
    Case("cycle_trace", "sigma", bad_permutation(2), lambda v: haar.cycle_trace(v, [A, B])),
    Case("cycle_trace", _idx("ops"), not_an(Op, sp.MatrixBase, np.ndarray, list, tuple),
         lambda v: haar.cycle_trace((1, 0), v)),
    Case("twirl", "t", bad_order(1), lambda v: haar.twirl([A, A], v)),
    Case("twirl", "d", bad_optional_dimension(), lambda v: haar.twirl([A, A], 2, v)),
    Case("twirl", "X", st.one_of(not_an(Op, list, tuple, dict, np.ndarray, sp.MatrixBase), non_finite_matrix(4),
                                 st.just(np.ones((3, 3))), st.just([A, np.eye(2)])), lambda v: haar.twirl(v, 2)),
    Case("haar_trace_product", _idx("pairs"), st.one_of(not_an(list, tuple), st.just([(A,)]), st.just([(A, np.eye(2))]),
                                                  st.just([(np.eye(2), np.full((2, 2), np.nan))])),
         lambda v: haar.haar_trace_product(v)),
    Case("haar_trace_product", "d", bad_optional_dimension(), lambda v: haar.haar_trace_product([(A, B)], v)),
    Case("second_moment_coefficients", _idx("A"), st.one_of(not_an(Op, np.ndarray, sp.MatrixBase), non_finite_matrix(2),
                                                      st.just(np.ones((2, 3)))),
         lambda v: haar.second_moment_coefficients(v)),
    Case("second_moment_coefficients", "d", bad_optional_dimension(), lambda v: haar.second_moment_coefficients(A, v)),
    # haar_words
    Case("Conj", "op", not_an(Op), lambda v: haar_words.Conj(v, "V")),
    Case("Conj", "group", not_an(str), lambda v: haar_words.Conj(A, v)),
    Case("NC", "terms", not_an(dict), lambda v: haar_words.NC(v) if v is not None else haar_words.NC(1)),
    Case("letter", "op", not_an(Op), lambda v: haar_words.letter(v)),
    Case("conj", "op", not_an(Op), lambda v: haar_words.conj(v, "V")),
    Case("conj", "group", st.one_of(not_an(str), st.just(""), st.just("  ")), lambda v: haar_words.conj(A, v)),
    Case("commutator", "b", not_an(haar_words.NC), lambda v: haar_words.commutator(haar_words.letter(A), v)),
    Case("tr", "p", not_an(haar_words.NC), lambda v: haar_words.tr(v)),
    Case("tp_add", _idx("polys"), st.one_of(not_an(dict), st.just({("A",): 1})), lambda v: haar_words.tp_add(POLY, v)),
    Case("tp_add", _idx("weights"), st.one_of(st.just([1]), st.just([1, 2, 3]), st.just([1, float("nan")]),
                                               st.just("ab"), st.just([1, None])),
         lambda v: haar_words.tp_add(POLY, POLY, weights=v)),
    Case("trace_product", _idx("factors"), st.one_of(st.just(float("nan")), st.just(None), st.just("x"),
                                                     st.just({(("A",),): 1}), st.just({(): float("inf")})),
         lambda v: haar_words.trace_product(POLY, v)),
    Case("haar_average_words", "poly", st.one_of(not_an(dict), st.just({(("A",),): 1})),
         lambda v: haar_words.haar_average_words(v, "V")),
    Case("haar_average_words", "group", not_an(str), lambda v: haar_words.haar_average_words(POLY, v)),
    Case("haar_average_words", "d", bad_optional_dimension(), lambda v: haar_words.haar_average_words(POLY, "V", v)),
    Case("haar_average_words", "subs", not_an(dict).filter(lambda v: v is not None),
         lambda v: haar_words.haar_average_words(POLY, "V", subs=v)),
    Case("Haar", "group", not_an(str), lambda v: haar_words.Haar(v)),
    Case("haar", "dagger", not_an(bool), lambda v: haar_words.haar("V", v)),
    Case("haar_average_letters", "poly", not_an(dict), lambda v: haar_words.haar_average_letters(v, "V")),
    Case("haar_average_letters", "d", bad_optional_dimension(),
         lambda v: haar_words.haar_average_letters(haar_words.tr(haar_words.haar("V") * haar_words.letter(A)
                                                                 * haar_words.haar("V", True)), "V", v)),
    Case("to_sympy", "poly", st.one_of(not_an(dict), st.just(POLY)), lambda v: haar_words.to_sympy(v)),
    Case("to_sympy", "d", bad_optional_dimension(), lambda v: haar_words.to_sympy(haar_words.tr(haar_words.letter(A)), v)),
    # circuit
    Case("exact_number", "x", st.one_of(st.sampled_from([float("nan"), float("inf"), -float("inf"), complex("nan")]),
                                        st.text(max_size=3), st.none(), st.just([1.0])),
         lambda v: sc.exact_number(v)),
    Case("exact_number", "rationalize", bad_rationalize(), lambda v: sc.exact_number(0.5, rationalize=v)),
    Case("gate_matrix", "name", st.one_of(st.text(max_size=4).filter(lambda s: s.upper() not in ("H", "X", "Y", "Z", "S", "T",
                                                                                                 "CNOT", "CZ", "SWAP", "I")),
                                          st.none(), st.integers()), lambda v: sc.gate_matrix(v)),
    Case("theta_symbols", "p", bad_positive_int(), lambda v: sc.theta_symbols(v)),
    Case("feature_symbols", "n_qubits", bad_positive_int(), lambda v: sc.feature_symbols(v)),
    Case("feature_symbols", "sample", st.one_of(st.integers(max_value=-1), st.floats(), st.text(max_size=2)),
         lambda v: sc.feature_symbols(1, v)),
    Case("unitary", "qnn", not_an(QNN), lambda v: sc.unitary(v)),
    Case("unitary", "rationalize", bad_rationalize(), lambda v: sc.unitary(QNN1, rationalize=v)),
    Case("unitary", "max_dim", bad_positive_int(), lambda v: sc.unitary(QNN1, max_dim=v)),
    Case("effective_measurement", "qnn", not_an(QNN), lambda v: sc.effective_measurement(v)),
    Case("effective_measurement", "rationalize", bad_rationalize(), lambda v: sc.effective_measurement(QNN1, rationalize=v)),
    Case("effective_measurement", "max_terms", bad_positive_int(), lambda v: sc.effective_measurement(QNN1, max_terms=v)),
    Case("predictions", "qnn", not_an(QNN), lambda v: sc.predictions(v, DATA1)),
    Case("predictions", "data", not_an(Dataset), lambda v: sc.predictions(QNN1, v)),
    Case("predictions", "features", not_an(str), lambda v: sc.predictions(QNN1, DATA1, features=v)),
    Case("prediction_function", "encoding", not_an(AngleEncoding), lambda v: sc.prediction_function(QNN1, v)),
    Case("prediction_function", "qnn", not_an(QNN), lambda v: sc.prediction_function(v, AngleEncoding(1))),
    Case("estimate_measurement_terms", "qnn", not_an(QNN), lambda v: sc.estimate_measurement_terms(v)),
    Case("PauliSum", "terms", not_an(dict), lambda v: sc.PauliSum(v, 1)),
    Case("PauliSum", "n_qubits", bad_positive_int(), lambda v: sc.PauliSum({"Z": 1}, v)),
    # kernel
    Case("derive_tangent_kernel", "qnn", not_an(QNN), lambda v: kernel.derive_tangent_kernel(v, DATA1)),
    Case("derive_tangent_kernel", "data", not_an(Dataset), lambda v: kernel.derive_tangent_kernel(QNN1, v)),
    Case("derive_tangent_kernel", "max_work", bad_positive_int(), lambda v: kernel.derive_tangent_kernel(QNN1, DATA1, max_work=v)),
    Case("derive_tangent_kernel", "kernel", not_an(bool), lambda v: kernel.derive_tangent_kernel(QNN1, DATA1, kernel=v)),
    Case("jacobian", "data", not_an(Dataset), lambda v: kernel.jacobian(QNN1, v)),
    Case("jacobian", "features", not_an(str), lambda v: kernel.jacobian(QNN1, DATA1, features=v)),
    Case("tangent_kernel", "qnn", not_an(QNN), lambda v: kernel.tangent_kernel(v, DATA1)),
    Case("tangent_kernel", "rationalize", bad_rationalize(), lambda v: kernel.tangent_kernel(QNN1, DATA1, rationalize=v)),
    Case("estimate_kernel_terms", "data", not_an(Dataset), lambda v: kernel.estimate_kernel_terms(QNN1, v)),
    Case("trig_normal_form", "expr", st.one_of(st.text(max_size=3), st.none(), st.just(object()), st.just(float("nan")),
                                               st.just(sp.nan), st.just(sp.zoo)), lambda v: kernel.trig_normal_form(v)),
    Case("trig_normal_form", "variables", st.one_of(st.just([1]), st.just("x"), st.just(3), st.just([sp.Symbol("x") + 1])),
         lambda v: kernel.trig_normal_form(sp.cos(X), v)),
    Case("trig_normal_form", "steps", st.one_of(st.just("steps"), st.just(()), st.just(3)),
         lambda v: kernel.trig_normal_form(sp.cos(X), steps=v)),
    # flow
    Case("one_sample_solution", "case", st.one_of(not_an(str), st.just("inside")), lambda v: flow.one_sample_solution(v)),
    Case("asymptotic_kernel", "m", st.one_of(not_an(sp.MatrixBase), st.just(sp.ones(2, 3))),
         lambda v: flow.asymptotic_kernel(v, [Z2])),
    Case("asymptotic_kernel", _idx("rhos"), st.one_of(st.just([sp.eye(3)]), st.just([None]), st.just(None), st.just("r")),
         lambda v: flow.asymptotic_kernel(Z2, v)),
    Case("double_bracket", _idx("targets"), st.one_of(st.just([]), st.just([1, 2]), st.just(None), st.just([float("nan")]),
                                                st.just(["y"])), lambda v: flow.double_bracket(Z2, [X2], v)),
    Case("double_bracket", "c_value", st.one_of(st.just(float("nan")), st.just(None), st.just("c"), st.just(sp.oo)),
         lambda v: flow.double_bracket(Z2, [X2], [1], v)),
    Case("DerivationStep", "verified", not_an(bool), lambda v: flow.DerivationStep("s", 1, flow.ABSTRACT, v)),
    Case("DerivationStep", "method", st.one_of(not_an(str), st.just(" ")), lambda v: flow.DerivationStep("s", 1, v, True)),
    Case("Derivation", _idx("steps"), st.one_of(st.just((1,)), st.just(None), st.just("s")),
         lambda v: flow.Derivation("t", 1, (), v)),
    # permutations
    Case("identity", "t", bad_order(0), lambda v: permutations.identity(v)),
    Case("compose", "p", bad_permutation(), lambda v: permutations.compose(v, (0, 1))),
    Case("compose", "q", bad_permutation(2), lambda v: permutations.compose((1, 0), v)),
    Case("inverse", "p", bad_permutation(), lambda v: permutations.inverse(v)),
    Case("cycles", "p", bad_permutation(), lambda v: permutations.cycles(v)),
    Case("from_cycles", _idx("cycle_list"), st.one_of(st.just([(0, 5)]), st.just([(0, 1), (1, 2)]), st.just([()]),
                                                       st.just([(0.0, 1)]), st.just(3), st.just("01")),
         lambda v: permutations.from_cycles(v, 3)),
    Case("from_cycles", "t", bad_order(0), lambda v: permutations.from_cycles([], v)),
    Case("cycle_type", "p", bad_permutation(), lambda v: permutations.cycle_type(v)),
    Case("num_cycles", "p", bad_permutation(), lambda v: permutations.num_cycles(v)),
    Case("all_permutations", "t", bad_order(0), lambda v: permutations.all_permutations(v)),
    Case("partitions", "t", bad_order(0), lambda v: permutations.partitions(v)),
    Case("centralizer_order", "mu", bad_partition(), lambda v: permutations.centralizer_order(v)),
    Case("class_size", "mu", bad_partition(), lambda v: permutations.class_size(v)),
    Case("conjugacy_classes", "t", bad_order(0), lambda v: permutations.conjugacy_classes(v)),
    Case("representative", "mu", bad_partition(), lambda v: permutations.representative(v)),
    Case("permutation_index", "p", bad_permutation(), lambda v: permutations.permutation_index(v)),
    Case("multiplication_table", "t", bad_order(0), lambda v: permutations.multiplication_table(v)),
    # printing
    Case("register_latex_name", "name", not_an(str), lambda v: printing.register_latex_name(v, r"\alpha")),
    Case("latex", "obj", st.one_of(st.just(object()), st.just(len), st.just(Ellipsis)), lambda v: printing.latex(v)),
    Case("latex_pauli_sum", "pauli_sum", not_an(sc.PauliSum), lambda v: printing.latex_pauli_sum(v)),
    Case("latex_steps", "steps", st.one_of(st.just([1]), st.just([("a",)]), st.just(3), st.just("ab")),
         lambda v: printing.latex_steps(v)),
    Case("latex_derivation", "derivation", not_an(flow.Derivation), lambda v: printing.latex_derivation(v)),
    # symbols
    Case("theta", "l", bad_positive_int().filter(lambda v: not (isinstance(v, str) and v.isidentifier())),  # theta("l")
         lambda v: symbols.theta(v)),
    Case("feature", "i", st.one_of(st.integers(max_value=-1), st.floats(), st.text(max_size=2), st.none()),
         lambda v: symbols.feature(v)),
    Case("sample_feature", "q", st.one_of(st.integers(max_value=-1), st.floats(), st.none()),
         lambda v: symbols.sample_feature(0, v)),
    Case("trace_symbol", "name", st.one_of(st.just(""), st.none(), st.integers()), lambda v: symbols.trace_symbol(v)),
    # check
    Case("compare_expressions", "tolerance", st.one_of(st.floats(max_value=0.0), st.just(float("nan")), st.just("1")),
         lambda v: check.compare_expressions("c", [X], [X], [[0.1]], [[0.1]], tolerance=v)),
    Case("compare_expressions", _idx("points"), st.one_of(st.just([[float("nan")]]), st.just([[0.1, 0.2]]), st.just(None)),
         lambda v: check.compare_expressions("c", [X], [X], v, [[0.1]], tolerance=1e-12)),
    Case("compare_expressions", _idx("numeric_values"), st.one_of(st.just([[float("nan")]]), st.just([[0.1, 0.2]]), st.just([])),
         lambda v: check.compare_expressions("c", [X], [X], [[0.1]], v, tolerance=1e-12)),
    Case("compare_expressions", "variables", st.one_of(st.just([1]), st.just(None), st.just([X, X])),
         lambda v: check.compare_expressions("c", [X], v, [[0.1]], [[0.1]], tolerance=1e-12)),
    # theorems
    Case("Step", "rule", not_an(str), lambda v: th.Step("c", v, X, X)),
    Case("Step", "check", st.one_of(st.just(1), st.just("f")), lambda v: th.Step("c", "check", check=v)),
    Case("Step", "uses", st.one_of(st.just("S1"), st.just([1]), st.just(3)), lambda v: th.Step("c", "by S1", uses=v)),
    Case("Golden", "compute", not_an(type(len)).filter(lambda v: not callable(v)), lambda v: th.Golden("g", v, 1)),
    Case("Theorem", "claimed", st.text(max_size=8).filter(lambda s: s not in th.STATUSES),
         lambda v: th.Theorem(id="a", title="a", statement="a", claimed=v, steps=[STEP])),
    Case("Theorem", "id", st.one_of(st.just(""), st.none(), st.integers()),
         lambda v: th.Theorem(id=v, title="a", statement="a", claimed="PROVED", steps=[STEP])),
    Case("Theorem", _idx("steps"), st.one_of(st.just([1]), st.just(STEP), st.just("s")),
         lambda v: th.Theorem(id="a", title="a", statement="a", claimed="CHECKED", steps=v, numeric=lambda p: None)),
    Case("NumericEvidence", "max_error", st.one_of(st.just("0"), st.none(), st.just([0.0]), st.just(True)),
         lambda v: th.NumericEvidence(v, 1e-12)),
    Case("NumericEvidence", "tolerance", st.one_of(st.just(float("nan")), st.none(), st.just("1")),
         lambda v: th.NumericEvidence(0.0, v)),
    Case("close_step", "step", not_an(th.Step), lambda v: th.close_step(v)),
    Case("close_step", "time_limit", bad_seconds(), lambda v: th.close_step(STEP, time_limit=v)),
    Case("verify_theorem", "theorem", not_an(th.Theorem), lambda v: th.verify_theorem(v)),
    Case("verify_theorem", "profile", st.text(max_size=5).filter(lambda s: s not in ("quick", "full")),
         lambda v: th.verify_theorem(THM, profile=v)),
    Case("verify_theorem", "property_examples", bad_positive_int(), lambda v: th.verify_theorem(THM, property_examples=v)),
    Case("verify_theorem", "step_time_limit", bad_seconds(), lambda v: th.verify_theorem(THM, step_time_limit=v)),
    Case("verify_all", _idx("theorems"), st.one_of(st.just([1]), st.just(None), st.just("S1"), st.just(THM)),
         lambda v: th.verify_all(v)),
    Case("verify_all", "only", st.one_of(st.just(["nope"]), st.just("demo"), st.just([1])),
         lambda v: th.verify_all([THM], only=v)),
    Case("verify_all", "progress", st.one_of(st.just(1), st.just("p")), lambda v: th.verify_all([THM], progress=v)),
    Case("dependency_order", "only", st.one_of(st.just(["nope"]), st.just("demo"), st.just([1])),
         lambda v: th.dependency_order([THM], v)),
    Case("dependency_order", _idx("theorems"), st.one_of(st.just([1]), st.just(None), st.just("S1")),
         lambda v: th.dependency_order(v)),
    Case("discover", "proofs_dir", st.one_of(st.just("/nonexistent/qnnsym-proofs"), st.integers(), st.just(["x"])),
         lambda v: th.discover(v)),
    # proofkit
    Case("real_vector_symbols", "n", bad_positive_int(), lambda v: proofkit.real_vector_symbols("a", v)),
    Case("real_vector_symbols", "name", st.one_of(st.just(""), st.none(), st.integers(), st.just("a b")),
         lambda v: proofkit.real_vector_symbols(v, 2)),
    Case("lagrange_identity_step", "n", bad_positive_int(), lambda v: proofkit.lagrange_identity_step(v)),
    Case("sum_of_squares_step", "m", bad_positive_int(), lambda v: proofkit.sum_of_squares_step(v)),
    Case("run_property", "test", st.one_of(st.just(len), st.just(None), st.just(1)), lambda v: proofkit.run_property(v, 5)),
    Case("run_property", "max_examples", bad_positive_int(), lambda v: proofkit.run_property(_given_test, v)),
    Case("run_property", "seed", st.one_of(st.integers(max_value=-1), st.just(2**64), st.floats(), st.text(max_size=2), st.booleans()),
         lambda v: proofkit.run_property(_given_test, 5, seed=v)),
    Case("property_seed", "seed", st.one_of(st.integers(max_value=-1), st.just(2**64), st.floats(), st.none(), st.booleans()),
         lambda v: proofkit.property_seed(v).__enter__()),
    Case("extreme_label_instances", "profile", st.text(max_size=4).filter(lambda s: s not in ("quick", "full")),
         lambda v: proofkit.extreme_label_instances(v)),
    Case("lazy_step", "thunk", st.one_of(st.just(1), st.just("f"), st.none()), lambda v: proofkit.lazy_step("c", "expand", v)),
    Case("lazy_step", "rule", not_an(str), lambda v: proofkit.lazy_step("c", v, lambda: (X, X))),
    Case("z_scores", "samples", st.one_of(st.just(np.array([1.0, np.nan])), st.just(np.zeros(1)), st.just("x"),
                                          st.just(np.array([1.0, 2.0j]))), lambda v: proofkit.z_scores(v, 0.0)),
    Case("z_scores", "exact", st.one_of(st.just(float("nan")), st.just("x"), st.just(np.ones(3))),
         lambda v: proofkit.z_scores(np.array([0.0, 1.0, 2.0]), v)),
    Case("commutator", "a", st.one_of(st.just("a"), st.none(), st.just([1])), lambda v: proofkit.commutator(v, X)),
    Case("nc_word", "term", st.one_of(st.just("a"), st.none(), st.just([1])), lambda v: proofkit.nc_word(v)),
    Case("cyclic_trace", "expr", st.one_of(st.just("a"), st.none(), st.just([1]), st.just(float("nan"))),
         lambda v: proofkit.cyclic_trace(v)),
    Case("hermitian_symbols", "d", bad_positive_int(), lambda v: proofkit.hermitian_symbols(v, "h")),
    Case("hermitian_symbols", "name", st.one_of(st.just(""), st.none(), st.integers()),
         lambda v: proofkit.hermitian_symbols(2, v)),
]


@given(st.integers(0, 3))
def _given_test(i):
    assert i >= 0


#: every public name -> the entries of CASES that fuzz it, or the reason it takes no input
EXEMPT = {
    "weingarten.MAX_T": "a constant", "haar.OP_KINDS": "a constant", "haar.MAX_TERMS_EXACT": "a constant",
    "haar.MAX_TERMS_NUMERIC": "a constant", "haar.MAX_MONOMIALS": "a constant", "circuit.DEFAULT_MAX_TERMS": "a constant",
    "circuit.MAX_DENSE_QUBITS": "a constant", "kernel.DEFAULT_MAX_WORK": "a constant",
    "kernel.KernelDerivation": "a result record built by derive_tangent_kernel",
    "flow.ABSTRACT": "a constant", "flow.EXPLICIT_D2": "a constant", "flow.CALCULUS": "a constant",
    "flow.DEFINITION": "a constant", "flow.APPROXIMATION": "a constant",
    "flow.measurement_flow": "takes no arguments", "flow.residual_flow": "takes no arguments",
    "flow.one_sample_flow": "takes no arguments",
    "permutations.Permutation": "a type alias", "permutations.Partition": "a type alias",
    "permutations.is_permutation": "a predicate: any object gives True or False",
    "permutations.is_partition": "a predicate: any object gives True or False",
    "permutations.MAX_TABLE_T": "a constant", "permutations.MAX_LIST_T": "a constant",
    "permutations.MAX_PARTITION_T": "a constant", "permutations.MAX_POINTS": "a constant",
    "printing.LATEX_NAMES": "a constant", "symbols.d": "a symbol",
    "check.ARBITRATION_BAND": "a constant", "check.ARBITRATION_DIGITS": "a constant",
    "check.Agreement": "a result record built by compare_expressions", "check.CROSSCHECKS": "a registry",
    "check.MEASURES": "a registry", "check.SEEDS": "a constant", "check.run_crosschecks": "fuzzed by test_run_crosschecks_only below",
    "theorems.StepResult": "a result record built by close_step",
    "theorems.TheoremResult": "a result record built by verify_theorem", "theorems.REWRITES": "a registry",
    "theorems.DEFAULT_STEP_TIME_LIMIT": "a constant",
    "proofkit.PROPERTY_SETTINGS": "a constant",
}


def _inventory() -> dict[str, list[str]]:
    covered: dict[str, list[str]] = {}
    for case in CASES:
        covered.setdefault(case.entry, []).append(case.id)
    out = {}
    for mod_name, mod in MODULES.items():
        for name in mod.__all__:
            key = f"{mod_name}.{name}"
            if key in EXEMPT or name in covered:
                out[key] = covered.get(name, [EXEMPT.get(key, "")])
    return out


def test_inventory_covers_every_public_name():
    missing = [f"{m}.{n}" for m, mod in MODULES.items() for n in mod.__all__
               if f"{m}.{n}" not in EXEMPT and n not in {c.entry for c in CASES}]
    assert not missing, f"public names without a fuzz case (add a Case or an EXEMPT reason): {missing}"
    stale = [k for k in EXEMPT if k.split(".")[-1] not in getattr(MODULES[k.rsplit(".", 1)[0]], "__all__")]
    assert not stale, stale
    assert len(_inventory()) == sum(len(mod.__all__) for mod in MODULES.values())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@settings(max_examples=12)
@given(data=st.data())
def test_malformed_input_raises_the_documented_error(case, data):
    value = data.draw(case.strategy, label=case.id)
    expect_invalid(case.entry, case.argument, case.call, value)


# -- size estimates: refused before the work starts -------------------------------------------

TOO_LARGE = [
    ("weingarten_table", "t", lambda: weingarten.weingarten_table(weingarten.MAX_T + 1, 3)),
    ("gram_matrix", "t", lambda: weingarten.gram_matrix(permutations.MAX_TABLE_T + 1, 3)),
    ("twirl", "X", lambda: haar.twirl([A] * 7, 7)),
    ("permutation_operator", "d", lambda: haar.permutation_operator((1, 0, 2, 3), 64)),
    ("haar_trace_product", "pairs", lambda: haar.haar_trace_product([(Op(f"A{i}"), Op(f"B{i}")) for i in range(7)])),
    ("haar_average_letters", "poly", lambda: haar_words.haar_average_letters(
        haar_words.tr(_power(haar_words.haar("V") * haar_words.letter(A) * haar_words.haar("V", True), 7)), "V")),
    ("all_permutations", "t", lambda: permutations.all_permutations(permutations.MAX_LIST_T + 1)),
    ("partitions", "t", lambda: permutations.partitions(10**4)),
    ("conjugacy_classes", "t", lambda: permutations.conjugacy_classes(12)),
    ("identity", "t", lambda: permutations.identity(10**12)),
    ("multiplication_table", "t", lambda: permutations.multiplication_table(9)),
    ("unitary", "qnn", lambda: sc.unitary(circuit(5, [("RY", 0)], measurement="ZZZZZ"))),
    ("effective_measurement", "qnn", lambda: sc.effective_measurement(QNN1, max_terms=1)),
    ("derive_tangent_kernel", "qnn", lambda: kernel.derive_tangent_kernel(QNN1, DATA1, max_work=1)),
    ("lagrange_identity_step", "n", lambda: proofkit.lagrange_identity_step(10**6)),
    ("hermitian_symbols", "d", lambda: proofkit.hermitian_symbols(10**5, "h")),
]


def _power(p, k):
    out = p
    for _ in range(k - 1):
        out = out * p
    return out


@pytest.mark.parametrize("entry, argument, call", TOO_LARGE, ids=[f"{e}:{a}" for e, a, _ in TOO_LARGE])
def test_requests_that_would_not_finish_are_refused_with_the_alternative(entry, argument, call):
    err = expect_invalid(entry, argument, call)
    assert isinstance(err, TooLarge), str(err)
    assert re.search(r"\d", err.expected) and re.search(r"\d", err.got), str(err)  # the limit and the estimate


def test_run_crosschecks_only():
    expect_invalid("run_crosschecks", "only", check.run_crosschecks, ["no-such-check"])
    expect_invalid("run_crosschecks", "only", check.run_crosschecks, "jacobian")
