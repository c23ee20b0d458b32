// Tines `/api/v1/user_credentials` HTTP handler: auth, routing, body parsing, list paging.
import { isPlainObject, mediaType, safeEqual, type ApiRequest, type ApiResponse } from "../http";
import { TINES_MODE_RULES } from "./modes";
import type { TinesRecord } from "../types";
import { tinesPublicView, type TinesStore } from "./store";
import { TinesValidationError, type TinesFieldError } from "./validation";

export const TINES_BASE_PATH = "/api/v1/user_credentials";
export const TINES_DEFAULT_PER_PAGE = 20;
export const TINES_MAX_PER_PAGE = 500;
/** `meta.next_page_number` on the last page, as Tines' own SDK recorded it (see listTines). */
const LAST_PAGE_NEXT_PAGE_NUMBER = 1;

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

function validationResponse(err: unknown): ApiResponse {
  if (err instanceof TinesValidationError) return unprocessable(err.errors);
  throw err;
}

export function handleTines(req: ApiRequest, ctx: TinesHandlerContext): ApiResponse {
  if (!authenticated(req, ctx.apiKey)) return tinesErrorResponse(401, "Unauthorized");
  const { store } = ctx;
  const view = (rec: TinesRecord) => apiView(rec, (liveId) => store.testCredentialOf(liveId));
  if (req.path === TINES_BASE_PATH) {
    if (req.method === "GET") return listTines(req, ctx);
    if (req.method === "POST") {
      const parsed = parseJsonBody(req);
      if ("response" in parsed) return parsed.response;
      try {
        const rec = store.create(parsed.body);
        const extra = TINES_MODE_RULES[rec.mode].createAnswer?.(rec, ctx.baseUrl);
        return { status: 201, body: { ...extra, ...view(rec) } };
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

  const { records, count } = ctx.store.page(
    (r) =>
      (teamId === undefined || r.team_id === teamId) && (folderId === undefined || r.folder_id === folderId),
    (page - 1) * perPage,
    perPage,
  );
  const pages = Math.ceil(count / perPage);
  const items = records.map((r) => apiView(r, (id) => ctx.store.testCredentialOf(id)));
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
