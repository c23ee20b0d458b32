// Sharing a credential with named teams (readAccess SPECIFIC_TEAMS + sharedTeamSlugs) instead of one
// team (TEAM, the default) or the whole tenant (GLOBAL). The owning team is still `teamId`; the teams
// listed by slug may use the credential in their stories. Changing the list updates it in place.
import * as pulumi from "@pulumi/pulumi";
import { TinesAwsCredential, TinesTextCredential } from "pulumi-api-credentials";

const config = new pulumi.Config();
const teamId = config.requireNumber("tinesTeamId");
const sharedWith = config.getObject<string[]>("sharedTeamSlugs") ?? ["security-operations", "it-helpdesk"];

const siemToken = new TinesTextCredential("siem-token", {
  name: "siem_ingest_token",
  teamId,
  value: config.requireSecret("siemToken"),
  readAccess: "SPECIFIC_TEAMS",
  sharedTeamSlugs: sharedWith,
  allowedHosts: ["siem.example.com"],
  expiresAt: "2030-01-31T00:00:00Z",
  expiryNotificationsEnabled: true,
});

// A role-based AWS credential shared the same way: Tines generates the external id for the role's
// trust policy (exported below), so no AWS secret is stored anywhere.
const auditRole = new TinesAwsCredential("audit-role", {
  name: "aws_audit_readonly",
  teamId,
  awsAuthenticationType: "ROLE",
  awsAssumedRoleArn: config.require("auditRoleArn"), // arn:aws:iam::123456789012:role/tines-audit
  readAccess: "SPECIFIC_TEAMS",
  sharedTeamSlugs: sharedWith,
});

export const siemTokenSlug = siemToken.slug;
export const sharedTeamSlugs = siemToken.sharedTeamSlugs;
/** Put this in the role's trust policy (sts:ExternalId). */
export const auditRoleExternalId = auditRole.awsAssumedRoleExternalId;
