// The HTTP server both APIs and the control API share: it routes each request to the control API or a
// service, applies injected faults and rate limits, reads the body, and records the request in the log.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { controlAllowed, isControlPath } from "./control";
import { ECHO_FAULT_KINDS, echoResponse, type FaultInjector } from "./faults";
import {
  BodyTooLargeError,
  normalizePath,
  readBody,
  sendResponse,
  type ApiRequest,
  type ApiResponse,
} from "./http";
import type { RateLimiter } from "./limits";
import type { RequestLog } from "./log";
import type { EmulatedService, ServerStatus } from "./services/service";
import type { EchoFaultKind, FaultKind, FaultRule, RequestLogEntry } from "./types";

/** Faults answered in the service's error form, without the service processing the request. */
const ANSWERING_FAULTS: ReadonlySet<FaultKind> = new Set(["429", "500", "502", "503"]);

export interface ServerContext {
  /** In routing order; the last one takes every path the others (and the control API) leave. */
  services: readonly EmulatedService[];
  control: (req: ApiRequest) => ApiResponse;
  faults: FaultInjector;
  limiter: RateLimiter;
  log: RequestLog;
  /** Each API request waits this long before it is processed (0: none). */
  latencyMs: number;
}

export class EmulatorServer {
  private readonly server: http.Server;
  private readonly pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  private stopped = false;
  private stopping: Promise<void> | undefined;

  constructor(private readonly ctx: ServerContext) {
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        process.stderr.write(`credentials-emulator: ${(err as Error).stack ?? String(err)}\n`);
        if (!res.headersSent) res.destroy();
      });
    });
    this.server.keepAliveTimeout = 5_000;
  }

  listen(port: number, host: string): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      const onError = (err: Error) => reject(err);
      this.server.once("error", onError);
      this.server.listen(port, host, () => {
        this.server.off("error", onError);
        resolve(this.server.address() as AddressInfo);
      });
    });
  }

  /**
   * Closes the server and every keep-alive socket. Requests waiting in a delay are released and then
   * abandoned: a `slow` one is never processed, a `late-answer` one never answered. Idempotent.
   */
  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopped = true;
      for (const pending of this.pendingDelays) {
        clearTimeout(pending.timer);
        pending.resolve();
      }
      this.pendingDelays.clear();
      this.stopping = new Promise<void>((resolve) => {
        this.server.close(() => resolve());
        this.server.closeAllConnections();
      });
    }
    return this.stopping;
  }

  private delay(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          this.pendingDelays.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      this.pendingDelays.add(pending);
    });
  }

  private route(path: string): EmulatedService | "control" {
    if (isControlPath(path)) return "control";
    const { services } = this.ctx;
    return services.find((s) => s.owns(path)) ?? services[services.length - 1];
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const path = normalizePath(url.pathname);
    const target = this.route(path);
    const service = target === "control" ? undefined : target;
    const finish = (status: number, fault?: FaultKind, rateLimited = false) => {
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      const entry: Omit<RequestLogEntry, "durationMs"> = {
        service: service?.name ?? "control",
        method,
        path,
        status,
      };
      if (fault !== undefined) entry.fault = fault;
      if (rateLimited) entry.rateLimited = true;
      this.ctx.log.record({ ...entry, durationMs });
    };
    /** An error answer in the form of whoever the request was for. */
    const errorResponse = (status: ServerStatus, message: string): ApiResponse =>
      service ? service.errorResponse(status) : { status, body: { error: message } };
    const dropConnection = () => {
      const socket = req.socket;
      if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
      else socket.destroy();
    };

    if (!service && !controlAllowed(req)) {
      sendResponse(res, { status: 403, body: { error: "the control API only answers loopback clients" } });
      finish(403);
      return;
    }
    const rule: FaultRule | undefined = service && this.ctx.faults.pick(service.name, method, path);
    if (rule?.fault === "reset-before") {
      dropConnection();
      finish(0, rule.fault);
      return;
    }
    const answeredByFault =
      rule !== undefined &&
      (ANSWERING_FAULTS.has(rule.fault) || (ECHO_FAULT_KINDS as readonly string[]).includes(rule.fault));
    // Admitted on arrival, so a request counts as in flight until it is finished. A request a fault
    // answers never reaches the service: it takes no token and no place.
    const admission =
      service && !answeredByFault
        ? this.ctx.limiter.admit(service.name, service.credentialOf(req.headers))
        : undefined;
    const limited = service !== undefined && !answeredByFault && admission === undefined;
    try {
      let body: Buffer;
      try {
        body = await readBody(req);
      } catch (err) {
        if (err instanceof BodyTooLargeError) {
          res.setHeader("Connection", "close");
          sendResponse(res, errorResponse(413, "Request body too large"));
          finish(413, rule?.fault);
        } else {
          finish(0, rule?.fault);
        }
        return;
      }
      if (service && rule && ANSWERING_FAULTS.has(rule.fault)) {
        const headers: Record<string, string> = {};
        if (rule.retryAfterSeconds !== undefined && (rule.fault === "429" || rule.fault === "503")) {
          headers["Retry-After"] = String(rule.retryAfterSeconds);
        }
        const response = service.errorResponse(Number(rule.fault) as ServerStatus, headers);
        sendResponse(res, response);
        finish(response.status, rule.fault);
        return;
      }
      if (service && rule && (ECHO_FAULT_KINDS as readonly string[]).includes(rule.fault)) {
        const response = echoResponse(service.name, rule.fault as EchoFaultKind, body);
        sendResponse(res, response);
        finish(response.status, rule.fault);
        return;
      }
      if (service && limited) {
        // Tines answers its rate limit without Retry-After; Twilio with code 20429.
        sendResponse(res, service.errorResponse(429));
        finish(429, undefined, true);
        return;
      }
      if (rule?.fault === "slow") await this.delay(rule.delayMs ?? 0);
      if (service && this.ctx.latencyMs > 0) await this.delay(this.ctx.latencyMs);
      if (this.stopped) return;

      const request: ApiRequest = { method, path, query: url.searchParams, headers: req.headers, body };
      let response: ApiResponse;
      try {
        response = service ? service.handle(request) : this.ctx.control(request);
      } catch (err) {
        process.stderr.write(
          `credentials-emulator: internal error: ${(err as Error).stack ?? String(err)}\n`,
        );
        response = errorResponse(500, "Internal Server Error");
      }
      if (rule?.fault === "reset-after") {
        dropConnection();
        finish(response.status, rule.fault);
        return;
      }
      if (rule?.fault === "late-answer") {
        await this.delay(rule.delayMs ?? 0);
        if (this.stopped) return;
      }
      sendResponse(res, response);
      finish(response.status, rule?.fault);
    } finally {
      admission?.release();
    }
  }
}
