from __future__ import annotations

from pathlib import Path

import pytest

from tests.contract.coverage import ContractCoverage, coverage_problems, spec_operation_keys

CONTRACT_MODULE = Path(__file__).with_name("test_every_operation.py")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "surface(name): the supported surface a contract test calls")


@pytest.hookimpl(tryfirst=True)  # before -k/-m deselect: the whole module is still there
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    module_items = [item for item in items if item.path == CONTRACT_MODULE]
    if not module_items or any("::" in arg for arg in config.args):
        return  # the module was not collected whole: its coverage cannot be judged
    from tests.spec_model import project_api

    collected = [
        (item.callspec.params["op"].key, marker.args[0])
        for item in module_items
        if isinstance(item, pytest.Function) and hasattr(item, "callspec")
        for marker in item.iter_markers("surface")
    ]
    excluded = [exclusion.key for exclusion in project_api().exclusions]
    problems = coverage_problems(spec_operation_keys(excluded), collected)
    parent = module_items[0].parent
    assert parent is not None
    items.append(
        ContractCoverage.from_parent(
            parent, name="contract_coverage", problems=problems, pairs=len(collected)
        )
    )
