"""Conventions (SPEC section 1) live in one module and the docs print them verbatim."""

from pathlib import Path

import pytest

from qnnsym import conventions as C

DOC = Path(__file__).resolve().parents[2] / "docs" / "conventions.md"


def test_docs_page_is_the_module_text():
    header = "<!-- generated from qnnsym/conventions.py by `qnnsym info --conventions`; do not edit -->\n"
    assert DOC.read_text() == header + C.conventions_markdown(), "regenerate docs/conventions.md from qnnsym.conventions"


def test_all_eight_conventions_present():
    assert [c.id for c in C.CONVENTIONS] == [f"C{i}" for i in range(1, 9)]


@pytest.mark.parametrize("d", [2, 3, 4, 8])
def test_alpha_beta_of_a_pauli_like_operator(d):
    # A = diag(+-1) traceless (even d) or not (odd d): tr A^2 = d
    tr_a = 0.0 if d % 2 == 0 else 1.0
    beta = C.haar_beta(tr_a, float(d), d)
    alpha = C.haar_alpha(tr_a, float(d), d)
    # E[tr(VAV^dag)]^2 = (tr A)^2 = alpha d^2 + beta d  (trace of alpha I(x)I + beta SWAP)
    assert alpha * d * d + beta * d == pytest.approx(tr_a**2)
    # E tr((VAV^dag)^2) = tr A^2 = alpha d + beta d^2  (trace against SWAP)
    assert alpha * d + beta * d * d == pytest.approx(d)


def test_qubit_bit():
    assert [C.qubit_bit(q, 3) for q in range(3)] == [2, 1, 0]
