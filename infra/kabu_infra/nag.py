"""cdk-nag (AwsSolutions) runs on every synth; each finding we accept is acknowledged here, on the
construct it concerns, with the reason. cdk-nag 3 reads CDK's own ``Validations.acknowledge`` (its
v2 ``NagSuppressions`` API is gone); an unacknowledged finding fails ``cdk synth``."""

from __future__ import annotations

from aws_cdk import Acknowledgment, CfnElement, Stack, Validations
from constructs import IConstruct

PACK = "AwsSolutions::"


def accept(construct: IConstruct, rule: str, reason: str) -> None:
    """Acknowledge ``rule`` (e.g. ``AwsSolutions-S1`` or ``AwsSolutions-IAM5[Action::s3:List*]``)
    on ``construct``, which must be the construct the finding names (its L1 resource's parent)."""
    if len(reason) < 40:
        raise ValueError(f"{rule}: say why the finding is accepted, not just that it is")
    Validations.of(construct).acknowledge(Acknowledgment(id=PACK + rule, reason=reason))


def logical_id(construct: IConstruct) -> str:
    """The CloudFormation logical id cdk-nag prints in a finding (``<Id.Arn>``)."""
    stack = Stack.of(construct)
    cfn = construct.node.default_child
    assert isinstance(cfn, CfnElement)
    return str(stack.resolve(stack.get_logical_id(cfn)))
