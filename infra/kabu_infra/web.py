"""The web app on S3 + CloudFront (§4.5, §4.7): a private bucket read only through CloudFront's
origin access control, and the API behind the same distribution under ``/api/*``.

The API origin is plain HTTP: the EC2 host's public name (or the ALB's) has no certificate we could
issue without a domain, and the origin admits only CloudFront's addresses. Viewers always get HTTPS.
"""

from __future__ import annotations

from aws_cdk import RemovalPolicy
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from constructs import Construct

from . import nag

SPA_ROUTES_JS = """function handler(event) {
  var request = event.request;
  var last = request.uri.split('/').pop();
  if (last.indexOf('.') === -1) {
    request.uri = '/index.html';
  }
  return request;
}"""


class Web(Construct):
    def __init__(self, scope: Construct, construct_id: str, *, api_origin: cloudfront.IOrigin) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bucket",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            versioned=False,  # §4.5: no versioning (the build is reproducible from git)
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=RemovalPolicy.DESTROY,
            auto_delete_objects=False,
        )
        # The SPA routes in the browser: a deep link (/stocks/7203) is no object in the bucket, so
        # paths without a file extension get index.html. A custom error response would do the same
        # for the whole distribution and turn the API's own 403/404 into the SPA's page.
        spa_routes = cloudfront.Function(
            self,
            "SpaRoutes",
            runtime=cloudfront.FunctionRuntime.JS_2_0,
            comment="Serve index.html for the SPA's client-side routes",
            code=cloudfront.FunctionCode.from_inline(SPA_ROUTES_JS),
        )
        api_behavior = cloudfront.BehaviorOptions(
            origin=api_origin,
            viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.HTTPS_ONLY,
            allowed_methods=cloudfront.AllowedMethods.ALLOW_ALL,
            cache_policy=cloudfront.CachePolicy.CACHING_DISABLED,
            # Every header but Host (the origin's own name must reach it), cookies and query strings.
            origin_request_policy=cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
            compress=True,
        )
        nag.accept(
            self.bucket,
            "AwsSolutions-S1",
            "Read only through CloudFront (origin access control) and written only by the deploy "
            "workflow; server access logs would need a bucket of their own and add storage cost "
            "for objects that are public anyway",
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            comment="kabu-trade: web app from S3, API under /api/*",
            default_root_object="index.html",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                cache_policy=cloudfront.CachePolicy.CACHING_OPTIMIZED,  # §4.7
                compress=True,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        function=spa_routes, event_type=cloudfront.FunctionEventType.VIEWER_REQUEST
                    )
                ],
            ),
            additional_behaviors={"/api/*": api_behavior},
            price_class=cloudfront.PriceClass.PRICE_CLASS_200,  # includes Japan
            http_version=cloudfront.HttpVersion.HTTP2_AND_3,
        )
        for rule, reason in {
            "AwsSolutions-CFR1": "No geographic restriction is asked for: users sign in, and "
            "someone travelling must still reach their own assistant",
            "AwsSolutions-CFR2": "AWS WAF costs $5 a month per web ACL plus $1 per rule, outside "
            "the free tier; the API enforces its own per-user rate limits (§8 7.3 allows the "
            "application level)",
            "AwsSolutions-CFR3": "CloudFront standard logs need a log bucket and storage; the API "
            "logs every request itself (id, status, time) to /kabu-trade/api",
            "AwsSolutions-CFR4": "The distribution uses the default *.cloudfront.net certificate "
            "(no custom domain in the architecture), for which CloudFront fixes the minimum "
            "viewer protocol; with a custom domain and ACM certificate set TLSv1.2_2021",
            "AwsSolutions-CFR5": "The API origin is HTTP: the EC2 host's (or ALB's) AWS-issued "
            "name can get no certificate without a domain of our own; the origin admits only "
            "CloudFront's origin-facing addresses (security.py) and viewers always get HTTPS",
        }.items():
            nag.accept(self.distribution, rule, reason)
