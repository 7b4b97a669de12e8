"""Put this folder on PYTHONPATH so spawned pool workers, Dask workers and subprocesses can
import ``sweep_helpers`` (the user functions of these tests)."""

import pytest

from sweep_helpers import pythonpath_env


@pytest.fixture(autouse=True)
def _helpers_on_pythonpath(monkeypatch):
    for k, v in pythonpath_env().items():
        monkeypatch.setenv(k, v)
