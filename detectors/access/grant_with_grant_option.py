"""DP403: a privilege granted WITH GRANT OPTION (or a role WITH ADMIN OPTION)."""

from __future__ import annotations

from collections.abc import Iterator

from detectors.access._sqlgrants import ADMIN_OPTION, GRANT_SOURCES, grant_finding, is_admin
from scanner.enrich.access import effective_grants
from scanner.finding import Confidence, Finding, Severity
from scanner.model.schema import SchemaModel
from scanner.rule import Example, RuleContext, SchemaRule


class GrantWithGrantOption(SchemaRule):
    """A role may pass its privileges on: WITH GRANT OPTION / WITH ADMIN OPTION.

    A grantee holding the grant option can give the privilege to anyone, PUBLIC included, and
    the owner no longer decides who reads the data; revoking it later needs CASCADE. Access to
    customer information should be granted by the owner or a DBA only (clause 3.3.5). Roles in
    the admin_roles option are not reported. Reported from the final state: REVOKE GRANT OPTION
    FOR ... removes the finding.
    """

    id = "DP403"
    name = "grant-with-grant-option"
    clauses = ("3.3.5",)
    kinds = GRANT_SOURCES
    severity = Severity.MEDIUM
    confidence = Confidence.HIGH
    remediation = (
        "Remove the option and keep the privilege: `REVOKE GRANT OPTION FOR SELECT ON public.customer "
        "FROM app;` (role membership: `REVOKE ADMIN OPTION FOR app_rw FROM alice;`; MySQL: "
        "`REVOKE GRANT OPTION ON shop.* FROM 'app'@'%';`)."
    )
    references = ("CWE-269", "CIS PostgreSQL Benchmark", "CIS MySQL Benchmark (GRANT OPTION)")
    options = dict(ADMIN_OPTION)

    bad = (
        Example("GRANT SELECT ON public.customer TO app WITH GRANT OPTION;\n", path="x.sql", expect=1),
        Example("GRANT SELECT ON shop.* TO 'app'@'10.0.0.5' WITH GRANT OPTION;\n", path="x.sql", expect=1),
    )
    good = (
        Example("GRANT SELECT ON one_table TO reporting;\n", path="x.sql"),
        Example("GRANT SELECT ON t TO app WITH GRANT OPTION;\nREVOKE GRANT OPTION FOR SELECT ON t FROM app;\n",
                path="x.sql"),
    )

    def check(self, model: SchemaModel, ctx: RuleContext) -> Iterator[Finding]:
        for grant in effective_grants(model):
            if not grant.with_grant_option or grant.via or is_admin(self, grant.grantee):
                continue
            if grant.object_type == "role":
                what = f"membership in {grant.object_name} WITH ADMIN OPTION"
                what_zh = f"以 WITH ADMIN OPTION 方式拥有角色 {grant.object_name} 的成员资格"
            else:
                what = f"{'/'.join(grant.privileges)} on {grant.object_name} WITH GRANT OPTION"
                what_zh = (f"以 WITH GRANT OPTION 方式拥有 {grant.object_name} 上的 "
                           f"{'/'.join(grant.privileges)} 权限")
            yield grant_finding(self, ctx, grant,
                                message=f"{grant.grantee} holds {what} and can pass it to anyone",
                                message_zh=f"{grant.grantee} {what_zh}，可将其转授给任何人")
