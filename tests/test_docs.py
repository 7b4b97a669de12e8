"""`qnnsym docs`: the committed derivations are up to date, --check catches edits, user proofs render.

Verifying every theorem takes about a minute and a half, so the results are cached for the
session (tests/verified.py, shared with the per-theorem tests): the first call of ``verify_all``
for a set of theorems runs it, later calls reuse its results.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

import qnnsym.theorems as theorems_mod
from qnnsym.cli import main
from qnnsym.docgen import MD_HEADER, TEX_HEADER, TEX_NAME
from verified import cached_verify_all

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = ROOT / "docs" / "derivations"


@pytest.fixture(autouse=True)
def cached(monkeypatch):
    monkeypatch.setattr(theorems_mod, "verify_all", cached_verify_all)


def test_committed_derivations_are_up_to_date(monkeypatch, capsys):
    monkeypatch.chdir(ROOT)
    rc = main(["docs", "--check"])
    out = capsys.readouterr().out
    assert rc == 0, out
    assert "up to date" in out


def test_check_fails_on_an_edited_file(tmp_path, capsys):
    out = tmp_path / "derivations"
    shutil.copytree(COMMITTED, out)
    page = out / "t3-2.md"
    lines = page.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[3] = "# an edit by hand\n"
    page.write_text("".join(lines), encoding="utf-8")
    rc = main(["docs", "--check", "--out", str(out)])
    text = capsys.readouterr().out
    assert rc == 1
    assert "an edit by hand" in text and "out of date" in text


def test_check_fails_on_missing_and_extra_files(tmp_path, capsys):
    out = tmp_path / "derivations"
    shutil.copytree(COMMITTED, out)
    (out / "s1.md").unlink()
    (out / "stale.md").write_text(MD_HEADER + "\n", encoding="utf-8")
    assert main(["docs", "--check", "--out", str(out)]) == 1
    text = capsys.readouterr().out
    assert "missing:" in text and "s1.md" in text and "extra:" in text and "stale.md" in text


def test_user_proofs_dir_renders(tmp_path, capsys):
    proofs = tmp_path / "my_proofs"
    proofs.mkdir()
    (proofs / "my_identity.py").write_text(textwrap.dedent('''
        import sympy as sp
        from qnnsym.theorems import Step, Theorem

        def build():
            x = sp.Symbol("x", real=True)
            return Theorem(id="U1", title="my identity", claimed="PROVED", paper="Lemma 9",
                           statement=r"For real $x$, $(x+1)^2 = x^2 + 2x + 1$.",
                           assumptions=["x is real (C3 does not matter here)"],
                           steps=[Step("expand the square", "expand", (x + 1) ** 2, x**2 + 2 * x + 1)])
    '''), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["docs", "--proofs-dir", str(proofs), "--out", str(out)]) == 0
    page = (out / "u1.md").read_text(encoding="utf-8")
    assert r"For real $x$, $(x+1)^2 = x^2 + 2x + 1$." in page
    assert "Lemma 9" in page and "`expand`" in page and "closed: yes" in page
    assert "$$\n\\left(x + 1\\right)^{2} = x^{2} + 2 x + 1\n$$" in page
    assert sorted(p.name for p in out.iterdir()) == ["conventions.md", "index.md", TEX_NAME, "u1.md"]
    assert main(["docs", "--proofs-dir", str(proofs), "--out", str(out), "--check"]) == 0
    capsys.readouterr()


def test_bad_only_is_a_clear_error(tmp_path, capsys):
    assert main(["docs", "--only", "no-such-theorem", "--out", str(tmp_path)]) == 2
    assert "--only" in capsys.readouterr().err


def test_markdown_has_header_and_balanced_math():
    pages = sorted(COMMITTED.glob("*.md"))
    assert {"index.md", "conventions.md", "t3-2.md", "t4-2.md"} <= {p.name for p in pages}
    for page in pages:
        text = page.read_text(encoding="utf-8")
        assert text.splitlines()[0] == MD_HEADER, page.name
        fences = [line for line in text.splitlines() if line.strip() == "$$"]
        assert len(fences) % 2 == 0, page.name
        assert text.count("$$") % 2 == 0, page.name


def test_latex_document_structure():
    tex = (COMMITTED / TEX_NAME).read_text(encoding="utf-8")
    assert tex.splitlines()[0] == TEX_HEADER
    assert r"\documentclass" in tex and r"\usepackage{amsmath,amssymb}" in tex
    assert tex.count(r"\begin{document}") == 1 and tex.rstrip().endswith(r"\end{document}")
    assert r"\section{Conventions}" in tex
    ids = [t.id for t in theorems_mod.discover()]
    for i in ids:
        assert f"\\section{{{i}: " in tex, i
    assert tex.count(r"\section{") == len(ids) + 1
    assert tex.count(r"\begin{equation*}") == tex.count(r"\end{equation*}")
