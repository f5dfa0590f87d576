"""The EC2 host of the personal and multi-user tiers (§4.1/§4.2): t3.micro, Amazon Linux 2023,
Docker Compose running api + worker + redis, in the public subnet with a public IP (no NAT).

Its role may read the tier's parameters, write the backups bucket's prefix, ship logs to the
application's log group, publish metrics in the KabuTrade namespace, pull from the ECR repository,
and be managed through SSM (Session Manager replaces SSH, Run Command carries deploys).
"""

from __future__ import annotations

from aws_cdk import Aws
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

from . import nag, security, tiers, user_data
from .backups import Backups
from .network import Network
from .parameters import Parameters

METRICS_NAMESPACE = "KabuTrade"


class Host(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tier: tiers.Tier,
        network: Network,
        host_files: dict[str, bytes],
        parameters: Parameters,
        backups: Backups,
        log_group: logs.ILogGroup,
        repository: ecr.IRepository,
    ) -> None:
        super().__init__(scope, construct_id)
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.ServicePrincipal("ec2.amazonaws.com"),
            description="kabu-trade host: parameters, backups, logs, metrics, ECR pull, SSM",
            managed_policies=[iam.ManagedPolicy.from_aws_managed_policy_name("AmazonSSMManagedInstanceCore")],
        )
        nag.accept(
            self.role,
            "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSSMManagedInstanceCore]",
            "AWS's policy for Session Manager and Run Command (replaces SSH and carries deploys); "
            "AWS keeps its action list in step with the SSM agent",
        )
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                resources=[parameters.path_arn()],
            )
        )
        backups.bucket.grant_read_write(self.role, f"{backups.prefix}*")
        log_group.grant_write(self.role)
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["cloudwatch:PutMetricData"],
                resources=["*"],  # PutMetricData has no resource type; the condition scopes it
                conditions={"StringEquals": {"cloudwatch:namespace": METRICS_NAMESPACE}},
            )
        )
        repository.grant_pull(self.role)

        self.groups = security.cloudfront_ingress_groups(self, network.vpc, ports=(80, 443), what="Host")
        self.app_group = ec2.SecurityGroup(
            self,
            "AppGroup",
            vpc=network.vpc,
            description="kabu-trade host: outbound (ECR, SSM, CloudWatch, data providers); the DB admits it",
            allow_all_outbound=True,
        )
        admin = security.admin_cidr(self)
        if admin:
            self.app_group.add_ingress_rule(
                ec2.Peer.ipv4(admin), ec2.Port.tcp(22), "SSH from the admin network"
            )

        registry = f"{Aws.ACCOUNT_ID}.dkr.ecr.{Aws.REGION}.{Aws.URL_SUFFIX}"
        script = ec2.UserData.for_linux()
        script.add_commands(
            *user_data.render(
                host_files=host_files,
                region=Aws.REGION,
                prefix=parameters.prefix,
                registry=registry,
                workers=tier.api_workers,
                threads=tier.api_threads,
            )
        )
        self.instance = ec2.Instance(
            self,
            "Instance",
            vpc=network.vpc,
            vpc_subnets=network.public_selection,
            instance_type=ec2.InstanceType(tier.ec2_instance_type),
            machine_image=ec2.MachineImage.latest_amazon_linux2023(),
            role=self.role,
            security_group=self.app_group,
            user_data=script,
            user_data_causes_replacement=False,
            require_imdsv2=True,
            detailed_monitoring=False,  # 5-minute basic metrics are free and enough for §5's alarm
            block_devices=[
                ec2.BlockDevice(
                    device_name="/dev/xvda",
                    volume=ec2.BlockDeviceVolume.ebs(
                        tier.ec2_root_volume_gib,
                        volume_type=ec2.EbsDeviceVolumeType.GP3,
                        encrypted=True,
                        delete_on_termination=True,
                    ),
                )
            ],
        )
        for rule, reason in {
            "AwsSolutions-EC28": "Basic monitoring's free 5-minute metrics match §5's 5-minute CPU "
            "alarm; detailed monitoring is billed per metric",
            "AwsSolutions-EC29": "The host keeps no state (data in RDS and S3, setup in user data) "
            "and CloudFormation must be able to replace it; RDS has deletion protection instead",
        }.items():
            nag.accept(self.instance, rule, reason)
        policy = self.role.node.find_child("DefaultPolicy")
        bucket = nag.logical_id(backups.bucket)
        s3_reason = (
            "CDK's read/write grant on the backups bucket, objects limited to this tier's prefix: "
            "kabu-trade backup create/list/restore/prune read, write, list and delete there"
        )
        for finding in ("s3:GetObject*", "s3:GetBucket*", "s3:List*", "s3:DeleteObject*", "s3:Abort*"):
            nag.accept(policy, f"AwsSolutions-IAM5[Action::{finding}]", s3_reason)
        nag.accept(policy, f"AwsSolutions-IAM5[Resource::<{bucket}.Arn>/{backups.prefix}*]", s3_reason)
        nag.accept(
            policy,
            "AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:"
            f"parameter{parameters.prefix}*]",
            "The tier's own parameter path (contracts.md): the host reads every setting of its tier "
            "there and nothing else",
        )
        nag.accept(
            policy,
            "AwsSolutions-IAM5[Resource::*]",
            "Two actions with no resource type: ecr:GetAuthorizationToken (pulls are limited to the "
            "repository) and cloudwatch:PutMetricData (limited by condition to the KabuTrade namespace)",
        )
        for group in self.groups:
            self.instance.add_security_group(group)
        # CloudFront reaches the API on the host's public name, over HTTP on 80 (web.py says why).
        self.api_origin: cloudfront.IOrigin = origins.HttpOrigin(
            self.instance.instance_public_dns_name,
            protocol_policy=cloudfront.OriginProtocolPolicy.HTTP_ONLY,
            http_port=80,
        )
