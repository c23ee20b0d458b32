// What every Tines credential mode shares: the common request fields, the response fields, the
// common rules, and how a mode's descriptor is assembled from them.
import { CheckFailure, FieldTable, given, Inputs, known, nonEmpty } from "../core/fields";
import { CredentialSpec, requestBody } from "../core/lifecycle";
import { tinesApi } from "./client";

export const READ_ACCESS = ["TEAM", "GLOBAL", "SPECIFIC_TEAMS"] as const;

/** Request fields documented for every mode (TEXT, JWT, AWS). */
export const commonInputs: FieldTable = {
  name: { api: "name", kind: "string", required: true, rule: nonEmpty },
  teamId: { api: "team_id", kind: "integer", replaces: true },
  folderId: { api: "folder_id", kind: "integer", serverDefault: null },
  readAccess: { api: "read_access", kind: "string", oneOf: READ_ACCESS, serverDefault: "TEAM" },
  sharedTeamSlugs: { api: "shared_team_slugs", kind: "stringList", serverDefault: [] },
  description: { api: "description", kind: "string", serverDefault: "" },
  metadata: { api: "metadata", kind: "object", serverDefault: {} },
  allowedHosts: { api: "allowed_hosts", kind: "stringList", serverDefault: [] },
  liveCredentialId: { api: "live_credential_id", kind: "integer", replaces: true },
  expiresAt: { api: "expires_at", kind: "timestamp", serverDefault: null },
  expiryNotificationsEnabled: { api: "expiry_notifications_enabled", kind: "boolean", serverDefault: false },
  credentialNotificationRecipientUserIds: {
    api: "credential_notification_recipient_user_ids",
    kind: "integerList",
    serverDefault: [],
  },
  /** The id of an existing credential to manage instead of creating one. */
  adoptId: { kind: "integer" },
};

/** Response fields every mode answers with (older tenants omit owner and restriction_type). */
export const commonOutputs: FieldTable = {
  credentialId: { api: "id", kind: "integer" },
  mode: { api: "mode", kind: "string" },
  slug: { api: "slug", kind: "string" },
  createdAt: { api: "created_at", kind: "timestamp" },
  updatedAt: { api: "updated_at", kind: "timestamp" },
  owner: { api: "owner", kind: "object" },
  restrictionType: { api: "restriction_type", kind: "string" },
  testCredentialEnabled: { api: "test_credential_enabled", kind: "boolean" },
  testCredential: { api: "test_credential", kind: "object" },
};

function commonRules(inputs: Inputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (!given(inputs.teamId) && !given(inputs.liveCredentialId)) {
    failures.push({ property: "teamId", reason: "is required (unless liveCredentialId is set)" });
  }
  const slugs = inputs.sharedTeamSlugs;
  if (inputs.readAccess === "SPECIFIC_TEAMS" && known(slugs) && (slugs as string[]).length === 0) {
    failures.push({
      property: "sharedTeamSlugs",
      reason: "must list at least one team when readAccess is SPECIFIC_TEAMS",
    });
  }
  if (inputs.readAccess === "SPECIFIC_TEAMS" && !given(slugs)) {
    failures.push({ property: "sharedTeamSlugs", reason: "is required when readAccess is SPECIFIC_TEAMS" });
  }
  // Unset readAccess means TEAM, except for a test credential, which takes the live one's.
  const readAccess = inputs.readAccess ?? (given(inputs.liveCredentialId) ? undefined : "TEAM");
  if (
    known(readAccess) &&
    readAccess !== "SPECIFIC_TEAMS" &&
    known(slugs) &&
    (slugs as string[]).length > 0
  ) {
    failures.push({
      property: "sharedTeamSlugs",
      reason: "may only be set when readAccess is SPECIFIC_TEAMS (Tines ignores it otherwise)",
    });
  }
  return failures;
}

/** Builds a Tines mode's descriptor from its own fields and rules. */
export function tinesSpec(
  mode: "TEXT" | "JWT" | "AWS",
  own: { inputs: FieldTable; outputs?: FieldTable; rules?: (inputs: Inputs) => CheckFailure[] },
): CredentialSpec {
  const inputs = { ...commonInputs, ...own.inputs };
  // PUT is not a partial update: every call carries the whole desired state and the mode.
  const body = (values: Inputs) => ({ ...requestBody(inputs, values), mode });
  return {
    label: `Tines ${mode} credential`,
    inputs,
    outputs: { ...commonOutputs, ...own.outputs },
    idField: "id",
    rules: (values) => [...commonRules(values), ...(own.rules?.(values) ?? [])],
    connect: () => tinesApi(mode),
    createBody: body,
    updateBody: body,
    wrongKind: (record, values) => {
      if (record.mode !== undefined && record.mode !== mode) {
        return `is a ${String(record.mode)} credential, not ${mode}`;
      }
      // A team cannot change in place; adopting across teams would replace (delete) the credential.
      if (known(values.teamId) && given(record.team_id) && Number(record.team_id) !== Number(values.teamId)) {
        return `is in team ${String(record.team_id)}, not team ${String(values.teamId)}`;
      }
      return undefined;
    },
    updatedAtOutput: "updatedAt",
  };
}
