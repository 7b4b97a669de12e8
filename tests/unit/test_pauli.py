"""Pauli strings: spelling (C6), matrices, products, commutation."""

import numpy as np
import pytest
from hypothesis import given

from qnnsym.errors import InvalidInput
from qnnsym.model.pauli import PauliString, all_pauli_strings
from qnnsym.strategies import pauli_strings


def test_qubit_zero_is_most_significant():
    # X on qubit 0 of two qubits maps |00> (index 0) to |10> (index 2)
    m = PauliString("XI").matrix()
    assert m[2, 0] == 1 and m[1, 0] == 0


def test_lowercase_accepted_and_normalised():
    assert PauliString("xz").label == "XZ"


@pytest.mark.parametrize("bad", ["", "XA", "1", None, 3])
def test_bad_labels_raise_naming_label(bad):
    with pytest.raises(InvalidInput, match="^label: expected"):
        PauliString(bad)


def test_products_of_different_sizes_raise():
    with pytest.raises(InvalidInput, match="other"):
        PauliString("X") * PauliString("XX")


@given(pauli_strings(include_identity=True, max_qubits=3), pauli_strings(include_identity=True, max_qubits=3))
def test_product_phase_matches_matrix_product(p, q):
    if p.n_qubits != q.n_qubits:
        q = PauliString((q.label * 3)[: p.n_qubits])
    phase, r = p * q
    assert np.array_equal(phase * r.matrix(), p.matrix() @ q.matrix())


@given(pauli_strings(max_qubits=3), pauli_strings(max_qubits=3))
def test_commutes_with_matches_matrices(p, q):
    q = PauliString((q.label * 3)[: p.n_qubits])
    comm = p.matrix() @ q.matrix() - q.matrix() @ p.matrix()
    assert p.commutes_with(q) == (np.max(np.abs(comm)) == 0)


def test_all_pauli_strings_count_and_orthogonality():
    ps = all_pauli_strings(2, include_identity=True)
    assert len(ps) == 16
    gram = np.array([[np.trace(a.matrix().conj().T @ b.matrix()) for b in ps] for a in ps])
    assert np.array_equal(gram, 4 * np.eye(16))


def test_diagonal_signs():
    assert PauliString("ZZ").diagonal_signs().tolist() == [1, -1, -1, 1]
    with pytest.raises(InvalidInput):
        PauliString("XZ").diagonal_signs()
