"""The VPC of §1.2: one public subnet for the host, private subnets for RDS, no NAT gateway.

CDK's ``ec2.Vpc`` lays out subnets symmetrically per AZ with CIDRs of its own choosing, so the VPC
is created without subnets and the subnets are added one by one with the architecture's CIDRs.
Nothing in a private subnet needs the internet (RDS, ElastiCache), so there is no NAT gateway
(~$45/month) and no interface endpoint; the host and Fargate tasks sit in public subnets with a
public IP and security groups that admit only CloudFront (or the ALB).
"""

from __future__ import annotations

from aws_cdk import Fn, Tags
from aws_cdk import aws_ec2 as ec2
from constructs import Construct

from . import nag, tiers


class Network(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, tier: tiers.Tier) -> None:
        super().__init__(scope, construct_id)
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            ip_addresses=ec2.IpAddresses.cidr(tiers.VPC_CIDR),
            max_azs=2,
            nat_gateways=0,
            subnet_configuration=[],
            # Nothing uses the default security group; emptying it takes a Lambda-backed custom
            # resource, which this stack otherwise does without.
            restrict_default_security_group=False,
        )
        nag.accept(
            self.vpc,
            "AwsSolutions-VPC7",
            "Flow logs are billed as vended logs (CloudWatch Logs or S3), outside the free tier; "
            "the VPC holds one host (or the tasks) and RDS behind groups that admit only CloudFront "
            "and the application. Turn them on while investigating an incident.",
        )
        # Fn::GetAZs keeps the stack environment-agnostic (synth needs no account).
        az = [Fn.select(0, Fn.get_azs()), Fn.select(1, Fn.get_azs())]
        igw = ec2.CfnInternetGateway(self, "InternetGateway")
        attachment = ec2.CfnVPCGatewayAttachment(
            self, "GatewayAttachment", vpc_id=self.vpc.vpc_id, internet_gateway_id=igw.ref
        )

        def public(name: str, cidr: str, zone: str) -> ec2.PublicSubnet:
            subnet = ec2.PublicSubnet(
                self,
                name,
                vpc_id=self.vpc.vpc_id,
                cidr_block=cidr,
                availability_zone=zone,
                map_public_ip_on_launch=True,
            )
            subnet.add_default_internet_route(igw.ref, attachment)
            Tags.of(subnet).add("Name", f"kabu-trade-{tier.name}-{name.lower()}")
            return subnet

        def private(name: str, cidr: str, zone: str) -> ec2.PrivateSubnet:
            # No route beyond the VPC's local route: isolated.
            subnet = ec2.PrivateSubnet(
                self, name, vpc_id=self.vpc.vpc_id, cidr_block=cidr, availability_zone=zone
            )
            Tags.of(subnet).add("Name", f"kabu-trade-{tier.name}-{name.lower()}")
            return subnet

        self.public_subnets: list[ec2.ISubnet] = [public("Public1", tiers.PUBLIC_SUBNET_CIDR, az[0])]
        if not tier.uses_ec2_host:
            # An ALB needs subnets in two AZs.
            self.public_subnets.append(public("Public2", tiers.PUBLIC_SUBNET_2_CIDR, az[1]))
        self.private_subnets: list[ec2.ISubnet] = [
            private("Private1", tiers.PRIVATE_SUBNET_CIDR, az[0]),
            private("Private2", tiers.PRIVATE_SUBNET_2_CIDR, az[1]),
        ]

    @property
    def public_selection(self) -> ec2.SubnetSelection:
        return ec2.SubnetSelection(subnets=self.public_subnets)

    @property
    def private_selection(self) -> ec2.SubnetSelection:
        return ec2.SubnetSelection(subnets=self.private_subnets)
