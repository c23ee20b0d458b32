// One HTTP client policy for both services: keep-alive, a timeout, bounded retries with backoff and
// jitter for throttling and transient gateway errors, never a blind retry of a non-idempotent
// request that may have reached the server, and errors that name method, path, status and the
// API's own message with every known secret redacted.
import axios, { AxiosInstance } from "axios";
import * as http from "http";
import * as https from "https";

export type Service = "Tines" | "Twilio";

export interface HttpSettings {
  service: Service;
  baseUrl: string;
  /** Header set on every request (authorization). */
  headers: Record<string, string>;
  timeoutMs: number;
  maxRetries: number;
  /** Values that must never appear in an error message (API keys, tokens). */
  secrets: string[];
}

export interface ApiRequest {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number>;
  json?: unknown;
  form?: Record<string, string>;
  /**
   * A request that creates something is not idempotent: once it may have reached the server it is
   * never retried here. The caller gets an `uncertain` error and decides (look the object up).
   */
  idempotent: boolean;
  /** Secret values carried by this request, redacted from any error about it. */
  secrets?: string[];
  /** Answer 404 to the caller instead of raising (a read of something that may be gone). */
  allowNotFound?: boolean;
}

export interface ApiResponse {
  status: number;
  data: unknown;
}

/** An error from an API call. Its message is safe to show: secrets are already redacted. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly method: string,
    readonly path: string,
    readonly status: number | undefined,
    /** True when the request may have been processed although no answer arrived. */
    readonly uncertain: boolean,
    /** True when the server may still be working on it (our timeout, or a gateway's 502/504). */
    readonly mayStillComplete = false,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** Shorter secrets cannot be replaced inside text without garbling it or hinting at the value. */
const MIN_REDACTABLE = 8;

/** Replaces every occurrence of any secret (and each long line of a multi-line secret) with [secret]. */
export function redact(text: string, secrets: readonly string[]): string {
  const needles = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_REDACTABLE) continue;
    needles.add(secret);
    for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 16) needles.add(line.trim());
    const colon = secret.indexOf(":");
    if (colon > 0 && secret.length - colon > 4) needles.add(secret.slice(colon + 1));
  }
  let out = text;
  for (const needle of [...needles].sort((a, b) => b.length - a.length)) {
    out = out.split(needle).join("[secret]");
  }
  return out;
}

const RETRIABLE_STATUS = new Set([429, 502, 503, 504]);
/** Errors raised before a connection carried the request: the server cannot have seen it. */
const NOT_SENT_CODES = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 8_000;
const RETRY_AFTER_CAP_MS = 60_000;

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
export function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.min(Number(header) * 1000, RETRY_AFTER_CAP_MS);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.min(Math.max(0, date - now), RETRY_AFTER_CAP_MS);
}

/** Exponential backoff with full jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The API's message, safe to show: secrets replaced, and withheld entirely when a secret is too
 * short to be replaced reliably (the service might echo it).
 */
export function safeApiMessage(data: unknown, secrets: readonly string[]): string {
  const message = apiMessage(data);
  if (!message) return "";
  if (secrets.some((s) => s && s.length < MIN_REDACTABLE)) {
    return "(the API's message is withheld: a secret in this request is too short to redact)";
  }
  return redact(message, secrets);
}

/** Pulls the API's own message out of whichever error body form the service used. */
export function apiMessage(data: unknown): string {
  if (data === undefined || data === null || data === "") return "";
  if (typeof data === "string") return data.slice(0, 500);
  if (Array.isArray(data)) return data.map(apiMessage).filter(Boolean).join("; ");
  if (typeof data === "object") {
    const body = data as Record<string, unknown>;
    if (Array.isArray(body.errors)) return apiMessage(body.errors);
    const text = [body.message, body.error, body.details]
      .filter((v) => typeof v === "string" && v !== "")
      .join(": ");
    const twilio = [
      body.code !== undefined ? `code ${String(body.code)}` : "",
      typeof body.more_info === "string" ? body.more_info : "",
    ]
      .filter(Boolean)
      .join(", ");
    if (text || twilio) return twilio ? `${text} (${twilio})` : text;
    return JSON.stringify(body).slice(0, 500);
  }
  return String(data);
}

/** The credential object of an answer. A create answered without one may still have made one. */
export function expectRecord(
  service: Service,
  response: ApiResponse,
  method: string,
  path: string,
  isCreate = false,
): Record<string, unknown> {
  const data = response.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ApiError(
      `${service} API ${method} ${path} answered HTTP ${response.status} without a credential object`,
      method,
      path,
      response.status,
      isCreate,
    );
  }
  return data as Record<string, unknown>;
}

/** A write to a credential that no longer exists. */
export function goneError(service: Service, method: string, path: string): ApiError {
  return new ApiError(
    `${service} API ${method} ${path} failed with HTTP 404: the credential no longer exists ` +
      `(run \`pulumi refresh\` to drop it from state)`,
    method,
    path,
    404,
    false,
  );
}

/** Without a Date header to go by, how far the server's clock may be from ours. */
const UNKNOWN_CLOCK_SKEW_MS = 10 * 60_000;
/** Date headers have whole-second resolution, and so do some creation timestamps (Twilio). */
const DATE_RESOLUTION_MS = 1_000;

export class HttpClient {
  private readonly axios: AxiosInstance;
  /** Server clock minus ours, from the last Date header; it reads a little low (truncation, latency). */
  private clockOffsetMs: number | undefined;

  constructor(readonly settings: HttpSettings) {
    this.axios = axios.create({
      baseURL: settings.baseUrl,
      timeout: settings.timeoutMs,
      headers: { ...settings.headers, Accept: "application/json" },
      httpAgent: new http.Agent({ keepAlive: true }),
      httpsAgent: new https.Agent({ keepAlive: true }),
      maxRedirects: 0,
      // Statuses are judged here, not by axios, so that every error is built (and redacted) below.
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
      proxy: false,
    });
  }

  /** Sends a request, retrying what is safe to retry. Resolves with a 2xx (or 404 when allowed). */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const secrets = [...this.settings.secrets, ...(request.secrets ?? [])];
    for (let attempt = 0; ; attempt++) {
      const canRetry = attempt < this.settings.maxRetries;
      let response: { status: number; data: unknown; headers: Record<string, unknown> };
      try {
        response = await this.axios.request({
          method: request.method,
          url: request.path,
          params: request.query,
          data: request.form ? new URLSearchParams(request.form).toString() : request.json,
          headers: request.form
            ? { "Content-Type": "application/x-www-form-urlencoded" }
            : request.json !== undefined
              ? { "Content-Type": "application/json" }
              : {},
        });
      } catch (error) {
        const code = (error as { code?: string }).code ?? "";
        const notSent = NOT_SENT_CODES.has(code);
        if (canRetry && (notSent || request.idempotent)) {
          await sleep(backoffMs(attempt));
          continue;
        }
        throw this.networkError(request, error, code, notSent, secrets);
      }
      const { status } = response;
      const serverDate = Date.parse(String(response.headers["date"] ?? ""));
      if (!Number.isNaN(serverDate)) this.clockOffsetMs = serverDate - Date.now();
      if (status >= 200 && status < 300) return { status, data: response.data };
      if (status === 404 && request.allowNotFound) return { status, data: response.data };
      // A non-idempotent request answered 502/504 may have been processed behind the gateway;
      // 429 and 503 mean it was turned away and is safe to send again.
      const retriable =
        RETRIABLE_STATUS.has(status) && (request.idempotent || status === 429 || status === 503);
      if (canRetry && retriable) {
        await sleep(parseRetryAfter(response.headers["retry-after"]) ?? backoffMs(attempt));
        continue;
      }
      // A create answered 500/502/504 may have been stored; the caller looks it up. Behind a 502/504
      // the origin may even still be working on it.
      const uncertain = !request.idempotent && (status === 500 || status === 502 || status === 504);
      const message = safeApiMessage(response.data, secrets);
      throw new ApiError(
        `${this.settings.service} API ${request.method} ${request.path} failed with HTTP ${status}` +
          `${message ? `: ${message}` : ""}` +
          `${retriable ? ` (gave up after ${attempt + 1} attempts)` : ""}`,
        request.method,
        request.path,
        status,
        uncertain,
        uncertain && status !== 500,
      );
    }
  }

  /**
   * The server-clock time at or before the local instant `localMs`: a lower bound for comparing
   * with timestamps the server writes. Loose (minutes) until a response has shown the server clock.
   */
  serverTimeAtOrBefore(localMs: number): number {
    return this.clockOffsetMs === undefined
      ? localMs - UNKNOWN_CLOCK_SKEW_MS
      : localMs + this.clockOffsetMs - DATE_RESOLUTION_MS;
  }

  private networkError(
    request: ApiRequest,
    error: unknown,
    code: string,
    notSent: boolean,
    secrets: string[],
  ): ApiError {
    const timedOut = code === "ETIMEDOUT" || code === "ECONNABORTED";
    const reason = code || redact((error as Error).message ?? "", secrets) || "network error";
    const what = timedOut
      ? `got no answer within ${this.settings.timeoutMs} ms`
      : `failed before an answer arrived (${reason})`;
    return new ApiError(
      `${this.settings.service} API ${request.method} ${request.path} ${what}`,
      request.method,
      request.path,
      undefined,
      !notSent && !request.idempotent,
      timedOut,
    );
  }
}
