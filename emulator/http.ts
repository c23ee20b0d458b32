// Small HTTP helpers shared by the Tines, Twilio and control handlers.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";

/** What a handler decides; the server then sends it (or, for "reset-after", drops it). */
export interface ApiResponse {
  status: number;
  /** JSON-serialised when not undefined; 204 responses carry no body. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** The parsed request a handler sees. */
export interface ApiRequest {
  method: string;
  /** Path without query string and without a trailing slash. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export const MAX_BODY_BYTES = 1024 * 1024;

export class BodyTooLargeError extends Error {}

export function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new BodyTooLargeError(`request body exceeds ${limit} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", (err) => {
      if (!failed) {
        failed = true;
        reject(err);
      }
    });
    req.on("aborted", () => {
      if (!failed) {
        failed = true;
        reject(new Error("request aborted"));
      }
    });
  });
}

export function sendResponse(res: ServerResponse, response: ApiResponse): void {
  if (res.destroyed || res.writableEnded) return;
  const headers: Record<string, string> = { ...(response.headers ?? {}) };
  if (response.status === 204 || response.body === undefined) {
    res.writeHead(response.status, headers);
    res.end();
    return;
  }
  const payload = Buffer.from(JSON.stringify(response.body));
  headers["Content-Type"] = headers["Content-Type"] ?? "application/json; charset=utf-8";
  headers["Content-Length"] = String(payload.length);
  res.writeHead(response.status, headers);
  res.end(payload);
}

export function mediaType(headers: IncomingHttpHeaders): string {
  const ct = headers["content-type"] ?? "";
  return ct.split(";")[0].trim().toLowerCase();
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Strips a trailing slash (but keeps "/"). */
export function normalizePath(pathname: string): string {
  return pathname.length > 1 && pathname.endsWith("/") ? pathname.replace(/\/+$/, "") || "/" : pathname;
}

export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1" || h === "0:0:0:0:0:0:0:1") return true;
  if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) {
    return h.split(".").every((part) => Number(part) <= 255);
  }
  if (/^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h)) return true;
  return false;
}

/** Constant-time-ish string comparison (the emulator is local; this only avoids obvious shortcuts). */
export function safeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}
