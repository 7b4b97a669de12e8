"""Fuzz the command line with malformed arguments: every one exits 2 with a single line
``qnnsym: error: ...`` naming the argument on stderr, and no traceback.  ``main()`` runs
in-process (the Ctrl-C test, which needs a real process, is in tests/test_cli_interrupt.py).
"""

from __future__ import annotations

import contextlib
import io
import math
import re

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from hostile_symbolic import COUNTS
from qnnsym.cli import main


def _run(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse errors
            code = exc.code
    return code, out.getvalue(), err.getvalue()


def expect_usage_error(argv: list[str], names: str) -> str:
    """``argv`` exits 2 with one stderr line ``qnnsym: error: ...`` that mentions ``names`` (a regex)."""
    COUNTS["cli/" + (argv[0] if argv else "")] += 1
    code, out, err = _run(argv)
    lines = [l for l in err.splitlines() if l.strip()]
    assert code == 2, (argv, code, out, err)
    assert len(lines) == 1 and lines[0].startswith("qnnsym: error: "), (argv, err)
    assert "Traceback" not in err + out, err
    assert re.search(names, lines[0]), (names, lines[0])
    return lines[0]


def _not_a_positive_int(text: str) -> bool:
    try:
        return int(text) < 1
    except ValueError:
        return True


def _not_positive_seconds(text: str) -> bool:
    try:
        v = float(text)
    except ValueError:
        return True
    return not math.isfinite(v) or v <= 0


_TOKENS = st.one_of(st.text(alphabet="-0123456789.eEinfa ", min_size=1, max_size=6),
                    st.sampled_from(["0", "-1", "-5", "1.5", "nan", "inf", "-inf", "1e400", "", "ten", "0x10"]))


@settings(max_examples=25)
@given(_TOKENS.filter(_not_a_positive_int))
@example("--")  # Python 3.11's argparse drops a "--" value; the parser refuses it by name
def test_property_examples_must_be_a_positive_integer(value):
    expect_usage_error(["verify", "--only", "S1", f"--property-examples={value}"], r"--property-examples")


@settings(max_examples=25)
@given(_TOKENS.filter(_not_positive_seconds))
@example("--")  # Python 3.11's argparse drops a "--" value; the parser refuses it by name
def test_step_time_limit_must_be_positive_seconds(value):
    expect_usage_error(["verify", "--only", "S1", f"--step-time-limit={value}"], r"--step-time-limit")


@pytest.fixture(scope="module")
def built_in_theorems_once():
    """Build the theorems of proofs/ once for this module: ``discover()`` takes seconds and the
    unknown-id check only needs their ids."""
    import qnnsym.theorems as th

    theorems = th.discover()
    real = th.discover
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(th, "discover", lambda proofs_dir=None: list(theorems) if proofs_dir is None else real(proofs_dir))
        yield


@pytest.mark.usefixtures("built_in_theorems_once")
@settings(max_examples=10)
@given(st.lists(st.text(alphabet="ABCSTxyz0123456789.-_", min_size=1, max_size=6)
                .filter(lambda s: not s.startswith("-") and s not in {"S1", "S2", "S3", "S4", "S5", "S6", "S7", "S8", "S9",
                                                                        "S10", "S11", "S12", "S13", "T3.2", "T4.2"}),
                min_size=1, max_size=3))
def test_unknown_ids_are_named(ids):
    line = expect_usage_error(["verify", "--only", *ids], r"only")
    assert repr(ids[0]) in line or ids[0] in line
    expect_usage_error(["docs", "--only", *ids, "--out", "unused-folder"], r"only")


@pytest.mark.parametrize("argv, names", [
    ([], r"command"),
    (["frobnicate"], r"command|invalid choice"),
    (["verify", "--no-such-flag"], r"unrecognized arguments"),
    (["verify", "--quick", "--full"], r"--full|--quick"),
    (["verify", "--only"], r"--only"),
    (["figures", "--only", "E9"], r"--only"),
    (["docs", "--pdf", "--check", "--only", "S1"], r"--pdf"),
    (["verify", "--proofs-dir", "/nonexistent/qnnsym-proofs"], r"proofs_dir"),
    (["docs", "--proofs-dir", "/nonexistent/qnnsym-proofs"], r"proofs_dir"),
])
def test_malformed_command_lines(argv, names):
    expect_usage_error(argv, names)


PROOF_FILES = {
    "raises at import": ("import math\nraise RuntimeError('broken proof file')\n", r"proofs_dir.*broken\.py.*RuntimeError"),
    "syntax error": ("def build(:\n", r"proofs_dir.*SyntaxError"),
    "no build": ("X = 1\n", r"proofs.*build\(\)"),
    "build is not callable": ("build = 3\n", r"proofs.*build\(\)"),
    "build returns a string": ("def build():\n    return 'a theorem'\n", r"proofs.*returning a Theorem.*str"),
    "build raises": ("def build():\n    return 1 / 0\n", r"proofs.*ZeroDivisionError"),
    "invalid Theorem": ("from qnnsym.theorems import Theorem\n"
                        "def build():\n    return Theorem(id='x', title='t', statement='s', claimed='MAYBE')\n",
                        r"proofs.*claimed"),
    "duplicate ids": (None, r"proofs.*duplicates"),
}


@pytest.mark.parametrize("kind", list(PROOF_FILES))
@pytest.mark.parametrize("command", ["verify", "docs"])
def test_a_broken_proofs_folder_is_bad_input_not_a_crash(tmp_path, kind, command):
    text, names = PROOF_FILES[kind]
    folder = tmp_path / "proofs"
    folder.mkdir()
    if text is None:
        ok = ("from qnnsym.theorems import Theorem, NumericEvidence\n"
              "def build():\n    return Theorem(id='same', title='t', statement='s', claimed='CHECKED',"
              " numeric=lambda p: NumericEvidence(0.0, 1.0))\n")
        (folder / "a.py").write_text(ok)
        (folder / "b.py").write_text(ok)
    else:
        (folder / "broken.py").write_text(text)
    extra = ["--out", str(tmp_path / "out")] if command == "docs" else []
    expect_usage_error([command, "--proofs-dir", str(folder), *extra], names)
    assert not (tmp_path / "out").exists()


def test_output_paths_are_checked_before_any_work(tmp_path):
    """``verify --json`` into a missing folder or onto a folder, ``docs``/``figures --out`` onto a
    file: exit 2 at once, naming the option."""
    expect_usage_error(["verify", "--only", "S2", "--json", str(tmp_path / "missing" / "r.json")], r"--json")
    expect_usage_error(["verify", "--only", "S2", "--json", str(tmp_path)], r"--json")
    a_file = tmp_path / "a-file"
    a_file.write_text("not a folder")
    expect_usage_error(["docs", "--out", str(a_file)], r"--out")
    expect_usage_error(["figures", "--out", str(a_file), "--only", "E4", "--no-plot"], r"--out")
    assert a_file.read_text() == "not a folder"
