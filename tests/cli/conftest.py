from __future__ import annotations

import pytest
import respx
from click.testing import CliRunner

from tests.conftest import BASE


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner(env={"COLUMNS": "100"})


@pytest.fixture
def api():
    with respx.mock(base_url=BASE, assert_all_called=False) as mock:
        yield mock
