"""Boundary checks with uniform messages.

Each function takes the argument's *name* first, so the error names it, and returns
the value converted to the canonical type (a contiguous ``complex128`` or
``float64`` array, a Python ``int``...).  Numerical decisions ("Hermitian",
"unitary", "normalised") use the tolerances of :mod:`qnnsym.tolerances` and the
message states them.

>>> import numpy as np
>>> from qnnsym.validate import hermitian_matrix
>>> hermitian_matrix("measurement", np.array([[1, 1j], [0, 1]]))
Traceback (most recent call last):
...
qnnsym.errors.InvalidInput: measurement: expected a Hermitian 2x2 matrix (max|A - A^H| <= 1e-10 * max(1, max|A|)), got max|A - A^H| = 1
"""

from __future__ import annotations

import math
import numbers
from typing import Any

import numpy as np

from .errors import InvalidInput
from .tolerances import HERMITIAN_ATOL, NORMALISATION_ATOL, PSD_ATOL, UNITARY_ATOL

__all__ = [
    "positive_int",
    "nonnegative_int",
    "finite_real",
    "positive_real",
    "real_vector",
    "complex_array",
    "square_matrix",
    "hermitian_matrix",
    "unitary_matrix",
    "state_vector",
    "density_matrix",
    "describe",
    "real_array",
    "text",
    "flag",
    "member",
]


def describe(value: Any) -> str:
    """A short description of ``value`` for an error message."""
    if isinstance(value, np.ndarray):
        return f"an array of shape {value.shape} and dtype {value.dtype}"
    if isinstance(value, (list, tuple)):
        return f"a {type(value).__name__} of length {len(value)}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def positive_int(name: str, value: Any, *, maximum: int | None = None) -> int:
    """An integer ``>= 1`` (``bool`` and non-integral floats are refused)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInput(name, "a positive integer", describe(value))
    value = int(value)
    if value < 1:
        raise InvalidInput(name, "a positive integer", str(value))
    if maximum is not None and value > maximum:
        raise InvalidInput(name, f"a positive integer <= {maximum}", str(value))
    return value


def nonnegative_int(name: str, value: Any) -> int:
    """An integer ``>= 0``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInput(name, "a non-negative integer", describe(value))
    if int(value) < 0:
        raise InvalidInput(name, "a non-negative integer", str(int(value)))
    return int(value)


def finite_real(name: str, value: Any) -> float:
    """A finite real number."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInput(name, "a finite real number", describe(value))
    value = float(value)
    if not math.isfinite(value):
        raise InvalidInput(name, "a finite real number", repr(value))
    return value


def positive_real(name: str, value: Any) -> float:
    """A finite real number ``> 0``."""
    value = finite_real(name, value)
    if value <= 0:
        raise InvalidInput(name, "a finite real number > 0", repr(value))
    return value


def _as_array(name: str, value: Any, dtype: type, what: str) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged lists and the like
        raise InvalidInput(name, what, f"{describe(value)} that numpy cannot read ({exc})") from None
    if arr.dtype == object or arr.dtype.kind not in "iufc":  # booleans are refused like bool scalars
        raise InvalidInput(name, what, describe(value))
    if dtype is np.float64 and arr.dtype.kind == "c":
        if np.any(arr.imag != 0):
            raise InvalidInput(name, what, "a complex array with non-zero imaginary part")
        arr = arr.real
    arr = np.ascontiguousarray(arr, dtype=dtype)
    bad = ~np.isfinite(arr)
    if bad.any():
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise InvalidInput(name, what, f"a non-finite entry {arr[idx].item()!r} at index {idx}")
    return arr


def real_vector(name: str, value: Any, length: int | None = None) -> np.ndarray:
    """A finite real vector (``float64``, contiguous), optionally of a given length."""
    what = "a finite real vector" + (f" of length {length}" if length is not None else "")
    arr = _as_array(name, value, np.float64, what)
    if arr.ndim != 1 or (length is not None and arr.shape[0] != length):
        raise InvalidInput(name, what, f"an array of shape {arr.shape}")
    return arr


def _with_shape(name: str, arr: np.ndarray, shape: tuple[int | None, ...], what: str) -> np.ndarray:
    """``arr`` when its shape matches ``shape`` (``None`` = any length on that axis)."""
    if arr.ndim != len(shape) or any(s is not None and s != a for s, a in zip(shape, arr.shape)):
        raise InvalidInput(name, what, f"an array of shape {arr.shape}")
    return arr


def complex_array(name: str, value: Any, shape: tuple[int | None, ...]) -> np.ndarray:
    """A finite ``complex128`` array whose shape matches ``shape`` (``None`` = any)."""
    spec = "x".join("*" if s is None else str(s) for s in shape)
    what = f"a finite array of shape {spec}"
    arr = _as_array(name, value, np.complex128, what)
    return _with_shape(name, arr, shape, what)


def square_matrix(name: str, value: Any, d: int | None = None) -> np.ndarray:
    """A finite complex square matrix, of size ``d`` when given."""
    arr = complex_array(name, value, (None, None))
    if arr.shape[0] != arr.shape[1] or (d is not None and arr.shape[0] != d):
        size = f"{d}x{d}" if d is not None else "square"
        raise InvalidInput(name, f"a {size} matrix", f"an array of shape {arr.shape}")
    return arr


def hermitian_matrix(name: str, value: Any, d: int | None = None) -> np.ndarray:
    """A Hermitian matrix: ``max|A - A^H| <= HERMITIAN_ATOL * max(1, max|A|)``."""
    arr = square_matrix(name, value, d)
    n = arr.shape[0]
    dev = float(np.max(np.abs(arr - arr.conj().T))) if n else 0.0
    scale = max(1.0, float(np.max(np.abs(arr))) if n else 0.0)
    if dev > HERMITIAN_ATOL * scale:
        raise InvalidInput(
            name,
            f"a Hermitian {n}x{n} matrix (max|A - A^H| <= {_fmt(HERMITIAN_ATOL)} * max(1, max|A|))",
            f"max|A - A^H| = {_fmt(dev)}",
        )
    return arr


def unitary_matrix(name: str, value: Any, d: int | None = None) -> np.ndarray:
    """A unitary matrix: ``max|U^H U - I| <= UNITARY_ATOL``."""
    arr = square_matrix(name, value, d)
    n = arr.shape[0]
    dev = float(np.max(np.abs(arr.conj().T @ arr - np.eye(n)))) if n else 0.0
    if dev > UNITARY_ATOL:
        raise InvalidInput(
            name,
            f"a unitary {n}x{n} matrix (max|U^H U - I| <= {_fmt(UNITARY_ATOL)})",
            f"max|U^H U - I| = {_fmt(dev)}",
        )
    return arr


def state_vector(name: str, value: Any, d: int | None = None) -> np.ndarray:
    """A normalised state vector: ``| ||psi|| - 1 | <= NORMALISATION_ATOL``."""
    arr = complex_array(name, value, (d,))
    norm = float(np.linalg.norm(arr))
    if abs(norm - 1.0) > NORMALISATION_ATOL:
        raise InvalidInput(
            name,
            f"a normalised state vector (| ||psi|| - 1 | <= {_fmt(NORMALISATION_ATOL)})",
            f"||psi|| = {norm!r}",
        )
    return arr


def density_matrix(name: str, value: Any, d: int | None = None) -> np.ndarray:
    """A density matrix: Hermitian, trace 1 and positive semidefinite within tolerance."""
    arr = hermitian_matrix(name, value, d)
    tr = complex(np.trace(arr))
    if abs(tr - 1.0) > NORMALISATION_ATOL:
        raise InvalidInput(
            name, f"a density matrix with trace 1 (|tr rho - 1| <= {_fmt(NORMALISATION_ATOL)})", f"tr rho = {tr!r}"
        )
    lam_min = float(np.linalg.eigvalsh(0.5 * (arr + arr.conj().T))[0])
    if lam_min < -PSD_ATOL:
        raise InvalidInput(
            name,
            f"a positive semidefinite density matrix (smallest eigenvalue >= -{_fmt(PSD_ATOL)})",
            f"smallest eigenvalue {lam_min!r}",
        )
    return arr


def real_array(name: str, value: Any, shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """A finite ``float64`` array whose shape matches ``shape`` (``None`` entries = any length;
    ``shape=None`` = any shape, including a scalar); complex input is accepted only with zero
    imaginary part."""
    if shape is None:
        what = "a finite real number or array"
        if isinstance(value, bool):
            raise InvalidInput(name, what, describe(value))
        arr = _as_array(name, value, np.float64, what)
        return arr.reshape(np.shape(value)) if arr.size == 1 else arr  # ascontiguousarray makes scalars 1-d
    spec = "x".join("*" if s is None else str(s) for s in shape)
    what = f"a finite real array of shape {spec}"
    arr = _as_array(name, value, np.float64, what)
    return _with_shape(name, arr, shape, what)


def text(name: str, value: Any) -> str:
    """A ``str``."""
    if not isinstance(value, str):
        raise InvalidInput(name, "a string", describe(value))
    return value


def flag(name: str, value: Any) -> bool:
    """A ``bool`` (``numpy.bool_`` accepted; integers are refused)."""
    if not isinstance(value, (bool, np.bool_)):
        raise InvalidInput(name, "True or False", describe(value))
    return bool(value)


def member(name: str, value: Any, choices: tuple[str, ...], *, case_insensitive: bool = False) -> str:
    """One of the strings ``choices`` (returned in the spelling of ``choices``)."""
    if isinstance(value, str):
        for c in choices:
            if value == c or (case_insensitive and value.upper() == c.upper()):
                return c
    raise InvalidInput(name, "one of " + ", ".join(repr(c) for c in choices), describe(value))
