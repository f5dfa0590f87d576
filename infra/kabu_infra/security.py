"""Security groups exactly as §1.3: 80/443 from CloudFront only, 22 from an admin CIDR or not at
all, 5432 from the application only (and 6379 likewise in the standard tier).

CloudFront is admitted through its origin-facing managed prefix list. Its id differs per region and
can only be looked up with an account, while synth must work offline: the id comes from the context
value ``cloudfrontPrefixListId`` (default: ap-northeast-1's). Look it up for another region with
``aws ec2 describe-managed-prefix-lists --filters
Name=prefix-list-name,Values=com.amazonaws.global.cloudfront.origin-facing``.

That prefix list weighs 55 rules against a security group's quota of 60, so 80 and 443 cannot share
one group: each port gets a group of its own, both attached to the host.
"""

from __future__ import annotations

from aws_cdk import aws_ec2 as ec2
from constructs import Construct

# com.amazonaws.global.cloudfront.origin-facing in ap-northeast-1.
DEFAULT_CLOUDFRONT_PREFIX_LIST = "pl-58a04531"


def cloudfront_prefix_list(scope: Construct) -> str:
    value = scope.node.try_get_context("cloudfrontPrefixListId") or DEFAULT_CLOUDFRONT_PREFIX_LIST
    if not str(value).startswith("pl-"):
        raise ValueError(f"context cloudfrontPrefixListId={value!r} is not a prefix list id (pl-…)")
    return str(value)


def admin_cidr(scope: Construct) -> str | None:
    """SSH is closed unless the context gives ``adminCidr`` (prefer SSM Session Manager)."""
    value = scope.node.try_get_context("adminCidr")
    if not value:
        return None
    value = str(value)
    if "/" not in value or value.endswith("/0"):
        raise ValueError(f"context adminCidr={value!r} must be one network (a.b.c.d/nn, not /0)")
    return value


def cloudfront_ingress_groups(
    scope: Construct, vpc: ec2.IVpc, *, ports: tuple[int, ...], what: str
) -> list[ec2.SecurityGroup]:
    """One group per port, each admitting only CloudFront's origin-facing addresses on it."""
    peer = ec2.Peer.prefix_list(cloudfront_prefix_list(scope))
    groups = []
    for port in ports:
        group = ec2.SecurityGroup(
            scope,
            f"{what}FromCloudFront{port}",
            vpc=vpc,
            description=f"{what}: TCP {port} from CloudFront origin-facing addresses only",
            allow_all_outbound=False,
        )
        group.add_ingress_rule(peer, ec2.Port.tcp(port), f"CloudFront to {what} on {port}")
        groups.append(group)
    return groups
