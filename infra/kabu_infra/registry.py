"""The ECR repository ``kabu-trade`` the deploy workflow pushes to (contracts.md), keeping the last
five images: enough to roll back, and about the free tier's 500 MB of private storage."""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_ecr as ecr
from constructs import Construct

REPOSITORY_NAME = "kabu-trade"
KEEP_IMAGES = 5


class Registry(Construct):
    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.repository = ecr.Repository(
            self,
            "Repository",
            repository_name=REPOSITORY_NAME,
            image_scan_on_push=True,
            image_tag_mutability=ecr.TagMutability.IMMUTABLE,  # a tag names one build, for rollback
            encryption=ecr.RepositoryEncryption.AES_256,
            removal_policy=RemovalPolicy.RETAIN,
            lifecycle_rules=[
                ecr.LifecycleRule(
                    description=f"Keep the last {KEEP_IMAGES} images",
                    max_image_count=KEEP_IMAGES,
                )
            ],
        )
