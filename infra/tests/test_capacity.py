"""Every tier fits its database: kabu-trade's own capacity calculation (src/kabu_trade/core/
capacity.py, the same code `kabu-trade serve` checks at start) over what each tier runs."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from kabu_infra import tiers

from .conftest import of_type

CAPACITY = Path(__file__).resolve().parents[2] / "src/kabu_trade/core/capacity.py"


def _capacity() -> ModuleType:
    # By path: the infrastructure's venv does not install the application (nor should it).
    spec = importlib.util.spec_from_file_location("kabu_capacity", CAPACITY)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("name", tiers.TIERS)
def test_every_tier_fits_its_database(name: str) -> None:
    tier = tiers.tier_named(name)
    capacity = _capacity()
    # RDS reserves part of the class's memory for the OS, so the real max_connections is lower
    # than the nominal figure: demand a fifth to spare.
    max_connections = int(tiers.pg_max_connections(tier.db_memory_gib) * 0.8)
    plan = capacity.budget(tiers.connection_holders(tier), tier.api_threads, max_connections)
    assert plan.fits, f"{name}: {plan.explain()}"


def _environment(container: dict[str, Any]) -> dict[str, str]:
    return {e["Name"]: e["Value"] for e in container.get("Environment", [])}


def test_standard_tasks_run_with_the_calculated_settings(raw: dict[str, dict[str, Any]]) -> None:
    tier = tiers.tier_named("standard")
    definitions = of_type(raw["standard"], "AWS::ECS::TaskDefinition")
    service_task = next(d for d in definitions.values() if len(d["ContainerDefinitions"]) == 2)
    for container in service_task["ContainerDefinitions"]:
        environment = _environment(container)
        assert environment["KABU_WORKERS"] == str(tier.api_workers), container["Name"]
        assert environment["KABU_THREADS"] == str(tier.api_threads), container["Name"]


def test_the_host_env_file_carries_the_calculated_settings() -> None:
    from kabu_infra import user_data

    script = user_data.ENV_SCRIPT
    assert 'echo "KABU_WORKERS=__WORKERS__"' in script
    assert 'echo "KABU_THREADS=__THREADS__"' in script
    rendered = "\n".join(
        user_data.render(
            host_files={}, region="ap-northeast-1", prefix="/p/", registry="r", workers=1, threads=2
        )
    )
    assert "__WORKERS__" not in rendered and "__THREADS__" not in rendered
