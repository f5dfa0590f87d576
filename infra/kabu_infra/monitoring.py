"""Logs, the SNS topic and the alarms of §5 ("6. モニタリングとアラート").

Alarms, all to one SNS topic with an e-mail subscription (stack parameter ``AlarmEmail``):

- CPU > 80 % for 5 minutes: the EC2 host (basic monitoring's 5-minute average), or in the standard
  tier the ECS service;
- RDS connections > 80 % for 5 minutes: 80 % of PostgreSQL's default max_connections,
  LEAST(DBInstanceClassMemory / 9531392, 5000) computed from the class's nominal memory
  (tiers.pg_max_connections: 112 for db.t3.micro → alarm above 89; 225 for db.t3.small → above 180);
- API error rate > 5 % for 1 minute: 100 × ServerErrors / Requests from the API's own EMF metrics
  (namespace KabuTrade, dimension Service=kabu-trade-api, contracts.md), one 60-second period;
- billing: in billing.py (the metric exists only in us-east-1).

The multi-user tier adds §5.1's other targets within the free tier's 10 alarms and 3 dashboards:
RDS CPU > 80 % for 5 minutes, RDS free storage < 10 % of its 20 GB, and a dashboard.
"""

from __future__ import annotations

from aws_cdk import CfnParameter, Duration, RemovalPolicy
from aws_cdk import aws_cloudwatch as cw
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_logs as logs
from aws_cdk import aws_rds as rds
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subs
from constructs import Construct

from . import nag, tiers

API_LOG_GROUP = "/kabu-trade/api"
EMF_NAMESPACE = "KabuTrade"
EMF_SERVICE = "kabu-trade-api"
FIVE_MINUTES = Duration.minutes(5)
ONE_MINUTE = Duration.minutes(1)

EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class AlarmTopic(Construct):
    """The SNS topic every alarm notifies, with the operator's e-mail subscribed."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        email = CfnParameter(
            scope,
            "AlarmEmail",
            type="String",
            allowed_pattern=EMAIL_PATTERN,
            constraint_description="an e-mail address",
            description="Where alarms are sent (confirm the subscription e-mail AWS sends)",
        )
        self.topic = sns.Topic(self, "Topic", display_name="kabu-trade alarms", enforce_ssl=True)
        nag.accept(
            self.topic,
            "AwsSolutions-SNS2",
            "Server-side encryption would need a customer-managed KMS key ($1/month, outside the free "
            "tier; CloudWatch cannot publish with the AWS-managed SNS key); alarm texts hold no secrets",
        )
        self.topic.add_subscription(subs.EmailSubscription(email.value_as_string))
        self.action = cw_actions.SnsAction(self.topic)


class AppLogs(Construct):
    """The log group the containers write to (contracts.md), with a retention."""

    def __init__(self, scope: Construct, construct_id: str) -> None:
        super().__init__(scope, construct_id)
        self.group = logs.LogGroup(
            self,
            "Api",
            log_group_name=API_LOG_GROUP,
            # A month: enough to read back an incident, well within the free tier's 5 GB.
            retention=logs.RetentionDays.ONE_MONTH,
            removal_policy=RemovalPolicy.DESTROY,
        )


def error_rate() -> cw.MathExpression:
    def emf(metric: str) -> cw.Metric:
        return cw.Metric(
            namespace=EMF_NAMESPACE,
            metric_name=metric,
            dimensions_map={"Service": EMF_SERVICE},
            statistic="Sum",
            period=ONE_MINUTE,
        )

    # No requests in a minute is no error rate at all (0), not a division by zero.
    return cw.MathExpression(
        expression="IF(requests > 0, 100 * errors / requests, 0)",
        using_metrics={"errors": emf("ServerErrors"), "requests": emf("Requests")},
        label="API 5xx rate (%)",
        period=ONE_MINUTE,
    )


class Alarms(Construct):
    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        tier: tiers.Tier,
        topic: AlarmTopic,
        cpu: cw.IMetric,
        cpu_label: str,
        database: rds.DatabaseInstance,
    ) -> None:
        super().__init__(scope, construct_id)
        self.alarms: list[cw.Alarm] = []

        def alarm(
            name: str,
            metric: cw.IMetric,
            threshold: float,
            description: str,
            *,
            op: cw.ComparisonOperator = cw.ComparisonOperator.GREATER_THAN_THRESHOLD,
        ) -> cw.Alarm:
            made = cw.Alarm(
                self,
                name,
                alarm_description=description,
                metric=metric,
                threshold=threshold,
                evaluation_periods=1,
                datapoints_to_alarm=1,
                comparison_operator=op,
                treat_missing_data=cw.TreatMissingData.NOT_BREACHING,
            )
            made.add_alarm_action(topic.action)
            made.add_ok_action(topic.action)
            self.alarms.append(made)
            return made

        alarm("Cpu", cpu, 80, f"{cpu_label} CPU above 80 % for 5 minutes (§5)")
        threshold = tiers.connections_alarm_threshold(tier.db_memory_gib)
        alarm(
            "DbConnections",
            database.metric_database_connections(statistic="Maximum", period=FIVE_MINUTES),
            threshold,
            f"RDS connections above {threshold} = 80 % of max_connections "
            f"{tiers.pg_max_connections(tier.db_memory_gib)} for 5 minutes (§5)",
        )
        alarm("ApiErrorRate", error_rate(), 5, "API 5xx above 5 % of requests for 1 minute (§5)")
        if tier.extended_monitoring:
            alarm(
                "DbCpu",
                database.metric_cpu_utilization(period=FIVE_MINUTES),
                80,
                "RDS CPU above 80 % for 5 minutes (§5.1)",
            )
            free_bytes = tier.db_storage_gib * 1024**3 * 0.10
            alarm(
                "DbStorage",
                database.metric_free_storage_space(period=FIVE_MINUTES),
                free_bytes,
                "RDS free storage below 10 % (§5.1)",
                op=cw.ComparisonOperator.LESS_THAN_THRESHOLD,
            )
            dashboard = cw.Dashboard(self, "Dashboard", dashboard_name=f"kabu-trade-{tier.name}")
            dashboard.add_widgets(
                cw.GraphWidget(title="API error rate (%)", left=[error_rate()]),
                cw.GraphWidget(title=f"{cpu_label} CPU (%)", left=[cpu]),
                cw.GraphWidget(
                    title="RDS connections",
                    left=[database.metric_database_connections(period=FIVE_MINUTES)],
                ),
            )
