// A loopback HTTP proxy in front of the emulator that records each API request the providers send
// (method, path, status, the request body as parsed JSON or form fields, the id the answer names), with
// secrets replaced by "[secret]". The emulator's own log deliberately holds no bodies; the demo shows the
// documented request bodies from this record. Nothing here is needed to use the package.
import * as http from "http";
import type { AddressInfo } from "net";
import type { FieldTable } from "../provider/core/fields";
import { KIND_NAMES, specOf } from "../provider/kinds";
import { forward, readAll } from "../tests/forward";

export const SECRET = "[secret]";

/**
 * Request fields that carry a secret in the Tines and Twilio APIs, from every kind of the registry: a
 * secret field by its API name; in a list of items (credential_requests), the items' secret fields, so
 * the rest of each item stays readable.
 */
function secretApiNames(fields: FieldTable): string[] {
  return Object.values(fields).flatMap((field) => {
    if (field.items) return secretApiNames(field.items);
    return field.secret && field.api ? [field.api] : [];
  });
}
export const SECRET_FIELDS = new Set(KIND_NAMES.flatMap((kind) => secretApiNames(specOf(kind).inputs)));

export interface RecordedRequest {
  method: string;
  path: string;
  status: number;
  /** JSON body, form fields, or undefined when there was no body. Secrets redacted. */
  body: unknown;
  /** The credential the answer names (Tines `id`, Twilio `sid`), if any. */
  answeredId?: string;
}

export interface RecordingProxy {
  url: string;
  requests: RecordedRequest[];
  stop(): Promise<void>;
}

/** Replaces secret fields and any string containing one of `secrets` with "[secret]". */
export function redact(value: unknown, secrets: string[], key?: string): unknown {
  if (key !== undefined && SECRET_FIELDS.has(key)) return SECRET;
  if (typeof value === "string") return secrets.some((s) => s !== "" && value.includes(s)) ? SECRET : value;
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets));
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, secrets, k)]));
  }
  return value;
}

function parseBody(raw: Buffer, contentType: string | undefined): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString("utf8");
  if ((contentType ?? "").includes("application/x-www-form-urlencoded")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * Starts the proxy on 127.0.0.1 (ephemeral port) forwarding to `target` (the emulator's URL).
 * `onRequest` is called as each request completes (progress lines).
 */
export async function startRecordingProxy(
  target: string,
  secrets: () => string[],
  onRequest?: (r: RecordedRequest) => void,
): Promise<RecordingProxy> {
  const upstream = new URL(target);
  const agent = new http.Agent({ keepAlive: true });
  const requests: RecordedRequest[] = [];

  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const answer = await forward(req, body, upstream, agent);
      const path = new URL(req.url ?? "/", "http://proxy.invalid").pathname;
      let answeredId: string | undefined;
      const parsed = parseBody(answer.body, answer.headers["content-type"]);
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
        const id = (parsed as Record<string, unknown>).id ?? (parsed as Record<string, unknown>).sid;
        if (typeof id === "string" || typeof id === "number") answeredId = String(id);
      }
      const record: RecordedRequest = {
        method: req.method ?? "GET",
        path,
        status: answer.status,
        body: redact(parseBody(body, req.headers["content-type"]), secrets()),
        ...(answeredId !== undefined ? { answeredId } : {}),
      };
      if (!path.startsWith("/_emulator")) {
        requests.push(record);
        onRequest?.(record);
      }
      const headers = { ...answer.headers };
      delete headers["transfer-encoding"];
      headers["content-length"] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    })().catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(502, { "content-type": "text/plain" });
        res.end(`recording proxy: ${e instanceof Error ? e.message : String(e)}`);
      } else {
        res.destroy();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
