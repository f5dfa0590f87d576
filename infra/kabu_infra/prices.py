"""The price table `make cost` multiplies the synthesised resources by.

Source: the AWS pricing pages (aws.amazon.com/<service>/pricing), on-demand, Linux, region
ap-northeast-1 (Asia Pacific (Tokyo)), in US dollars. The figures were transcribed from those pages
as they stood in 2025; this machine reaches no AWS page, so they were NOT re-checked on PRICES_DATE.
Check them against the AWS Pricing Calculator before relying on the totals; a change is one line.

The free tier is the 12-month one the architecture counts on (accounts opened before 2025-07-15;
newer accounts get the credit-based Free plan instead): 750 hours a month each of t2/t3.micro EC2,
single-AZ db.t2/t3/t4g.micro RDS, cache.t3.micro ElastiCache, an ALB (+15 LCU) and a public IPv4
address; 30 GB of EBS; 20 GB of RDS storage. Always free: 10 alarm metrics, 3 dashboards.
"""

from __future__ import annotations

REGION = "ap-northeast-1"
PRICES_DATE = "2025 price lists (transcribed; not re-checked on 2026-12-01)"
SOURCE = "AWS pricing pages, on-demand, ap-northeast-1 (Asia Pacific (Tokyo)), USD"
HOURS_PER_MONTH = 730

EC2_HOURLY = {"t3.micro": 0.0136, "t3.small": 0.0272, "t3.medium": 0.0544}
EBS_GP3_GB_MONTH = 0.096
EBS_GP2_GB_MONTH = 0.12
RDS_POSTGRES_HOURLY = {"db.t3.micro": 0.028, "db.t3.small": 0.056, "db.t3.medium": 0.112}
RDS_GP3_GB_MONTH = 0.138
RDS_GP2_GB_MONTH = 0.138
ALB_HOURLY = 0.0243
ALB_LCU_HOURLY = 0.008
FARGATE_VCPU_HOURLY = 0.05056
FARGATE_GB_HOURLY = 0.00553
ELASTICACHE_HOURLY = {"cache.t3.micro": 0.026, "cache.t3.small": 0.052}
NAT_GATEWAY_HOURLY = 0.062
INTERFACE_ENDPOINT_AZ_HOURLY = 0.014
PUBLIC_IPV4_HOURLY = 0.005
ALARM_METRIC_MONTH = 0.10
DASHBOARD_MONTH = 3.00
SECRET_MONTH = 0.40
KMS_KEY_MONTH = 1.00

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
