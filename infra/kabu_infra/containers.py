"""The standard tier's compute (§3): an ALB in front of an ECS Fargate service of two tasks
(0.5 vCPU, 1 GB each), rolling deploys with a circuit breaker that rolls back, CPU auto scaling,
ElastiCache Redis, and the daily sync as a scheduled task.

No NAT gateway here either: tasks run in the public subnets with a public IP (to reach ECR, SSM and
the data providers) and a security group that admits only the ALB; the ALB admits only CloudFront.
Each task runs the API and a worker (the jobs queue); the sync runs as its own scheduled task at
16:00 JST on weekdays, half an hour after the 15:30 close (07:00 UTC; EventBridge cron is in UTC).
Exchange holidays are the app's business: its calendar makes the sync a no-op on them.
"""

from __future__ import annotations

from aws_cdk import CfnParameter, Duration
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_ecs as ecs
from aws_cdk import aws_elasticache as elasticache
from aws_cdk import aws_elasticloadbalancingv2 as elbv2
from aws_cdk import aws_events as events
from aws_cdk import aws_events_targets as targets
from aws_cdk import aws_logs as logs
from constructs import Construct

from . import nag, security, tiers
from .network import Network
from .parameters import Parameters

REDIS_PORT = 6379
SYNC_SCHEDULE = events.Schedule.cron(minute="0", hour="7", week_day="MON-FRI")
SCALE_AT_CPU_PERCENT = 70


class Cache(Construct):
    """ElastiCache Redis cache.t3.micro, one node: a cache (the app survives its loss), so neither
    a replica nor snapshots; encrypted at rest and in transit (``rediss://``)."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tier: tiers.Tier,
        network: Network,
        clients: ec2.ISecurityGroup,
    ) -> None:
        super().__init__(scope, construct_id)
        assert tier.cache_node_type
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=network.vpc,
            description="ElastiCache Redis: 6379 from the ECS tasks only",
            allow_all_outbound=False,
        )
        self.security_group.add_ingress_rule(clients, ec2.Port.tcp(REDIS_PORT), "Redis from the tasks")
        subnets = elasticache.CfnSubnetGroup(
            self,
            "Subnets",
            description="kabu-trade cache: private subnets",
            subnet_ids=[s.subnet_id for s in network.private_subnets],
        )
        self.group = elasticache.CfnReplicationGroup(
            self,
            "Redis",
            replication_group_description=f"kabu-trade {tier.name} cache",
            engine="redis",
            engine_version="7.1",
            cache_node_type=tier.cache_node_type,
            num_cache_clusters=1,
            automatic_failover_enabled=False,
            multi_az_enabled=False,
            at_rest_encryption_enabled=True,
            transit_encryption_enabled=True,
            port=REDIS_PORT,
            cache_subnet_group_name=subnets.ref,
            security_group_ids=[self.security_group.security_group_id],
            snapshot_retention_limit=0,
            auto_minor_version_upgrade=True,
        )
        self.url = f"rediss://{self.group.attr_primary_end_point_address}:{REDIS_PORT}/0"
        for rule, reason in {
            "AwsSolutions-AEC4": "One node, no Multi-AZ replica: Redis is a cache the API survives "
            "losing (circuit breaker, in-process fallback); a replica doubles its $15/month",
            "AwsSolutions-AEC5": "The default port is reachable only from the tasks' security group "
            "in private subnets; a custom port hides nothing",
            "AwsSolutions-AEC6": "No Redis AUTH token: ElastiCache takes it only in plain text or "
            "from Secrets Manager; access is limited to the tasks' security group and TLS",
        }.items():
            nag.accept(self.group, rule, reason)


class Service(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tier: tiers.Tier,
        network: Network,
        parameters: Parameters,
        log_group: logs.ILogGroup,
        repository: ecr.IRepository,
        tasks_group: ec2.SecurityGroup,
        redis_url: str,
    ) -> None:
        super().__init__(scope, construct_id)
        image_tag = CfnParameter(
            scope,
            "ImageTag",
            type="String",
            default="latest",
            description="Tag of the kabu-trade image in ECR the service runs",
        )
        self.cluster = ecs.Cluster(
            self, "Cluster", vpc=network.vpc, container_insights_v2=ecs.ContainerInsights.DISABLED
        )
        nag.accept(
            self.cluster,
            "AwsSolutions-ECS4",
            "Container Insights bills its metrics as custom metrics; the service's CPU/memory "
            "metrics and the API's own EMF metrics cover the alarms of §5",
        )
        self.tasks_group = tasks_group
        self.task_definition = ecs.FargateTaskDefinition(
            self,
            "Task",
            cpu=tier.fargate_cpu,
            memory_limit_mib=tier.fargate_memory_mib,
            runtime_platform=ecs.RuntimePlatform(
                cpu_architecture=ecs.CpuArchitecture.X86_64,
                operating_system_family=ecs.OperatingSystemFamily.LINUX,
            ),
        )
        image = ecs.ContainerImage.from_ecr_repository(repository, image_tag.value_as_string)
        secrets = {
            "KABU_SECRET_KEY": ecs.Secret.from_ssm_parameter(parameters.secure("secret-key")),
            "KABU_DATABASE_URL": ecs.Secret.from_ssm_parameter(parameters.secure("database-url")),
        }
        self.environment = {
            "KABU_ENV": "production",
            "KABU_METRICS_EMF": "1",
            "KABU_REDIS_URL": redis_url,
            # The capacity calculation's inputs (tiers.py; infra/tests/test_capacity.py).
            "KABU_WORKERS": str(tier.api_workers),
            "KABU_THREADS": str(tier.api_threads),
        }
        self.api = self.task_definition.add_container(
            "api",
            image=image,
            command=["kabu-trade", "serve", "--host", "0.0.0.0", "--port", str(tiers.API_PORT)],
            environment=self.environment,
            secrets=secrets,
            port_mappings=[ecs.PortMapping(container_port=tiers.API_PORT)],
            logging=ecs.LogDrivers.aws_logs(stream_prefix="api", log_group=log_group),
            readonly_root_filesystem=False,
        )
        self.worker = self.task_definition.add_container(
            "worker",
            image=image,
            command=["kabu-trade", "worker"],
            environment=self.environment,
            secrets=secrets,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="worker", log_group=log_group),
        )

        for task in (self.task_definition,):
            self._accept_task_findings(task)
        self.service = ecs.FargateService(
            self,
            "Service",
            cluster=self.cluster,
            task_definition=self.task_definition,
            desired_count=tier.fargate_tasks,
            min_healthy_percent=100,
            max_healthy_percent=200,  # rolling: new tasks before old go
            deployment_controller=ecs.DeploymentController(type=ecs.DeploymentControllerType.ECS),
            circuit_breaker=ecs.DeploymentCircuitBreaker(enable=True, rollback=True),
            assign_public_ip=False,
            vpc_subnets=network.public_selection,
            security_groups=[self.tasks_group],
            health_check_grace_period=Duration.seconds(60),
        )
        # The subnets are added to the VPC one by one (network.py), so CDK cannot tell they are
        # public and refuses assign_public_ip=True: set it on the CloudFormation resource.
        cfn_service = self.service.node.default_child
        assert isinstance(cfn_service, ecs.CfnService)
        cfn_service.add_property_override(
            "NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp", "ENABLED"
        )
        scaling = self.service.auto_scale_task_count(
            min_capacity=tier.fargate_tasks, max_capacity=tier.fargate_max_tasks
        )
        scaling.scale_on_cpu_utilization(
            "Cpu",
            target_utilization_percent=SCALE_AT_CPU_PERCENT,
            scale_in_cooldown=Duration.minutes(5),
            scale_out_cooldown=Duration.minutes(2),
        )

        alb_groups = security.cloudfront_ingress_groups(self, network.vpc, ports=(80,), what="Alb")
        self.load_balancer = elbv2.ApplicationLoadBalancer(
            self,
            "Alb",
            vpc=network.vpc,
            internet_facing=True,
            vpc_subnets=network.public_selection,
            security_group=alb_groups[0],
            drop_invalid_header_fields=True,
        )
        listener = self.load_balancer.add_listener("Http", port=80, open=False)
        listener.add_targets(
            "Api",
            port=tiers.API_PORT,
            protocol=elbv2.ApplicationProtocol.HTTP,
            targets=[self.service.load_balancer_target(container_name="api", container_port=tiers.API_PORT)],
            health_check=elbv2.HealthCheck(
                path=tiers.LIVENESS_PATH,
                healthy_http_codes="200",
                interval=Duration.seconds(15),
                healthy_threshold_count=2,
                unhealthy_threshold_count=3,
            ),
            deregistration_delay=Duration.seconds(30),
        )
        nag.accept(
            self.load_balancer,
            "AwsSolutions-ELB2",
            "ALB access logs cost S3 storage and duplicate the API's own request log lines "
            "(request id, status, time) in /kabu-trade/api",
        )
        self.api_origin: cloudfront.IOrigin = origins.LoadBalancerV2Origin(
            self.load_balancer,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY,
            http_port=80,
        )

        # The sync, once per trading day, as a task of its own (its DB lease keeps it once-only).
        self.sync_task = ecs.FargateTaskDefinition(
            self,
            "SyncTask",
            cpu=tier.fargate_cpu,
            memory_limit_mib=tier.fargate_memory_mib,
        )
        self.sync_task.add_container(
            "sync",
            image=image,
            command=["kabu-trade", "sync"],
            environment=self.environment,
            secrets=secrets,
            logging=ecs.LogDrivers.aws_logs(stream_prefix="sync", log_group=log_group),
        )
        self.sync_rule = events.Rule(
            self,
            "DailySync",
            schedule=SYNC_SCHEDULE,
            description="kabu-trade sync at 16:00 JST on weekdays, after the 15:30 close",
        )
        self.sync_rule.add_target(
            targets.EcsTask(
                cluster=self.cluster,
                task_definition=self.sync_task,
                task_count=1,
                subnet_selection=network.public_selection,
                assign_public_ip=False,
                security_groups=[self.tasks_group],
            )
        )
        self._accept_task_findings(self.sync_task)
        nag.accept(
            self.sync_task.node.find_child("EventsRole").node.find_child("DefaultPolicy"),
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:*:task/"
            f"<{nag.logical_id(self.cluster)}>/*]",
            "CDK's grant for EventBridge to tag the tasks it starts in this cluster; their ids do "
            "not exist before they run",
        )
        cfn_rule = self.sync_rule.node.default_child
        assert isinstance(cfn_rule, events.CfnRule)
        cfn_rule.add_property_override(
            "Targets.0.EcsParameters.NetworkConfiguration.AwsVpcConfiguration.AssignPublicIp",
            "ENABLED",
        )

    @staticmethod
    def _accept_task_findings(task: ecs.TaskDefinition) -> None:
        nag.accept(
            task,
            "AwsSolutions-ECS2",
            "The environment holds no secret (KABU_ENV, KABU_METRICS_EMF, the Redis endpoint); the "
            "secret key and database URL come from SSM SecureStrings as ECS secrets",
        )
        nag.accept(
            task.obtain_execution_role().node.find_child("DefaultPolicy"),
            "AwsSolutions-IAM5[Resource::*]",
            "ecr:GetAuthorizationToken has no resource type; image pulls are limited to the "
            "repository and parameter reads to the tier's two SecureStrings",
        )
