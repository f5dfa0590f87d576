"""RDS for PostgreSQL 15 as §4.3/§4.4 (and §3 for the standard tier's db.t3.small).

Single AZ, 20 GB gp3 with no storage autoscaling, encrypted, not publicly accessible, automated
backups kept 7 days, reachable on 5432 from the application's security group only.

The master password comes from the SecureString parameter ``/kabu-trade/<tier>/db-master-password``
through CloudFormation's ``ssm-secure`` dynamic reference (created before the first deploy, see
docs/operations.md): Secrets Manager would cost $0.40 a month, which the free tiers do not have.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy, SecretValue
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from constructs import Construct

from . import nag, tiers
from .network import Network

DB_NAME = "kabu_trade"
DB_USER = "kabu"
DB_PORT = 5432


class Database(Construct):
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
        self.security_group = ec2.SecurityGroup(
            self,
            "SecurityGroup",
            vpc=network.vpc,
            description="RDS PostgreSQL: 5432 from the application only",
            allow_all_outbound=False,
        )
        self.security_group.add_ingress_rule(
            clients, ec2.Port.tcp(DB_PORT), "PostgreSQL from the application"
        )
        self.instance = rds.DatabaseInstance(
            self,
            "Postgres",
            engine=rds.DatabaseInstanceEngine.postgres(version=rds.PostgresEngineVersion.VER_15),
            instance_type=ec2.InstanceType(tier.db_instance_class),
            vpc=network.vpc,
            vpc_subnets=network.private_selection,
            subnet_group=rds.SubnetGroup(
                self,
                "Subnets",
                vpc=network.vpc,
                vpc_subnets=network.private_selection,
                description="Private subnets in two AZs (RDS requires two)",
            ),
            security_groups=[self.security_group],
            port=DB_PORT,
            database_name=DB_NAME,
            credentials=rds.Credentials.from_password(
                DB_USER, SecretValue.ssm_secure(f"{tier.parameter_prefix}db-master-password")
            ),
            allocated_storage=tier.db_storage_gib,
            storage_type=rds.StorageType.GP3,
            # No max_allocated_storage: storage autoscaling stays off (§4.3).
            multi_az=False,
            storage_encrypted=True,
            publicly_accessible=False,
            backup_retention=Duration.days(7),
            preferred_backup_window="17:00-17:30",  # 02:00 JST, after the evening sync
            deletion_protection=True,
            removal_policy=RemovalPolicy.SNAPSHOT,
            auto_minor_version_upgrade=True,
            copy_tags_to_snapshot=True,
            iam_authentication=True,  # free; lets an operator sign in with IAM instead of the password
        )
        for rule, reason in {
            "AwsSolutions-RDS3": "Single AZ as §4.3/§4.4 say (Multi-AZ doubles the bill and leaves "
            "the free tier); automated backups (7 days) and the daily pg_dump to S3 cover recovery",
            "AwsSolutions-RDS11": "The default port is reachable only from the application's "
            "security group inside private subnets; another port number hides nothing",
        }.items():
            nag.accept(self.instance, rule, reason)
        self.max_connections = tiers.pg_max_connections(tier.db_memory_gib)
