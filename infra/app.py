#!/usr/bin/env python3
"""kabu-trade's AWS CDK app: ``cdk synth -c tier=personal|multi-user|standard|all``.

Stacks are environment-agnostic (no account lookups, so synth works offline); deploy them with the
target account/region from the CLI's profile. Context values (cdk.json or -c):
  tier                    personal (default) | multi-user | standard | all
  account / region        optional fixed environment for the main stack (e.g. 123456789012, ap-northeast-1)
  cloudfrontPrefixListId  CloudFront origin-facing prefix list of the region (security.py)
  adminCidr               open SSH (22) to this network; unset: no SSH, use Session Manager
  repoRoot                where compose.yaml & deploy/host/deploy.sh live (default: ..)
  githubRepo              owner/name whose "production" environment may assume the deploy role
                          (unset: the stack parameter GitHubRepo asks for it at deploy time)
  githubOidcProviderArn   the account's GitHub OIDC provider, for every tier after the first one
                          deployed in that account (kabu_infra/deploy_role.py)
"""

from __future__ import annotations

import aws_cdk as cdk
from cdk_nag import AwsSolutionsChecks
from kabu_infra import host_files, tiers
from kabu_infra.billing import BillingStack
from kabu_infra.stack import KabuTradeStack


def build(app: cdk.App) -> list[cdk.Stack]:
    wanted = str(app.node.try_get_context("tier") or "personal")
    names = list(tiers.TIERS) if wanted == "all" else [tiers.tier_named(wanted).name]
    account = app.node.try_get_context("account")
    region = app.node.try_get_context("region")
    env = cdk.Environment(account=account, region=region) if account or region else None
    stacks: list[cdk.Stack] = []
    for name in names:
        tier = tiers.tier_named(name)
        files = host_files.read_host_files(host_files.repo_root(app)) if tier.uses_ec2_host else None
        stacks.append(KabuTradeStack(app, tier.stack_name, tier=tier, env=env, host_files=files))
        stacks.append(BillingStack(app, f"{tier.stack_name}-billing", tier=tier, account=account))
    return stacks


def main() -> None:
    app = cdk.App()
    # cdk-nag's AwsSolutions pack: any unacknowledged finding fails synth (kabu_infra/nag.py).
    cdk.Validations.of(app).add_plugins(AwsSolutionsChecks(app))
    try:
        build(app)
    except (ValueError, host_files.MissingHostFiles) as error:
        raise SystemExit(f"kabu-trade infra: {error}") from None
    app.synth()


if __name__ == "__main__":
    main()
