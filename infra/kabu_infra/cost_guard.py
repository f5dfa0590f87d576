"""The free-tier guard: what a template of the personal (or multi-user) tier may contain.

``violations(template)`` lists every resource that would cost money on a 12-month free-tier account
(prices.py lists the allowances); the tests fail on any. Resource types with no free tier at all
are refused outright; the rest must stay within the allowed sizes.
"""

from __future__ import annotations

from typing import Any

from . import prices

FORBIDDEN_TYPES = {
    "AWS::EC2::NatGateway": "NAT gateway (~$45/month)",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "load balancer",
    "AWS::ElasticLoadBalancing::LoadBalancer": "classic load balancer",
    "AWS::ElastiCache::CacheCluster": "ElastiCache (Redis runs on the host)",
    "AWS::ElastiCache::ReplicationGroup": "ElastiCache (Redis runs on the host)",
    "AWS::ElastiCache::ServerlessCache": "ElastiCache Serverless",
    "AWS::ECS::Service": "ECS/Fargate service (no free tier)",
    "AWS::EKS::Cluster": "EKS cluster",
    "AWS::RDS::DBCluster": "Aurora cluster",
    "AWS::SecretsManager::Secret": "Secrets Manager secret ($0.40/month; use SSM SecureString)",
    "AWS::KMS::Key": "customer-managed KMS key ($1/month)",
    "AWS::EC2::EIP": "Elastic IP",
    "AWS::WAFv2::WebACL": "WAF web ACL",
    "AWS::EC2::TransitGateway": "transit gateway",
    "AWS::EC2::ClientVpnEndpoint": "client VPN",
}
MAX_EBS_GB = 30
MAX_RDS_GB = 20
MAX_INSTANCES = 1  # 750 free hours cover one instance running all month
MAX_ALARM_METRICS = 10
MAX_DASHBOARDS = 3


def violations(template: dict[str, Any]) -> list[str]:
    found: list[str] = []
    ebs_gb = 0
    instances = 0
    databases = 0
    alarm_metrics = 0
    dashboards = 0
    for name, resource in template.get("Resources", {}).items():
        kind = resource["Type"]
        props = resource.get("Properties", {})
        if kind in FORBIDDEN_TYPES:
            found.append(f"{name}: {FORBIDDEN_TYPES[kind]} ({kind})")
        elif kind == "AWS::EC2::VPCEndpoint" and props.get("VpcEndpointType") in (
            "Interface",
            "GatewayLoadBalancer",
        ):
            found.append(f"{name}: interface VPC endpoint (billed per AZ-hour)")
        elif kind == "AWS::EC2::Instance":
            instances += 1
            if props.get("InstanceType") not in prices.FREE_EC2_TYPES:
                found.append(f"{name}: instance type {props.get('InstanceType')!r} is above t3.micro")
            if props.get("Monitoring") is True:
                found.append(f"{name}: detailed monitoring is billed")
            for mapping in props.get("BlockDeviceMappings", []):
                ebs = mapping.get("Ebs", {})
                ebs_gb += int(ebs.get("VolumeSize", 8))
                if ebs.get("VolumeType", "gp3") not in ("gp2", "gp3"):
                    found.append(f"{name}: EBS volume type {ebs.get('VolumeType')!r} (only gp2/gp3 are free)")
        elif kind == "AWS::EC2::LaunchTemplate":
            data = props.get("LaunchTemplateData", {})
            if "InstanceType" in data and data["InstanceType"] not in prices.FREE_EC2_TYPES:
                found.append(f"{name}: launch template instance type {data['InstanceType']!r}")
        elif kind == "AWS::EC2::Volume":
            ebs_gb += int(props.get("Size", 0))
        elif kind == "AWS::AutoScaling::AutoScalingGroup":
            found.append(f"{name}: an Auto Scaling group can run more than one instance")
        elif kind == "AWS::RDS::DBInstance":
            databases += 1
            if props.get("DBInstanceClass") not in prices.FREE_RDS_CLASSES:
                found.append(f"{name}: DB class {props.get('DBInstanceClass')!r} is above db.t3.micro")
            if props.get("MultiAZ") is True:
                found.append(f"{name}: Multi-AZ doubles the instance hours")
            if int(props.get("AllocatedStorage", 0)) > MAX_RDS_GB:
                found.append(f"{name}: {props['AllocatedStorage']} GB of RDS storage (> {MAX_RDS_GB})")
            if "MaxAllocatedStorage" in props:
                found.append(f"{name}: storage autoscaling can grow past {MAX_RDS_GB} GB")
            if props.get("StorageType", "gp2") not in ("gp2", "gp3"):
                found.append(f"{name}: RDS storage type {props.get('StorageType')!r}")
            if (
                props.get("EnablePerformanceInsights") is True
                and props.get("PerformanceInsightsRetentionPeriod", 7) > 7
            ):
                found.append(f"{name}: Performance Insights retention beyond the free 7 days")
        elif kind == "AWS::CloudWatch::Alarm":
            metrics = props.get("Metrics")
            alarm_metrics += sum(1 for m in metrics if "MetricStat" in m) if metrics else 1
        elif kind == "AWS::CloudWatch::Dashboard":
            dashboards += 1
    if ebs_gb > MAX_EBS_GB:
        found.append(f"EBS: {ebs_gb} GB in all (> {MAX_EBS_GB})")
    if instances > MAX_INSTANCES:
        found.append(f"EC2: {instances} instances (750 free hours cover {MAX_INSTANCES})")
    if databases > 1:
        found.append(f"RDS: {databases} instances (750 free hours cover one)")
    if alarm_metrics > MAX_ALARM_METRICS:
        found.append(f"CloudWatch: {alarm_metrics} alarm metrics (> {MAX_ALARM_METRICS} free)")
    if dashboards > MAX_DASHBOARDS:
        found.append(f"CloudWatch: {dashboards} dashboards (> {MAX_DASHBOARDS} free)")
    return found
