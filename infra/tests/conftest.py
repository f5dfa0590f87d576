"""One synthesis of every tier per session (jsii start-up costs seconds), with cdk-nag on: a
finding nobody acknowledged fails the synthesis and so every test."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import aws_cdk as cdk
import pytest
from aws_cdk.assertions import Template
from cdk_nag import AwsSolutionsChecks
from kabu_infra import host_files, tiers
from kabu_infra.stack import KabuTradeStack

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
ROOT = Path(__file__).resolve().parents[2]
MISSING = host_files.missing(ROOT)


def synth(
    tmp: Path,
    context: dict[str, Any] | None = None,
    names: tuple[str, ...] = tiers.TIERS,
) -> dict[str, KabuTradeStack]:
    app = cdk.App(outdir=str(tmp), context=context or {})
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    stacks = {}
    for name in names:
        tier = tiers.tier_named(name)
        files = host_files.read_host_files(ROOT) if tier.uses_ec2_host else None
        stacks[name] = KabuTradeStack(app, tier.stack_name, tier=tier, host_files=files)
    app.synth()
    return stacks


@pytest.fixture(scope="session")
def stacks(tmp_path_factory: pytest.TempPathFactory) -> dict[str, KabuTradeStack]:
    # The EC2 user data embeds these: without them there is nothing to test, and that is a failure.
    assert not MISSING, f"host files missing from the repository: {', '.join(MISSING)}"
    return synth(tmp_path_factory.mktemp("cdk.out"))


@pytest.fixture(scope="session")
def templates(stacks: dict[str, KabuTradeStack]) -> dict[str, Template]:
    return {name: Template.from_stack(stack) for name, stack in stacks.items()}


@pytest.fixture(scope="session")
def raw(templates: dict[str, Template]) -> dict[str, dict[str, Any]]:
    return {name: t.to_json() for name, t in templates.items()}


def of_type(template: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {k: r.get("Properties", {}) for k, r in template["Resources"].items() if r["Type"] == kind}
