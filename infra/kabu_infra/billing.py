"""The billing alarm (§9.2 "CloudWatch Billing Alarms"): AWS publishes EstimatedCharges only in
us-east-1, and an alarm can notify only a topic of its own region, so this is a small stack of its
own there (topic, e-mail subscription, alarm). "Receive Billing Alerts" must be turned on once in
the account's billing preferences for the metric to exist."""

from __future__ import annotations

from aws_cdk import Duration, Environment, Stack
from aws_cdk import aws_cloudwatch as cw
from constructs import Construct

from . import tiers
from .monitoring import AlarmTopic

BILLING_REGION = "us-east-1"


class BillingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, *, tier: tiers.Tier, account: str | None) -> None:
        super().__init__(
            scope,
            construct_id,
            env=Environment(account=account, region=BILLING_REGION),
            description=f"kabu-trade {tier.name}: billing alarm (us-east-1 only)",
        )
        topic = AlarmTopic(self, "Alarms")
        charges = cw.Metric(
            namespace="AWS/Billing",
            metric_name="EstimatedCharges",
            dimensions_map={"Currency": "USD"},
            statistic="Maximum",
            period=Duration.hours(6),  # AWS updates the estimate a few times a day
        )
        self.alarm = cw.Alarm(
            self,
            "EstimatedCharges",
            alarm_description=f"This month's estimated charges passed ${tier.billing_threshold_usd:g}",
            metric=charges,
            threshold=tier.billing_threshold_usd,
            evaluation_periods=1,
            comparison_operator=cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
            treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
        )
        self.alarm.add_alarm_action(topic.action)
