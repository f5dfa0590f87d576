"""The price tables `make cost` multiplies the synthesised resources by, one per region.

NOT FETCHED. Every figure below was written by hand from AWS's public price lists (the pages in
SOURCES, on-demand, Linux, US dollars) as the person writing them knew those pages; this machine
reaches no AWS endpoint, so nothing here was downloaded or re-checked against AWS. ``written`` says
when each table was typed in. Prices change: check them with the AWS Pricing Calculator
(CALCULATOR) before relying on a total; a change is one line.

ap-northeast-1 (Tokyo) is where the application runs; us-east-1 (N. Virginia) is there because the
architecture's figures for the standard tier (ARCHITECTURE_STANDARD, §3: about $86/month) match
us-east-1's prices, so the two can be compared like for like.

The free tier is the 12-month one the architecture counts on (accounts opened before 2025-07-15;
newer accounts get the credit-based Free plan instead): 750 hours a month each of t2/t3.micro EC2,
single-AZ db.t2/t3/t4g.micro RDS, cache.t3.micro ElastiCache, an ALB (+15 LCU) and a public IPv4
address; 30 GB of EBS; 20 GB of RDS storage. Always free: 10 alarm metrics, 3 dashboards. The same
allowances apply in every region.
"""

from __future__ import annotations

from dataclasses import dataclass

HOURS_PER_MONTH = 730
CALCULATOR = "https://calculator.aws/"
PROVENANCE = (
    "written by hand from AWS's public price lists, NOT fetched (this machine has no network); "
    f"check them with the AWS Pricing Calculator ({CALCULATOR})"
)

# Where each group of prices is published (the same pages list every region).
SOURCES = {
    "EC2": "https://aws.amazon.com/ec2/pricing/on-demand/",
    "EBS": "https://aws.amazon.com/ebs/pricing/",
    "RDS for PostgreSQL": "https://aws.amazon.com/rds/postgresql/pricing/",
    "Elastic Load Balancing": "https://aws.amazon.com/elasticloadbalancing/pricing/",
    "Fargate": "https://aws.amazon.com/fargate/pricing/",
    "ElastiCache": "https://aws.amazon.com/elasticache/pricing/",
    "NAT gateway, public IPv4": "https://aws.amazon.com/vpc/pricing/",
    "Interface endpoints": "https://aws.amazon.com/privatelink/pricing/",
    "CloudWatch": "https://aws.amazon.com/cloudwatch/pricing/",
    "Secrets Manager": "https://aws.amazon.com/secrets-manager/pricing/",
    "KMS": "https://aws.amazon.com/kms/pricing/",
}


@dataclass(frozen=True)
class RegionPrices:
    region: str
    name: str
    written: str  # the day these figures were typed in (not a date AWS published them)
    from_lists_of: str  # the price lists the writer worked from
    ec2_hourly: dict[str, float]
    ebs_gp3_gb_month: float
    rds_postgres_hourly: dict[str, float]
    rds_gp3_gb_month: float
    alb_hourly: float
    alb_lcu_hourly: float
    fargate_vcpu_hourly: float
    fargate_gb_hourly: float
    elasticache_hourly: dict[str, float]
    nat_gateway_hourly: float
    interface_endpoint_az_hourly: float
    public_ipv4_hourly: float = 0.005
    alarm_metric_month: float = 0.10
    dashboard_month: float = 3.00
    secret_month: float = 0.40
    kms_key_month: float = 1.00

    @property
    def label(self) -> str:
        return f"{self.region} ({self.name})"


TOKYO = RegionPrices(
    region="ap-northeast-1",
    name="Asia Pacific (Tokyo)",
    written="2026-12-01",
    from_lists_of="2025",
    ec2_hourly={"t3.micro": 0.0136, "t3.small": 0.0272, "t3.medium": 0.0544},
    ebs_gp3_gb_month=0.096,
    rds_postgres_hourly={"db.t3.micro": 0.028, "db.t3.small": 0.056, "db.t3.medium": 0.112},
    rds_gp3_gb_month=0.138,
    alb_hourly=0.0243,
    alb_lcu_hourly=0.008,
    fargate_vcpu_hourly=0.05056,
    fargate_gb_hourly=0.00553,
    elasticache_hourly={"cache.t3.micro": 0.026, "cache.t3.small": 0.052},
    nat_gateway_hourly=0.062,
    interface_endpoint_az_hourly=0.014,
)

N_VIRGINIA = RegionPrices(
    region="us-east-1",
    name="US East (N. Virginia)",
    written="2026-12-01",
    from_lists_of="2024-2025",
    ec2_hourly={"t3.micro": 0.0104, "t3.small": 0.0208, "t3.medium": 0.0416},
    ebs_gp3_gb_month=0.08,
    rds_postgres_hourly={"db.t3.micro": 0.018, "db.t3.small": 0.036, "db.t3.medium": 0.072},
    rds_gp3_gb_month=0.115,
    alb_hourly=0.0225,
    alb_lcu_hourly=0.008,
    fargate_vcpu_hourly=0.04048,
    fargate_gb_hourly=0.004445,
    elasticache_hourly={"cache.t3.micro": 0.017, "cache.t3.small": 0.034},
    nat_gateway_hourly=0.045,
    interface_endpoint_az_hourly=0.01,
)

REGIONS = {r.region: r for r in (TOKYO, N_VIRGINIA)}
DEFAULT_REGIONS = (TOKYO.region, N_VIRGINIA.region)


def for_region(region: str) -> RegionPrices:
    try:
        return REGIONS[region]
    except KeyError:
        raise ValueError(
            f"no price table for region {region!r}: choose one of {', '.join(REGIONS)}"
        ) from None


# What a scheduled task is assumed to run for: the daily sync, ~22 weekdays × 15 minutes.
SCHEDULED_TASK_HOURS_PER_MONTH = 22 * 0.25

FREE_TIER = {
    "ec2_micro_hours": 750,
    "ebs_gb": 30,
    "rds_micro_hours": 750,
    "rds_storage_gb": 20,
    "elasticache_micro_hours": 750,
    "alb_hours": 750,
    "public_ipv4_hours": 750,
    "alarm_metrics": 10,
    "dashboards": 3,
}
FREE_EC2_TYPES = {"t2.micro", "t3.micro"}
FREE_RDS_CLASSES = {"db.t2.micro", "db.t3.micro", "db.t4g.micro"}
FREE_CACHE_TYPES = {"cache.t2.micro", "cache.t3.micro"}

# The architecture's figures for the standard tier (§3), for comparison in the output.
ARCHITECTURE_STANDARD = {
    "ALB": 16,
    "Fargate 2 × 0.5 vCPU / 1 GB": 30,
    "RDS db.t3.small": 25,
    "ElastiCache cache.t3.micro": 15,
}
