"""Application settings in SSM Parameter Store under ``/kabu-trade/<tier>/`` (contracts.md).

CloudFormation cannot create SecureString parameters, so the secrets are made once by hand before
the first deploy (docs/operations.md) and only read here:

- ``secret-key``          SecureString  KABU_SECRET_KEY
- ``database-url``        SecureString  KABU_DATABASE_URL (built from the ``DatabaseEndpoint`` output)
- ``db-master-password``  SecureString  RDS master password (``ssm-secure`` dynamic reference)

The stack owns the plain ones: ``image`` (the image the host runs; the deploy workflow updates it)
and ``backup-s3-uri`` (where ``kabu-trade backup`` writes). Standard parameters cost nothing.
"""

from __future__ import annotations

from aws_cdk import Stack
from aws_cdk import aws_ssm as ssm
from constructs import Construct

from . import tiers

SECURE = ("secret-key", "database-url", "db-master-password")
NO_IMAGE_YET = "none"  # the host starts nothing until the deploy workflow names an image


class Parameters(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, tier: tiers.Tier, backup_s3_uri: str) -> None:
        super().__init__(scope, construct_id)
        self.prefix = tier.parameter_prefix
        self.image = ssm.StringParameter(
            self,
            "Image",
            parameter_name=f"{self.prefix}image",
            string_value=NO_IMAGE_YET,
            description="Image URI the host runs (set by the deploy workflow)",
        )
        self.backup_s3_uri = ssm.StringParameter(
            self,
            "BackupS3Uri",
            parameter_name=f"{self.prefix}backup-s3-uri",
            string_value=backup_s3_uri,
            description="KABU_BACKUP_S3_URI for kabu-trade backup",
        )

    def path_arn(self) -> str:
        """ARN pattern of every parameter of this tier (and nothing else)."""
        return Stack.of(self).format_arn(
            service="ssm", resource="parameter", resource_name=self.prefix.strip("/") + "/*"
        )

    def secure(self, name: str) -> ssm.IParameter:
        if name not in SECURE:
            raise ValueError(f"{name!r} is not one of the tier's secrets: {SECURE}")
        return ssm.StringParameter.from_secure_string_parameter_attributes(
            self, f"Secure-{name}", parameter_name=f"{self.prefix}{name}"
        )
