// What every Tines credential mode shares: the common request fields, the response fields, the
// common rules, and how a mode's descriptor is assembled from them.
import { CheckFailure, FieldTable, given, Inputs, known, nonEmpty, sameValue } from "../core/fields";
import { requestBody, updateRequestBody } from "../core/mapping";
import { CredentialSpec } from "../core/spec";
import { tinesApi } from "./client";

export const READ_ACCESS = ["TEAM", "GLOBAL", "SPECIFIC_TEAMS"] as const;

/**
 * Request fields documented for every mode (TEXT, JWT, AWS). Defaults are the create pages'
 * (`read_access`, `shared_team_slugs`, `description`, `expires_at`, `expiry_notifications_enabled`)
 * or, where the page states none, what every recorded answer holds for a credential created
 * without the field (`folder_id` null, which the Update page calls the root folder; `metadata` {},
 * `allowed_hosts` [], no recipients). The fields a test credential inherits are the ones the create
 * page says default to the live credential's (team, folder, read access, description) plus the
 * metadata and allowed hosts it is also seen to carry over.
 */
export const commonInputs: FieldTable = {
  name: { api: "name", kind: "string", required: true, rule: nonEmpty },
  /** No default: required for a normal credential, inherited by a test credential; a change replaces. */
  teamId: { api: "team_id", kind: "id", replaces: true },
  folderId: { api: "folder_id", kind: "id", serverDefault: null, inheritedByTestCredential: true },
  readAccess: {
    api: "read_access",
    kind: "string",
    oneOf: READ_ACCESS,
    serverDefault: "TEAM",
    inheritedByTestCredential: true,
  },
  sharedTeamSlugs: {
    api: "shared_team_slugs",
    kind: "stringList",
    serverDefault: [],
    inheritedByTestCredential: true,
  },
  description: { api: "description", kind: "string", serverDefault: "", inheritedByTestCredential: true },
  metadata: { api: "metadata", kind: "object", serverDefault: {}, inheritedByTestCredential: true },
  allowedHosts: {
    api: "allowed_hosts",
    kind: "stringList",
    serverDefault: [],
    inheritedByTestCredential: true,
  },
  /** No default: it makes the credential a test credential; a change replaces. */
  liveCredentialId: { api: "live_credential_id", kind: "id", replaces: true },
  expiresAt: { api: "expires_at", kind: "timestamp", serverDefault: null },
  expiryNotificationsEnabled: { api: "expiry_notifications_enabled", kind: "boolean", serverDefault: false },
  credentialNotificationRecipientUserIds: {
    api: "credential_notification_recipient_user_ids",
    kind: "idList",
    serverDefault: [],
  },
  /** The id of an existing credential to manage instead of creating one. Provider-only: no default. */
  adoptId: { kind: "id" },
};

/** Response fields every mode answers with (older tenants omit owner and restriction_type). */
export const commonOutputs: FieldTable = {
  credentialId: { api: "id", kind: "id" },
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
  // A create sends what is declared (the service fills in defaults, or the live credential's
  // values for a test credential). An update carries the whole desired state and the mode, so it
  // is right whether PUT replaces the record or merges into it.
  const isTestCredential = (values: Inputs) => given(values.liveCredentialId);
  return {
    label: `Tines ${mode} credential`,
    idSpace: "Tines user_credentials",
    inputs,
    outputs: { ...commonOutputs, ...own.outputs },
    idField: "id",
    rules: (values) => [...commonRules(values), ...(own.rules?.(values) ?? [])],
    connect: () => tinesApi(mode),
    isTestCredential,
    createBody: (values) => ({ ...requestBody(inputs, values), mode }),
    updateBody: (values) => ({ ...updateRequestBody(inputs, values, isTestCredential(values)), mode }),
    mismatch: (record, values) => {
      if (record.mode !== undefined && record.mode !== mode) {
        return `is a ${String(record.mode)} credential, not ${mode}`;
      }
      // A field that cannot change in place (team, live credential, AWS authentication type) must
      // already hold the declared value: updating it in place is undocumented, and a KEY credential
      // taken over as ROLE would keep its key pair, while recording it as is would make the next
      // diff replace (delete) the credential just adopted.
      for (const [name, field] of Object.entries(inputs)) {
        const stored = field.api === undefined ? undefined : record[field.api];
        if (field.replaces && field.api && known(values[name]) && given(stored)) {
          if (!sameValue(field.kind, stored, values[name])) {
            return `has ${field.api} ${String(stored)}, not ${String(values[name])}`;
          }
        }
      }
      return undefined;
    },
    updatedAtOutput: "updatedAt",
  };
}
