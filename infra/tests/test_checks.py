"""The tools AWS users run on templates (cfn-lint, checkov), the free-tier guard and the estimate."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path

import pytest
from kabu_infra import cost, cost_guard, prices

INFRA = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


@pytest.fixture(scope="session")
def template_files(raw, tmp_path_factory):
    folder = tmp_path_factory.mktemp("templates")
    paths = []
    for tier, template in raw.items():
        path = folder / f"KabuTrade-{tier}.template.json"
        path.write_text(json.dumps(template))
        paths.append(path)
    return paths


def test_cfn_lint_finds_no_error(template_files):
    # Exit code bits: 2 = error, 4 = warning, 8 = informational; errors fail, the rest is printed.
    run = subprocess.run(
        [BIN / "cfn-lint", "--format", "parseable", *map(str, template_files)], capture_output=True, text=True
    )
    assert not run.returncode & 2, run.stdout + run.stderr


def test_checkov_passes(template_files):
    """Checkov's severities come from its vendor's online service, which this machine cannot reach;
    so every failed check counts, and each accepted one is skipped with its reason in .checkov.yaml."""
    run = subprocess.run(
        [
            BIN / "checkov",
            "--config-file",
            str(INFRA / ".checkov.yaml"),
            "--skip-download",
            "--output",
            "json",
            "--quiet",
            *[a for p in template_files for a in ("-f", str(p))],
        ],
        capture_output=True,
        text=True,
    )
    reports = json.loads(run.stdout)
    reports = reports if isinstance(reports, list) else [reports]
    failed = [
        (c["check_id"], c["resource"], c["file_path"])
        for r in reports
        for c in r.get("results", {}).get("failed_checks", [])
    ]
    assert failed == [], failed
    assert sum(r.get("summary", {}).get("passed", 0) for r in reports) > 50


@pytest.mark.parametrize("tier", ["personal", "multi-user"])
def test_free_tiers_hold_only_free_resources(raw, tier):
    assert cost_guard.violations(raw[tier]) == []


def test_guard_reports_the_standard_tiers_paid_resources(raw):
    found = "\n".join(cost_guard.violations(raw["standard"]))
    for word in ("load balancer", "ElastiCache", "ECS/Fargate", "db.t3.small"):
        assert word in found


def test_guard_catches_a_nat_gateway_added_to_personal(tmp_path):
    """A real synthesis of the personal stack with a NAT gateway added, as someone might."""
    import aws_cdk as cdk
    from aws_cdk import aws_ec2 as ec2
    from aws_cdk.assertions import Template
    from kabu_infra import tiers
    from kabu_infra.stack import KabuTradeStack

    from .conftest import ROOT, host_files

    app = cdk.App(outdir=str(tmp_path))
    stack = KabuTradeStack(app, "Variant", tier=tiers.PERSONAL, host_files=host_files.read_host_files(ROOT))
    subnet = stack.node.find_child("Network").public_subnets[0]
    eip = ec2.CfnEIP(stack, "NatIp")
    ec2.CfnNatGateway(stack, "Nat", subnet_id=subnet.subnet_id, allocation_id=eip.attr_allocation_id)
    found = cost_guard.violations(Template.from_stack(stack).to_json())
    assert any("NAT gateway" in f for f in found) and any("Elastic IP" in f for f in found)


@pytest.mark.parametrize(
    "change, expected",
    [
        (("AWS::EC2::Instance", "InstanceType", "t3.small"), "above t3.micro"),
        (("AWS::RDS::DBInstance", "DBInstanceClass", "db.t3.small"), "above db.t3.micro"),
        (("AWS::RDS::DBInstance", "AllocatedStorage", "21"), "GB of RDS storage"),
        (("AWS::RDS::DBInstance", "MultiAZ", True), "Multi-AZ"),
        (("AWS::RDS::DBInstance", "MaxAllocatedStorage", 100), "storage autoscaling"),
    ],
)
def test_guard_catches_oversized_resources(raw, change, expected):
    kind, prop, value = change
    template = copy.deepcopy(raw["personal"])
    for resource in template["Resources"].values():
        if resource["Type"] == kind:
            resource["Properties"][prop] = value
    assert any(expected in f for f in cost_guard.violations(template))


def test_guard_catches_big_disks_and_interface_endpoints(raw):
    template = copy.deepcopy(raw["personal"])
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::EC2::Instance":
            resource["Properties"]["BlockDeviceMappings"][0]["Ebs"]["VolumeSize"] = 31
    template["Resources"]["Endpoint"] = {
        "Type": "AWS::EC2::VPCEndpoint",
        "Properties": {"VpcEndpointType": "Interface"},
    }
    found = "\n".join(cost_guard.violations(template))
    assert "31 GB in all" in found and "interface VPC endpoint" in found


def test_estimate(raw):
    personal = cost.estimate(raw["personal"], prices.TOKYO)
    assert sum(line.after_free_tier for line in personal) == 0
    assert sum(line.monthly for line in personal) > 30  # what it costs once the free tier ends
    standard = {line.item: line.monthly for line in cost.estimate(raw["standard"], prices.TOKYO)}
    assert {
        "Application Load Balancer (hours; LCUs by traffic)",
        "Fargate 2 × 0.5 vCPU / 1 GB",
        "RDS PostgreSQL db.t3.small",
        "ElastiCache Redis 1 × cache.t3.micro",
    } <= set(standard)
    # Fargate: 2 tasks × (0.5 vCPU × $0.05056 + 1 GB × $0.00553) × 730 h.
    assert standard["Fargate 2 × 0.5 vCPU / 1 GB"] == pytest.approx(2 * (0.5 * 0.05056 + 0.00553) * 730)


def test_standard_in_us_east_1_is_the_architectures_86_dollars(raw):
    """§3's $86 for the ALB, 2 Fargate tasks, db.t3.small and cache.t3.micro are us-east-1 prices:
    the synthesised standard tier priced there lands within ±15 % of it (Tokyo is ~40 % above)."""
    expected = sum(prices.ARCHITECTURE_STANDARD.values())
    assert expected == 86
    virginia = cost.architecture_items(cost.estimate(raw["standard"], prices.N_VIRGINIA))
    assert expected * 0.85 <= virginia <= expected * 1.15, virginia
    tokyo = cost.architecture_items(cost.estimate(raw["standard"], prices.TOKYO))
    assert tokyo > expected * 1.15


def test_estimate_follows_the_template(raw):
    """The figures come from the template: a third task adds half the service's Fargate cost."""
    template = copy.deepcopy(raw["standard"])
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::ECS::Service":
            resource["Properties"]["DesiredCount"] = 3
    before = cost.architecture_items(cost.estimate(raw["standard"], prices.N_VIRGINIA))
    after = {line.item: line.monthly for line in cost.estimate(template, prices.N_VIRGINIA)}
    fargate = 3 * (0.5 * prices.N_VIRGINIA.fargate_vcpu_hourly + prices.N_VIRGINIA.fargate_gb_hourly) * 730
    assert after["Fargate 3 × 0.5 vCPU / 1 GB"] == pytest.approx(fargate)
    assert cost.architecture_items(cost.estimate(template, prices.N_VIRGINIA)) == pytest.approx(
        before + fargate / 3
    )


def test_cost_command_prints_both_regions_and_says_the_prices_were_not_fetched(template_files, capsys):
    folder = template_files[0].parent
    assert cost.main([str(folder)]) == 0
    out = capsys.readouterr().out
    assert "NOT fetched" in out and "https://calculator.aws/" in out
    for region in ("ap-northeast-1", "us-east-1"):
        assert f"== {region}" in out and f"standard ({region})" in out
    assert "prices written 2026-12-01" in out
    assert all(url in out for url in prices.SOURCES.values())
    assert cost.main([str(folder), "--region", "us-east-1"]) == 0
    only = capsys.readouterr().out
    assert "us-east-1" in only and "== ap-northeast-1" not in only


def test_cost_command_refuses_an_unknown_region_and_a_missing_folder(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        cost.main([str(tmp_path), "--region", "mars-1"])
    assert exit_.value.code == 2 and "mars-1" in capsys.readouterr().err
    assert cost.main([str(tmp_path / "nothing")]) == 1
    assert "make infra-synth" in capsys.readouterr().err


def test_estimate_refuses_an_unpriced_size(raw):
    template = copy.deepcopy(raw["personal"])
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::EC2::Instance":
            resource["Properties"]["InstanceType"] = "x2iedn.32xlarge"
    with pytest.raises(KeyError, match="no price"):
        cost.estimate(template)
