"""DP507: a public load balancer, API stage or CloudFront distribution has no WAF in this file."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from detectors.access._cloud import is_true
from scanner.finding import Confidence, Finding, Severity
from scanner.rule import Example, Rule, RuleContext

_ASSOCIATIONS = frozenset({"aws_wafv2_web_acl_association", "aws_wafregional_web_acl_association",
                           "aws_waf_web_acl_association"})


_WHAT_ZH = {  # what _public returns, in Chinese
    "internet-facing application load balancer": "面向互联网的应用负载均衡器",
    "CloudFront distribution": "CloudFront 分发",
    "API Gateway REST API stage": "API Gateway REST API 阶段",
}

class PublicEndpointWithoutWaf(Rule):
    """An internet-facing ALB, REST API stage or CloudFront distribution has no web ACL attached.

    An ``aws_lb``/``aws_alb`` that is not ``internal`` and is of type application, an
    ``aws_api_gateway_stage``, or an ``aws_cloudfront_distribution`` without ``web_acl_id`` is
    reported when no ``aws_wafv2_web_acl_association`` (or WAF Classic regional association) in
    the same configuration references it. A WAF is the layer that filters SQL injection,
    credential stuffing and scraping before they reach the application that holds customer data;
    clause 3.3.1 names it. A web ACL may be attached elsewhere (another module, Firewall Manager,
    the console), hence medium confidence. HTTP/WebSocket API stages (aws_apigatewayv2_stage)
    are left out: AWS WAF cannot be associated with them.
    """

    id = "DP507"
    name = "public-endpoint-without-waf"
    clauses = ("3.3.1",)
    severity = Severity.MEDIUM
    confidence = Confidence.MEDIUM
    remediation = (
        "Attach a web ACL with the AWS managed rule groups (AWSManagedRulesCommonRuleSet, "
        "AWSManagedRulesSQLiRuleSet, AWSManagedRulesKnownBadInputsRuleSet): resource "
        '"aws_wafv2_web_acl_association" "x" { resource_arn = aws_lb.public.arn, web_acl_arn = '
        "aws_wafv2_web_acl.main.arn }; for CloudFront set web_acl_id = "
        "aws_wafv2_web_acl.edge.arn (scope CLOUDFRONT)."
    )
    references = ("CWE-284", "AWS WAF Developer Guide: Associating a web ACL with an AWS resource",
                  "AWS Security Hub APIGateway.4 and CloudFront.6")
    kinds = frozenset({"terraform"})
    model = "terraform"
    tokens = ("aws_lb", "aws_alb", "aws_api_gateway_stage", "aws_cloudfront_distribution")
    bad = (Example('resource "aws_lb" "web" {\n  load_balancer_type = "application"\n'
                   '  internal = false\n}\n', path="main.tf", expect=1),)
    good = (
        Example('resource "aws_lb" "web" {\n  internal = false\n}\n'
                'resource "aws_wafv2_web_acl_association" "web" {\n'
                '  resource_arn = aws_lb.web.arn\n  web_acl_arn = aws_wafv2_web_acl.main.arn\n}\n',
                path="main.tf"),
        Example('resource "aws_lb" "nlb" {\n  load_balancer_type = "network"\n}\n'
                'resource "aws_lb" "intra" {\n  internal = true\n}\n', path="main.tf"),
    )

    def check(self, model: Any, ctx: RuleContext) -> Iterator[Finding]:
        for block in model.of_type("aws_lb", "aws_alb", "aws_api_gateway_stage",
                                   "aws_cloudfront_distribution"):
            what = _public(block)
            if what is None or _protected(model, block):
                continue
            yield self.finding(
                ctx, line=block.line, object=block.address, key=block.address,
                message=(f"{block.address} ({what}) has no WAF web ACL associated in this "
                         "configuration: nothing filters injection, credential stuffing or "
                         "scraping before it reaches the application (clause 3.3.1); add an "
                         "aws_wafv2_web_acl_association (a web ACL may be attached elsewhere, "
                         "e.g. by Firewall Manager)"),
                message_zh=(f"{block.address}（{_WHAT_ZH.get(what, what)}）在本配置中未关联 WAF "
                            "web ACL：注入、撞库和爬取流量在到达应用之前没有任何过滤（条款 3.3.1）；"
                            "请添加 aws_wafv2_web_acl_association（web ACL 也可能在别处关联，"
                            "例如通过 Firewall Manager）"),
            )


def _public(block: Any) -> str | None:
    attrs = block.attributes
    if block.type in ("aws_lb", "aws_alb"):
        kind = str(attrs.get("load_balancer_type", "application")).lower()
        if kind != "application" or is_true(attrs.get("internal")):
            return None
        return "internet-facing application load balancer"
    if block.type == "aws_cloudfront_distribution":
        return None if attrs.get("web_acl_id") else "CloudFront distribution"
    return "API Gateway REST API stage"


def _protected(model: Any, block: Any) -> bool:
    return any(ref.type in _ASSOCIATIONS for ref, _ in model.references(block.address))
