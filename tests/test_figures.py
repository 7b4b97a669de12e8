"""Tests of ``qnnsym figures`` (E1-E4 at tiny sizes; SPEC section 4)."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from qnnsym.figures import (
    e1_sublinear,
    e2_asymptotic,
    e3_measurement_range,
    e4_deviation,
    read_json,
    run_figures,
    write_csv,
    write_json,
)

TINY = {
    "E1": {"d": 4, "p": 64, "m": 2, "t_final": 150.0, "dt": 0.05, "n_records": 200},
    "E2": {"d": 4, "ps": (32, 128, 512), "m": 2, "t_final": 5.0, "dt": 0.05, "n_records": 50, "n_seeds": 3},
    "E3": {"d": 4, "p": 64, "m": 2, "t_final": 150.0, "dt": 0.05, "n_records": 200},
    "E4": {"d": 4, "ps": (32, 128, 512), "m": 2, "t_final": 60.0, "dt": 0.05},
}


@pytest.fixture(scope="module")
def results():
    return {
        "E1": e1_sublinear(**TINY["E1"]),
        "E2": e2_asymptotic(**TINY["E2"]),
        "E3": e3_measurement_range(**TINY["E3"]),
        "E4": e4_deviation(**TINY["E4"]),
    }


def test_e1_sublinear_tail_and_bound(results):
    res = results["E1"]
    fit = res.summary["fit"]
    assert fit["kind"] == "sublinear"
    assert abs(fit["exponent"] - 2.0) <= 0.3
    assert res.summary["min_ratio_to_bound"] >= 1.0 - 1e-9
    qnn, bound, frozen = res.select("loss")
    assert np.all(qnn.y >= bound.y * (1 - 1e-9))
    assert frozen.y[-1] < qnn.y[-1]  # the frozen kernel converges linearly, far below the QNN


def test_e2_sup_error_decreases_with_p(results):
    errs = list(results["E2"].summary["sup_error"].values())
    assert all(b < a for a, b in zip(errs, errs[1:])), errs


def test_e3_linear_for_gamma_above_one(results):
    by = results["E3"].summary["by_gamma"]
    assert by["1"]["qnn"]["kind"] == "sublinear" and by["1"]["flow"]["kind"] == "sublinear"
    for g in ("1.5", "2", "4"):
        assert by[g]["qnn"]["kind"] == "linear", (g, by[g]["qnn"])
        assert by[g]["flow"]["kind"] == "linear", (g, by[g]["flow"])
        assert by[g]["qnn"]["rate"] > 0


def test_e4_kernel_deviates_parameters_do_not(results):
    s = results["E4"].summary
    dev = list(s["kernel_deviation"].values())
    drift = list(s["theta_drift"].values())
    assert min(dev) >= 0.8, dev
    assert all(b < a for a, b in zip(drift, drift[1:])), drift
    assert s["drift_slope_vs_p"] < -0.5


@pytest.mark.parametrize("name", ["E1", "E2", "E3", "E4"])
def test_json_csv_round_trip(results, name, tmp_path):
    res = results[name]
    back = read_json(write_json(res, tmp_path / f"{name}.json"))
    assert back.params == json.loads(json.dumps(res.params))
    assert back.name == name and len(back.curves) == len(res.curves)
    for a, b in zip(res.curves, back.curves):
        np.testing.assert_allclose(a.y, b.y, equal_nan=True)
    path = write_csv(res, tmp_path / f"{name}.csv")
    with path.open() as fh:
        rows = list(csv.DictReader(fh))
    assert set(rows[0]) == {"experiment", "quantity", "curve", "x", "y"}
    assert len(rows) == sum(c.x.size for c in res.curves)
    params = json.loads(path.with_suffix(".params.json").read_text())
    assert params == json.loads(json.dumps(res.params))
    assert "seed" in params or "seeds" in params


def test_run_figures_writes_png_pdf(tmp_path):
    pytest.importorskip("matplotlib")
    lines = []
    small = {k: dict(v) for k, v in TINY.items()}
    small["E2"].update(ps=(32, 128), n_seeds=1)
    small["E4"].update(ps=(32, 128), t_final=20.0)
    small["E1"].update(t_final=30.0)
    small["E3"].update(t_final=30.0, gammas=(1.0, 2.0))
    run_figures(tmp_path, only=["E1", "E2", "E3", "E4"], overrides=small, progress=lines.append)
    for name in ("E1", "E2", "E3", "E4"):
        for ext in ("png", "pdf", "json", "csv"):
            f = tmp_path / f"{name}.{ext}"
            assert f.exists() and f.stat().st_size > 0, f
    assert any(line.startswith("E1: tail") for line in lines)


def test_cli_offers_every_figure():
    from qnnsym.cli import build_parser
    from qnnsym.figures import FIGURE_NAMES

    sub = next(a for a in build_parser()._actions if a.dest == "command").choices["figures"]
    only = next(a for a in sub._actions if a.dest == "only")
    assert tuple(only.choices) == FIGURE_NAMES


def test_cli_figures_no_plot_only(tmp_path, capsys):
    from qnnsym.cli import main

    rc = main(["figures", "--out", str(tmp_path), "--only", "E4", "--no-plot"])
    assert rc == 0
    assert (tmp_path / "E4.json").exists() and not (tmp_path / "E4.png").exists()
    assert "E4:" in capsys.readouterr().out


def test_cli_rejects_unknown_experiment(tmp_path):
    from qnnsym.cli import main

    with pytest.raises(SystemExit):
        main(["figures", "--out", str(tmp_path), "--only", "E9"])


def test_missing_matplotlib_names_the_plot_extra(monkeypatch, tmp_path):
    import sys

    from qnnsym.errors import QnnsymError
    from qnnsym.figures_plot import require_matplotlib

    monkeypatch.setitem(sys.modules, "matplotlib", None)
    monkeypatch.setitem(sys.modules, "matplotlib.pyplot", None)
    with pytest.raises(QnnsymError, match=r"\[plot\]"):
        require_matplotlib()
    with pytest.raises(QnnsymError, match=r"\[plot\]"):
        run_figures(tmp_path, only=["E4"], progress=None)


def test_neighbouring_result_runs_through_qnnsym_figures(tmp_path, capsys):
    # N1's quick data takes about a second; N2 and N3 draw themselves the same way (their data,
    # plots and summaries are tested in tests/test_proofs_n2.py and test_proofs_n3.py)
    pytest.importorskip("matplotlib")
    from qnnsym.cli import main

    rc = main(["figures", "--out", str(tmp_path), "--only", "N1"])
    assert rc == 0
    for ext in ("json", "csv", "png", "pdf"):
        f = tmp_path / f"N1.{ext}"
        assert f.exists() and f.stat().st_size > 0, f
    res = read_json(tmp_path / "N1.json")
    assert res.name == "N1" and res.curves
    out = capsys.readouterr().out
    assert "N1:" in out and "wrote N1.json" in out
