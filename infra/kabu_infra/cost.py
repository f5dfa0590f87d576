"""Monthly estimate of a synthesised template: each billable resource × the price table
(prices.py). Usage-billed services (S3 requests/storage, CloudFront transfer, log ingestion, ALB
LCUs, data transfer) are left out and said so: the architecture puts them inside the free tier.

``python -m kabu_infra.cost [cdk.out] [--region ap-northeast-1 --region us-east-1]`` prints every
tier found in the cloud assembly, for each region's price table (both by default). The prices are
written by hand, not fetched: prices.py says from where and when.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import prices as p

H = p.HOURS_PER_MONTH


@dataclass
class Line:
    item: str
    monthly: float  # on demand, no free tier
    free: float = 0.0  # what the 12-month free tier takes off

    @property
    def after_free_tier(self) -> float:
        return max(self.monthly - self.free, 0.0)


def _resources(template: dict[str, Any], kind: str) -> list[dict[str, Any]]:
    return [r.get("Properties", {}) for r in template.get("Resources", {}).values() if r["Type"] == kind]


def _price(table: dict[str, float], key: str, what: str) -> float:
    if key not in table:
        raise KeyError(f"no price for {what} {key!r} in prices.py")
    return table[key]


# The standard tier's items the architecture prices (§3), as estimate() names them.
ARCHITECTURE_ITEMS = ("Application Load", "Fargate ", "RDS PostgreSQL", "ElastiCache")
SCHEDULED_TASK_ITEM = "Fargate scheduled task"  # not among them: §3 prices the service's tasks


def architecture_items(lines: list[Line]) -> float:
    """The monthly cost of the four items the architecture's $86 covers (ALB, Fargate, RDS, Redis)."""
    return sum(
        line.monthly
        for line in lines
        if line.item.startswith(ARCHITECTURE_ITEMS) and not line.item.startswith(SCHEDULED_TASK_ITEM)
    )


def estimate(template: dict[str, Any], r: p.RegionPrices = p.TOKYO) -> list[Line]:
    lines: list[Line] = []
    res = template.get("Resources", {})
    public_subnets = sum(
        1
        for r in res.values()
        if r["Type"] == "AWS::EC2::Subnet" and r.get("Properties", {}).get("MapPublicIpOnLaunch") is True
    )
    ipv4 = 0
    for props in _resources(template, "AWS::EC2::Instance"):
        kind = props["InstanceType"]
        cost = _price(r.ec2_hourly, kind, "EC2 instance type") * H
        free = (
            min(cost, p.FREE_TIER["ec2_micro_hours"] * r.ec2_hourly[kind]) if kind in p.FREE_EC2_TYPES else 0
        )
        lines.append(Line(f"EC2 {kind}", cost, free))
        gb = sum(int(m.get("Ebs", {}).get("VolumeSize", 8)) for m in props.get("BlockDeviceMappings", []))
        vol = r.ebs_gp3_gb_month * gb
        lines.append(Line(f"EBS gp3 {gb} GB", vol, min(vol, p.FREE_TIER["ebs_gb"] * r.ebs_gp3_gb_month)))
        if public_subnets:
            ipv4 += 1
    for props in _resources(template, "AWS::RDS::DBInstance"):
        kind = props["DBInstanceClass"]
        multi = 2 if props.get("MultiAZ") is True else 1
        cost = _price(r.rds_postgres_hourly, kind, "RDS class") * H * multi
        free = cost if kind in p.FREE_RDS_CLASSES and multi == 1 else 0
        lines.append(Line(f"RDS PostgreSQL {kind}{' Multi-AZ' if multi == 2 else ''}", cost, free))
        gb = int(props.get("AllocatedStorage", 20))
        storage = r.rds_gp3_gb_month * gb * multi
        lines.append(
            Line(
                f"RDS storage {gb} GB",
                storage,
                min(storage, p.FREE_TIER["rds_storage_gb"] * r.rds_gp3_gb_month),
            )
        )
    for props in _resources(template, "AWS::ElasticLoadBalancingV2::LoadBalancer"):
        cost = r.alb_hourly * H
        lines.append(
            Line(
                "Application Load Balancer (hours; LCUs by traffic)",
                cost,
                min(cost, p.FREE_TIER["alb_hours"] * r.alb_hourly),
            )
        )
        if props.get("Scheme", "internet-facing") == "internet-facing":
            ipv4 += len(props.get("Subnets", [])) or 2
    task_defs = {
        name: r.get("Properties", {}) for name, r in res.items() if r["Type"] == "AWS::ECS::TaskDefinition"
    }

    def fargate_hourly(ref: Any) -> float:
        td = task_defs[ref["Ref"]]
        return int(td["Cpu"]) / 1024 * r.fargate_vcpu_hourly + int(td["Memory"]) / 1024 * r.fargate_gb_hourly

    for props in _resources(template, "AWS::ECS::Service"):
        count = int(props.get("DesiredCount", 1))
        td = task_defs[props["TaskDefinition"]["Ref"]]
        lines.append(
            Line(
                f"Fargate {count} × {int(td['Cpu']) / 1024:g} vCPU / {int(td['Memory']) / 1024:g} GB",
                fargate_hourly(props["TaskDefinition"]) * H * count,
            )
        )
        net = props.get("NetworkConfiguration", {}).get("AwsvpcConfiguration", {})
        if net.get("AssignPublicIp") == "ENABLED":
            ipv4 += count
    for props in _resources(template, "AWS::Events::Rule"):
        for target in props.get("Targets", []):
            if "EcsParameters" in target:
                ref = target["EcsParameters"]["TaskDefinitionArn"]
                lines.append(
                    Line(
                        f"{SCHEDULED_TASK_ITEM} (sync, ~15 min × 22 days)",
                        fargate_hourly(ref) * p.SCHEDULED_TASK_HOURS_PER_MONTH,
                    )
                )
    for props in _resources(template, "AWS::ElastiCache::ReplicationGroup"):
        kind = props["CacheNodeType"]
        nodes = int(props.get("NumCacheClusters", 1))
        cost = _price(r.elasticache_hourly, kind, "cache node type") * H * nodes
        free = (
            min(cost, p.FREE_TIER["elasticache_micro_hours"] * r.elasticache_hourly[kind])
            if kind in p.FREE_CACHE_TYPES
            else 0
        )
        lines.append(Line(f"ElastiCache Redis {nodes} × {kind}", cost, free))
    for props in _resources(template, "AWS::ElastiCache::CacheCluster"):
        kind = props["CacheNodeType"]
        lines.append(
            Line(
                f"ElastiCache {kind}",
                _price(r.elasticache_hourly, kind, "cache node type")
                * H
                * int(props.get("NumCacheNodes", 1)),
            )
        )
    for _ in _resources(template, "AWS::EC2::NatGateway"):
        lines.append(Line("NAT gateway (hours; data by traffic)", r.nat_gateway_hourly * H))
        ipv4 += 1
    for props in _resources(template, "AWS::EC2::VPCEndpoint"):
        if props.get("VpcEndpointType") == "Interface":
            azs = len(props.get("SubnetIds", [])) or 1
            lines.append(Line(f"Interface endpoint × {azs} AZ", r.interface_endpoint_az_hourly * H * azs))
    if ipv4:
        cost = r.public_ipv4_hourly * H * ipv4
        lines.append(
            Line(
                f"Public IPv4 addresses × {ipv4}",
                cost,
                min(cost, p.FREE_TIER["public_ipv4_hours"] * r.public_ipv4_hourly),
            )
        )
    metrics = sum(
        len(a.get("Metrics", [])) - sum(1 for m in a.get("Metrics", []) if "Expression" in m)
        if "Metrics" in a
        else 1
        for a in _resources(template, "AWS::CloudWatch::Alarm")
    )
    if metrics:
        cost = r.alarm_metric_month * metrics
        lines.append(
            Line(
                f"CloudWatch alarm metrics × {metrics}",
                cost,
                min(cost, p.FREE_TIER["alarm_metrics"] * r.alarm_metric_month),
            )
        )
    dashboards = len(_resources(template, "AWS::CloudWatch::Dashboard"))
    if dashboards:
        cost = r.dashboard_month * dashboards
        lines.append(
            Line(
                f"CloudWatch dashboards × {dashboards}",
                cost,
                min(cost, p.FREE_TIER["dashboards"] * r.dashboard_month),
            )
        )
    for kind, price, label in (
        ("AWS::SecretsManager::Secret", r.secret_month, "Secrets Manager secret"),
        ("AWS::KMS::Key", r.kms_key_month, "KMS key"),
    ):
        for _ in _resources(template, kind):
            lines.append(Line(label, price))
    return lines


def merge(templates: list[dict[str, Any]]) -> dict[str, Any]:
    """A tier's stacks (main + billing) as one template, so the free allowances count once."""
    merged: dict[str, Any] = {}
    for i, template in enumerate(templates):
        for name, resource in template.get("Resources", {}).items():
            merged[f"{name}{i}" if name in merged else name] = resource
    return {"Resources": merged}


def tier_templates(cdk_out: Path) -> dict[str, dict[str, Any]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for path in sorted(cdk_out.glob("KabuTrade-*.template.json")):
        tier = path.name.removeprefix("KabuTrade-").removesuffix(".template.json").removesuffix("-billing")
        found.setdefault(tier, []).append(json.loads(path.read_text()))
    return {tier: merge(ts) for tier, ts in found.items()}


def report(cdk_out: Path, regions: tuple[str, ...] = p.DEFAULT_REGIONS) -> str:
    tiers = tier_templates(cdk_out)
    if not tiers:
        raise FileNotFoundError(f"no KabuTrade-*.template.json in {cdk_out}: run `make infra-synth` first")
    tables = [p.for_region(region) for region in regions]
    out = [
        "Monthly estimate per tier from the synthesised templates (on demand, USD).",
        f"PRICES: {p.PROVENANCE}.",
        "Usage-billed items (S3, CloudFront transfer, log ingestion, ALB LCUs, data out) not included.",
        "",
    ]
    order = ["personal", "multi-user", "standard"]
    for table in tables:
        out.append(
            f"== {table.label}: prices written {table.written} from the {table.from_lists_of} price lists"
        )
        out.append("")
        for tier in sorted(tiers, key=lambda t: order.index(t) if t in order else 99):
            lines = estimate(tiers[tier], table)
            out.append(f"{tier} ({table.region})")
            out.append(f"  {'item':<52}{'on demand':>11}{'free tier':>11}  (12-month free tier applied)")
            for line in lines:
                out.append(f"  {line.item:<52}{line.monthly:>10.2f}${line.after_free_tier:>10.2f}$")
            total = sum(line.monthly for line in lines)
            in_free = sum(line.after_free_tier for line in lines)
            out.append(f"  {'total':<52}{total:>10.2f}${in_free:>10.2f}$")
            if tier == "standard":
                core = architecture_items(lines)
                expected = sum(p.ARCHITECTURE_STANDARD.values())
                out.append(
                    f"  the architecture's four items (ALB, Fargate, RDS, Redis; §3 says ${expected}): "
                    f"{core:.2f}$ here ({100 * (core - expected) / expected:+.0f} %)"
                )
            out.append("")
    out.append("Sources (on-demand price pages; every region is listed on the same page):")
    out.extend(f"  {service:<26}{url}" for service, url in p.SOURCES.items())
    out.append(f"  {'check them with':<26}{p.CALCULATOR}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kabu_infra.cost",
        description="Monthly estimate per tier from a cloud assembly (prices.py, not fetched).",
    )
    parser.add_argument("cdk_out", nargs="?", default="cdk.out", type=Path, help="cdk.out folder")
    parser.add_argument(
        "--region",
        action="append",
        choices=sorted(p.REGIONS),
        help="price table to use (repeatable; default: all of " + ", ".join(p.DEFAULT_REGIONS) + ")",
    )
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    try:
        print(report(args.cdk_out, tuple(args.region or p.DEFAULT_REGIONS)))
    except (FileNotFoundError, KeyError) as error:
        print(f"kabu-trade cost: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
