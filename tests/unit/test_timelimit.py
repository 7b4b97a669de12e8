"""Wall-clock limits (qnnsym.timelimit) and their use by the theorem machinery."""

from __future__ import annotations

import signal
import threading
import time

import pytest
import sympy as sp

from qnnsym.errors import InvalidInput
from qnnsym.theorems import Golden, Step, Theorem, close_step, verify_all, verify_theorem
from qnnsym.timelimit import TimeLimitExceeded, _handler, signals_available, time_limit


def _spin(seconds: float) -> None:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        pass


def _spin_forever() -> bool:
    while True:
        pass


def _swallowing_loop() -> bool:
    """Pure-Python work that catches everything, even BaseException, and carries on."""
    end = time.monotonic() + 5
    caught = 0
    while time.monotonic() < end:
        try:
            _spin(0.01)
        except BaseException:
            caught += 1
            if caught > 3:
                raise
    return True


def _timer_off() -> bool:
    return signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


pytestmark = pytest.mark.skipif(not signals_available(), reason="needs SIGALRM in the main thread (POSIX)")


def test_a_looping_step_is_not_shown_within_the_limit_in_about_that_time():
    t0 = time.perf_counter()
    res = close_step(Step("a rewrite that never ends", "loop", check=_spin_forever), time_limit=1)
    took = time.perf_counter() - t0
    assert (res.closed, res.residual) == (False, "not shown within 1 s")
    assert 0.9 <= took < 1.6, took
    assert _timer_off() and signal.getsignal(signal.SIGALRM) is not _handler


def test_a_sleeping_step_is_interrupted():
    t0 = time.perf_counter()
    res = close_step(Step("sleeps", "sleep", check=lambda: time.sleep(30) or True), time_limit=0.3)
    assert res.residual == "not shown within 0.3 s" and time.perf_counter() - t0 < 1.5


def test_code_that_catches_base_exception_is_interrupted_again():
    res = close_step(Step("swallows", "loop", check=_swallowing_loop), time_limit=0.2)
    assert res.residual == "not shown within 0.2 s" and res.seconds < 1.5


def test_a_normal_step_is_unaffected():
    x = sp.Symbol("x", real=True)
    res = close_step(Step("double angle", "expand_trig", sp.sin(2 * x), 2 * sp.sin(x) * sp.cos(x)), time_limit=5)
    assert res.closed and res.residual == ""
    wrong = close_step(Step("wrong", "expand", x + 1, x), time_limit=5)
    assert not wrong.closed and wrong.residual == "1"
    assert _timer_off()


def test_nested_limits_restore_the_outer_limit_and_then_the_previous_state():
    before = signal.getsignal(signal.SIGALRM)
    with time_limit(5) as outer:
        with pytest.raises(TimeLimitExceeded) as info:
            with time_limit(0.2) as inner:
                _spin(3)
        assert info.value.limit is inner and inner.expired and not outer.expired
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 3.5 < remaining <= 5  # the outer deadline is armed again
    assert outer.elapsed < 1.5 and not outer.overran
    assert _timer_off() and signal.getsignal(signal.SIGALRM) is before


def test_an_inner_limit_never_extends_the_outer_one():
    with pytest.raises(TimeLimitExceeded) as info:
        with time_limit(0.2) as outer:
            with time_limit(10) as inner:
                _spin(3)
    assert info.value.limit is outer and not inner.expired
    assert _timer_off()


def test_an_outer_step_limit_passes_through_a_nested_close_step():
    inner = Step("inner sleeps", "sleep", check=lambda: time.sleep(30) or True)
    outer = Step("outer cites a slow step", "check", check=lambda: close_step(inner, time_limit=20).closed)
    res = close_step(outer, time_limit=0.3)
    assert res.residual == "not shown within 0.3 s" and res.seconds < 1.5


def test_a_foreign_timer_keeps_its_deadline_and_handler():
    calls = []
    previous = signal.signal(signal.SIGALRM, lambda *a: calls.append(time.monotonic()))
    try:
        start = time.monotonic()
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(5):
            _spin(0.6)
        assert len(calls) == 1 and 0.25 <= calls[0] - start < 0.5
        with time_limit(5):  # a foreign timer armed later than an exit is restored too
            pass
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        with time_limit(0.1):
            pass
        _spin(0.6)
        assert len(calls) == 2
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_ctrl_c_inside_a_limited_step_is_not_swallowed():
    def interrupted() -> bool:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        close_step(Step("Ctrl-C", "check", check=interrupted), time_limit=5)
    assert _timer_off() and signal.getsignal(signal.SIGALRM) is not _handler


def test_outside_the_main_thread_the_overrun_is_measured_and_reported():
    out = {}

    def run():
        out["res"] = close_step(Step("slow", "sleep", check=lambda: time.sleep(0.4) or True), time_limit=0.1)
        with time_limit(1) as lim:
            pass
        out["enforced"] = lim.enforced

    th = threading.Thread(target=run)
    th.start()
    th.join(10)
    res = out["res"]
    assert not res.closed and res.residual.startswith("not shown within 0.1 s (took 0.4 s")
    assert "main thread" in res.residual and out["enforced"] is False


def test_a_proved_claim_with_a_step_over_the_limit_fails():
    x = sp.Symbol("x")
    thm = Theorem(id="slow", title="slow", statement="s", claimed="PROVED",
                  steps=[Step("fine", "expand", (x + 1) ** 2, x**2 + 2 * x + 1),
                         Step("never ends", "loop", check=_spin_forever)])
    res = verify_theorem(thm, step_time_limit=0.3)
    assert not res.passed and res.shown == "NOT SHOWN"
    assert [s.residual for s in res.steps] == ["", "not shown within 0.3 s"]


def test_a_golden_value_over_the_limit_is_a_golden_failure():
    thm = Theorem(id="g", title="g", statement="s", claimed="PROVED",
                  golden=[Golden("slow value", lambda: time.sleep(30), 1)])
    res = verify_all([thm], step_time_limit=0.3)[0]
    assert res.golden_failures == ("slow value: not shown within 0.3 s",) and not res.passed


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), "5", True])
def test_time_limits_must_be_positive_finite_numbers(bad):
    step = Step("s", "expand", sp.Integer(1), sp.Integer(1))
    with pytest.raises(InvalidInput, match="step_time_limit: expected a finite number of seconds > 0"):
        verify_theorem(Theorem(id="a", title="a", statement="a", claimed="PROVED", steps=[step]), step_time_limit=bad)
    with pytest.raises(InvalidInput, match="seconds: expected a finite number of seconds > 0"):
        time_limit(bad)
