// Tines request validation: how a request body becomes a stored record. The common fields are here;
// each mode's own fields are its entry in modes.ts.
import type { TinesMode, TinesOwner, TinesReadAccess, TinesRecord } from "../types";
import { TINES_MODE_RULES, TINES_MODES } from "./modes";
import {
  anyString,
  boolean,
  intArray,
  isoOrNull,
  nonEmptyString,
  object,
  oneOf,
  parseIso8601,
  positiveInt,
  positiveIntOrNull,
  stringArray,
  type Rule,
} from "./rules";

export const TINES_READ_ACCESS: readonly TinesReadAccess[] = ["TEAM", "GLOBAL", "SPECIFIC_TEAMS"];

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
 * secrets and fields without a default (`name`, `team_id`, and the mode fields modes.ts marks
 * `required` or `initially`) keep their current value.
 */
export function buildTinesContent(
  body: Record<string, unknown>,
  ctx: BuildContext,
): { errors: TinesFieldError[]; content?: TinesRecordContent } {
  const errors: TinesFieldError[] = [];
  const failed = new Set<string>();
  const fail = (field: string, problem: string) => {
    failed.add(field);
    // A problem starting with "[" names a place inside the value: "credential_requests[1].options ...".
    const message = problem.startsWith("[") ? `${field}${problem}` : `${field} ${problem}`;
    errors.push({ message, details: `Invalid parameter: ${field}` });
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
    fail("mode", `must be one of ${TINES_MODES.join(", ")}`);
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

  const modeValues = mode === undefined ? {} : modeContent(mode, take, required, fail, failed, existing);

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
    ...modeValues,
  };
  if (liveCredentialId !== undefined) content.live_credential_id = liveCredentialId;
  return { errors, content };
}

type Take = <T>(field: string, rule: Rule, fallback: () => T) => T;
type Required = <T>(field: string, rule: Rule, kept: T | undefined) => T | undefined;

/** The mode's own fields, by its entry in modes.ts: each field's rule, then the rules across fields. */
function modeContent(
  mode: TinesMode,
  take: Take,
  required: Required,
  fail: (field: string, problem: string) => void,
  failed: ReadonlySet<string>,
  existing: TinesRecord | undefined,
): Partial<TinesRecord> {
  const rules = TINES_MODE_RULES[mode];
  const current = existing as Record<string, unknown> | undefined;
  const values: Record<string, unknown> = {};
  for (const [field, { rule, absent }] of Object.entries(rules.fields)) {
    const kept = current?.[field];
    const value =
      "required" in absent
        ? required(field, rule, kept)
        : "default" in absent
          ? take(field, rule, absent.default)
          : take(field, rule, () => (kept === undefined ? absent.initially : kept));
    if (value !== undefined) values[field] = value;
  }
  rules.check?.(values, fail, failed);
  return { ...values, ...rules.derived?.(existing) } as Partial<TinesRecord>;
}
