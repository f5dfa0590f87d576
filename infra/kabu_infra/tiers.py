"""What each tier is made of, with the architecture's figures (seed document §1-§4, §7).

Everything a stack needs to know about its tier lives here, so a test can read the intent and the
template side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

TIERS = ("personal", "multi-user", "standard")

# Subnets exactly as §1.2 draws them: public 10.0.1.0/24 and private 10.0.2.0/24, plus the second
# private subnet (another AZ) that an RDS subnet group requires and, in the standard tier only, the
# second public subnet that an ALB requires.
VPC_CIDR = "10.0.0.0/16"
PUBLIC_SUBNET_CIDR = "10.0.1.0/24"
PRIVATE_SUBNET_CIDR = "10.0.2.0/24"
PRIVATE_SUBNET_2_CIDR = "10.0.3.0/24"
PUBLIC_SUBNET_2_CIDR = "10.0.4.0/24"

API_PORT = 8000  # the image's port (contracts.md)
LIVENESS_PATH = "/api/v1/health/live"
READINESS_PATH = "/api/v1/health"


@dataclass(frozen=True)
class Tier:
    name: str
    # §1/§2: one EC2 host running compose; §3: ALB + Fargate.
    uses_ec2_host: bool
    db_instance_class: str  # RDS class without the "db." prefix, as ec2.InstanceType takes it
    db_memory_gib: float  # the class's nominal memory: max_connections is derived from it
    db_storage_gib: int = 20
    ec2_instance_type: str = "t3.micro"
    ec2_root_volume_gib: int = 20  # free tier: 30 GB of EBS in all; 20 leaves room for snapshots
    # §2 adds a dashboard and RDS CPU/storage alarms (§5.1's other targets), within the free tier's
    # 3 dashboards and 10 alarms.
    extended_monitoring: bool = False
    # §3
    fargate_cpu: int = 512
    fargate_memory_mib: int = 1024
    fargate_tasks: int = 2
    fargate_max_tasks: int = 4
    cache_node_type: str | None = None
    # Each API process: KABU_THREADS threads and a pool of threads + 3 connections
    # (src/kabu_trade/core/capacity.py; infra/tests/test_capacity.py checks every tier fits RDS).
    # One process of two threads per host or task: on a t3.micro or 0.5 vCPU, more processes add
    # memory, not throughput (README, "Capacity").
    api_workers: int = 1
    api_threads: int = 2
    # The billing alarm fires when the month's estimated charges pass this many US dollars: any
    # charge at all for the free tiers, the architecture's $86 plus a margin for the standard tier.
    billing_threshold_usd: float = 1.0

    @property
    def stack_name(self) -> str:
        return f"KabuTrade-{self.name}"

    @property
    def parameter_prefix(self) -> str:
        """SSM Parameter Store path of the tier's settings (contracts.md)."""
        return f"/kabu-trade/{self.name}/"


PERSONAL = Tier(name="personal", uses_ec2_host=True, db_instance_class="t3.micro", db_memory_gib=1)
MULTI_USER = Tier(
    name="multi-user",
    uses_ec2_host=True,
    db_instance_class="t3.micro",
    db_memory_gib=1,
    extended_monitoring=True,
)
STANDARD = Tier(
    name="standard",
    uses_ec2_host=False,
    db_instance_class="t3.small",
    db_memory_gib=2,
    cache_node_type="cache.t3.micro",
    billing_threshold_usd=120.0,
)

BY_NAME = {t.name: t for t in (PERSONAL, MULTI_USER, STANDARD)}


def tier_named(name: str) -> Tier:
    try:
        return BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown tier {name!r}: choose one of {', '.join(TIERS)}") from None


# RDS for PostgreSQL's default max_connections is LEAST({DBInstanceClassMemory/9531392}, 5000).
# DBInstanceClassMemory is the class's memory less what RDS reserves for the OS, which AWS does not
# publish per class; the nominal memory gives an upper bound (112 for 1 GiB, 225 for 2 GiB).
_PG_BYTES_PER_CONNECTION = 9531392


def connection_holders(tier: Tier) -> int:
    """Processes that may hold database connections at once, at the tier's largest.

    EC2 host (compose.yaml): the API processes, the worker, a `migrate` run and a backup run (the
    systemd timer's `compose run`). Standard: every task at the auto-scaling maximum runs an API
    and a worker container, plus the scheduled sync task and a deploy's migration task.
    """
    per_host_or_task = tier.api_workers + 1  # + the worker
    if tier.uses_ec2_host:
        return per_host_or_task + 2
    return tier.fargate_max_tasks * per_host_or_task + 2


def pg_max_connections(memory_gib: float) -> int:
    return min(int(memory_gib * 1024**3) // _PG_BYTES_PER_CONNECTION, 5000)


def connections_alarm_threshold(memory_gib: float) -> int:
    """80 % of max_connections (§5), rounded down: the alarm fires above it."""
    return int(pg_max_connections(memory_gib) * 0.8)
