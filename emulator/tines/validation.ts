// Tines request validation: the field rules and how a request body becomes a stored record.
import { randomUUID } from "node:crypto";
import { isPlainObject } from "../http";
import type {
  TinesAwsAuthenticationType,
  TinesMode,
  TinesOwner,
  TinesReadAccess,
  TinesRecord,
} from "../types";

export const TINES_MODES: readonly TinesMode[] = ["TEXT", "JWT", "AWS"];
export const TINES_READ_ACCESS: readonly TinesReadAccess[] = ["TEAM", "GLOBAL", "SPECIFIC_TEAMS"];
export const TINES_AWS_AUTH_TYPES: readonly TinesAwsAuthenticationType[] = [
  "KEY",
  "ROLE",
  "INSTANCE_PROFILE",
];
export const TINES_JWT_ALGORITHMS: readonly string[] = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "ES512",
  "PS256",
  "PS384",
  "PS512",
];
/** Inputs the API accepts but never returns. */
export const TINES_SECRET_FIELDS = ["value", "jwt_private_key", "aws_secret_key"] as const;
/** Kept in the store, never returned by the API. */
export const TINES_INTERNAL_FIELDS: readonly string[] = [...TINES_SECRET_FIELDS, "live_credential_id"];

export const TINES_OWNER: TinesOwner = {
  user_id: 1,
  first_name: "Emulator",
  last_name: "User",
  email: "emulator@example.invalid",
};

export interface TinesFieldError {
  message: string;
  details: string;
}

export class TinesValidationError extends Error {
  constructor(readonly errors: TinesFieldError[]) {
    super(`Tines validation failed: ${errors.map((e) => e.message).join("; ")}`);
    this.name = "TinesValidationError";
  }
}

/** Name lowercased, every non-alphanumeric character replaced by "_". */
export function tinesSlug(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, "_");
}

// ---- field rules: each returns a problem description, or undefined when the value is fine ----

type Rule = (v: unknown) => string | undefined;

const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
const nonEmptyString: Rule = (v) =>
  typeof v === "string" && v.trim() !== "" ? undefined : "must be a non-empty string";
const nonEmptyStringOrNull: Rule = (v) => (v === null ? undefined : nonEmptyString(v));
const anyString: Rule = (v) => (typeof v === "string" ? undefined : "must be a string");
const positiveInt: Rule = (v) => (isInt(v) && v > 0 ? undefined : "must be a positive integer");
const positiveIntOrNull: Rule = (v) => (v === null ? undefined : positiveInt(v));
const boolean: Rule = (v) => (typeof v === "boolean" ? undefined : "must be a boolean");
const object: Rule = (v) => (isPlainObject(v) ? undefined : "must be a JSON object");
const stringArray: Rule = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "must be an array of strings";
const intArray: Rule = (v) =>
  Array.isArray(v) && v.every((x) => isInt(x)) ? undefined : "must be an array of integers";
const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === "string" && values.includes(v) ? undefined : `must be one of ${values.join(", ")}`;

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Parses an ISO 8601 date or date-time (no offset means UTC) into a Date, or undefined. */
export function parseIso8601(v: string): Date | undefined {
  const m = ISO_8601.exec(v);
  if (!m) return undefined;
  let text = v;
  if (m[4] !== undefined && m[7] === undefined) text += "Z";
  else if (m[7] !== undefined && /^[+-]\d{4}$/.test(m[7]))
    text = text.slice(0, -5) + m[7].slice(0, 3) + ":" + m[7].slice(3);
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return undefined;
  // Reject impossible calendar dates (e.g. 2026-02-30) that Date silently rolls over.
  if (m[7] === undefined || /^z$/i.test(m[7])) {
    const iso = d.toISOString();
    if (iso.slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return undefined;
  }
  return d;
}

const isoOrNull: Rule = (v) =>
  v === null || (typeof v === "string" && parseIso8601(v) !== undefined)
    ? undefined
    : "must be an ISO 8601 timestamp or null";

// ---- building a record from a request body ----

export type TinesRecordContent = Omit<TinesRecord, "id" | "created_at" | "updated_at">;

export interface BuildContext {
  /** PUT / out-of-band update: the current record (secrets and fields without a default are kept). */
  existing?: TinesRecord;
  /** Create: resolves `live_credential_id`. */
  findLive?: (id: number) => TinesRecord | undefined;
}

/**
 * Validates a body and builds the stored content. Create semantics without `existing`; with
 * `existing`, replace semantics: fields with a documented default go back to it when absent, while
 * secrets and fields without a default (`name`, `jwt_algorithm`, `aws_authentication_type`,
 * `aws_access_key`, `aws_assumed_role_arn`, `team_id`) keep their current value.
 */
export function buildTinesContent(
  body: Record<string, unknown>,
  ctx: BuildContext,
): { errors: TinesFieldError[]; content?: TinesRecordContent } {
  const errors: TinesFieldError[] = [];
  const failed = new Set<string>();
  const fail = (field: string, problem: string) => {
    failed.add(field);
    errors.push({ message: `${field} ${problem}`, details: `Invalid parameter: ${field}` });
  };
  const has = (field: string) => body[field] !== undefined;
  function take<T>(field: string, rule: Rule, fallback: () => T): T {
    if (!has(field)) return fallback();
    const problem = rule(body[field]);
    if (problem !== undefined) {
      fail(field, problem);
      return fallback();
    }
    return structuredClone(body[field]) as T;
  }
  function required<T>(field: string, rule: Rule, kept: T | undefined, why = "is required"): T | undefined {
    if (!has(field)) {
      if (kept === undefined) fail(field, why);
      return kept;
    }
    return take<T | undefined>(field, rule, () => undefined);
  }
  const { existing } = ctx;

  // mode
  let mode: TinesMode | undefined;
  if (!has("mode")) fail("mode", "is required");
  else if (typeof body.mode === "string" && (TINES_MODES as readonly string[]).includes(body.mode)) {
    mode = body.mode as TinesMode;
  } else {
    fail("mode", `must be one of ${TINES_MODES.join(", ")} (other modes are not supported)`);
  }

  const name = required<string>("name", nonEmptyString, existing?.name);

  // live credential (create only): supplies defaults for team, folder, read access and description
  let live: TinesRecord | undefined;
  let liveCredentialId = existing?.live_credential_id;
  if (!existing && has("live_credential_id")) {
    const id = take<number | undefined>("live_credential_id", positiveInt, () => undefined);
    if (id !== undefined) {
      live = ctx.findLive?.(id);
      if (!live) fail("live_credential_id", "does not match an existing credential");
      else if (mode !== undefined && live.mode !== mode) {
        fail("live_credential_id", `must reference a ${mode} credential`);
        live = undefined;
      } else liveCredentialId = id;
    }
  }

  let teamId: number | undefined;
  if (existing) teamId = take<number>("team_id", positiveInt, () => existing.team_id);
  else if (has("team_id")) teamId = take<number | undefined>("team_id", positiveInt, () => undefined);
  else if (live) teamId = live.team_id;
  else if (!failed.has("live_credential_id"))
    fail("team_id", "is required (unless live_credential_id is given)");

  const folderId = take<number | null>("folder_id", positiveIntOrNull, () => live?.folder_id ?? null);
  const readAccess = take<TinesReadAccess>(
    "read_access",
    oneOf(TINES_READ_ACCESS),
    () => live?.read_access ?? "TEAM",
  );
  let sharedTeamSlugs = take<string[]>("shared_team_slugs", stringArray, () =>
    live && !has("read_access") ? [...live.shared_team_slugs] : [],
  );
  if (readAccess === "SPECIFIC_TEAMS" && sharedTeamSlugs.length === 0 && !failed.has("shared_team_slugs")) {
    fail("shared_team_slugs", "must be a non-empty array when read_access is SPECIFIC_TEAMS");
  }
  if (readAccess !== "SPECIFIC_TEAMS") sharedTeamSlugs = [];
  const description = take<string>("description", anyString, () => live?.description ?? "");
  const metadata = take<Record<string, unknown>>("metadata", object, () => ({}));
  const allowedHosts = take<string[]>("allowed_hosts", stringArray, () => []);
  const expiresAtRaw = take<string | null>("expires_at", isoOrNull, () => null);
  const expiresAt = expiresAtRaw === null ? null : (parseIso8601(expiresAtRaw)?.toISOString() ?? null);
  const expiryNotifications = take<boolean>("expiry_notifications_enabled", boolean, () => false);
  const recipients = take<number[]>("credential_notification_recipient_user_ids", intArray, () => []);

  const modeFields: Partial<TinesRecord> = {};
  const secrets: Partial<TinesRecord> = {};
  if (mode === "TEXT") {
    const value = required<string>("value", nonEmptyString, existing?.value);
    if (value !== undefined) secrets.value = value;
  } else if (mode === "JWT") {
    modeFields.jwt_algorithm = required<string>(
      "jwt_algorithm",
      oneOf(TINES_JWT_ALGORITHMS),
      existing?.jwt_algorithm,
    );
    modeFields.jwt_payload = take<Record<string, unknown>>("jwt_payload", object, () => ({}));
    modeFields.jwt_auto_generate_time_claims = take<boolean>(
      "jwt_auto_generate_time_claims",
      boolean,
      () => false,
    );
    const key = required<string>("jwt_private_key", nonEmptyString, existing?.jwt_private_key);
    if (key !== undefined) secrets.jwt_private_key = key;
  } else if (mode === "AWS") {
    const authType = required<TinesAwsAuthenticationType>(
      "aws_authentication_type",
      oneOf(TINES_AWS_AUTH_TYPES),
      existing?.aws_authentication_type,
    );
    const accessKey = take<string | null>(
      "aws_access_key",
      nonEmptyStringOrNull,
      () => existing?.aws_access_key ?? null,
    );
    const roleArn = take<string | null>(
      "aws_assumed_role_arn",
      nonEmptyStringOrNull,
      () => existing?.aws_assumed_role_arn ?? null,
    );
    const secretKey = take<string | undefined>(
      "aws_secret_key",
      nonEmptyString,
      () => existing?.aws_secret_key,
    );
    if (authType === "ROLE" && roleArn === null && !failed.has("aws_assumed_role_arn")) {
      fail("aws_assumed_role_arn", "is required when aws_authentication_type is ROLE");
    }
    if (authType === "KEY") {
      if (accessKey === null && !failed.has("aws_access_key")) {
        fail("aws_access_key", "is required when aws_authentication_type is KEY");
      }
      if (secretKey === undefined && !failed.has("aws_secret_key")) {
        fail("aws_secret_key", "is required when aws_authentication_type is KEY");
      }
    }
    modeFields.aws_authentication_type = authType;
    modeFields.aws_access_key = accessKey;
    modeFields.aws_assumed_role_arn = roleArn;
    modeFields.use_static_external_id = take<boolean>("use_static_external_id", boolean, () => false);
    modeFields.aws_assumed_role_external_id = existing?.aws_assumed_role_external_id ?? randomUUID();
    if (secretKey !== undefined) secrets.aws_secret_key = secretKey;
  }

  if (errors.length > 0 || mode === undefined || name === undefined || teamId === undefined) {
    return { errors };
  }
  const content: TinesRecordContent = {
    name,
    mode,
    team_id: teamId,
    folder_id: folderId,
    read_access: readAccess,
    shared_team_slugs: sharedTeamSlugs,
    slug: tinesSlug(name),
    description,
    allowed_hosts: allowedHosts,
    metadata,
    restriction_type: "UNRESTRICTED",
    test_credential_enabled: false,
    owner: { ...TINES_OWNER },
    expires_at: expiresAt,
    expiry_notifications_enabled: expiryNotifications,
    credential_notification_recipient_user_ids: recipients,
    ...modeFields,
    ...secrets,
  };
  if (liveCredentialId !== undefined) content.live_credential_id = liveCredentialId;
  return { errors, content };
}
