"""One stack per tier, composed from the concern modules."""

from __future__ import annotations

from aws_cdk import CfnOutput, Environment, Stack, Tags
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from . import containers, tiers
from .backups import Backups
from .compute import Host
from .database import Database
from .deploy_role import DeployRole
from .monitoring import FIVE_MINUTES, Alarms, AlarmTopic, AppLogs
from .network import Network
from .parameters import Parameters
from .registry import Registry
from .web import Web


class KabuTradeStack(Stack):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tier: tiers.Tier,
        env: Environment | None = None,
        host_files: dict[str, bytes] | None = None,
    ) -> None:
        super().__init__(scope, construct_id, env=env, description=f"kabu-trade, {tier.name} tier (issue 9)")
        self.tier = tier
        Tags.of(self).add("project", "kabu-trade")
        Tags.of(self).add("tier", tier.name)

        network = Network(self, "Network", tier=tier)
        logs = AppLogs(self, "Logs")
        registry = Registry(self, "Registry")
        backups = Backups(self, "Backups", prefix=f"{tier.name}/")
        self.parameters = Parameters(self, "Parameters", tier=tier, backup_s3_uri=backups.s3_uri)
        topic = AlarmTopic(self, "Alarms")

        service: containers.Service | None = None
        if tier.uses_ec2_host:
            if host_files is None:
                raise ValueError(f"the {tier.name} tier needs the host's files (host_files.py)")
            host = Host(
                self,
                "Host",
                tier=tier,
                network=network,
                host_files=host_files,
                parameters=self.parameters,
                backups=backups,
                log_group=logs.group,
                repository=registry.repository,
            )
            self.database = Database(self, "Database", tier=tier, network=network, clients=host.app_group)
            api_origin = host.api_origin
            # Basic monitoring: EC2 publishes a 5-minute average, which is §5's "for 5 minutes".
            cpu: cw.IMetric = cw.Metric(
                namespace="AWS/EC2",
                metric_name="CPUUtilization",
                dimensions_map={"InstanceId": host.instance.instance_id},
                statistic="Average",
                period=FIVE_MINUTES,
            )
            cpu_label = "EC2 host"
            CfnOutput(
                self,
                "InstanceId",
                value=host.instance.instance_id,
                description="Target of the deploy workflow's SSM Run Command",
            )
        else:
            tasks_group = ec2.SecurityGroup(
                self,
                "TasksGroup",
                vpc=network.vpc,
                description="kabu-trade tasks: 8000 from the ALB; outbound to ECR, SSM, RDS, Redis, data",
                allow_all_outbound=True,
            )
            cache = containers.Cache(self, "Cache", tier=tier, network=network, clients=tasks_group)
            service = containers.Service(
                self,
                "Containers",
                tier=tier,
                network=network,
                parameters=self.parameters,
                log_group=logs.group,
                repository=registry.repository,
                tasks_group=tasks_group,
                redis_url=cache.url,
            )
            self.database = Database(self, "Database", tier=tier, network=network, clients=tasks_group)
            api_origin = service.api_origin
            cpu = service.service.metric_cpu_utilization(period=FIVE_MINUTES, statistic="Average")
            cpu_label = "ECS service"
            CfnOutput(self, "ClusterName", value=service.cluster.cluster_name)
            CfnOutput(self, "ServiceName", value=service.service.service_name)
            # The deploy workflow moves the scheduled sync to each new image: it registers a new
            # revision of this family and points the rule's target at it.
            CfnOutput(self, "SyncRuleName", value=service.sync_rule.rule_name)
            CfnOutput(self, "SyncTaskFamily", value=service.sync_task.family)

        web = Web(self, "Web", api_origin=api_origin)
        self.deploy = DeployRole(
            self,
            "Deploy",
            tier=tier,
            repository=registry.repository,
            parameters=self.parameters,
            web_bucket=web.bucket,
            distribution=web.distribution,
            service=service,
        )
        self.alarms = Alarms(
            self,
            "Monitoring",
            tier=tier,
            topic=topic,
            cpu=cpu,
            cpu_label=cpu_label,
            database=self.database.instance,
        )
        CfnOutput(self, "DistributionDomainName", value=web.distribution.distribution_domain_name)
        CfnOutput(self, "DistributionId", value=web.distribution.distribution_id)
        CfnOutput(self, "WebBucketName", value=web.bucket.bucket_name)
        CfnOutput(self, "BackupsBucketName", value=backups.bucket.bucket_name)
        CfnOutput(self, "RepositoryUri", value=registry.repository.repository_uri)
        CfnOutput(
            self,
            "DatabaseEndpoint",
            value=self.database.instance.db_instance_endpoint_address,
            description="Host of the database-url parameter (postgresql+psycopg://kabu:…@HOST:5432/kabu_trade)",
        )
