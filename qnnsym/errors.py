"""The error hierarchy of qnnsym.

Every error the package raises on purpose is a :class:`QnnsymError`.  Bad input
raises :class:`InvalidInput`, which is also a :class:`ValueError`, so code that
already catches ``ValueError`` keeps working.  Its message always names the
argument, what was expected and what came, e.g.::

    measurement: expected a Hermitian 4x4 matrix (||A - A^H||_max <= 1e-10), got ||A - A^H||_max = 0.5

>>> from qnnsym.errors import InvalidInput
>>> err = InvalidInput("theta", "a finite real vector of length 3", "a vector with a NaN at index 1")
>>> str(err)
'theta: expected a finite real vector of length 3, got a vector with a NaN at index 1'
>>> isinstance(err, ValueError)
True
"""

from __future__ import annotations

__all__ = [
    "QnnsymError",
    "InvalidInput",
    "TooLarge",
    "CheckFailure",
    "UnsupportedOperation",
]


class QnnsymError(Exception):
    """Base class of every error qnnsym raises on purpose."""


class InvalidInput(QnnsymError, ValueError):
    """An argument at a public boundary is not what the function accepts.

    Parameters
    ----------
    argument : str
        The name of the offending argument (as the caller spelled it).
    expected : str
        What the function accepts, including any numerical tolerance used to decide it.
    got : str
        A short description of what came instead.
    """

    def __init__(self, argument: str, expected: str, got: str):
        self.argument = argument
        self.expected = expected
        self.got = got
        super().__init__(f"{argument}: expected {expected}, got {got}")


class TooLarge(InvalidInput):
    """A request whose size is beyond what the chosen method can finish.

    The message names the estimated size, the limit and, where there is one, the
    alternative that can do the job (usually the numeric engine).
    """


class UnsupportedOperation(QnnsymError, TypeError):
    """The operation is not defined for this kind of object (e.g. parameter shift
    for a generator with more than two distinct eigenvalues)."""


class CheckFailure(QnnsymError, AssertionError):
    """A conformance or verification check did not pass."""
