// One HTTP client policy for every service: keep-alive, the environment's proxy, a deadline per
// attempt, bounded retries with backoff and jitter for throttling and transient gateway errors
// within a limit on one request's total wait, never a blind retry of a non-idempotent request that
// may have reached the server, and errors that name method, path, status and the API's own message
// with every known secret (in every spelling) redacted.
import { createHash } from "crypto";
import * as http from "http";
import * as https from "https";
import * as net from "net";
import { HttpsProxyAgent } from "https-proxy-agent";
import { getProxyForUrl } from "proxy-from-env";
import type { Duplex } from "stream";
import {
  ACCEPT_ENCODING,
  AnswerTooLargeError,
  exchange,
  Exchanged,
  Opener,
  RequestRefusedError,
  UnreadableAnswerError,
} from "./exchange";
import {
  limitsAnything,
  Permit,
  QueueWaitError,
  RateLimiter,
  RateLimitSettings,
  sharedRateLimiter,
} from "./rateLimit";

/**
 * Reads a service's own message out of an error answer's body. Not cut nor redacted here: the
 * client makes it safe to show (see safeText).
 */
type ErrorBodyParser = (data: unknown) => string;

export interface HttpSettings {
  /** The service's name, for messages. */
  service: string;
  baseUrl: string;
  /** Header set on every request (authorization). */
  headers: Record<string, string>;
  timeoutMs: number;
  maxRetries: number;
  /** Values that must never appear in an error message (API keys, tokens). */
  secrets: string[];
  /** The service's error-body parser; by default the common forms (errorBodyMessage). */
  parseErrorBody?: ErrorBodyParser;
  /** Bounds shared by every request with these headers to this service (see rateLimit.ts); none: off. */
  rateLimit?: RateLimitSettings;
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

/**
 * Shorter secrets cannot be replaced inside text without garbling it or hinting at the value. It is
 * also the smallest piece of a secret that no message may show.
 */
const MIN_REDACTABLE = 8;
/** How much of the API's own text an error message quotes (after redaction). */
export const MAX_API_MESSAGE_CHARS = 500;
/** How much of an error body is read for its message at all; a secret cut here is caught as a piece. */
const MAX_API_TEXT_SCANNED = 64 * 1024;
/**
 * The largest answer read, counted after decompression (a gzip bomb stops here). A list page of
 * a thousand credentials is well under 2 MB.
 */
const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const jsonInner = (s: string) => JSON.stringify(s).slice(1, -1);
/** JSON as Rails (HTML-safe) and Python (ensure_ascii) write it: non-ASCII and <>&' as \uXXXX. */
const jsonAscii = (s: string) =>
  jsonInner(s).replace(/[^\x20-\x7e]|[<>&']/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
/** application/x-www-form-urlencoded: space as +, and / + : = & percent-encoded. */
const formEncoded = (s: string) => new URLSearchParams([["", s]]).toString().slice(1);
const lowerHex = (s: string) => s.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());

/**
 * Every spelling of a secret an API might echo: as is, inside a JSON string, inside a JSON string that
 * holds JSON, JSON with \u escapes, percent-encoded in a URL or a form body (either case of hex).
 */
const SECRET_ENCODINGS: readonly ((s: string) => string)[] = [
  (s) => s,
  jsonInner,
  (s) => jsonInner(jsonInner(s)),
  jsonAscii,
  encodeURIComponent,
  (s) => lowerHex(encodeURIComponent(s)),
  formEncoded,
  (s) => lowerHex(formEncoded(s)),
];

/** A secret and the parts of it that are secrets on their own: each long line, the part after `KEY:`. */
function secretParts(secret: string): Set<string> {
  const parts = new Set([secret]);
  for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 16) parts.add(line.trim());
  const colon = secret.indexOf(":");
  if (colon > 0 && secret.length - colon > 4) parts.add(secret.slice(colon + 1));
  return parts;
}

/**
 * Text that every spelling leaves as it is: no JSON escape, no percent- or form-encoding applies to
 * letters, digits, `-`, `.` and `_`. Most keys and tokens are such text, and working out their eight
 * spellings on every hook was a third of the package's own time per call.
 */
const SPELLED_AS_IS = /^[A-Za-z0-9._-]*$/;

/** Every spelling of one secret (and its parts), at least MIN_REDACTABLE long. */
function spellingsOf(secret: string): string[] {
  const forms = new Set<string>();
  for (const part of secretParts(secret)) {
    if (SPELLED_AS_IS.test(part)) {
      if (part.length >= MIN_REDACTABLE) forms.add(part);
      continue;
    }
    for (const encode of SECRET_ENCODINGS) {
      const form = encode(part);
      if (form.length >= MIN_REDACTABLE) forms.add(form);
    }
  }
  return [...forms];
}

/**
 * Spellings already worked out, by secret: the same connection key and credential secrets are checked
 * on every hook, and their encodings were most of the package's own time per call after the request.
 * Kept in memory only, as the settings and inputs holding these secrets are; bounded, emptied when full.
 * A Map (and its `size` never read): the SDK's closure serializer, when it copies a provider by value,
 * keeps none of a Map's entries, so no secret held here can reach `__provider`.
 */
const knownSpellings = new Map<string, readonly string[]>();
const KNOWN_SPELLINGS_MAX = 1_000;
let knownSpellingsCount = 0;

/** Every spelling of every secret (and secret part), at least MIN_REDACTABLE long. */
function secretForms(secrets: readonly string[]): Set<string> {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_REDACTABLE) continue;
    let spellings = knownSpellings.get(secret);
    if (!spellings) {
      spellings = spellingsOf(secret);
      if (knownSpellingsCount >= KNOWN_SPELLINGS_MAX) {
        knownSpellings.clear();
        knownSpellingsCount = 0;
      }
      knownSpellings.set(secret, spellings);
      knownSpellingsCount++;
    }
    for (const form of spellings) forms.add(form);
  }
  return forms;
}

/** A test of whether a text holds any of these secrets in any spelling; the spellings are worked out once. */
export function secretDetector(secrets: readonly string[]): (text: string) => boolean {
  const forms = [...secretForms(secrets)];
  // A text shorter than a spelling cannot hold it: most values checked (names, ids, dates) are.
  const shortest = Math.min(...forms.map((form) => form.length));
  return (text) =>
    text.length >= shortest && forms.some((form) => form.length <= text.length && text.includes(form));
}

/** Replaces every occurrence of any secret, in any of its spellings, with [secret]. */
function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const needle of [...secretForms(secrets)].sort((a, b) => b.length - a.length)) {
    out = out.split(needle).join("[secret]");
  }
  return out;
}

/**
 * Whether `text` still shows a MIN_REDACTABLE-long piece of a secret in any spelling: what is left
 * when a secret was cut (by the server or by a length limit) or altered so that the whole of it is
 * not there to be replaced. Compared ignoring case: a server that upper-cases its message still
 * shows a hex or base32 secret in full.
 */
export function showsSecretPiece(text: string, secrets: readonly string[]): boolean {
  const pieces = new Set<string>();
  const folded = text.toLowerCase();
  for (let i = 0; i + MIN_REDACTABLE <= folded.length; i++) pieces.add(folded.slice(i, i + MIN_REDACTABLE));
  for (const form of [...secretForms(secrets)].map((f) => f.toLowerCase())) {
    for (let i = 0; i + MIN_REDACTABLE <= form.length; i++) {
      if (pieces.has(form.slice(i, i + MIN_REDACTABLE))) return true;
    }
  }
  return false;
}

/**
 * Text from outside (the API's message, a network error's message) made safe to show: secrets are
 * replaced first, then it is cut. Withheld entirely when a secret is too short to replace reliably or
 * a piece of one survives replacement.
 */
export function safeText(text: string, secrets: readonly string[], maxChars = MAX_API_MESSAGE_CHARS): string {
  if (!text) return "";
  if (secrets.some((s) => s && s.length < MIN_REDACTABLE)) {
    return "(withheld: a secret in this request is too short to redact)";
  }
  const redacted = redact(text.slice(0, MAX_API_TEXT_SCANNED), secrets);
  if (showsSecretPiece(redacted, secrets)) {
    return "(withheld: it quotes part of a secret that could not be redacted)";
  }
  return redacted.length > maxChars ? `${redacted.slice(0, maxChars)}…` : redacted;
}

const RETRIABLE_STATUS = new Set([429, 502, 503, 504]);
/**
 * The system calls of making a connection. An error raised by one of them on a new socket means the
 * request was never written; any other (or any error on a reused keep-alive socket, where even
 * EHOSTUNREACH can arrive after the request went out) leaves it open whether the server saw it.
 */
const CONNECT_SYSCALLS = new Set(["connect", "getaddrinfo"]);
const BACKOFF_BASE_MS = 200;
const BACKOFF_CAP_MS = 8_000;
/**
 * The longest one request may take, every attempt, backoff and Retry-After wait included. A retry is
 * made only if it can run its whole `timeoutMs` within this limit; the first attempt always runs, so
 * one request waits at most max(timeoutMs, MAX_REQUEST_WAIT_MS).
 */
export const MAX_REQUEST_WAIT_MS = 120_000;

/** Seconds or an HTTP date, as RFC 9110 allows; undefined when absent or unreadable. */
function parseRetryAfter(header: unknown, now = Date.now()): number | undefined {
  if (typeof header !== "string" || header.trim() === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Number(header) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter. */
function backoffMs(attempt: number, random: () => number = Math.random): number {
  return Math.round(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The API's own message out of the common forms of an error body: text, a list of errors,
 * `{errors: [...]}`, or an object's `message`, `error` and `details`. `annotate` adds what a
 * service's body says besides (an error code, a link), shown in parentheses.
 */
export function errorBodyMessage(
  data: unknown,
  annotate: (body: Record<string, unknown>) => string = () => "",
): string {
  if (data === undefined || data === null || data === "") return "";
  if (typeof data === "string") return data;
  if (Array.isArray(data)) {
    return data
      .map((item) => errorBodyMessage(item, annotate))
      .filter(Boolean)
      .join("; ");
  }
  if (typeof data === "object") {
    const body = data as Record<string, unknown>;
    if (Array.isArray(body.errors)) return errorBodyMessage(body.errors, annotate);
    const text = [body.message, body.error, body.details]
      .filter((v) => typeof v === "string" && v !== "")
      .join(": ");
    const annotation = annotate(body);
    if (text || annotation) return annotation ? `${text} (${annotation})` : text;
    return JSON.stringify(body);
  }
  return String(data);
}

/**
 * Loopback hosts as URL.hostname spells them (it has already turned 127.1 and 0x7f000001 into
 * 127.0.0.1, and [::ffff:127.0.0.1] into [::ffff:7f00:1]): never proxied.
 */
export function isLoopbackHost(hostname: string): boolean {
  return /^(localhost\.?|127(\.\d{1,3}){3}|\[::1\]|\[::ffff:7f[0-9a-f]{2}:[0-9a-f]{1,4}\])$/i.test(hostname);
}

/** Whether a request error was raised while connecting on a new socket: the server never saw it. */
export function neverSent(error: unknown, reusedSocket: boolean): boolean {
  if (reusedSocket) return false;
  const origin = error as { syscall?: unknown; errors?: unknown };
  // Happy Eyeballs (several addresses tried) reports an AggregateError of connect errors.
  const raised = Array.isArray(origin.errors) && origin.errors.length > 0 ? origin.errors : [origin];
  return raised.every((e) => CONNECT_SYSCALLS.has(String((e as { syscall?: unknown })?.syscall)));
}

/** Without a Date header to go by, how far the server's clock may be from ours. */
const UNKNOWN_CLOCK_SKEW_MS = 10 * 60_000;
/** Date headers have whole-second resolution, and so do some services' creation timestamps. */
const DATE_RESOLUTION_MS = 1_000;

/** How a request reaches the service: directly or through the environment's proxy. */
interface Route {
  agent: http.Agent;
  /** The proxy as messages may show it (no user or password). */
  proxy?: string;
  /** The proxy's password (or its user name when it has none) and authorization, redacted from every message. */
  secrets: string[];
}

/** Whether a text holds an ASCII control character (C0 or DEL). */
// eslint-disable-next-line no-control-regex -- control characters are what it looks for
const hasControl = (text: string) => /[\x00-\x1f\x7f]/.test(text);

/**
 * One attempt's deadline for the whole exchange (connect, headers and body), not an idle timeout that a
 * trickling server could stretch. It opens the attempt's request and holds on to it, to destroy it when
 * the time runs out.
 */
class AttemptDeadline {
  /** True once the time ran out; the request, if open, has been destroyed. */
  expired = false;
  /**
   * Rejects when the time runs out, for the attempt to race: destroying a request that has no socket yet
   * (its proxy's CONNECT still unanswered) makes it emit nothing by itself; only the error of the tunnel
   * abandoned after it (withAbandonableTunnels) would end the attempt, and not for every agent.
   */
  readonly timedOut: Promise<never>;
  private rejectTimedOut: (error: Error) => void = () => undefined;
  private request: http.ClientRequest | undefined;
  private agent: unknown;
  /** The answer's status line and headers, once they arrived. */
  private head: http.IncomingMessage | undefined;

  constructor(
    readonly timeoutMs: number,
    /** performance.now() time. */
    readonly endsAt: number,
  ) {
    this.timedOut = new Promise<never>((_, reject) => (this.rejectTimedOut = reject));
  }

  readonly open: Opener = (options, onResponse) => {
    const request = (options.protocol === "https:" ? https : http).request(options, (response) => {
      this.head = response;
      onResponse(response);
    });
    this.request = request;
    this.agent = options.agent;
    if (this.expired) request.destroy(new Error("no time left"));
    return request;
  };

  /**
   * An error status that arrived when its body failed (the time ran out, the connection broke, it
   * cannot be read): the body only explains the status, so the status decides. A success's body is the
   * answer, so it must arrive whole and readable.
   */
  get errorAnswer(): Exchanged | undefined {
    const head = this.head;
    const status = head?.statusCode;
    if (head === undefined || status === undefined || (status >= 200 && status < 300)) return undefined;
    return { status, headers: head.headers, data: "" };
  }

  /** Whether the request went out on a pooled connection (where any error may follow its sending). */
  get reusedSocket(): boolean {
    return this.request?.reusedSocket ?? false;
  }

  expire(): void {
    this.expired = true;
    const error = new Error(`no complete answer within ${this.timeoutMs} ms`);
    this.request?.destroy(error);
    if (this.request) (this.agent as Partial<AbandonsTunnels> | undefined)?.abandon?.(this.request);
    this.rejectTimedOut(error);
  }
}

/** An agent that can close the connection a request's CONNECT waits on (see withAbandonableTunnels). */
interface AbandonsTunnels {
  abandon(request: http.ClientRequest): void;
}

/**
 * The proxy's agent, whose CONNECT is closed with the request waiting for it when that request is given
 * up. Such a request has no socket for the deadline to destroy, so the connection to a proxy that never
 * answered stayed open, one more for each attempt that timed out, for the life of the process. The
 * agent's own `connect` is wrapped, not subclassed: the SDK's closure serializer copies a class defined
 * here by value, base classes and all, and the proxy library's cannot be copied.
 */
function withAbandonableTunnels(agent: HttpsProxyAgent<string>): HttpsProxyAgent<string> & AbandonsTunnels {
  const waiting = new WeakMap<http.ClientRequest, AbortController>();
  const connect = agent.connect.bind(agent);
  agent.connect = (request, options) => {
    // Destroyed at its start (see AttemptDeadline.open): no connection for it.
    if (request.destroyed) return Promise.reject(new Error("the request was given up before its tunnel"));
    const abandoned = new AbortController();
    waiting.set(request, abandoned);
    const shared = agent.connectOpts;
    // The library opens its socket to the proxy with connectOpts before its first await.
    agent.connectOpts = { ...shared, signal: abandoned.signal };
    try {
      return connect(request, options).finally(() => waiting.delete(request));
    } finally {
      agent.connectOpts = shared;
    }
  };
  return Object.assign(agent, { abandon: (request: http.ClientRequest) => waiting.get(request)?.abort() });
}

/**
 * The deadlines of a client's attempts in flight, on one timer armed for the earliest. A timer per
 * attempt cost 6-15 us a request in-process: Node makes and drops its list of timers of that duration
 * each time one is set and cleared alone. Here back-to-back requests share one timer, which fires at
 * most once per timeoutMs, expires what is due and re-arms for the next. It does not hold the process
 * open (unref): a request in flight does, through its socket.
 */
class Deadlines {
  private readonly open = new Set<AttemptDeadline>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private armedFor = Infinity;
  /**
   * The clock the timer was set on. Tests replace the clock (fake timers): a timer set on another one
   * never fires on this one, and only that one's clearTimeout clears it.
   */
  private clock: { set: typeof setTimeout; clear: typeof clearTimeout } | undefined;

  start(timeoutMs: number): AttemptDeadline {
    const now = performance.now();
    const deadline = new AttemptDeadline(timeoutMs, now + timeoutMs);
    this.open.add(deadline);
    // On a replaced clock the timer fires at once and re-arms for the earliest deadline.
    if (this.timer !== undefined && this.clock?.set !== setTimeout) this.arm(now);
    else if (deadline.endsAt < this.armedFor) this.arm(deadline.endsAt);
    return deadline;
  }

  end(deadline: AttemptDeadline): void {
    this.open.delete(deadline);
  }

  private arm(at: number): void {
    if (this.timer !== undefined) this.clock?.clear(this.timer);
    this.armedFor = at;
    this.clock = { set: setTimeout, clear: clearTimeout };
    const timer = setTimeout(
      () => {
        // A timer replaced since (on another clock, which could not clear it) does nothing.
        if (this.timer === timer) this.expireDue();
      },
      Math.max(0, Math.ceil(at - performance.now())),
    );
    timer.unref();
    this.timer = timer;
  }

  private expireDue(): void {
    this.timer = undefined;
    this.armedFor = Infinity;
    const now = performance.now();
    let next = Infinity;
    for (const deadline of this.open) {
      if (deadline.endsAt <= now) {
        this.open.delete(deadline);
        deadline.expire();
      } else next = Math.min(next, deadline.endsAt);
    }
    if (next < Infinity) this.arm(next);
  }
}

/** Who is asking, in every request's User-Agent header. */
const USER_AGENT = "pulumi-api-credentials";

/** Node's keep-alive probe delay for a pooled socket (an agent's default keepAliveMsecs). */
const KEEP_ALIVE_PROBE_DELAY_MS = 1_000;

/**
 * Every socket the agent makes probes its peer after 1 s of silence (Node's delay for pooled sockets),
 * from its first request on: a dead peer is found in about 11 s, and a middlebox keeps the connection's
 * entry. Node's agent sets this when it frees a socket, and a plain http socket has it from its connect,
 * but a TLS socket and a proxy's tunnel had none during their first request (the kernel's 2 hours). A
 * request whose connection stays silent about 11 s (an outage while the service works) fails with
 * ETIMEDOUT, which networkError reports as possibly still completing.
 */
function withKeepAliveProbes<A extends http.Agent>(agent: A): A {
  const create = agent.createConnection.bind(agent);
  const probed = <S extends Duplex | null | undefined>(socket: S): S => {
    // Node's agent sets the same delay when it frees the socket, so that makes no system call.
    if (socket instanceof net.Socket) socket.setKeepAlive(true, KEEP_ALIVE_PROBE_DELAY_MS);
    return socket;
  };
  // An agent may hand the socket over through the callback instead of returning it.
  agent.createConnection = (options, callback) =>
    probed(create(options, callback && ((error, socket) => callback(error, probed(socket)))));
  return agent;
}

/** The body and its Content-Type, as the request's form or JSON gives them. */
function bodyOf(request: ApiRequest): { body?: string; type?: string } {
  if (request.form) {
    return { body: new URLSearchParams(request.form).toString(), type: "application/x-www-form-urlencoded" };
  }
  if (request.json !== undefined) return { body: JSON.stringify(request.json), type: "application/json" };
  return {};
}

export class HttpClient {
  /** The service's origin, parsed once. */
  private readonly target: URL;
  /** The base URL without a trailing slash, to which each request's path is appended. */
  private readonly base: string;
  /** The headers of every request: the settings' (authorization) and what the answer may be. */
  private readonly headers: http.OutgoingHttpHeaders;
  /** One keep-alive agent per proxy URL seen in the environment. */
  private readonly proxied = new Map<string, Route>();
  /** Server clock minus ours, from the last Date header; it reads a little low (truncation, latency). */
  private clockOffsetMs: number | undefined;
  /** The rate limiter shared by every client of this service and credential in the process, if any. */
  private readonly limiterKey: string | undefined;
  /** The limiter's name in messages: "<service> API at <origin>". */
  private readonly limiterLabel: string;
  /** The keep-alive agent for the service's scheme, without a proxy. */
  private readonly directAgent: http.Agent;
  /** The deadlines of this client's attempts in flight. */
  private readonly deadlines = new Deadlines();
  /** The route to a loopback service (the local emulator), which is never proxied: decided once. */
  private readonly directRoute: Route | undefined;

  constructor(readonly settings: HttpSettings) {
    this.target = new URL(settings.baseUrl);
    this.limiterLabel = `${settings.service} API at ${this.target.origin}`;
    if (limitsAnything(settings.rateLimit)) {
      // The credential is in the headers; the key holds only a hash of them.
      const credential = createHash("sha256").update(JSON.stringify(settings.headers)).digest("hex");
      this.limiterKey = `${settings.service}\n${this.target.origin}\n${credential}`;
    }
    this.directAgent = withKeepAliveProbes(
      this.target.protocol === "http:"
        ? new http.Agent({ keepAlive: true })
        : new https.Agent({ keepAlive: true }),
    );
    this.directRoute = isLoopbackHost(this.target.hostname)
      ? { agent: this.directAgent, secrets: [] }
      : undefined;
    this.base = settings.baseUrl.replace(/\/+$/, "");
    this.headers = {
      ...settings.headers,
      Accept: "application/json",
      "Accept-Encoding": ACCEPT_ENCODING,
      "User-Agent": USER_AGENT,
    };
  }

  /**
   * Direct, or through the proxy that HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case) name for the
   * service's URL, read from the environment of the running provider (never stored in state).
   * Loopback (the local emulator) is never proxied.
   */
  private routeToService(): Route {
    const target = this.target;
    const proxyUrl = this.directRoute ? "" : getProxyForUrl(target.href);
    if (!proxyUrl) return this.directRoute ?? { agent: this.directAgent, secrets: [] };
    let route = this.proxied.get(proxyUrl);
    if (!route) {
      let url: URL;
      try {
        url = new URL(proxyUrl);
      } catch {
        // Not quoted: the value may hold a password.
        throw new Error(
          `The proxy set in HTTPS_PROXY/HTTP_PROXY/ALL_PROXY for ${target.host} is not a valid URL.`,
        );
      }
      const user = decodeURIComponent(url.username);
      const password = decodeURIComponent(url.password);
      const userinfo = `${user}:${password}`;
      // Without a password the user name is the credential (a token), so it is a secret too.
      const credentials = password ? [password] : user ? [user] : [];
      const authorization = Buffer.from(userinfo).toString("base64");
      // The agent gets the proxy without its user info and sends the credentials as a header we build:
      // given them in the URL, it writes that URL, password and all, to its debug log (DEBUG=*).
      const proxyOnly = new URL(url.href);
      proxyOnly.username = proxyOnly.password = "";
      const headers: Record<string, string> =
        user || password ? { "Proxy-Authorization": `Basic ${authorization}` } : {};
      route = {
        // CONNECT tunnel for https (and for http, which config allows only on loopback anyway).
        agent: withKeepAliveProbes(
          withAbandonableTunnels(
            // The delay too: given keepAlive alone, Node sets none (the kernel's 2 hours) for the CONNECT.
            new HttpsProxyAgent(proxyOnly, {
              keepAlive: true,
              keepAliveInitialDelay: KEEP_ALIVE_PROBE_DELAY_MS,
              headers,
            }),
          ),
        ),
        proxy: `${url.protocol}//${url.host}`,
        secrets: credentials.length > 0 ? [...credentials, userinfo, authorization] : [],
      };
      this.proxied.set(proxyUrl, route);
    }
    return route;
  }

  /** The request's URL: the base URL, then the request's path and query. */
  private urlOf(request: ApiRequest): URL {
    const url = new URL(this.base + request.path);
    if (request.query !== undefined) {
      const query = new URLSearchParams();
      for (const [name, value] of Object.entries(request.query)) query.append(name, String(value));
      url.search = url.search ? `${url.search}&${query}` : query.toString();
    }
    return url;
  }

  /** Sends a request, retrying what is safe to retry. Resolves with a 2xx (or 404 when allowed). */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const route = this.routeToService();
    const secrets = [...this.settings.secrets, ...(request.secrets ?? []), ...route.secrets];
    const via = route.proxy ? ` (via proxy ${route.proxy})` : "";
    // A path may come from the server (a next-page URL) and quote a secret: redacted, but only when an
    // error shows it, not on every request.
    const shownPath = () => redact(request.path, secrets);
    // Only a path on the service's own origin: "//host", a backslash or a control character could make
    // the URL parser send the request, and its Authorization header, to another host.
    const onOrigin =
      request.path.startsWith("/") && !/^.[/\\]|[\\\s]/.test(request.path) && !hasControl(request.path);
    const url = onOrigin ? this.urlOf(request) : undefined;
    if (url?.origin !== this.target.origin) {
      const path = shownPath();
      throw new ApiError(
        `${this.settings.service} API ${request.method} refused: the path ${JSON.stringify(path)} is not on the service's origin`,
        request.method,
        path,
        undefined,
        false,
      );
    }
    const { body, type } = bodyOf(request);
    const headers = type === undefined ? this.headers : { ...this.headers, "Content-Type": type };
    const started = performance.now();
    // The longest this request may take (see MAX_REQUEST_WAIT_MS): an attempt is sent only if its whole
    // timeoutMs still fits, so a queued one must be sent by then.
    const sendBy = started + Math.max(this.settings.timeoutMs, MAX_REQUEST_WAIT_MS) - this.settings.timeoutMs;
    for (let attempt = 0; ; attempt++) {
      /** Why no further attempt is made after waiting `waitMs`, or undefined to make it. */
      const stopBefore = (waitMs: number, why: string): string | undefined => {
        if (attempt >= this.settings.maxRetries) {
          const attempts = `${attempt + 1} attempt${attempt === 0 ? "" : "s"}`;
          return `gave up after ${attempts}, the most maxRetries=${this.settings.maxRetries} allows`;
        }
        const endsBy = performance.now() - started + waitMs + this.settings.timeoutMs;
        if (endsBy <= MAX_REQUEST_WAIT_MS) return undefined;
        return (
          `gave up after ${attempt + 1} attempts: another, after ${why} of ${Math.ceil(waitMs / 1000)} s, ` +
          `could not end within the limit of ${MAX_REQUEST_WAIT_MS / 1000} s for one request`
        );
      };
      const limiter = this.limiter();
      const permit =
        limiter && (limiter.tryAcquire() ?? (await this.turn(limiter, request, shownPath, sendBy, attempt)));
      const deadline = this.deadlines.start(this.settings.timeoutMs);
      let response: Exchanged;
      try {
        response = await Promise.race([
          exchange(deadline.open, url, request.method, headers, body, route.agent, MAX_RESPONSE_BYTES),
          deadline.timedOut,
        ]);
      } catch (error) {
        // An error status whose body failed is judged by its status (below).
        const answered = deadline.errorAnswer;
        if (!answered) {
          permit?.done({});
          const timedOut = deadline.expired;
          const refused = error instanceof RequestRefusedError;
          const notSent = !timedOut && (refused || neverSent(error, deadline.reusedSocket));
          // A refused request, or an answer that cannot be read, would be the same again.
          const again = !refused && !(error instanceof UnreadableAnswerError);
          if ((notSent || request.idempotent) && again) {
            const wait = backoffMs(attempt);
            const stop = stopBefore(wait, "a backoff");
            if (stop === undefined) {
              await sleep(wait);
              continue;
            }
            throw this.networkError(request, shownPath(), error, timedOut, notSent, secrets, via, stop);
          }
          throw this.networkError(request, shownPath(), error, timedOut, notSent, secrets, via);
        }
        response = answered;
      } finally {
        this.deadlines.end(deadline);
      }
      const { status } = response;
      permit?.done({ status, retryAfterMs: parseRetryAfter(response.headers["retry-after"]) });
      const serverDate = Date.parse(String(response.headers["date"] ?? ""));
      if (!Number.isNaN(serverDate)) this.clockOffsetMs = serverDate - Date.now();
      if (status >= 200 && status < 300) return { status, data: response.data };
      if (status === 404 && request.allowNotFound) return { status, data: response.data };
      // A non-idempotent request answered 502/504 may have been processed behind the gateway;
      // 429 and 503 mean it was turned away and is safe to send again.
      const retriable =
        RETRIABLE_STATUS.has(status) && (request.idempotent || status === 429 || status === 503);
      let stop: string | undefined;
      if (retriable) {
        const retryAfter = parseRetryAfter(response.headers["retry-after"]);
        const wait = retryAfter ?? backoffMs(attempt);
        stop = stopBefore(wait, retryAfter === undefined ? "a backoff" : "the Retry-After wait");
        if (stop === undefined) {
          await sleep(wait);
          continue;
        }
      }
      // A create answered 500/502/504 may have been stored; the caller looks it up. Behind a 502/504
      // the origin may even still be working on it.
      const uncertain = !request.idempotent && (status === 500 || status === 502 || status === 504);
      const message = safeText((this.settings.parseErrorBody ?? errorBodyMessage)(response.data), secrets);
      const path = shownPath();
      throw new ApiError(
        `${this.settings.service} API ${request.method} ${path} failed with HTTP ${status}` +
          `${message ? `: ${message}` : ""}${stop ? ` (${stop})` : ""}${via}`,
        request.method,
        path,
        status,
        uncertain,
        uncertain && status !== 500,
      );
    }
  }

  /** The rate limiter shared by every client of this service and credential in the process, if any. */
  private limiter(): RateLimiter | undefined {
    const { rateLimit } = this.settings;
    if (this.limiterKey === undefined || !rateLimit) return undefined;
    return sharedRateLimiter(this.limiterKey, this.limiterLabel, rateLimit);
  }

  /**
   * Waits for this attempt's turn with the service's rate limiter. A request that cannot be sent by
   * `sendBy` is refused without being sent (never a create in doubt); a retry goes ahead of requests
   * not yet sent.
   */
  private async turn(
    limiter: RateLimiter,
    request: ApiRequest,
    shownPath: () => string,
    sendBy: number,
    attempt: number,
  ): Promise<Permit> {
    try {
      return await limiter.acquire(sendBy, attempt > 0);
    } catch (error) {
      if (!(error instanceof QueueWaitError)) throw error;
      const path = shownPath();
      const after = attempt > 0 ? ` again after ${attempt} attempt${attempt === 1 ? "" : "s"}` : "";
      throw new ApiError(
        `${this.settings.service} API ${request.method} ${path} was not sent${after}: ${error.reason}, it could ` +
          `not end within the limit of ${MAX_REQUEST_WAIT_MS / 1000} s for one request (MAX_REQUEST_WAIT_MS) ` +
          `with its timeoutMs of ${this.settings.timeoutMs / 1000} s. Run fewer operations at once ` +
          `(pulumi up --parallel) or, if the service allows more, raise the limit.`,
        request.method,
        path,
        undefined,
        false,
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
    path: string,
    error: unknown,
    timedOut: boolean,
    notSent: boolean,
    secrets: string[],
    via: string,
    stop?: string,
  ): ApiError {
    const code = (error as { code?: unknown }).code;
    const reason =
      (typeof code === "string" && code) ||
      safeText((error as Error).message ?? "", secrets) ||
      "network error";
    const tooLarge = error instanceof AnswerTooLargeError;
    const what = timedOut
      ? `got no complete answer within ${this.settings.timeoutMs} ms (timeoutMs)`
      : tooLarge
        ? `was answered with more than ${MAX_RESPONSE_BYTES} bytes (MAX_RESPONSE_BYTES), which is not read`
        : error instanceof UnreadableAnswerError
          ? `was answered, but ${safeText(error.message, secrets)}`
          : error instanceof RequestRefusedError
            ? `was not sent: Node's http refused it (${safeText(error.message, secrets)})`
            : `failed before an answer arrived (${reason})`;
    return new ApiError(
      `${this.settings.service} API ${request.method} ${path} ${what}${stop ? ` (${stop})` : ""}${via}`,
      request.method,
      path,
      undefined,
      !notSent && !request.idempotent,
      // The connection went silent after the request may have reached the service (keep-alive probes
      // unanswered): like our own deadline, the service may still be working on it. A success that
      // cannot be read did complete: a lookup finding nothing yet must not send it again.
      timedOut || (!notSent && code === "ETIMEDOUT") || error instanceof UnreadableAnswerError,
    );
  }
}
