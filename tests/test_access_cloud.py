"""Cloud and cluster access (DP440-DP453): the Terraform, IAM-JSON and Kubernetes parsers and rules.

JSON policy files cannot carry `expect:` comments, and the fixture harness counts every finding
under fixtures/, so the JSON policies live here with their exact (line, rule) expectations.
"""

from __future__ import annotations

import pytest

from scanner.parsers import ParseError, build_model, iam_policy, kubernetes, terraform
from scanner.parsers.terraform import Locator

from .conftest import scan_snippet

ADMIN_POLICY = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "FullAdmin",
      "Effect": "Allow",
      "Action": "*",
      "Resource": "*"
    },
    {
      "Sid": "EverythingButIam",
      "Effect": "Allow",
      "NotAction": "iam:*",
      "Resource": "*"
    },
    {
      "Sid": "DenyWithoutMfa",
      "Effect": "Deny",
      "NotAction": ["iam:ListMFADevices", "iam:EnableMFADevice"],
      "Resource": "*",
      "Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}
    }
  ]
}
"""
SCOPED_POLICY = """\
{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadReports",
      "Effect": "Allow",
      "Action": ["s3:GetObject", "s3:ListBucket"],
      "Resource": ["arn:aws:s3:::orders-reports", "arn:aws:s3:::orders-reports/*"]
    },
    {
      "Sid": "AdminWithMfa",
      "Effect": "Allow",
      "Action": "iam:*",
      "Resource": "*",
      "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}
    }
  ]
}
"""

TF = '''\
# a { brace in a comment
resource "aws_iam_policy" "p" {
  name = "x-${var.env}"
  policy = jsonencode({
    Statement = [
      {
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
      {
        "Effect" = "Deny"
        Action   = ["s3:*"]
        Resource = aws_s3_bucket.b.arn
        Condition = { Bool = { "aws:MultiFactorAuthPresent" = "false" } }
      }
    ]
  })
}

data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
  }
  statement {
    effect  = "Deny"
    actions = ["*"]
  }
}

resource "aws_sqs_queue_policy" "q" {
  queue_url = "x"
  policy = <<POLICY
{"Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage", "Resource": "*"}]}
POLICY
}
resource "aws_db_instance" "db" {
  tags = { note = "} not a brace" }
  publicly_accessible = true
}
'''


def test_locator_finds_blocks_and_attributes_past_braces_in_strings_and_comments():
    loc = Locator(TF)
    assert loc.block("resource", "aws_iam_policy", "p") == (2, 19)
    assert loc.block("data", "aws_iam_policy_document", "d") == (21, 34)
    assert loc.block("resource", "aws_db_instance", "db") == (43, 46)
    assert loc.attributes("publicly_accessible", 43, 46) == [45]
    assert loc.attributes("statement", 21, 34) == [22, 30]
    assert loc.block("resource", "aws_db_instance", "nope") is None


def test_terraform_model_lines_jsonencode_documents_and_heredocs():
    config = terraform.build(TF, "main.tf")
    db = config.of_type("aws_db_instance")[0]
    assert (db.address, db.line, db.attr_line("publicly_accessible")) == ("aws_db_instance.db", 43, 45)
    assert db.attributes["publicly_accessible"] is True
    by_origin = {p.origin: p for p in config.policies}
    assert set(by_origin) == {"aws_iam_policy.p.policy", "data.aws_iam_policy_document.d",
                              "aws_sqs_queue_policy.q.policy"}
    encoded = by_origin["aws_iam_policy.p.policy"]
    assert encoded.line == 4
    assert [(s.effect, s.actions, s.resources, s.line) for s in encoded.statements] == [
        ("Allow", ["*"], ["*"], 7), ("Deny", ["s3:*"], ["${aws_s3_bucket.b.arn}"], 12)]
    assert encoded.statements[1].condition == {"Bool": {"aws:MultiFactorAuthPresent": ["false"]}}
    document = by_origin["data.aws_iam_policy_document.d"]
    assert [(s.effect, s.principals, s.line) for s in document.statements] == [
        ("Allow", {"AWS": ["*"]}, 22), ("Deny", {}, 30)]
    heredoc = by_origin["aws_sqs_queue_policy.q.policy"].statements[0]
    assert (heredoc.principals, heredoc.line) == ({"*": ["*"]}, 40)
    assert [b.type for b, _ in config.references("data.aws_iam_policy_document.d")] == []


def test_jsonencode_of_an_expression_is_skipped():
    config = terraform.build('resource "aws_iam_policy" "p" {\n  policy = jsonencode(local.p)\n}\n',
                             "main.tf")
    assert config.policies == []


def test_terraform_syntax_error_is_a_parse_error_with_a_line():
    with pytest.raises(ParseError) as info:
        terraform.build('resource "a" "b" {\n  x = \n}\n', "bad.tf")
    assert info.value.line == 2


def test_json_policy_statements_and_lines():
    policies = iam_policy.build(ADMIN_POLICY, "admin-policy.json").policies
    assert [(s.sid, s.line, s.actions, s.not_actions) for s in policies[0].statements] == [
        ("FullAdmin", 6, ["*"], []), ("EverythingButIam", 12, [], ["iam:*"]),
        ("DenyWithoutMfa", 18, [], ["iam:ListMFADevices", "iam:EnableMFADevice"])]
    assert iam_policy.build('{"name": "not a policy"}', "package.json").policies == []
    with pytest.raises(ParseError):
        iam_policy.build('{"Statement": [', "broken.json")


K8S = '''\
# Source: chart/templates/rbac.yaml
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader
rules:
  - apiGroups: [""]
    resources: ["secrets"]
    verbs: ["get"]
---
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: b, namespace: shop}
roleRef: {kind: ClusterRole, name: reader}
subjects:
  - kind: ServiceAccount
    name: default
---
apiVersion: v1
kind: List
items:
  - apiVersion: v1
    kind: ServiceAccount
    metadata: {name: app}
'''


def test_kubernetes_multi_document_lines():
    doc = kubernetes.build(K8S, "rbac.yaml")
    assert [(o.kind, o.name, o.line) for o in doc.objects] == [
        ("ClusterRole", "reader", 4), ("RoleBinding", "b", 14), ("ServiceAccount", "app", 25)]
    role, binding = doc.objects[0], doc.objects[1]
    assert [(r.resources, r.verbs, r.line) for r in role.rules] == [(["secrets"], ["get"], 8)]
    assert [(s.kind, s.name, s.line) for s in binding.subjects] == [("ServiceAccount", "default", 18)]
    assert (binding.namespace, binding.role_ref.name, binding.role_ref.line) == ("shop", "reader", 16)


def test_kubernetes_bad_yaml_and_unsafe_tags():
    with pytest.raises(ParseError) as info:
        kubernetes.build("kind: Role\nrules: [\n", "x.yaml")
    assert info.value.line is not None
    with pytest.raises(ParseError):
        kubernetes.build("kind: !!python/object/apply:os.system ['true']\n", "x.yaml")


def _found(source, path, rules):
    return sorted((f.location.line, f.rule_id) for f in scan_snippet(source, path, rules).findings)


ALL = ["DP440", "DP441", "DP442", "DP443", "DP444", "DP445", "DP446", "DP447"]


def test_json_fixture_sidecar_expectations():
    # Standalone JSON: MFA at low confidence (attachment unknown); Deny+NotAction is not DP441.
    assert _found(ADMIN_POLICY, "iam/admin-policy.json", ALL) == [
        (6, "DP440"), (6, "DP443"), (12, "DP441")]
    assert _found(SCOPED_POLICY, "iam/scoped-policy.json", ALL) == []
    low = [f.confidence.value for f in scan_snippet(ADMIN_POLICY, "a.json", ["DP443"]).findings]
    assert low == ["low"]


@pytest.mark.parametrize("source, expected", [
    # role policies are not MFA-relevant; the same policy on a user is
    ('resource "aws_iam_role_policy" "r" {\n  policy = jsonencode({Statement = [{\n'
     '    Effect = "Allow"\n    Action = "iam:*"\n    Resource = "*" }]})\n}\n',
     [(3, "DP440")]),
    ('resource "aws_iam_user_policy" "r" {\n  policy = jsonencode({Statement = [{\n'
     '    Effect = "Allow"\n    Action = "iam:*"\n    Resource = "*" }]})\n}\n',
     [(3, "DP440"), (3, "DP443")]),
    # one bucket ARN: scoped
    ('resource "aws_iam_user_policy" "r" {\n  policy = jsonencode({Statement = [{\n'
     '    Effect = "Allow"\n    Action = "s3:*"\n    Resource = "arn:aws:s3:::b/*" }]})\n}\n', []),
    # Principal "*" in a role trust policy is not a resource policy here
    ('resource "aws_iam_role" "r" {\n  assume_role_policy = jsonencode({Statement = [{\n'
     '    Effect = "Allow"\n    Principal = {AWS = "*"}\n    Action = "sts:AssumeRole" }]})\n}\n',
     []),
    # a managed policy attached to a group through a data document
    ('data "aws_iam_policy_document" "d" {\n  statement {\n    actions = ["*"]\n'
     '    resources = ["*"]\n  }\n}\nresource "aws_iam_policy" "p" {\n'
     '  policy = data.aws_iam_policy_document.d.json\n}\n'
     'resource "aws_iam_group_policy_attachment" "a" {\n  group = "ops"\n'
     '  policy_arn = aws_iam_policy.p.arn\n}\n', [(2, "DP440"), (2, "DP443")]),
    # account-wide public access block covers every bucket
    ('resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n'
     'resource "aws_s3_account_public_access_block" "a" {\n  block_public_acls = true\n'
     '  block_public_policy = true\n  ignore_public_acls = true\n'
     '  restrict_public_buckets = true\n}\n', []),
    # a Deny-unless-MFA policy in the configuration: no DP447
    ('resource "aws_iam_user_login_profile" "u" {\n  user = "u"\n}\n'
     'resource "aws_iam_group_policy" "mfa" {\n  policy = jsonencode({Statement = [{\n'
     '    Effect = "Deny"\n    NotAction = ["iam:EnableMFADevice"]\n    Resource = "*"\n'
     '    Condition = {BoolIfExists = {"aws:MultiFactorAuthPresent" = "false"}} }]})\n}\n', []),
])
def test_terraform_rule_table(source, expected):
    assert _found(source, "main.tf", ALL) == expected


K8S_RULES = ["DP450", "DP451", "DP452", "DP453"]
_BINDING = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: {kind}\nmetadata:\n  name: b\n"
            "  namespace: shop\nroleRef:\n  kind: {ref_kind}\n  name: {ref}\nsubjects:\n"
            "  - kind: {subject_kind}\n    name: {subject}\n")


@pytest.mark.parametrize("fields, expected", [
    (dict(kind="ClusterRoleBinding", ref_kind="ClusterRole", ref="cluster-admin",
          subject_kind="ServiceAccount", subject="ci"), [(10, "DP450")]),
    (dict(kind="RoleBinding", ref_kind="ClusterRole", ref="admin",
          subject_kind="ServiceAccount", subject="default"), [(10, "DP453")]),
    (dict(kind="RoleBinding", ref_kind="ClusterRole", ref="cluster-admin",
          subject_kind="Group", subject="platform-admins"), []),
    (dict(kind="RoleBinding", ref_kind="ClusterRole", ref="view",
          subject_kind="ServiceAccount", subject="ci"), []),
])
def test_kubernetes_binding_table(fields, expected):
    assert _found(_BINDING.format(**fields), "rbac.yaml", K8S_RULES) == expected


def test_default_service_account_bound_to_a_wildcard_role_in_the_same_file():
    role = ("apiVersion: rbac.authorization.k8s.io/v1\nkind: Role\nmetadata:\n  name: ops\n"
            "  namespace: shop\nrules:\n  - apiGroups: [\"\"]\n    resources: [\"pods\"]\n"
            "    verbs: [\"*\"]\n---\n")
    binding = _BINDING.format(kind="RoleBinding", ref_kind="Role", ref="ops",
                              subject_kind="ServiceAccount", subject="default")
    assert _found(role + binding, "rbac.yaml", K8S_RULES) == [(7, "DP451"), (20, "DP453")]


def test_models_build_through_the_registry_names():
    from scanner.parsers.source import InputSource, ParserSettings

    source = InputSource(path="main.tf", kind="terraform", settings=ParserSettings(), _text=TF)
    assert build_model("terraform", source).of_type("aws_db_instance")
    assert len(build_model("iam_policy", source).policies) == 3
