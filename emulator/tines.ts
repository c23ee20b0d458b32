// Tines `/api/v1/user_credentials` emulation: validation, storage and the HTTP handler.
import { randomUUID } from "node:crypto";
import { isPlainObject, mediaType, safeEqual, type ApiRequest, type ApiResponse } from "./http";
import type {
  TinesAwsAuthenticationType,
  TinesMode,
  TinesPutSemantics,
  TinesOwner,
  TinesReadAccess,
  TinesRecord,
} from "./types";

export const TINES_BASE_PATH = "/api/v1/user_credentials";
export const TINES_MODES: readonly TinesMode[] = ["TEXT", "JWT", "AWS"];
export const TINES_PUT_SEMANTICS: readonly TinesPutSemantics[] = ["replace", "merge"];
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
const TINES_INTERNAL_FIELDS: readonly string[] = [...TINES_SECRET_FIELDS, "live_credential_id"];

export const TINES_OWNER: TinesOwner = {
  user_id: 1,
  first_name: "Emulator",
  last_name: "User",
  email: "emulator@example.invalid",
};

export const TINES_DEFAULT_PER_PAGE = 20;
export const TINES_MAX_PER_PAGE = 500;
/** `meta.next_page_number` on the last page, as Tines' own SDK recorded it (see listTines). */
const LAST_PAGE_NEXT_PAGE_NUMBER = 1;

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

/** The API view of a record: documented field order, no secret or internal field. */
export function tinesPublicView(rec: TinesRecord): Record<string, unknown> {
  const ordered: Record<string, unknown> = {
    id: rec.id,
    name: rec.name,
    mode: rec.mode,
    team_id: rec.team_id,
    folder_id: rec.folder_id,
    read_access: rec.read_access,
    shared_team_slugs: rec.shared_team_slugs,
    slug: rec.slug,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
    description: rec.description,
  };
  for (const [k, v] of Object.entries(rec)) {
    if (!(k in ordered) && !TINES_INTERNAL_FIELDS.includes(k)) ordered[k] = v;
  }
  return structuredClone(ordered);
}

// ---- the store ----

/** The record with the changes laid over it (id, timestamps and slug are the store's own). */
function mergedInto(existing: TinesRecord, changes: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...structuredClone(existing) };
  for (const [k, v] of Object.entries(changes)) {
    if (k !== "id" && k !== "created_at" && k !== "updated_at" && k !== "slug") merged[k] = v;
  }
  return merged;
}

export interface TinesSnapshot {
  nextId: number;
  records: TinesRecord[];
}

export class TinesStore {
  private records = new Map<number, TinesRecord>();
  private nextId = 1;
  private lastMs = 0;

  constructor(
    private readonly onChange: () => void,
    /** What a PUT does with the fields it leaves out: see EmulatorOptions.tinesPut. */
    private readonly putSemantics: TinesPutSemantics = "replace",
  ) {}

  /** ISO timestamp with milliseconds, strictly increasing so every write moves `updated_at`. */
  private timestamp(): string {
    const ms = Math.max(Date.now(), this.lastMs + 1);
    this.lastMs = ms;
    return new Date(ms).toISOString();
  }

  list(): TinesRecord[] {
    return [...this.records.values()].sort((a, b) => a.id - b.id).map((r) => structuredClone(r));
  }

  get(id: number): TinesRecord | undefined {
    const rec = this.records.get(id);
    return rec ? structuredClone(rec) : undefined;
  }

  count(): number {
    return this.records.size;
  }

  /** The test credential made for live credential `id` (the first, by id), if any. */
  testCredentialOf(id: number): TinesRecord | undefined {
    let found: TinesRecord | undefined;
    for (const rec of this.records.values()) {
      if (rec.live_credential_id === id && (found === undefined || rec.id < found.id)) found = rec;
    }
    return found ? structuredClone(found) : undefined;
  }

  /** POST semantics; throws TinesValidationError. */
  create(body: Record<string, unknown>): TinesRecord {
    const { errors, content } = buildTinesContent(body, { findLive: (id) => this.records.get(id) });
    if (!content) throw new TinesValidationError(errors);
    const now = this.timestamp();
    const rec = { id: this.nextId++, ...content, created_at: now, updated_at: now } as TinesRecord;
    this.records.set(rec.id, this.ordered(rec));
    this.onChange();
    return structuredClone(rec);
  }

  /**
   * PUT (mode/team checks are the handler's): "replace" sends absent fields back to their default,
   * "merge" keeps them. Throws TinesValidationError.
   */
  put(id: number, body: Record<string, unknown>): TinesRecord | undefined {
    const existing = this.records.get(id);
    if (!existing) return undefined;
    const { errors, content } = buildTinesContent(
      this.putSemantics === "merge" ? mergedInto(existing, body) : body,
      { existing },
    );
    if (!content) throw new TinesValidationError(errors);
    return this.store(existing, content);
  }

  /** Out-of-band change: the patch is merged into the current record, then validated. */
  patch(id: number, patch: Record<string, unknown>): TinesRecord {
    const existing = this.records.get(id);
    if (!existing) throw new Error(`Tines credential ${id} does not exist`);
    const { errors, content } = buildTinesContent(mergedInto(existing, patch), { existing });
    if (!content) throw new TinesValidationError(errors);
    return this.store(existing, content);
  }

  private store(existing: TinesRecord, content: TinesRecordContent): TinesRecord {
    const rec = {
      id: existing.id,
      ...content,
      created_at: existing.created_at,
      updated_at: this.timestamp(),
    } as TinesRecord;
    this.records.set(rec.id, this.ordered(rec));
    this.onChange();
    return structuredClone(rec);
  }

  private ordered(rec: TinesRecord): TinesRecord {
    const view = tinesPublicView(rec) as unknown as TinesRecord;
    for (const k of TINES_INTERNAL_FIELDS) {
      const v = (rec as unknown as Record<string, unknown>)[k];
      if (v !== undefined) (view as unknown as Record<string, unknown>)[k] = v;
    }
    return view;
  }

  remove(id: number): boolean {
    const removed = this.records.delete(id);
    if (removed) this.onChange();
    return removed;
  }

  clear(): void {
    this.records.clear();
    this.nextId = 1;
  }

  snapshot(): TinesSnapshot {
    return { nextId: this.nextId, records: this.list() };
  }

  load(snapshot: TinesSnapshot): void {
    this.records.clear();
    for (const rec of snapshot.records) {
      this.records.set(rec.id, structuredClone(rec));
      const ms = Date.parse(rec.updated_at);
      if (!Number.isNaN(ms)) this.lastMs = Math.max(this.lastMs, ms);
    }
    const maxId = Math.max(0, ...snapshot.records.map((r) => r.id));
    this.nextId = Math.max(snapshot.nextId, maxId + 1);
  }
}

// ---- HTTP ----

/**
 * What the API answers for a record: its public view, plus for a live credential with a test credential
 * the documented `test_credential` object holding the test credential's timestamps (the Get page; its id
 * is in no documented response). Worked out when answering, so the live record itself never changes.
 */
function apiView(rec: TinesRecord, testOf: (id: number) => TinesRecord | undefined): Record<string, unknown> {
  const view = tinesPublicView(rec);
  const test = testOf(rec.id);
  if (test) view.test_credential = { created_at: test.created_at, updated_at: test.updated_at };
  return view;
}

export interface TinesHandlerContext {
  store: TinesStore;
  apiKey: string;
  baseUrl: string;
}

const notFound = (): ApiResponse => ({ status: 404, body: { error: "Not Found" } });
const unprocessable = (errors: TinesFieldError[]): ApiResponse => ({ status: 422, body: { errors } });

export function tinesErrorResponse(
  status: number,
  message: string,
  headers?: Record<string, string>,
): ApiResponse {
  return { status, body: { error: message }, headers };
}

function authenticated(req: ApiRequest, apiKey: string): boolean {
  const auth = req.headers.authorization;
  if (typeof auth === "string") {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(auth.trim());
    if (m && safeEqual(m[1], apiKey)) return true;
  }
  const token = req.headers["x-user-token"];
  return typeof token === "string" && safeEqual(token.trim(), apiKey);
}

function parseJsonBody(req: ApiRequest): { body: Record<string, unknown> } | { response: ApiResponse } {
  if (req.body.length === 0) return { body: {} };
  if (mediaType(req.headers) !== "application/json") {
    return { response: tinesErrorResponse(415, "Content-Type must be application/json") };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString("utf8"));
  } catch {
    return { response: tinesErrorResponse(400, "Request body is not valid JSON") };
  }
  if (!isPlainObject(parsed)) {
    return {
      response: unprocessable([{ message: "request body must be a JSON object", details: "Invalid body" }]),
    };
  }
  return { body: parsed };
}

function validationResponse(err: unknown): ApiResponse {
  if (err instanceof TinesValidationError) return unprocessable(err.errors);
  throw err;
}

export function handleTines(req: ApiRequest, ctx: TinesHandlerContext): ApiResponse {
  if (!authenticated(req, ctx.apiKey)) return tinesErrorResponse(401, "Unauthorized");
  const { store } = ctx;
  if (req.path === TINES_BASE_PATH) {
    if (req.method === "GET") return listTines(req, ctx);
    if (req.method === "POST") {
      const parsed = parseJsonBody(req);
      if ("response" in parsed) return parsed.response;
      try {
        return { status: 201, body: apiView(store.create(parsed.body), (id) => store.testCredentialOf(id)) };
      } catch (err) {
        return validationResponse(err);
      }
    }
    return notFound();
  }
  const m = /^\/api\/v1\/user_credentials\/(\d{1,15})$/.exec(req.path);
  if (!m) return notFound();
  const id = Number(m[1]);
  const current = store.get(id);
  if (!current) return notFound();
  const view = (rec: TinesRecord) => apiView(rec, (liveId) => store.testCredentialOf(liveId));
  if (req.method === "GET") return { status: 200, body: view(current) };
  if (req.method === "DELETE") {
    store.remove(id);
    return { status: 204 };
  }
  if (req.method === "PUT") {
    const parsed = parseJsonBody(req);
    if ("response" in parsed) return parsed.response;
    const body = parsed.body;
    const errors: TinesFieldError[] = [];
    if (body.mode === undefined) {
      errors.push({ message: "mode is required", details: "Invalid parameter: mode" });
    } else if (body.mode !== current.mode) {
      errors.push({
        message: `mode cannot be changed (the credential is ${current.mode})`,
        details: "Invalid parameter: mode",
      });
    }
    if (body.team_id !== undefined && body.team_id !== current.team_id) {
      errors.push({ message: "team_id cannot be changed", details: "Invalid parameter: team_id" });
    }
    if (errors.length > 0) return unprocessable(errors);
    try {
      const updated = store.put(id, body);
      return updated ? { status: 200, body: view(updated) } : notFound();
    } catch (err) {
      return validationResponse(err);
    }
  }
  return notFound();
}

function intParam(query: URLSearchParams, name: string): number | undefined | null {
  const raw = query.get(name);
  if (raw === null || raw === "") return undefined;
  return /^\d{1,15}$/.test(raw) ? Number(raw) : null;
}

function listTines(req: ApiRequest, ctx: TinesHandlerContext): ApiResponse {
  const teamId = intParam(req.query, "team_id");
  const folderId = intParam(req.query, "folder_id");
  const errors: TinesFieldError[] = [];
  if (teamId === null)
    errors.push({ message: "team_id must be an integer", details: "Invalid parameter: team_id" });
  if (folderId === null) {
    errors.push({ message: "folder_id must be an integer", details: "Invalid parameter: folder_id" });
  }
  if (errors.length > 0) return unprocessable(errors);
  const perPageRaw = intParam(req.query, "per_page");
  const perPage =
    perPageRaw === undefined || perPageRaw === null || perPageRaw < 1
      ? TINES_DEFAULT_PER_PAGE
      : Math.min(perPageRaw, TINES_MAX_PER_PAGE);
  const pageRaw = intParam(req.query, "page");
  const page = pageRaw === undefined || pageRaw === null || pageRaw < 1 ? 1 : pageRaw;

  const stored = ctx.store.list();
  // The first test credential (by id) of each live credential, found once for the whole page.
  const tests = new Map<number, TinesRecord>();
  for (const r of stored) {
    if (r.live_credential_id !== undefined && !tests.has(r.live_credential_id))
      tests.set(r.live_credential_id, r);
  }
  const all = stored.filter(
    (r) =>
      (teamId === undefined || r.team_id === teamId) && (folderId === undefined || r.folder_id === folderId),
  );
  const count = all.length;
  const pages = Math.ceil(count / perPage);
  const items = all.slice((page - 1) * perPage, page * perPage).map((r) => apiView(r, (id) => tests.get(id)));
  const pageUrl = (n: number) => {
    const q = new URLSearchParams();
    if (teamId !== undefined) q.set("team_id", String(teamId));
    if (folderId !== undefined) q.set("folder_id", String(folderId));
    q.set("per_page", String(perPage));
    q.set("page", String(n));
    return `${ctx.baseUrl}${TINES_BASE_PATH}?${q.toString()}`;
  };
  const hasNext = page < pages;
  return {
    status: 200,
    body: {
      user_credentials: items,
      meta: {
        current_page: pageUrl(page),
        previous_page: page > 1 ? pageUrl(page - 1) : null,
        next_page: hasNext ? pageUrl(page + 1) : null,
        // Recorded (tines/go-sdk, a one-page list): the last page answers 1, not null. Whether a
        // later last page also answers 1 or its own number is not recorded; 1 is inferred, and is
        // also answered for an empty list and past the end. Clients must end at `next_page: null`.
        next_page_number: hasNext ? page + 1 : LAST_PAGE_NEXT_PAGE_NUMBER,
        per_page: perPage,
        pages,
        count,
      },
    },
  };
}
