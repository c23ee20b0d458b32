// What every Tines credential mode shares: the common request fields, the response fields, the
// common rules, and how a mode's descriptor is assembled from them.
import { CheckFailure, Field, FieldTable, given, Inputs, known, nonEmpty, sameValue } from "../core/fields";
import { requestBody, updateRequestBody } from "../core/mapping";
import { CredentialSpec } from "../core/spec";
import { tinesApi } from "./client";

/**
 * Request fields documented for every mode (TEXT, JWT, AWS). Defaults are the create pages'
 * (`read_access`, `shared_team_slugs`, `description`, `expires_at`, `expiry_notifications_enabled`)
 * or, where the page states none, what every recorded answer holds for a credential created
 * without the field (`folder_id` null, which the Update page calls the root folder; `metadata` {},
 * `allowed_hosts` [], no recipients). The fields a test credential inherits are the ones the create
 * page says default to the live credential's (team, folder, read access, description) plus the
 * metadata and allowed hosts it is also seen to carry over.
 */
export const commonInputs = {
  name: {
    description: "Name of the credential.",
    api: "name",
    kind: "string",
    required: true,
    rule: nonEmpty,
  },
  /** No default: required for a normal credential, inherited by a test credential; a change replaces. */
  teamId: {
    description: "Team the credential lives in. Required unless `liveCredentialId` is set.",
    api: "team_id",
    kind: "id",
    replaces: true,
  },
  folderId: {
    description: "Folder the credential is filed in; unset, the team's root folder.",
    api: "folder_id",
    kind: "id",
    serverDefault: null,
    inheritedByTestCredential: true,
  },
  readAccess: {
    description: "Where the credential can be used: its team, every team, or the teams in `sharedTeamSlugs`.",
    api: "read_access",
    kind: "string",
    oneOf: ["TEAM", "GLOBAL", "SPECIFIC_TEAMS"],
    serverDefault: "TEAM",
    inheritedByTestCredential: true,
  },
  sharedTeamSlugs: {
    description:
      "Slugs of the teams that can use the credential: required (non-empty) with `readAccess` `SPECIFIC_TEAMS`, not allowed otherwise.",
    api: "shared_team_slugs",
    kind: "stringList",
    serverDefault: [],
    inheritedByTestCredential: true,
  },
  description: {
    description: "Description of the credential.",
    api: "description",
    kind: "string",
    serverDefault: "",
    inheritedByTestCredential: true,
  },
  metadata: {
    description: "Key/value metadata, which actions can read through the credential's INFO path.",
    api: "metadata",
    kind: "object",
    serverDefault: {},
    inheritedByTestCredential: true,
  },
  allowedHosts: {
    description:
      "Domains (wildcards allowed) where the credential may be used in HTTP requests; empty: anywhere.",
    api: "allowed_hosts",
    kind: "stringList",
    serverDefault: [],
    inheritedByTestCredential: true,
  },
  /** No default: it makes the credential a test credential; a change replaces. */
  liveCredentialId: {
    description:
      "Makes this the test credential of that live credential, from which it inherits unset fields.",
    api: "live_credential_id",
    kind: "id",
    replaces: true,
  },
  expiresAt: {
    description: "When the credential expires, as an ISO 8601 date-time.",
    api: "expires_at",
    kind: "timestamp",
    serverDefault: null,
  },
  expiryNotificationsEnabled: {
    description: "Whether Tines emails reminders before the credential expires.",
    api: "expiry_notifications_enabled",
    kind: "boolean",
    serverDefault: false,
  },
  credentialNotificationRecipientUserIds: {
    description: "Ids of the users sent the credential's notifications (such as expiry reminders).",
    api: "credential_notification_recipient_user_ids",
    kind: "idList",
    serverDefault: [],
  },
  /** Provider-only: no default. */
  adoptId: {
    description:
      "The id of an existing credential to manage instead of creating one (the import path). Read at create only: removing it later changes nothing; pointing it at another id replaces.",
    kind: "id",
  },
} as const satisfies FieldTable;

/**
 * The token TTL of the two HTTP-request modes (HTTP_REQUEST_AGENT, MULTI_REQUEST). Documented on both
 * pages: a PUT without http_request_ttl sets it to null, so null is what unset means and an update
 * always sends the declared TTL or null. No maximum is enforced: the product docs' limit (24 hours;
 * 2 minutes in an older announcement) is not on the API pages.
 */
export const httpRequestTtl = {
  description:
    "How long Tines reuses a fetched token, in seconds (at least 1); unset, no reuse limit is set. An update always sends it, or null when unset, since Tines sets it to null when a PUT leaves it out.",
  api: "http_request_ttl",
  kind: "seconds",
  writeOnly: true,
  serverDefault: null,
  rule: (value: unknown) =>
    (value as number) >= 1 ? undefined : "must be at least 1 second (unset it for no limit)",
} as const satisfies Field;

/** Response fields every mode answers with (older tenants omit owner and restriction_type). */
export const commonOutputs = {
  credentialId: {
    description: "The credential's id in Tines (also the resource id).",
    api: "id",
    kind: "id",
  },
  mode: { description: "The credential's mode, as Tines names it.", api: "mode", kind: "string" },
  slug: {
    description: "The name in underscored form, as actions refer to the credential.",
    api: "slug",
    kind: "string",
  },
  createdAt: { description: "When the credential was created.", api: "created_at", kind: "timestamp" },
  updatedAt: { description: "When the credential was last updated.", api: "updated_at", kind: "timestamp" },
  owner: {
    description:
      "The user who owns the credential (by default its creator). Undefined on tenants that do not report it.",
    api: "owner",
    kind: "object",
  },
  restrictionType: {
    description:
      "The restriction on the credential's use (`RESTRICTED`, `RESTRICTED_TO_CREDENTIALS`, `UNRESTRICTED`). Undefined on tenants that do not report it.",
    api: "restriction_type",
    kind: "string",
  },
  testCredentialEnabled: {
    description: "Whether the credential has a test credential enabled.",
    api: "test_credential_enabled",
    kind: "boolean",
  },
  testCredential: {
    description: "The test credential's own data (`created_at` and `updated_at`).",
    api: "test_credential",
    kind: "object",
  },
} as const satisfies FieldTable;

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

/**
 * A Tines mode's descriptor: the common fields with the mode's own. Typed with the tables' literal
 * types, so the classes' Args are checked against them at compile time (see resources.ts).
 */
export type TinesSpec<OwnInputs extends FieldTable, OwnOutputs extends FieldTable> = Omit<
  CredentialSpec,
  "inputs" | "outputs"
> & {
  /** The `mode` every request carries and every answer must have. */
  readonly mode: string;
  readonly inputs: typeof commonInputs & OwnInputs;
  readonly outputs: typeof commonOutputs & OwnOutputs;
};

/**
 * The body with the mode every request carries. Set on the body itself: V8 adds a property to an
 * object made by spread (`{ ...body, mode }`) some fifty times slower, on every create and update.
 */
function withMode(body: Record<string, unknown>, mode: string): Record<string, unknown> {
  body.mode = mode;
  return body;
}

/** Builds a Tines mode's descriptor from its own fields and rules. */
export function tinesSpec<OwnInputs extends FieldTable, OwnOutputs extends FieldTable = Record<never, Field>>(
  mode: string,
  own: { inputs: OwnInputs; outputs?: OwnOutputs; rules?: (inputs: Inputs) => CheckFailure[] },
): TinesSpec<OwnInputs, OwnOutputs> {
  const inputs: FieldTable = { ...commonInputs, ...own.inputs };
  const outputs = { ...commonOutputs, ...own.outputs } as typeof commonOutputs & OwnOutputs;
  // A create sends what is declared (the service fills in defaults, or the live credential's
  // values for a test credential). An update carries the whole desired state and the mode, so it
  // is right whether PUT replaces the record or merges into it.
  const isTestCredential = (values: Inputs) => given(values.liveCredentialId);
  return {
    mode,
    label: `Tines ${mode} credential`,
    idSpace: "Tines user_credentials",
    inputs: inputs as typeof commonInputs & OwnInputs,
    outputs,
    idField: "id",
    rules: (values) => [...commonRules(values), ...(own.rules?.(values) ?? [])],
    connect: () => tinesApi(mode),
    isTestCredential,
    createBody: (values) => withMode(requestBody(inputs, values), mode),
    updateBody: (values) => withMode(updateRequestBody(inputs, values, isTestCredential(values)), mode),
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
