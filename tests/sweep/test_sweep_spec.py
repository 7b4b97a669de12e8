"""The sweep spec: every key validated with errors naming it; cells and keys."""

from __future__ import annotations

import pytest

from qnnsym.errors import InvalidInput, TooLarge
from qnnsym.sweep import cell_key, load_spec, parse_spec


@pytest.mark.parametrize("data, argument", [
    ({"experiment": "E1", "colour": 1}, "colour"),
    ({}, "experiment"),
    ({"experiment": 3}, "experiment"),
    ({"experiment": "E7"}, "experiment"),
    ({"experiment": "no_such_module_xyz:f"}, "experiment"),
    ({"experiment": "E1", "seeds": 0}, "seeds"),
    ({"experiment": "E1", "seeds": [0, -1]}, "seeds[1]"),
    ({"experiment": "E1", "seeds": [1, 1]}, "seeds"),
    ({"experiment": "E1", "seeds": 2.5}, "seeds"),
    ({"experiment": "E1", "grid": {"q": [1]}}, "grid.q"),
    ({"experiment": "E1", "grid": {"d": [4, 0]}}, "grid.d[1]"),
    ({"experiment": "E1", "grid": {"d": 1}}, "grid.d"),
    ({"experiment": "E1", "grid": {"c": [float("nan")]}}, "grid.c[0]"),
    ({"experiment": "E1", "grid": {"p": []}}, "grid.p"),
    ({"experiment": "E1", "grid": {"p": [8, 8]}}, "grid.p"),
    ({"experiment": "E1", "grid": {"c": 1.0, "eta": 0.1}}, "grid.eta"),
    ({"experiment": "E3", "grid": {"gamma": [0.5]}}, "grid.gamma[0]"),
    ({"experiment": "E1", "grid": {"d": 4, "m": 5}}, "grid.m"),
    ({"experiment": "E1", "grid": "d=4"}, "grid"),
    ({"experiment": "E1", "record": ["final_loss", "colour"]}, "record[1]"),
    ({"experiment": "E1", "record": "final_loss"}, "record"),
    ({"experiment": "E1", "property": {"theorem": "S13"}}, "property"),
    ({"experiment": "property"}, "property"),
    ({"experiment": "property", "property": {"theorem": "S99"}}, "property.theorem"),
    ({"experiment": "property", "property": {"theorem": "S13", "target": "a:b"}}, "property.theorem"),
    ({"experiment": "property", "property": {"theorem": "S13", "examples": 0}}, "property.examples"),
    ({"experiment": "property", "property": {"theorem": "S13", "speed": 1}}, "property.speed"),
    ({"experiment": "property", "grid": {"x": [1]}, "property": {"theorem": "S13"}}, "grid"),
    ({"experiment": "sweep_helpers:square", "grid": {"x": [[1]]}}, "grid.x[0]"),
    ({"experiment": "E1", "name": 5}, "name"),
])
def test_bad_specs_name_the_key(data, argument):
    with pytest.raises(InvalidInput) as info:
        parse_spec(data)
    assert info.value.argument == argument, str(info.value)
    assert str(info.value).startswith(f"{argument}: expected ")


def test_cells_a_dense_run_cannot_finish_are_refused_up_front():
    with pytest.raises(TooLarge) as info:
        parse_spec({"experiment": "E1", "grid": {"d": 8192, "p": 64}})
    assert info.value.argument == "grid.d" and "DENSE_MODEL_MAX_BYTES" in str(info.value)
    with pytest.raises(TooLarge) as info:
        parse_spec({"experiment": "E3", "grid": {"gamma": 4.0, "t_final": 1e6, "dt": 0.01}})
    assert info.value.argument == "grid.dt" and "MAX_STEPS" in str(info.value)


def test_grid_is_the_cartesian_product_with_seeds_innermost_and_stable_keys():
    spec = parse_spec({"experiment": "E2", "seeds": [5, 7], "grid": {"p": [8, 16], "d": [4, 8]}})
    cells = spec.cells()
    assert [(c["params"]["d"], c["params"]["p"], c["seed"]) for c in cells] == [
        (4, 8, 5), (4, 8, 7), (4, 16, 5), (4, 16, 7), (8, 8, 5), (8, 8, 7), (8, 16, 5), (8, 16, 7)]
    assert len({c["key"] for c in cells}) == 8
    assert [c["key"] for c in cells] == [c["key"] for c in spec.cells()]
    assert cells[0]["key"] == cell_key("E2", cells[0]["params"], 5, cells[0]["version"])
    assert cells[0]["key"] != cell_key("E2", cells[0]["params"], 5, "9.9.9")  # a new version runs again


def test_toml_and_yaml_files_give_the_same_spec(tmp_path):
    (tmp_path / "s.toml").write_text('experiment = "E4"\nseeds = 2\nrecord = ["final_loss"]\n[grid]\nd = 4\np = [8, 16]\n')
    (tmp_path / "s.yaml").write_text("experiment: E4\nseeds: 2\nrecord: [final_loss]\ngrid:\n  d: 4\n  p: [8, 16]\n")
    assert load_spec(tmp_path / "s.toml") == load_spec(tmp_path / "s.yaml")
    (tmp_path / "bad.toml").write_text("experiment = \n")
    with pytest.raises(InvalidInput) as info:
        load_spec(tmp_path / "bad.toml")
    assert info.value.argument == "spec" and "TOML" in str(info.value)
    with pytest.raises(InvalidInput) as info:
        load_spec(tmp_path / "missing.toml")
    assert info.value.argument == "spec"


def test_every_example_spec_in_docs_parses():
    from pathlib import Path

    folder = Path(__file__).resolve().parents[2] / "docs" / "sweeps"
    files = sorted(folder.glob("*.to*")) + sorted(folder.glob("*.yaml"))
    assert len(files) >= 4
    for f in files:
        assert load_spec(f).cells(), f
