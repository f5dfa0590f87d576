"""The GitHub deploy role (kabu_infra/deploy_role.py) and the outputs deploy.yml reads."""

from __future__ import annotations

import re
from typing import Any

import aws_cdk as cdk
import pytest
import yaml
from aws_cdk.assertions import Template
from kabu_infra import deploy_role, tiers

from .conftest import ROOT, of_type, synth

ALL = list(tiers.TIERS)
WORKFLOW = ROOT / ".github" / "workflows" / "deploy.yml"
SUB = "token.actions.githubusercontent.com:sub"
AUD = "token.actions.githubusercontent.com:aud"
# Actions IAM gives no resource type, so they can only be granted on "*".
NO_RESOURCE_TYPE = {
    "ecr:GetAuthorizationToken",
    "ssm:GetCommandInvocation",
    "ecs:DescribeTaskDefinition",
    "ecs:RegisterTaskDefinition",
}


def text(value: Any) -> str:
    """A resource as a readable string: Fn::Join flattened, Ref/GetAtt as <Name>."""
    if isinstance(value, str):
        return value
    if "Fn::Join" in value:
        sep, parts = value["Fn::Join"]
        return sep.join(text(p) for p in parts)
    if "Ref" in value:
        return f"<{value['Ref']}>"
    if "Fn::GetAtt" in value:
        return "<{}.{}>".format(*value["Fn::GetAtt"])
    raise AssertionError(f"unexpected intrinsic {value}")


def listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def the_role(template: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    (found,) = [(k, r) for k, r in of_type(template, "AWS::IAM::Role").items() if k.startswith("DeployRole")]
    return found


def deploy_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    name, _ = the_role(template)
    (policy,) = [p for p in of_type(template, "AWS::IAM::Policy").values() if p["Roles"] == [{"Ref": name}]]
    return policy["PolicyDocument"]["Statement"]


@pytest.mark.parametrize("tier", ALL)
def test_trust_is_this_repositorys_production_environment_only(raw, tier):
    _, role = the_role(raw[tier])
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Action"] == "sts:AssumeRoleWithWebIdentity" and statement["Effect"] == "Allow"
    (provider,) = of_type(raw[tier], "AWS::IAM::OIDCProvider")
    assert statement["Principal"] == {"Federated": {"Ref": provider}}
    # Exact matches only: no StringLike, so no "repo:owner/*" or "…:ref:*" can slip in.
    assert set(statement["Condition"]) == {"StringEquals"}
    condition = statement["Condition"]["StringEquals"]
    assert condition[AUD] == "sts.amazonaws.com"
    assert text(condition[SUB]) == "repo:<GitHubRepo>:environment:production"
    parameter = raw[tier]["Parameters"]["GitHubRepo"]
    assert "Default" not in parameter and re.fullmatch(parameter["AllowedPattern"], "owner/kabu-trade")
    assert not re.fullmatch(parameter["AllowedPattern"], "owner/*")
    (props,) = of_type(raw[tier], "AWS::IAM::OIDCProvider").values()
    assert props["Url"] == "https://token.actions.githubusercontent.com"
    assert props["ClientIdList"] == ["sts.amazonaws.com"]


def test_context_names_the_repository_and_imports_the_provider(tmp_path):
    arn = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com"
    context = {"githubRepo": "acme/kabu-trade", "githubOidcProviderArn": arn}
    stack = synth(tmp_path, context, ("personal",))["personal"]
    template = Template.from_stack(stack).to_json()
    assert not of_type(template, "AWS::IAM::OIDCProvider")  # imported, not a second one
    assert "GitHubRepo" not in template.get("Parameters", {})
    _, role = the_role(template)
    (statement,) = role["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Principal"] == {"Federated": arn}
    assert statement["Condition"]["StringEquals"][SUB] == "repo:acme/kabu-trade:environment:production"


@pytest.mark.parametrize(
    "key, value",
    [
        ("githubRepo", "acme/*"),
        ("githubRepo", "kabu-trade"),
        ("githubRepo", "acme/kabu trade"),
        ("githubOidcProviderArn", "arn:aws:iam::123456789012:oidc-provider/example.com"),
        ("githubOidcProviderArn", "*"),
    ],
)
def test_context_refuses_what_would_widen_the_trust(key, value):
    app = cdk.App(context={key: value})
    stack = cdk.Stack(app, "S")
    with pytest.raises(ValueError, match=key):
        (deploy_role.github_repo if key == "githubRepo" else deploy_role.provider_arn)(stack)


@pytest.mark.parametrize("tier", ALL)
def test_no_wildcard_beyond_the_justified_ones(raw, tier):
    statements = deploy_statements(raw[tier])
    granted: set[str] = set()
    for st in statements:
        assert st["Effect"] == "Allow"
        actions = listed(st["Action"])
        granted |= set(actions)
        assert not any("*" in a for a in actions), st
        for resource in map(text, listed(st["Resource"])):
            if resource == "*":
                assert set(actions) <= NO_RESOURCE_TYPE, st
            elif "*" in resource:
                # A trailing wildcard only where the name part is fixed and the rest is made at run
                # time: stack id, object keys of the web bucket, task ids and revisions, instances
                # (held to the tier's tag below).
                allowed = [
                    rf":stack/{tiers.tier_named(tier).stack_name}/\*$",
                    r"^<WebBucket[0-9A-F]+\.Arn>/\*$",
                    r":ecs:<AWS::Region>:<AWS::AccountId>:task-definition/KabuTrade\w+Task[0-9A-F]+:\*$",
                    r":ecs:<AWS::Region>:<AWS::AccountId>:task/<ContainersCluster[0-9A-F]+>/\*$",
                    r":ec2:<AWS::Region>:<AWS::AccountId>:instance/\*$",
                ]
                assert any(re.search(p, resource) for p in allowed), resource
                if ":instance/" in resource:
                    assert st["Condition"] == {"StringEquals": {"ssm:resourceTag/tier": tier}}
                    # … and the tier's host carries that tag.
                    (host,) = of_type(raw[tier], "AWS::EC2::Instance").values()
                    assert {"Key": "tier", "Value": tier} in host["Tags"]
                if ":task" in resource:  # RunTask, DescribeTasks: this cluster only
                    assert set(st["Condition"]["ArnEquals"]) == {"ecs:cluster"}
    base = {
        "ecr:PutImage",
        "ecr:DescribeImages",
        "cloudformation:DescribeStacks",
        "ssm:PutParameter",
        "ssm:GetParameter",
        "s3:ListBucket",
        "s3:PutObject",
        "s3:DeleteObject",
        "cloudfront:CreateInvalidation",
    }
    ecs = {
        "ecs:DescribeServices",
        "ecs:UpdateService",
        "ecs:RunTask",
        "ecs:DescribeTasks",
        "events:PutTargets",
        "events:ListTargetsByRule",
        "events:DescribeRule",
        "iam:PassRole",
    }
    ssm = {"ssm:SendCommand", "ssm:GetCommandInvocation"}
    assert base <= granted
    assert (ecs <= granted, ssm <= granted) == ((True, False) if tier == "standard" else (False, True))
    image = [st for st in statements if "ssm:PutParameter" in listed(st["Action"])]
    assert [text(st["Resource"]) for st in image] == [
        f"arn:<AWS::Partition>:ssm:<AWS::Region>:<AWS::AccountId>:parameter/kabu-trade/{tier}/image"
    ]


def test_pass_role_names_exactly_the_task_and_rule_roles(raw):
    template = raw["standard"]
    passed: dict[str, set[str]] = {}
    for st in deploy_statements(template):
        if "iam:PassRole" in listed(st["Action"]):
            service = st["Condition"]["StringEquals"]["iam:PassedToService"]
            passed[service] = {r["Fn::GetAtt"][0] for r in listed(st["Resource"])}
    task_roles = {
        ref["Fn::GetAtt"][0]
        for td in of_type(template, "AWS::ECS::TaskDefinition").values()
        for ref in (td["TaskRoleArn"], td["ExecutionRoleArn"])
    }
    rule_roles = {
        t["RoleArn"]["Fn::GetAtt"][0]
        for r in of_type(template, "AWS::Events::Rule").values()
        for t in r["Targets"]
    }
    assert len(task_roles) == 4 and len(rule_roles) == 1
    assert passed == {"ecs-tasks.amazonaws.com": task_roles, "events.amazonaws.com": rule_roles}


def _workflow_reads() -> dict[str, set[str]]:
    """Output keys deploy.yml reads, by the tier whose steps use them ("*" = every tier)."""
    workflow = yaml.safe_load(WORKFLOW.read_text())
    steps = workflow["jobs"]["deploy"]["steps"]
    (outputs_step,) = [s for s in steps if s.get("name") == "Stack outputs"]
    run = outputs_step["run"]
    variables = dict(re.findall(r'echo "(\w+)=\$\(output (\w+)\)"', run))
    required = re.search(r"for key in ([\w ]+); do", run)
    assert variables and required
    reads: dict[str, set[str]] = {"*": set(required.group(1).split())}
    for step in steps:
        body = step.get("run", "")
        used = {key for var, key in variables.items() if f"${var}" in body or f"${{{var}}}" in body}
        named = re.findall(r"env\.KABU_TIER == '([\w-]+)'", str(step.get("if", "")))
        for tier in named or ["*"]:
            reads.setdefault(tier, set()).update(used)
    return reads


@pytest.mark.parametrize("tier", ALL)
def test_every_output_deploy_yml_reads_exists(raw, tier):
    reads = _workflow_reads()
    wanted = reads["*"] | reads.get(tier, set())
    assert set(reads) == {"*", *ALL}  # every tier has a step of its own
    assert wanted - set(raw[tier]["Outputs"]) == set(), f"deploy.yml reads outputs {tier} lacks"
    assert "DeployRoleArn" in raw[tier]["Outputs"]
    if tier == "standard":
        assert {"SyncRuleName", "SyncTaskFamily", "ClusterName", "ServiceName"} <= wanted
        outputs = raw[tier]["Outputs"]
        (rule,) = of_type(raw[tier], "AWS::Events::Rule")
        assert outputs["SyncRuleName"]["Value"] == {"Ref": rule}
        (target,) = of_type(raw[tier], "AWS::Events::Rule")[rule]["Targets"]
        family = raw[tier]["Resources"][target["EcsParameters"]["TaskDefinitionArn"]["Ref"]]["Properties"][
            "Family"
        ]
        assert outputs["SyncTaskFamily"]["Value"] == family
    else:
        assert "InstanceId" in wanted


def test_deploy_yml_moves_the_scheduled_sync_to_the_new_revision():
    workflow = yaml.safe_load(WORKFLOW.read_text())
    (ecs_step,) = [s for s in workflow["jobs"]["deploy"]["steps"] if "standard" in str(s.get("if", ""))]
    run = ecs_step["run"]
    # Registered, then the rule's own target with only TaskDefinitionArn replaced, after the
    # service settled on the new revision.
    assert run.index("services-stable") < run.index("list-targets-by-rule") < run.index("put-targets")
    assert "map(.EcsParameters.TaskDefinitionArn = $arn)" in run
    assert run.count("register_on_image") >= 3  # defined, service, sync
