// Local emulator of the Tines user-credentials API and the Twilio Credentials/AWS API, with fault
// injection and a control API. Both APIs are served from one loopback origin. See emulator/README.md.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { ECHO_FAULT_KINDS, echoResponse, FaultInjector } from "./faults";
import {
  BodyTooLargeError,
  isLoopbackHost,
  isPlainObject,
  mediaType,
  normalizePath,
  readBody,
  sendResponse,
  type ApiRequest,
  type ApiResponse,
} from "./http";
import { loadStateFile, saveStateFile } from "./state";
import {
  TINES_PUT_SEMANTICS,
  TinesStore,
  TinesValidationError,
  handleTines,
  tinesErrorResponse,
  tinesPublicView,
} from "./tines";
import {
  TWILIO_ACCOUNT_SID_RE,
  TWILIO_API_KEY_RE,
  TwilioApiError,
  TwilioStore,
  handleTwilio,
  twilioErrorResponse,
  twilioPublicView,
} from "./twilio";
import type {
  EchoFaultKind,
  Emulator,
  EmulatorOptions,
  FaultKind,
  FaultRule,
  RequestLogEntry,
} from "./types";

export type {
  Emulator,
  EmulatorOptions,
  EchoFaultKind,
  FaultKind,
  FaultRule,
  RequestLogEntry,
  TinesAwsAuthenticationType,
  TinesMode,
  TinesOwner,
  TinesPutSemantics,
  TinesReadAccess,
  TinesRecord,
  TwilioRecord,
} from "./types";
export { TINES_PUT_SEMANTICS, TinesValidationError } from "./tines";
export { TwilioApiError } from "./twilio";
export { FAULT_KINDS, mulberry32 } from "./faults";

export const DEFAULT_TINES_API_KEY = "emulator-tines-key";
export const DEFAULT_TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000001";
export const DEFAULT_TWILIO_AUTH_TOKEN = "emulator-twilio-token";
export const DEFAULT_SEED = 1;
/** The log keeps at most this many entries (oldest dropped first). */
export const MAX_LOG_ENTRIES = 10_000;
export const CONTROL_BASE_PATH = "/_emulator";

type Service = RequestLogEntry["service"];

function classify(path: string): Service {
  if (path === CONTROL_BASE_PATH || path.startsWith(`${CONTROL_BASE_PATH}/`)) return "control";
  if (path === "/api" || path.startsWith("/api/")) return "tines";
  return "twilio";
}

function resolveOptions(
  options: EmulatorOptions,
): Emulator["settings"] & { port: number; host: string; seed: number } {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `emulator: port must be an integer between 0 and 65535, got ${String(options.port)}`,
    );
  }
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    throw new Error(
      `emulator: refusing to listen on non-loopback host "${host}" (use 127.0.0.1, ::1 or localhost)`,
    );
  }
  const nonEmpty = (name: string, v: string | undefined, dflt: string) => {
    if (v === undefined) return dflt;
    if (typeof v !== "string" || v === "")
      throw new TypeError(`emulator: ${name} must be a non-empty string`);
    return v;
  };
  const tinesApiKey = nonEmpty("tinesApiKey", options.tinesApiKey, DEFAULT_TINES_API_KEY);
  const twilioAccountSid = options.twilioAccountSid ?? DEFAULT_TWILIO_ACCOUNT_SID;
  if (!TWILIO_ACCOUNT_SID_RE.test(twilioAccountSid)) {
    throw new TypeError("emulator: twilioAccountSid must match ^AC[0-9a-fA-F]{32}$");
  }
  const twilioAuthToken = nonEmpty("twilioAuthToken", options.twilioAuthToken, DEFAULT_TWILIO_AUTH_TOKEN);
  if ((options.twilioApiKey === undefined) !== (options.twilioApiSecret === undefined)) {
    throw new TypeError("emulator: twilioApiKey and twilioApiSecret must be given together");
  }
  if (options.twilioApiKey !== undefined && !TWILIO_API_KEY_RE.test(options.twilioApiKey)) {
    throw new TypeError("emulator: twilioApiKey must match ^SK[0-9a-fA-F]{32}$");
  }
  if (options.twilioApiSecret !== undefined) nonEmpty("twilioApiSecret", options.twilioApiSecret, "");
  const twilioSubaccounts = [...(options.twilioSubaccounts ?? [])];
  for (const sid of twilioSubaccounts) {
    if (!TWILIO_ACCOUNT_SID_RE.test(sid)) {
      throw new TypeError(`emulator: twilioSubaccounts entries must match ^AC[0-9a-fA-F]{32}$, got "${sid}"`);
    }
  }
  const tinesPut = options.tinesPut ?? "replace";
  if (!TINES_PUT_SEMANTICS.includes(tinesPut)) {
    throw new TypeError(`emulator: tinesPut must be one of ${TINES_PUT_SEMANTICS.join(", ")}`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (typeof seed !== "number" || !Number.isFinite(seed))
    throw new TypeError("emulator: seed must be a number");
  return {
    ...options,
    port,
    host,
    tinesApiKey,
    twilioAccountSid,
    twilioAuthToken,
    twilioSubaccounts,
    tinesPut,
    seed,
  };
}

function listen(server: http.Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => reject(err);
    server.once("error", onError);
    server.listen(port, host, () => {
      server.off("error", onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = resolveOptions(options);
  const faults = new FaultInjector(settings.seed);
  const log: RequestLogEntry[] = [];
  const pendingDelays = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();
  let stopped = false;
  let baseUrl = "";

  const persist = () => {
    if (settings.stateFile) {
      saveStateFile(settings.stateFile, { version: 1, tines: tines.snapshot(), twilio: twilio.snapshot() });
    }
  };
  const tines = new TinesStore(persist, settings.tinesPut);
  const twilio = new TwilioStore(
    {
      accountSid: settings.twilioAccountSid,
      subaccounts: settings.twilioSubaccounts ?? [],
      baseUrl: () => baseUrl,
    },
    persist,
  );
  const twilioCredentials = [{ user: settings.twilioAccountSid, password: settings.twilioAuthToken }];
  if (settings.twilioApiKey !== undefined && settings.twilioApiSecret !== undefined) {
    twilioCredentials.push({ user: settings.twilioApiKey, password: settings.twilioApiSecret });
  }

  const record = (entry: RequestLogEntry) => {
    log.push(entry);
    if (settings.onRequest) {
      try {
        settings.onRequest({ ...entry });
      } catch {
        // a failing observer must not break request handling
      }
    }
    if (log.length > MAX_LOG_ENTRIES) log.splice(0, log.length - MAX_LOG_ENTRIES);
  };

  const delay = (ms: number) =>
    new Promise<void>((resolve) => {
      const pending = {
        timer: setTimeout(() => {
          pendingDelays.delete(pending);
          resolve();
        }, ms),
        resolve,
      };
      pendingDelays.add(pending);
    });

  const faultResponse = (service: "tines" | "twilio", rule: FaultRule): ApiResponse => {
    const headers: Record<string, string> = {};
    if (rule.retryAfterSeconds !== undefined && (rule.fault === "429" || rule.fault === "503")) {
      headers["Retry-After"] = String(rule.retryAfterSeconds);
    }
    const status = Number(rule.fault);
    const tinesMessages: Record<number, string> = {
      429: "Too many requests",
      500: "Internal Server Error",
      502: "Bad Gateway",
      503: "Service Unavailable",
    };
    const twilioErrors: Record<number, [number, string]> = {
      429: [20429, "Too Many Requests"],
      500: [20500, "Internal Server Error"],
      502: [20500, "Bad Gateway"],
      503: [20503, "Service Unavailable"],
    };
    if (service === "tines") return tinesErrorResponse(status, tinesMessages[status], headers);
    const [code, message] = twilioErrors[status];
    return twilioErrorResponse(status, code, message, headers);
  };

  const internalError = (service: Service, message: string, status = 500): ApiResponse => {
    if (service === "tines") return tinesErrorResponse(status, message);
    if (service === "twilio") return twilioErrorResponse(status, status === 413 ? 20001 : 20500, message);
    return { status, body: { error: message } };
  };

  const dispatch = (service: Service, req: ApiRequest): ApiResponse => {
    if (service === "tines") return handleTines(req, { store: tines, apiKey: settings.tinesApiKey, baseUrl });
    if (service === "twilio")
      return handleTwilio(req, { store: twilio, baseUrl, credentials: twilioCredentials });
    return handleControl(req);
  };

  const resetAll = () => {
    tines.clear();
    twilio.clear();
    faults.clear();
    faults.reseed();
    log.length = 0;
    persist();
  };

  // ---- control API ----
  const controlJson = (req: ApiRequest): Record<string, unknown> => {
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
  };
  const state = () => {
    const t = tines.list().map(tinesPublicView);
    const w = twilio.list().map(twilioPublicView);
    return {
      url: baseUrl,
      tines: { count: t.length, records: t },
      twilio: { count: w.length, records: w },
      faults: faults.list(),
    };
  };
  const handleControl = (req: ApiRequest): ApiResponse => {
    const route = `${req.method} ${req.path.slice(CONTROL_BASE_PATH.length) || "/"}`;
    try {
      switch (route) {
        case "GET /health":
          return { status: 200, body: { ok: true, url: baseUrl } };
        case "GET /state":
          return { status: 200, body: state() };
        case "GET /log":
          return { status: 200, body: { log: log.map((e) => ({ ...e })) } };
        case "DELETE /log":
          log.length = 0;
          return { status: 204 };
        case "GET /faults":
          return { status: 200, body: { faults: faults.list() } };
        case "POST /faults": {
          let rule: FaultRule;
          try {
            rule = faults.add(controlJson(req) as unknown as FaultRule);
          } catch (err) {
            if (err instanceof TypeError) throw new ControlError(400, err.message);
            throw err;
          }
          return { status: 201, body: { fault: rule, faults: faults.list() } };
        }
        case "DELETE /faults":
          faults.clear();
          return { status: 204 };
        case "POST /reset":
          resetAll();
          return { status: 204 };
        case "POST /tines/credentials":
          return { status: 201, body: tinesPublicView(tines.create(controlJson(req))) };
        case "POST /twilio/credentials": {
          const body = controlJson(req) as {
            Credentials?: string;
            FriendlyName?: string;
            AccountSid?: string;
          };
          const { Credentials, FriendlyName, AccountSid } = body;
          return {
            status: 201,
            body: twilioPublicView(twilio.create({ Credentials, FriendlyName, AccountSid })),
          };
        }
      }
      let m = /^(PATCH|DELETE) \/tines\/credentials\/(\d{1,15})$/.exec(route);
      if (m) {
        const id = Number(m[2]);
        if (!tines.get(id)) throw new ControlError(404, `Tines credential ${id} does not exist`);
        if (m[1] === "DELETE") {
          tines.remove(id);
          return { status: 204 };
        }
        return { status: 200, body: tinesPublicView(tines.patch(id, controlJson(req))) };
      }
      m = /^(PATCH|DELETE) \/twilio\/credentials\/([^/]+)$/.exec(route);
      if (m) {
        const sid = m[2];
        if (!twilio.get(sid)) throw new ControlError(404, `Twilio credential ${sid} does not exist`);
        if (m[1] === "DELETE") {
          twilio.remove(sid);
          return { status: 204 };
        }
        const body = controlJson(req);
        const name = body.friendly_name ?? body.FriendlyName;
        if (name !== undefined && typeof name !== "string") {
          throw new ControlError(400, "friendly_name must be a string");
        }
        return { status: 200, body: twilioPublicView(twilio.update(sid, name)) };
      }
      return { status: 404, body: { error: `no control route ${route}` } };
    } catch (err) {
      if (err instanceof ControlError) return { status: err.status, body: { error: err.message } };
      if (err instanceof TinesValidationError) return { status: 422, body: { errors: err.errors } };
      if (err instanceof TwilioApiError) return twilioErrorResponse(err.status, err.code, err.message);
      throw err;
    }
  };

  // ---- request handling ----
  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = performance.now();
    const method = (req.method ?? "GET").toUpperCase();
    const url = new URL(req.url ?? "/", "http://emulator.invalid");
    const path = normalizePath(url.pathname);
    const service = classify(path);
    const finish = (status: number, fault?: FaultKind) => {
      const durationMs = Math.round((performance.now() - started) * 100) / 100;
      record(
        fault === undefined
          ? { service, method, path, status, durationMs }
          : { service, method, path, status, fault, durationMs },
      );
    };
    const dropConnection = () => {
      const socket = req.socket;
      if (typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
      else socket.destroy();
    };

    if (service === "control" && !controlAllowed(req)) {
      sendResponse(res, { status: 403, body: { error: "the control API only answers loopback clients" } });
      finish(403);
      return;
    }
    const rule = service === "control" ? undefined : faults.pick(service, method, path);
    if (rule?.fault === "reset-before") {
      dropConnection();
      finish(0, rule.fault);
      return;
    }
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        res.setHeader("Connection", "close");
        sendResponse(res, internalError(service, "Request body too large", 413));
        finish(413, rule?.fault);
      } else {
        finish(0, rule?.fault);
      }
      return;
    }
    if (rule && ["429", "500", "502", "503"].includes(rule.fault)) {
      const response = faultResponse(service as "tines" | "twilio", rule);
      sendResponse(res, response);
      finish(response.status, rule.fault);
      return;
    }
    if (rule && (ECHO_FAULT_KINDS as readonly string[]).includes(rule.fault)) {
      const response = echoResponse(service as "tines" | "twilio", rule.fault as EchoFaultKind, body);
      sendResponse(res, response);
      finish(response.status, rule.fault);
      return;
    }
    if (rule?.fault === "slow") await delay(rule.delayMs ?? 0);
    if (stopped) return;

    let response: ApiResponse;
    try {
      response = dispatch(service, { method, path, query: url.searchParams, headers: req.headers, body });
    } catch (err) {
      process.stderr.write(`credentials-emulator: internal error: ${(err as Error).stack ?? String(err)}\n`);
      response = internalError(service, "Internal Server Error");
    }
    if (rule?.fault === "reset-after") {
      dropConnection();
      finish(response.status, rule.fault);
      return;
    }
    if (rule?.fault === "late-answer") {
      await delay(rule.delayMs ?? 0);
      if (stopped) return;
    }
    sendResponse(res, response);
    finish(response.status, rule?.fault);
  };

  const server = http.createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      process.stderr.write(`credentials-emulator: ${(err as Error).stack ?? String(err)}\n`);
      if (!res.headersSent) res.destroy();
    });
  });
  server.keepAliveTimeout = 5_000;

  const address = await listen(server, settings.port, settings.host);
  const hostForUrl =
    address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  baseUrl = `http://${settings.host === "localhost" ? "localhost" : hostForUrl}:${address.port}`;
  settings.port = address.port;

  try {
    const loaded = settings.stateFile ? loadStateFile(settings.stateFile) : undefined;
    if (loaded) {
      tines.load(loaded.tines);
      twilio.load(loaded.twilio);
    }
  } catch (err) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    throw err;
  }

  let stopping: Promise<void> | undefined;
  const api: Emulator = {
    url: baseUrl,
    port: address.port,
    settings,
    env: () => ({
      TINES_TENANT: baseUrl,
      TINES_API_KEY: settings.tinesApiKey,
      TWILIO_ACCOUNTS_URL: baseUrl,
      TWILIO_ACCOUNT_SID: settings.twilioAccountSid,
      TWILIO_AUTH_TOKEN: settings.twilioAuthToken,
    }),
    log,
    clearLog: () => {
      log.length = 0;
    },
    tines: {
      list: () => tines.list(),
      get: (id) => tines.get(id),
      seed: (body) => tines.create(body),
      update: (id, patch) => tines.patch(id, patch),
      remove: (id) => tines.remove(id),
    },
    twilio: {
      list: () => twilio.list(),
      get: (sid) => twilio.get(sid),
      seed: (body) =>
        twilio.create({
          Credentials: body.Credentials,
          FriendlyName: body.FriendlyName,
          AccountSid: body.AccountSid,
        }),
      update: (sid, patch) => twilio.update(sid, patch.friendly_name),
      remove: (sid) => twilio.remove(sid),
    },
    injectFault: (rule) => {
      faults.add(rule);
    },
    clearFaults: () => faults.clear(),
    reset: resetAll,
    stop: () => {
      if (!stopping) {
        stopped = true;
        for (const pending of pendingDelays) {
          clearTimeout(pending.timer);
          pending.resolve();
        }
        pendingDelays.clear();
        stopping = new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
      }
      return stopping;
    },
  };
  return api;
}

class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** The control API is for local tooling: loopback peers and a loopback Host header only. */
function controlAllowed(req: http.IncomingMessage): boolean {
  const peer = req.socket.remoteAddress ?? "";
  if (!isLoopbackHost(peer)) return false;
  const hostHeader = req.headers.host;
  if (hostHeader === undefined) return true;
  const hostname = hostHeader.startsWith("[")
    ? hostHeader.slice(0, hostHeader.indexOf("]") + 1)
    : hostHeader.split(":")[0];
  return isLoopbackHost(hostname);
}

export { TINES_BASE_PATH } from "./tines";
export { TWILIO_BASE_PATH } from "./twilio";
