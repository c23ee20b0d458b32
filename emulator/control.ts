// The control API under /_emulator: state, log, faults, reset and out-of-band changes to the records,
// for tests and tooling in another process. Loopback only, no auth.
import type { IncomingMessage } from "node:http";
import type { FaultInjector } from "./faults";
import type { RateLimiter, RateLimits } from "./limits";
import { isLoopbackHost, isPlainObject, mediaType, type ApiRequest, type ApiResponse } from "./http";
import type { RequestLog } from "./log";
import type { EmulatedService } from "./services/service";
import type { FaultRule } from "./types";

export const CONTROL_BASE_PATH = "/_emulator";

export interface ControlApiContext {
  services: readonly EmulatedService[];
  faults: FaultInjector;
  limiter: RateLimiter;
  log: RequestLog;
  baseUrl: () => string;
  reset: () => void;
}

/** A refusal the control API answers as `{"error": message}`. */
class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export function isControlPath(path: string): boolean {
  return path === CONTROL_BASE_PATH || path.startsWith(`${CONTROL_BASE_PATH}/`);
}

/** The control API is for local tooling: loopback peers and a loopback Host header only. */
export function controlAllowed(req: IncomingMessage): boolean {
  const peer = req.socket.remoteAddress ?? "";
  if (!isLoopbackHost(peer)) return false;
  const hostHeader = req.headers.host;
  if (hostHeader === undefined) return true;
  const hostname = hostHeader.startsWith("[")
    ? hostHeader.slice(0, hostHeader.indexOf("]") + 1)
    : hostHeader.split(":")[0];
  return isLoopbackHost(hostname);
}

function controlJson(req: ApiRequest): Record<string, unknown> {
  if (req.body.length === 0) return {};
  if (mediaType(req.headers) !== "application/json" && mediaType(req.headers) !== "") {
    throw new ControlError(415, "Content-Type must be application/json");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(req.body.toString("utf8"));
  } catch {
    throw new ControlError(400, "request body is not valid JSON");
  }
  if (!isPlainObject(parsed)) throw new ControlError(400, "request body must be a JSON object");
  return parsed;
}

export function createControlApi(ctx: ControlApiContext): (req: ApiRequest) => ApiResponse {
  const { services, faults, limiter, log } = ctx;

  const state = () => ({
    url: ctx.baseUrl(),
    ...Object.fromEntries(
      services.map((s) => {
        const records = s.publicRecords();
        return [s.name, { count: records.length, records }];
      }),
    ),
    faults: faults.list(),
  });

  const fixedRoutes = new Map<string, (req: ApiRequest) => ApiResponse>([
    ["GET /health", () => ({ status: 200, body: { ok: true, url: ctx.baseUrl() } })],
    ["GET /state", () => ({ status: 200, body: state() })],
    ["GET /log", () => ({ status: 200, body: { log: log.copy() } })],
    [
      "DELETE /log",
      () => {
        log.clear();
        return { status: 204 };
      },
    ],
    ["GET /faults", () => ({ status: 200, body: { faults: faults.list() } })],
    [
      "POST /faults",
      (req) => {
        let rule: FaultRule;
        try {
          rule = faults.add(controlJson(req) as unknown as FaultRule);
        } catch (err) {
          if (err instanceof TypeError) throw new ControlError(400, err.message);
          throw err;
        }
        return { status: 201, body: { fault: rule, faults: faults.list() } };
      },
    ],
    [
      "DELETE /faults",
      () => {
        faults.clear();
        return { status: 204 };
      },
    ],
    ["GET /limits", () => ({ status: 200, body: limiter.status() })],
    [
      "PUT /limits",
      (req) => {
        try {
          limiter.set(controlJson(req) as RateLimits);
        } catch (err) {
          if (err instanceof TypeError) throw new ControlError(400, err.message);
          throw err;
        }
        return { status: 200, body: limiter.status() };
      },
    ],
    [
      "DELETE /limits",
      () => {
        limiter.set({});
        return { status: 204 };
      },
    ],
    [
      "POST /reset",
      () => {
        ctx.reset();
        return { status: 204 };
      },
    ],
  ]);

  /** `/<service>/credentials` and `/<service>/credentials/<id>`: out-of-band changes. */
  const recordRoute = (req: ApiRequest, route: string): ApiResponse | undefined => {
    const m = /^(POST|PATCH|DELETE) \/([a-z]+)\/credentials(?:\/([^/]+))?$/.exec(route);
    const service = m && services.find((s) => s.name === m[2]);
    if (!m || !service) return undefined;
    const [, method, , segment] = m;
    const body = () => controlJson(req);
    if (segment === undefined) return method === "POST" ? service.control.create(body) : undefined;
    const id = service.control.parseId(segment);
    if (id === undefined || method === "POST") return undefined;
    return method === "DELETE" ? service.control.remove(id) : service.control.change(id, body);
  };

  return (req) => {
    const route = `${req.method} ${req.path.slice(CONTROL_BASE_PATH.length) || "/"}`;
    try {
      const response = fixedRoutes.get(route)?.(req) ?? recordRoute(req, route);
      return response ?? { status: 404, body: { error: `no control route ${route}` } };
    } catch (err) {
      if (err instanceof ControlError) return { status: err.status, body: { error: err.message } };
      throw err;
    }
  };
}
