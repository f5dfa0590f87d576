"""Backups (§7): RDS keeps 7 days of automated backups itself (database.py); the host's daily
``kabu-trade backup create`` + ``backup prune`` (7 daily + 4 weekly) writes pg_dump archives here.

The bucket is encrypted, private and TLS-only. Its lifecycle follows §4.5/§7: objects move to
Standard-IA after 30 days (only the weekly backups live that long) and anything older than 90 days
is expired as a safety net for backups that ``prune`` missed (a host that stopped pruning must not
grow the bill forever). Unfinished multipart uploads are dropped after a day.
"""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_s3 as s3
from constructs import Construct

from . import nag

IA_AFTER_DAYS = 30
EXPIRE_AFTER_DAYS = 90


class Backups(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, prefix: str) -> None:
        super().__init__(scope, construct_id)
        self.prefix = prefix
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=False,  # §4.5: no versioning; the archives are immutable and pruned by date
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.RETAIN,  # backups outlive the stack
            lifecycle_rules=[
                s3.LifecycleRule(
                    id="backups",
                    enabled=True,
                    transitions=[
                        s3.Transition(
                            storage_class=s3.StorageClass.INFREQUENT_ACCESS,
                            transition_after=Duration.days(IA_AFTER_DAYS),
                        )
                    ],
                    expiration=Duration.days(EXPIRE_AFTER_DAYS),
                    abort_incomplete_multipart_upload_after=Duration.days(1),
                )
            ],
        )

        nag.accept(
            self.bucket,
            "AwsSolutions-S1",
            "Only the host's role (one prefix) reads and writes it; server access logs would need a "
            "second bucket and storage beyond the free tier; CloudTrail records its management events",
        )

    @property
    def s3_uri(self) -> str:
        """What the host gets as ``KABU_BACKUP_S3_URI`` (contracts.md)."""
        return f"s3://{self.bucket.bucket_name}/{self.prefix}"
