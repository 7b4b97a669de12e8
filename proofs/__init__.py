"""The proofs of qnnsym: one module per statement of the specification.

Installed as :mod:`qnnsym.proofs` (``pyproject.toml`` maps this folder onto that package).
Each module defines ``build() -> qnnsym.theorems.Theorem``; :func:`qnnsym.theorems.discover`
imports them in file-name order.
"""
