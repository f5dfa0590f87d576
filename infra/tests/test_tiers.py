"""Point 4 of issue 9, resource by resource, on the synthesised templates."""

from __future__ import annotations

import base64
import gzip
import json
import re

import pytest
from aws_cdk.assertions import Match
from kabu_infra import host_files, security, tiers, user_data
from kabu_infra.backups import EXPIRE_AFTER_DAYS, IA_AFTER_DAYS

from .conftest import ROOT, of_type, synth

ALL = list(tiers.TIERS)
HOSTED = ["personal", "multi-user"]


@pytest.mark.parametrize("tier", ALL)
def test_network(raw, tier):
    t = raw[tier]
    assert [p["CidrBlock"] for p in of_type(t, "AWS::EC2::VPC").values()] == ["10.0.0.0/16"]
    subnets = {
        p["CidrBlock"]: p.get("MapPublicIpOnLaunch", False) for p in of_type(t, "AWS::EC2::Subnet").values()
    }
    expected = {"10.0.1.0/24": True, "10.0.2.0/24": False, "10.0.3.0/24": False}
    if tier == "standard":
        expected["10.0.4.0/24"] = True  # the ALB's second AZ
    assert subnets == expected
    assert not of_type(t, "AWS::EC2::NatGateway")
    assert not of_type(t, "AWS::EC2::VPCEndpoint")
    # Private subnets have no route out of the VPC.
    routes = of_type(t, "AWS::EC2::Route")
    assert len(routes) == (2 if tier == "standard" else 1)
    assert all("GatewayId" in r and r["DestinationCidrBlock"] == "0.0.0.0/0" for r in routes.values())


@pytest.mark.parametrize("tier", ALL)
def test_database(templates, raw, tier):
    cls = "db.t3.small" if tier == "standard" else "db.t3.micro"
    templates[tier].has_resource_properties(
        "AWS::RDS::DBInstance",
        {
            "DBInstanceClass": cls,
            "Engine": "postgres",
            "EngineVersion": Match.string_like_regexp(r"^15"),
            "AllocatedStorage": "20",
            "StorageType": "gp3",
            "MultiAZ": False,
            "StorageEncrypted": True,
            "PubliclyAccessible": False,
            "BackupRetentionPeriod": 7,
            "DeletionProtection": True,
            "MasterUserPassword": Match.string_like_regexp(
                r"resolve:ssm-secure:/kabu-trade/" + tier + "/db-master-password"
            ),
        },
    )
    (db,) = of_type(raw[tier], "AWS::RDS::DBInstance").values()
    assert "MaxAllocatedStorage" not in db  # no storage autoscaling


@pytest.mark.parametrize("tier", ALL)
def test_security_groups(raw, tier):
    t = raw[tier]
    rules = []
    for name, sg in of_type(t, "AWS::EC2::SecurityGroup").items():
        for rule in sg.get("SecurityGroupIngress", []):
            rules.append((name, rule))
    for name, rule in of_type(t, "AWS::EC2::SecurityGroupIngress").items():
        rules.append((name, rule))
    assert rules
    for _, rule in rules:
        assert rule.get("CidrIp") != "0.0.0.0/0" and rule.get("CidrIpv6") != "::/0"
        assert rule["FromPort"] != 22  # no SSH unless adminCidr is given
    prefix = [r for _, r in rules if "SourcePrefixListId" in r]
    assert all(r["SourcePrefixListId"] == security.DEFAULT_CLOUDFRONT_PREFIX_LIST for r in prefix)
    want = {80, 443} if tier != "standard" else {80}
    assert {r["FromPort"] for r in prefix} == want
    # One CloudFront rule per group: the prefix list weighs 55 of a group's 60 rules.
    groups = [r.get("GroupId", {}).get("Fn::GetAtt", [None])[0] for r in prefix]
    assert len(set(groups)) == len(prefix)
    pg = [r for _, r in rules if r["FromPort"] == 5432]
    assert len(pg) == 1 and "SourceSecurityGroupId" in pg[0]
    ports = {r["FromPort"] for _, r in rules}
    assert ports == ({80, 443, 5432} if tier != "standard" else {80, 5432, 6379, 8000})


def test_admin_cidr_opens_ssh_only_to_it(tmp_path):
    stack = synth(tmp_path, {"adminCidr": "203.0.113.7/32"}, ("personal",))["personal"]
    from aws_cdk.assertions import Template

    sgs = Template.from_stack(stack).find_resources("AWS::EC2::SecurityGroup")
    ssh = [
        r
        for sg in sgs.values()
        for r in sg["Properties"].get("SecurityGroupIngress", [])
        if r["FromPort"] == 22
    ]
    assert ssh == [
        {
            "CidrIp": "203.0.113.7/32",
            "Description": "SSH from the admin network",
            "FromPort": 22,
            "IpProtocol": "tcp",
            "ToPort": 22,
        }
    ]


def test_admin_cidr_refuses_the_world():
    import aws_cdk as cdk

    app = cdk.App(context={"adminCidr": "0.0.0.0/0"})
    with pytest.raises(ValueError, match="adminCidr"):
        security.admin_cidr(app)


@pytest.mark.parametrize("tier", ALL)
def test_buckets(raw, tier):
    buckets = of_type(raw[tier], "AWS::S3::Bucket")
    assert len(buckets) == 2
    for b in buckets.values():
        assert b["PublicAccessBlockConfiguration"] == {
            "BlockPublicAcls": True,
            "BlockPublicPolicy": True,
            "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True,
        }
        assert (
            b["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"][
                "SSEAlgorithm"
            ]
            == "AES256"
        )
    (backups,) = [b for b in buckets.values() if "LifecycleConfiguration" in b]
    (rule,) = backups["LifecycleConfiguration"]["Rules"]
    assert rule["Transitions"] == [{"StorageClass": "STANDARD_IA", "TransitionInDays": IA_AFTER_DAYS}]
    assert rule["ExpirationInDays"] == EXPIRE_AFTER_DAYS and rule["Status"] == "Enabled"


@pytest.mark.parametrize("tier", ALL)
def test_cloudfront(raw, tier):
    (dist,) = of_type(raw[tier], "AWS::CloudFront::Distribution").values()
    cfg = dist["DistributionConfig"]
    assert len(of_type(raw[tier], "AWS::CloudFront::OriginAccessControl")) == 1
    s3_origin = [o for o in cfg["Origins"] if "S3OriginConfig" in o]
    assert s3_origin and s3_origin[0]["OriginAccessControlId"]
    (api,) = cfg["CacheBehaviors"]
    assert api["PathPattern"] == "/api/*" and api["ViewerProtocolPolicy"] == "https-only"
    assert cfg["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    api_origin = next(o for o in cfg["Origins"] if o["Id"] == api["TargetOriginId"])
    assert api_origin["CustomOriginConfig"]["OriginProtocolPolicy"] == "http-only"


@pytest.mark.parametrize("tier", HOSTED)
def test_host(templates, raw, tier):
    templates[tier].has_resource_properties(
        "AWS::EC2::Instance",
        {
            "InstanceType": "t3.micro",
            "ImageId": {"Ref": Match.string_like_regexp("al2023")},
            "BlockDeviceMappings": [
                {
                    "DeviceName": "/dev/xvda",
                    "Ebs": {
                        "VolumeSize": 20,
                        "VolumeType": "gp3",
                        "Encrypted": True,
                        "DeleteOnTermination": True,
                    },
                }
            ],
        },
    )
    templates[tier].has_resource_properties(
        "AWS::EC2::LaunchTemplate", {"LaunchTemplateData": {"MetadataOptions": {"HttpTokens": "required"}}}
    )
    params = raw[tier]["Parameters"]
    assert any("al2023" in p.get("Default", "") for p in params.values())


def _user_data(raw, tier):
    (inst,) = of_type(raw[tier], "AWS::EC2::Instance").values()
    parts = inst["UserData"]["Fn::Base64"]["Fn::Join"][1]
    return "".join(p if isinstance(p, str) else "<token>" for p in parts)


@pytest.mark.parametrize("tier", HOSTED)
def test_user_data_embeds_the_host_files(raw, tier):
    script = _user_data(raw, tier)
    assert len(script.encode()) < user_data.USER_DATA_LIMIT
    embedded = dict(re.findall(r"echo '([A-Za-z0-9+/=]+)' \| base64 -d \| gunzip > (\S+)", script))
    files = {dest: gzip.decompress(base64.b64decode(b)) for b, dest in embedded.items()}
    for src, dest in host_files.HOST_FILES.items():
        assert files[f"/opt/kabu-trade/{dest}"] == (ROOT / src).read_bytes()
    env = files["/usr/local/bin/kabu-trade-env"].decode()
    assert "KABU_HTTP_PORT=80" in env
    for name in ("secret-key", "database-url", "image", "backup-s3-uri"):
        assert f"(get {name})" in env
    assert f'prefix="/kabu-trade/{tier}/"' in env
    timer = files["/etc/systemd/system/kabu-trade-backup.timer"].decode()
    assert "OnCalendar=" in timer and "Persistent=true" in timer
    service = files["/etc/systemd/system/kabu-trade-backup.service"].decode()
    assert service.index("backup create") < service.index("backup prune")
    assert "dnf install -y docker" in script and "sha256sum -c" in script
    assert "systemctl enable --now kabu-trade-env.service kabu-trade-backup.timer" in script


@pytest.mark.parametrize("tier", HOSTED)
def test_host_role_is_least_privilege(raw, tier):
    # The host's own role (the deploy role has tests of its own: test_deploy_role.py).
    (policy,) = [p for k, p in of_type(raw[tier], "AWS::IAM::Policy").items() if k.startswith("HostRole")]
    for st in policy["PolicyDocument"]["Statement"]:
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        if "*" in resources:
            # Only actions that have no resource type; PutMetricData is held to our namespace.
            assert set(actions) <= {"ecr:GetAuthorizationToken", "cloudwatch:PutMetricData"}, st
            if "cloudwatch:PutMetricData" in actions:
                assert st["Condition"] == {"StringEquals": {"cloudwatch:namespace": "KabuTrade"}}
        assert not any(a in ("*", "s3:*", "ssm:*", "logs:*") for a in actions)
    text = json.dumps(policy)
    assert f"parameter/kabu-trade/{tier}/*" in text and f"/{tier}/*" in text
    (role,) = [r for k, r in of_type(raw[tier], "AWS::IAM::Role").items() if k.startswith("HostRole")]
    assert "AmazonSSMManagedInstanceCore" in json.dumps(role["ManagedPolicyArns"])


@pytest.mark.parametrize("tier", ALL)
def test_parameters_logs_registry_topic(templates, raw, tier):
    t = templates[tier]
    t.has_resource_properties("AWS::SSM::Parameter", {"Name": f"/kabu-trade/{tier}/image", "Type": "String"})
    t.has_resource_properties("AWS::SSM::Parameter", {"Name": f"/kabu-trade/{tier}/backup-s3-uri"})
    t.has_resource_properties(
        "AWS::Logs::LogGroup", {"LogGroupName": "/kabu-trade/api", "RetentionInDays": 30}
    )
    assert all("RetentionInDays" in g for g in of_type(raw[tier], "AWS::Logs::LogGroup").values())
    t.has_resource_properties(
        "AWS::ECR::Repository",
        {
            "RepositoryName": "kabu-trade",
            "LifecyclePolicy": {"LifecyclePolicyText": Match.string_like_regexp('"countNumber":5')},
        },
    )
    t.has_resource_properties(
        "AWS::SNS::Subscription", {"Protocol": "email", "Endpoint": {"Ref": "AlarmEmail"}}
    )


def _alarms(raw, tier):
    return {
        a["AlarmDescription"].split(" ")[0] + a["AlarmDescription"].split(" ")[1]: a
        for a in of_type(raw[tier], "AWS::CloudWatch::Alarm").values()
    }


@pytest.mark.parametrize("tier", ALL)
def test_alarms(raw, tier):
    alarms = list(of_type(raw[tier], "AWS::CloudWatch::Alarm").values())
    assert len(alarms) == (5 if tier == "multi-user" else 3)
    for a in alarms:
        assert a["AlarmActions"] and a["EvaluationPeriods"] == 1
    cpu = next(a for a in alarms if a.get("MetricName") == "CPUUtilization")
    assert (cpu["Namespace"], cpu["Threshold"], cpu["Period"], cpu["ComparisonOperator"]) == (
        "AWS/ECS" if tier == "standard" else "AWS/EC2",
        80,
        300,
        "GreaterThanThreshold",
    )
    conn = next(a for a in alarms if a.get("MetricName") == "DatabaseConnections")
    memory = 2 if tier == "standard" else 1
    assert conn["Threshold"] == int(0.8 * (memory * 1024**3 // 9531392))
    assert (conn["Period"], conn["ComparisonOperator"]) == (300, "GreaterThanThreshold")
    err = next(a for a in alarms if "Metrics" in a)
    (expr,) = [m for m in err["Metrics"] if "Expression" in m]
    assert expr["Expression"] == "IF(requests > 0, 100 * errors / requests, 0)"
    stats = {m["Id"]: m["MetricStat"] for m in err["Metrics"] if "MetricStat" in m}
    for id_, name in (("errors", "ServerErrors"), ("requests", "Requests")):
        assert stats[id_]["Metric"] == {
            "Namespace": "KabuTrade",
            "MetricName": name,
            "Dimensions": [{"Name": "Service", "Value": "kabu-trade-api"}],
        }
        assert stats[id_]["Period"] == 60 and stats[id_]["Stat"] == "Sum"
    assert err["Threshold"] == 5 and err["ComparisonOperator"] == "GreaterThanThreshold"


def test_pg_max_connections():
    assert tiers.pg_max_connections(1) == 112 and tiers.connections_alarm_threshold(1) == 89
    assert tiers.pg_max_connections(2) == 225 and tiers.connections_alarm_threshold(2) == 180


def test_billing_alarm_in_us_east_1(tmp_path):
    import aws_cdk as cdk
    from aws_cdk.assertions import Template
    from kabu_infra.billing import BillingStack

    app = cdk.App(outdir=str(tmp_path))
    stack = BillingStack(app, "B", tier=tiers.PERSONAL, account=None)
    assert stack.region == "us-east-1"
    Template.from_stack(stack).has_resource_properties(
        "AWS::CloudWatch::Alarm",
        {
            "Namespace": "AWS/Billing",
            "MetricName": "EstimatedCharges",
            "Threshold": 1,
            "Dimensions": [{"Name": "Currency", "Value": "USD"}],
            "AlarmActions": Match.any_value(),
        },
    )


def test_standard(templates, raw):
    t = templates["standard"]
    t.has_resource_properties(
        "AWS::ECS::TaskDefinition",
        {
            "Cpu": "512",
            "Memory": "1024",
            "RequiresCompatibilities": ["FARGATE"],
            "ContainerDefinitions": Match.array_with(
                [
                    Match.object_like(
                        {"Name": "api", "LogConfiguration": Match.object_like({"LogDriver": "awslogs"})}
                    )
                ]
            ),
        },
    )
    t.has_resource_properties(
        "AWS::ECS::Service",
        {
            "DesiredCount": 2,
            "LaunchType": "FARGATE",
            "DeploymentConfiguration": Match.object_like(
                {
                    "MinimumHealthyPercent": 100,
                    "MaximumPercent": 200,
                    "DeploymentCircuitBreaker": {"Enable": True, "Rollback": True},
                }
            ),
            "NetworkConfiguration": {"AwsvpcConfiguration": Match.object_like({"AssignPublicIp": "ENABLED"})},
        },
    )
    t.has_resource_properties(
        "AWS::ElasticLoadBalancingV2::TargetGroup", {"HealthCheckPath": tiers.LIVENESS_PATH, "Port": 8000}
    )
    t.has_resource_properties("AWS::ElasticLoadBalancingV2::LoadBalancer", {"Scheme": "internet-facing"})
    t.has_resource_properties(
        "AWS::ElastiCache::ReplicationGroup",
        {
            "CacheNodeType": "cache.t3.micro",
            "Engine": "redis",
            "NumCacheClusters": 1,
            "AtRestEncryptionEnabled": True,
            "TransitEncryptionEnabled": True,
        },
    )
    t.has_resource_properties(
        "AWS::Events::Rule",
        {
            "ScheduleExpression": "cron(0 7 ? * MON-FRI *)",  # 16:00 JST, after the 15:30 close
            "Targets": [Match.object_like({"EcsParameters": Match.object_like({"LaunchType": "FARGATE"})})],
        },
    )
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalableTarget", {"MinCapacity": 2, "MaxCapacity": 4}
    )
    t.has_resource_properties(
        "AWS::ApplicationAutoScaling::ScalingPolicy",
        {
            "TargetTrackingScalingPolicyConfiguration": Match.object_like(
                {"PredefinedMetricSpecification": {"PredefinedMetricType": "ECSServiceAverageCPUUtilization"}}
            )
        },
    )
    secrets = json.dumps(of_type(raw["standard"], "AWS::ECS::TaskDefinition"))
    assert "parameter/kabu-trade/standard/secret-key" in secrets
