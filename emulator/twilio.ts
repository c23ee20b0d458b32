// Twilio `/v1/Credentials/AWS` emulation: form-encoded requests, basic auth, storage and handler.
import { randomBytes } from "node:crypto";
import { mediaType, safeEqual, type ApiRequest, type ApiResponse } from "./http";
import type { TwilioRecord } from "./types";

export const TWILIO_BASE_PATH = "/v1/Credentials/AWS";
export const TWILIO_ACCOUNT_SID_RE = /^AC[0-9a-fA-F]{32}$/;
export const TWILIO_API_KEY_RE = /^SK[0-9a-fA-F]{32}$/;
export const TWILIO_CREDENTIAL_SID_RE = /^CR[0-9a-fA-F]{32}$/;
export const TWILIO_DEFAULT_PAGE_SIZE = 50;
export const TWILIO_MAX_PAGE_SIZE = 1000;
export const TWILIO_FRIENDLY_NAME_MAX = 64;

/** A Twilio API error; also thrown by the out-of-band accessors. */
export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
    this.name = "TwilioApiError";
  }
}

/**
 * Twilio's OpenAPI description documents no error answer for the Credentials/AWS operations (only
 * 200/201/204), so this form, from other-endpoints.md, is ours; tests/contract states it.
 */
export function twilioErrorResponse(
  status: number,
  code: number,
  message: string,
  headers?: Record<string, string>,
): ApiResponse {
  return {
    status,
    body: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
    headers,
  };
}

/** "2015-07-31T04:00:00Z": ISO 8601, UTC, whole seconds. */
export function twilioDate(d = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}

const notFound = (path: string) =>
  new TwilioApiError(404, 20404, `The requested resource ${path.replace(/^\/v1/, "")} was not found`);

export interface TwilioCreateParams {
  Credentials?: string;
  FriendlyName?: string;
  AccountSid?: string;
}

export interface TwilioSnapshot {
  nextSeq: number;
  records: Array<TwilioRecord & { seq: number }>;
}

export interface TwilioStoreOptions {
  accountSid: string;
  subaccounts: readonly string[];
  baseUrl: () => string;
}

/**
 * The stored name. The spec types friendly_name `string | null` and names no empty-string state; a
 * client can only remove a name by sending it empty (an update without FriendlyName keeps it), so
 * an empty FriendlyName is "no name", stored as null like a create without one.
 */
const storedName = (name: string | undefined): string | null =>
  name === undefined || name === "" ? null : name;

function checkFriendlyName(name: string): void {
  if (typeof name !== "string")
    throw new TwilioApiError(400, 20002, "Invalid FriendlyName: must be a string");
  if ([...name].length > TWILIO_FRIENDLY_NAME_MAX) {
    throw new TwilioApiError(
      400,
      20002,
      `Invalid FriendlyName: must be at most ${TWILIO_FRIENDLY_NAME_MAX} characters`,
    );
  }
}

export class TwilioStore {
  private records = new Map<string, { rec: TwilioRecord; seq: number }>();
  private nextSeq = 1;

  constructor(
    private readonly opts: TwilioStoreOptions,
    private readonly onChange: () => void,
  ) {}

  private url(sid: string): string {
    return `${this.opts.baseUrl()}${TWILIO_BASE_PATH}/${sid}`;
  }

  list(): TwilioRecord[] {
    return this.ordered().map(({ rec }) => ({ ...rec }));
  }

  ordered(): Array<{ rec: TwilioRecord; seq: number }> {
    return [...this.records.values()].sort((a, b) => a.seq - b.seq);
  }

  get(sid: string): TwilioRecord | undefined {
    const entry = this.records.get(sid);
    return entry ? { ...entry.rec } : undefined;
  }

  count(): number {
    return this.records.size;
  }

  /** Validates like the API (first failing rule wins) and stores; throws TwilioApiError. */
  create(params: TwilioCreateParams): TwilioRecord {
    const { Credentials: credentials, FriendlyName: friendlyName, AccountSid: accountSid } = params;
    if (credentials === undefined) {
      throw new TwilioApiError(400, 20001, "Missing required parameter Credentials in the post body");
    }
    const colon = typeof credentials === "string" ? credentials.indexOf(":") : -1;
    if (colon <= 0 || colon === credentials.length - 1) {
      throw new TwilioApiError(
        400,
        20001,
        "Invalid parameter Credentials: expected <AWS_ACCESS_KEY_ID>:<AWS_SECRET_ACCESS_KEY>",
      );
    }
    if (friendlyName !== undefined) checkFriendlyName(friendlyName);
    let owner = this.opts.accountSid;
    if (accountSid !== undefined) {
      if (typeof accountSid !== "string" || !TWILIO_ACCOUNT_SID_RE.test(accountSid)) {
        throw new TwilioApiError(400, 20001, "Invalid parameter AccountSid: must match ^AC[0-9a-fA-F]{32}$");
      }
      if (accountSid !== this.opts.accountSid && !this.opts.subaccounts.includes(accountSid)) {
        throw new TwilioApiError(
          404,
          20404,
          `The requested resource /Accounts/${accountSid} was not found: AccountSid must be the account issuing the request or one of its subaccounts`,
        );
      }
      owner = accountSid;
    }
    let sid: string;
    do sid = `CR${randomBytes(16).toString("hex")}`;
    while (this.records.has(sid));
    const now = twilioDate();
    const rec: TwilioRecord = {
      sid,
      account_sid: owner,
      friendly_name: storedName(friendlyName),
      date_created: now,
      date_updated: now,
      url: this.url(sid),
      credentials,
    };
    this.records.set(sid, { rec, seq: this.nextSeq++ });
    this.onChange();
    return { ...rec };
  }

  /** Update: only FriendlyName; always bumps date_updated. Throws TwilioApiError (20404, 20002). */
  update(sid: string, friendlyName: string | undefined): TwilioRecord {
    const entry = this.records.get(sid);
    if (!entry) throw notFound(`${TWILIO_BASE_PATH}/${sid}`);
    if (friendlyName !== undefined) checkFriendlyName(friendlyName);
    entry.rec = {
      ...entry.rec,
      friendly_name: friendlyName === undefined ? entry.rec.friendly_name : storedName(friendlyName),
      date_updated: twilioDate(),
    };
    this.onChange();
    return { ...entry.rec };
  }

  remove(sid: string): boolean {
    const removed = this.records.delete(sid);
    if (removed) this.onChange();
    return removed;
  }

  clear(): void {
    this.records.clear();
    this.nextSeq = 1;
  }

  snapshot(): TwilioSnapshot {
    return { nextSeq: this.nextSeq, records: this.ordered().map(({ rec, seq }) => ({ ...rec, seq })) };
  }

  load(snapshot: TwilioSnapshot): void {
    this.records.clear();
    for (const { seq, ...rec } of snapshot.records) {
      this.records.set(rec.sid, { rec: { ...rec, url: this.url(rec.sid) }, seq });
    }
    const maxSeq = Math.max(0, ...snapshot.records.map((r) => r.seq));
    this.nextSeq = Math.max(snapshot.nextSeq, maxSeq + 1);
  }
}

/** The API view: documented fields only, never `credentials`. */
export function twilioPublicView(rec: TwilioRecord): Record<string, unknown> {
  return {
    sid: rec.sid,
    account_sid: rec.account_sid,
    friendly_name: rec.friendly_name,
    date_created: rec.date_created,
    date_updated: rec.date_updated,
    url: rec.url,
  };
}

// ---- HTTP ----

export interface TwilioHandlerContext {
  store: TwilioStore;
  baseUrl: string;
  /** Accepted basic-auth pairs: account SID + auth token, and the optional API key + secret. */
  credentials: ReadonlyArray<{ user: string; password: string }>;
}

function authenticated(req: ApiRequest, ctx: TwilioHandlerContext): boolean {
  const auth = req.headers.authorization;
  if (typeof auth !== "string") return false;
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(auth.trim());
  if (!m) return false;
  const decoded = Buffer.from(m[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  const user = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return ctx.credentials.some((c) => safeEqual(c.user, user) && safeEqual(c.password, password));
}

/** Form parameters (first value of each); a body that is not form-encoded carries no parameters. */
function formParams(req: ApiRequest): URLSearchParams {
  if (req.body.length === 0 || mediaType(req.headers) !== "application/x-www-form-urlencoded") {
    return new URLSearchParams();
  }
  return new URLSearchParams(req.body.toString("utf8"));
}

function param(params: URLSearchParams, name: string): string | undefined {
  const v = params.get(name);
  return v === null ? undefined : v;
}

function toResponse(err: unknown): ApiResponse {
  if (err instanceof TwilioApiError) return twilioErrorResponse(err.status, err.code, err.message);
  throw err;
}

export function handleTwilio(req: ApiRequest, ctx: TwilioHandlerContext): ApiResponse {
  if (!authenticated(req, ctx)) {
    const res = twilioErrorResponse(401, 20003, "Authenticate");
    res.headers = { "WWW-Authenticate": 'Basic realm="Twilio API"' };
    return res;
  }
  const { store } = ctx;
  const methodNotAllowed = () => twilioErrorResponse(405, 20004, "Method not allowed");
  try {
    if (req.path === TWILIO_BASE_PATH) {
      if (req.method === "GET") return listTwilio(req, ctx);
      if (req.method === "POST") {
        const p = formParams(req);
        const rec = store.create({
          Credentials: param(p, "Credentials"),
          FriendlyName: param(p, "FriendlyName"),
          AccountSid: param(p, "AccountSid"),
        });
        return { status: 201, body: twilioPublicView(rec) };
      }
      return methodNotAllowed();
    }
    const m = /^\/v1\/Credentials\/AWS\/([^/]+)$/.exec(req.path);
    if (!m) throw notFound(req.path);
    const sid = decodeURIComponent(m[1]);
    if (!TWILIO_CREDENTIAL_SID_RE.test(sid)) throw notFound(req.path);
    if (req.method === "GET") {
      const rec = store.get(sid);
      if (!rec) throw notFound(req.path);
      return { status: 200, body: twilioPublicView(rec) };
    }
    if (req.method === "POST") {
      const rec = store.update(sid, param(formParams(req), "FriendlyName"));
      return { status: 200, body: twilioPublicView(rec) };
    }
    if (req.method === "DELETE") {
      if (!store.remove(sid)) throw notFound(req.path);
      return { status: 204 };
    }
    return methodNotAllowed();
  } catch (err) {
    return toResponse(err);
  }
}

function listTwilio(req: ApiRequest, ctx: TwilioHandlerContext): ApiResponse {
  const q = req.query;
  // The spec bounds PageSize to 1..1000 without saying what Twilio does outside: the emulator
  // clamps to 1000 and takes the default 50 for anything below 1 or not a number.
  const sizeRaw = q.get("PageSize");
  const pageSize =
    sizeRaw !== null && /^\d{1,9}$/.test(sizeRaw) && Number(sizeRaw) >= 1
      ? Math.min(Number(sizeRaw), TWILIO_MAX_PAGE_SIZE)
      : TWILIO_DEFAULT_PAGE_SIZE;
  const pageRaw = q.get("Page");
  const page = pageRaw !== null && /^\d{1,9}$/.test(pageRaw) ? Number(pageRaw) : 0;
  const token = q.get("PageToken");
  let afterSeq: number | undefined;
  if (token !== null && token !== "") {
    const t = /^PA(\d{1,15})$/.exec(token);
    if (!t) throw new TwilioApiError(400, 20001, "Invalid parameter PageToken");
    afterSeq = Number(t[1]);
  }
  const all = ctx.store.ordered();
  let start = page * pageSize;
  if (afterSeq !== undefined) {
    const idx = all.findIndex((e) => e.seq > afterSeq!);
    start = idx < 0 ? all.length : idx;
  }
  const slice = all.slice(start, start + pageSize);
  const pageUrl = (n: number, pageToken?: string) => {
    const p = new URLSearchParams({ PageSize: String(pageSize), Page: String(n) });
    if (pageToken) p.set("PageToken", pageToken);
    return `${ctx.baseUrl}${TWILIO_BASE_PATH}?${p.toString()}`;
  };
  const hasNext = start + pageSize < all.length;
  const last = slice[slice.length - 1];
  return {
    status: 200,
    body: {
      credentials: slice.map(({ rec }) => twilioPublicView(rec)),
      meta: {
        page,
        page_size: pageSize,
        first_page_url: pageUrl(0),
        previous_page_url: page > 0 ? pageUrl(page - 1) : null,
        next_page_url: hasNext && last ? pageUrl(page + 1, `PA${last.seq}`) : null,
        url: pageUrl(page, afterSeq !== undefined ? `PA${afterSeq}` : undefined),
        key: "credentials",
      },
    },
  };
}
