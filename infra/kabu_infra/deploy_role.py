"""The role the deploy workflow (.github/workflows/deploy.yml) assumes through GitHub's OIDC
provider: no stored AWS keys, and only a job of this repository's ``production`` environment may
assume it (``sub`` = ``repo:<githubRepo>:environment:production``, ``aud`` = ``sts.amazonaws.com``).

Context values:
  githubRepo             ``owner/name`` of the repository; unset: the stack takes it as the
                         parameter ``GitHubRepo`` at deploy time (no default, so no wrong guess)
  githubOidcProviderArn  an account has at most one provider per URL: the first tier deployed
                         creates it; every other tier in the same account imports it by this ARN

What the role may do is exactly what deploy.yml calls, each on this tier's resources only:
ECR push to ``kabu-trade``; DescribeStacks on the tier's stack; the tier's ``image`` parameter;
the web bucket (sync) and the distribution (invalidation); on the EC2 tiers SSM Run Command
(AWS-RunShellScript) on instances tagged with this tier; on the standard tier the ECS service,
its task families, the scheduled sync rule and PassRole on exactly the roles those name.
"""

from __future__ import annotations

import re

from aws_cdk import CfnOutput, CfnParameter, Fn, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_ecr as ecr
from aws_cdk import aws_iam as iam
from aws_cdk import aws_s3 as s3
from constructs import Construct

from . import nag, tiers
from .containers import Service
from .parameters import Parameters

GITHUB_OIDC_URL = "https://token.actions.githubusercontent.com"
GITHUB_OIDC_HOST = "token.actions.githubusercontent.com"
AUDIENCE = "sts.amazonaws.com"
ENVIRONMENT = "production"  # deploy.yml's `environment:`
# GitHub's rules for owner and repository names.
REPO_PATTERN = r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})/[A-Za-z0-9._-]{1,100}$"
PROVIDER_ARN_PATTERN = r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/token\.actions\.githubusercontent\.com$"
# The tag the stack puts on everything (stack.py); Run Command may reach only instances carrying it.
TIER_TAG = "tier"


def github_repo(scope: Construct) -> str:
    """``owner/name`` from context, or a token for the ``GitHubRepo`` stack parameter."""
    repo = scope.node.try_get_context("githubRepo")
    if repo is not None:
        if not re.fullmatch(REPO_PATTERN, str(repo)):
            raise ValueError(f"githubRepo must be owner/name of a GitHub repository, not {repo!r}")
        return str(repo)
    parameter = CfnParameter(
        Stack.of(scope),
        "GitHubRepo",
        type="String",
        allowed_pattern=REPO_PATTERN,
        constraint_description="owner/name of the GitHub repository that deploys (e.g. owner/kabu-trade)",
        description="GitHub repository whose production environment may assume the deploy role",
    )
    return parameter.value_as_string


def provider_arn(scope: Construct) -> str:
    """The account's GitHub OIDC provider: imported by context ``githubOidcProviderArn`` or made here."""
    arn = scope.node.try_get_context("githubOidcProviderArn")
    if arn is not None:
        if not re.fullmatch(PROVIDER_ARN_PATTERN, str(arn)):
            raise ValueError(
                "githubOidcProviderArn must be the ARN of the account's token.actions.githubusercontent.com "
                f"provider (arn:aws:iam::<account>:oidc-provider/{GITHUB_OIDC_HOST}), not {arn!r}"
            )
        return str(arn)
    # The native AWS::IAM::OIDCProvider rather than iam.OpenIdConnectProvider, whose Lambda-backed
    # custom resource would add a function (and its runtime to keep current) to every stack. No
    # thumbprint: IAM trusts GitHub's endpoint through its own library of root CAs.
    provider = iam.OidcProviderNative(
        scope,
        "GitHubOidcProvider",
        url=GITHUB_OIDC_URL,
        client_ids=[AUDIENCE],
        # Other tiers in the account may import it: deleting this stack must not cut them off.
        removal_policy=RemovalPolicy.RETAIN,
    )
    return provider.oidc_provider_arn


class DeployRole(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tier: tiers.Tier,
        repository: ecr.IRepository,
        parameters: Parameters,
        web_bucket: s3.IBucket,
        distribution: cloudfront.IDistribution,
        service: Service | None,
    ) -> None:
        super().__init__(scope, construct_id)
        stack = Stack.of(self)
        repo = github_repo(self)
        self.subject = Fn.join("", ["repo:", repo, f":environment:{ENVIRONMENT}"])
        self.role = iam.Role(
            self,
            "Role",
            assumed_by=iam.WebIdentityPrincipal(
                provider_arn(self),
                conditions={
                    # StringEquals, not StringLike: one repository, one environment, no wildcard.
                    "StringEquals": {
                        f"{GITHUB_OIDC_HOST}:aud": AUDIENCE,
                        f"{GITHUB_OIDC_HOST}:sub": self.subject,
                    }
                },
            ),
            description=f"kabu-trade {tier.name}: GitHub Actions deploy (production environment only)",
        )
        add = self.role.add_to_policy

        # Image push (amazon-ecr-login, docker push, describe-images). CDK's grant adds
        # ecr:GetAuthorizationToken on *: that action has no resource type.
        repository.grant_pull_push(self.role)
        add(iam.PolicyStatement(actions=["ecr:DescribeImages"], resources=[repository.repository_arn]))

        # Stack outputs: this tier's main stack only (the workflow never reads the billing stack).
        add(
            iam.PolicyStatement(
                actions=["cloudformation:DescribeStacks"],
                resources=[
                    stack.format_arn(
                        service="cloudformation", resource="stack", resource_name=f"{tier.stack_name}/*"
                    )
                ],
            )
        )
        add(
            iam.PolicyStatement(
                actions=["ssm:GetParameter", "ssm:PutParameter"],
                resources=[
                    stack.format_arn(
                        service="ssm",
                        resource="parameter",
                        resource_name=f"{parameters.prefix.strip('/')}/image",
                    )
                ],
            )
        )

        # The web app: `aws s3 sync --delete` lists, puts and deletes; then one invalidation.
        add(iam.PolicyStatement(actions=["s3:ListBucket"], resources=[web_bucket.bucket_arn]))
        add(
            iam.PolicyStatement(
                actions=["s3:PutObject", "s3:DeleteObject"], resources=[web_bucket.arn_for_objects("*")]
            )
        )
        add(
            iam.PolicyStatement(
                actions=["cloudfront:CreateInvalidation"],
                resources=[
                    stack.format_arn(
                        service="cloudfront",
                        region="",
                        resource="distribution",
                        resource_name=distribution.distribution_id,
                    )
                ],
            )
        )

        wildcard_reasons: dict[str, str] = {
            "Resource::*": "Actions with no resource type in IAM: ecr:GetAuthorizationToken (the "
            "push itself is limited to the kabu-trade repository)"
            + (
                ", ecs:RegisterTaskDefinition and ecs:DescribeTaskDefinition (running and deploying "
                "are limited to this cluster, its service and task families, PassRole to their roles)"
                if service
                else ", ssm:GetCommandInvocation (reads the output of a command the role sent)"
            ),
            f"Resource::<{nag.logical_id(web_bucket)}.Arn>/*": "aws s3 sync --delete writes and removes "
            "any object of the web bucket: the bucket holds the web build and nothing else",
            "Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/"
            f"{tier.stack_name}/*": "A stack ARN ends in a stack id CloudFormation makes at creation; "
            "the name part holds it to this tier's stack",
        }
        if service is None:
            self._run_command(tier, wildcard_reasons)
        else:
            self._ecs(service, wildcard_reasons)

        policy = self.role.node.find_child("DefaultPolicy")
        for finding, reason in wildcard_reasons.items():
            nag.accept(policy, f"AwsSolutions-IAM5[{finding}]", reason)
        CfnOutput(
            stack,
            "DeployRoleArn",
            value=self.role.role_arn,
            description="Repository variable AWS_DEPLOY_ROLE_ARN of the deploy workflow",
        )

    def _run_command(self, tier: tiers.Tier, reasons: dict[str, str]) -> None:
        """deploy.sh on the host through SSM Run Command, then read its result."""
        stack = Stack.of(self)
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["ssm:SendCommand"],
                resources=[
                    # An AWS-owned document: its ARN has no account.
                    stack.format_arn(
                        service="ssm", account="", resource="document", resource_name="AWS-RunShellScript"
                    )
                ],
            )
        )
        instances = stack.format_arn(service="ec2", resource="instance", resource_name="*")
        self.role.add_to_policy(
            iam.PolicyStatement(
                actions=["ssm:SendCommand"],
                resources=[instances],
                # The host's id changes when CloudFormation replaces it; its tags do not.
                conditions={"StringEquals": {f"ssm:resourceTag/{TIER_TAG}": tier.name}},
            )
        )
        self.role.add_to_policy(iam.PolicyStatement(actions=["ssm:GetCommandInvocation"], resources=["*"]))
        reasons["Resource::arn:<AWS::Partition>:ec2:<AWS::Region>:<AWS::AccountId>:instance/*"] = (
            f"Run Command only on instances tagged {TIER_TAG}={tier.name} (condition "
            "ssm:resourceTag): the host's id changes whenever CloudFormation replaces it"
        )

    def _ecs(self, service: Service, reasons: dict[str, str]) -> None:
        """Migration task, rolling update of the service, the scheduled sync moved to the new image."""
        stack = Stack.of(self)
        cluster = service.cluster
        add = self.role.add_to_policy
        add(
            iam.PolicyStatement(
                actions=["ecs:DescribeServices", "ecs:UpdateService"],
                resources=[service.service.service_arn],
            )
        )
        # No resource type in IAM: the new revision is registered from the current one.
        add(
            iam.PolicyStatement(
                actions=["ecs:DescribeTaskDefinition", "ecs:RegisterTaskDefinition"], resources=["*"]
            )
        )
        on_cluster = {"ArnEquals": {"ecs:cluster": cluster.cluster_arn}}
        families = [service.task_definition.family, service.sync_task.family]
        add(
            iam.PolicyStatement(
                actions=["ecs:RunTask"],
                resources=[
                    stack.format_arn(service="ecs", resource="task-definition", resource_name=f"{family}:*")
                    for family in families
                ],
                conditions=on_cluster,
            )
        )
        add(
            iam.PolicyStatement(
                actions=["ecs:DescribeTasks"],
                resources=[
                    stack.format_arn(
                        service="ecs", resource="task", resource_name=f"{cluster.cluster_name}/*"
                    )
                ],
                conditions=on_cluster,
            )
        )
        add(
            iam.PolicyStatement(
                actions=["events:DescribeRule", "events:ListTargetsByRule", "events:PutTargets"],
                resources=[service.sync_rule.rule_arn],
            )
        )
        # Registering a revision and running it pass its task and execution roles to ECS;
        # put-targets passes the rule's own role (EventsRole, which starts the task) to EventBridge.
        task_roles = [
            role.role_arn
            for task in (service.task_definition, service.sync_task)
            for role in (task.task_role, task.obtain_execution_role())
        ]
        add(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=task_roles,
                conditions={"StringEquals": {"iam:PassedToService": "ecs-tasks.amazonaws.com"}},
            )
        )
        events_role = service.sync_task.node.find_child("EventsRole")
        assert isinstance(events_role, iam.Role)
        add(
            iam.PolicyStatement(
                actions=["iam:PassRole"],
                resources=[events_role.role_arn],
                conditions={"StringEquals": {"iam:PassedToService": "events.amazonaws.com"}},
            )
        )
        for family in families:
            reasons[
                f"Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task-definition/{family}:*"
            ] = (
                "Every revision of this task family: each deploy registers a new one, and RunTask "
                "is held to this cluster by the ecs:cluster condition"
            )
        reasons[
            "Resource::arn:<AWS::Partition>:ecs:<AWS::Region>:<AWS::AccountId>:task/"
            f"<{nag.logical_id(cluster)}>/*"
        ] = "Tasks of this cluster only (the migration task's id exists only once it runs)"
