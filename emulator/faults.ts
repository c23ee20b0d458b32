// Fault injection: rules matched in order of injection, probabilistic ones decided by a seeded PRNG.
import { isPlainObject, type ApiResponse } from "./http";
import { tinesSecretsIn } from "./tines/modes";
import type { EchoFaultKind, FaultKind, FaultRule } from "./types";

export const ECHO_FAULT_KINDS: readonly EchoFaultKind[] = ["echo-text", "echo-json", "echo-form"];

export const FAULT_KINDS: readonly FaultKind[] = [
  "429",
  "500",
  "502",
  "503",
  "reset-before",
  "reset-after",
  "slow",
  ...ECHO_FAULT_KINDS,
  "late-answer",
];

/** mulberry32: a tiny deterministic PRNG returning floats in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RULE_KEYS = new Set([
  "service",
  "method",
  "pathPrefix",
  "fault",
  "retryAfterSeconds",
  "delayMs",
  "count",
  "probability",
]);

/** Checks an untrusted fault rule (from code or the control API) and returns a clean copy. */
export function validateFaultRule(input: unknown): FaultRule {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    throw new TypeError("fault rule must be an object");
  }
  const r = input as Record<string, unknown>;
  for (const key of Object.keys(r)) {
    if (!RULE_KEYS.has(key)) throw new TypeError(`fault rule: unknown property "${key}"`);
  }
  if (typeof r.fault !== "string" || !(FAULT_KINDS as readonly string[]).includes(r.fault)) {
    throw new TypeError(`fault rule: "fault" must be one of ${FAULT_KINDS.join(", ")}`);
  }
  const rule: FaultRule = { fault: r.fault as FaultKind };
  if (r.service !== undefined) {
    if (r.service !== "tines" && r.service !== "twilio") {
      throw new TypeError('fault rule: "service" must be "tines" or "twilio"');
    }
    rule.service = r.service;
  }
  if (r.method !== undefined) {
    if (typeof r.method !== "string" || r.method === "") {
      throw new TypeError('fault rule: "method" must be a non-empty string');
    }
    rule.method = r.method.toUpperCase();
  }
  if (r.pathPrefix !== undefined) {
    if (typeof r.pathPrefix !== "string" || !r.pathPrefix.startsWith("/")) {
      throw new TypeError('fault rule: "pathPrefix" must be a string starting with "/"');
    }
    rule.pathPrefix = r.pathPrefix;
  }
  const nonNegInt = (key: "retryAfterSeconds" | "delayMs") => {
    const v = r[key];
    if (v === undefined) return;
    if (typeof v !== "number" || !Number.isInteger(v) || v < 0) {
      throw new TypeError(`fault rule: "${key}" must be a non-negative integer`);
    }
    rule[key] = v;
  };
  nonNegInt("retryAfterSeconds");
  nonNegInt("delayMs");
  if (r.count !== undefined) {
    if (typeof r.count !== "number" || !Number.isInteger(r.count) || r.count < 1) {
      throw new TypeError('fault rule: "count" must be a positive integer');
    }
    rule.count = r.count;
  }
  if (r.probability !== undefined) {
    if (typeof r.probability !== "number" || !(r.probability >= 0 && r.probability <= 1)) {
      throw new TypeError('fault rule: "probability" must be a number between 0 and 1');
    }
    rule.probability = r.probability;
  }
  return rule;
}

interface ActiveRule {
  rule: FaultRule;
  remaining?: number;
}

export class FaultInjector {
  private rules: ActiveRule[] = [];
  private random: () => number;

  constructor(private readonly seed: number) {
    this.random = mulberry32(seed);
  }

  add(input: FaultRule): FaultRule {
    const rule = validateFaultRule(input);
    this.rules.push({ rule, remaining: rule.count });
    return { ...rule };
  }

  clear(): void {
    this.rules = [];
  }

  reseed(): void {
    this.random = mulberry32(this.seed);
  }

  /** The active rules; `count` shows what is left of it. */
  list(): FaultRule[] {
    return this.rules.map(({ rule, remaining }) =>
      remaining === undefined ? { ...rule } : { ...rule, count: remaining },
    );
  }

  /**
   * The first rule (in order of injection) that matches the request and fires. A probabilistic
   * rule draws one PRNG number per matching request; a counted rule is used up when it fires.
   */
  pick(service: "tines" | "twilio", method: string, path: string): FaultRule | undefined {
    for (let i = 0; i < this.rules.length; i++) {
      const active = this.rules[i];
      const { rule } = active;
      if (rule.service !== undefined && rule.service !== service) continue;
      if (rule.method !== undefined && rule.method !== method.toUpperCase()) continue;
      if (rule.pathPrefix !== undefined && !path.startsWith(rule.pathPrefix)) continue;
      if (rule.probability !== undefined && !(this.random() < rule.probability)) continue;
      if (active.remaining !== undefined) {
        active.remaining -= 1;
        if (active.remaining <= 0) this.rules.splice(i, 1);
      }
      return { ...rule };
    }
    return undefined;
  }
}

/**
 * The secret a request carries: Twilio `Credentials`; for Tines the first secret of the body's mode
 * (`value`, `jwt_private_key`, ..., or a `credential_requests[].http_request_secret`). The whole body
 * when there is none.
 */
function requestSecret(service: "tines" | "twilio", body: Buffer): string {
  const text = body.toString("utf8");
  if (service === "twilio") return new URLSearchParams(text).get("Credentials") ?? text;
  try {
    const json: unknown = JSON.parse(text);
    return (isPlainObject(json) && tinesSecretsIn(json)[0]) || text;
  } catch {
    return text;
  }
}

/**
 * An error answer (nothing processed) that quotes the request's secret the way careless services do:
 * "echo-text" a plain-text body with the secret after 470 characters, cut by the server at 500;
 * "echo-json" the secret JSON-escaped inside a JSON string (Tines: a JSON string holding JSON);
 * "echo-form" the raw form body quoted (Twilio), or the secret form-encoded (Tines).
 */
export function echoResponse(service: "tines" | "twilio", kind: EchoFaultKind, body: Buffer): ApiResponse {
  const secret = requestSecret(service, body);
  const status = service === "tines" ? 422 : 400;
  const twilio = (message: string): ApiResponse => ({
    status,
    body: { code: 20001, message, more_info: "https://www.twilio.com/docs/errors/20001", status },
  });
  switch (kind) {
    case "echo-text": {
      const lead = "Invalid parameter: the value could not be accepted. ".padEnd(470, ".");
      return { status, body: `${lead}${secret} is not valid`.slice(0, 500) };
    }
    case "echo-json":
      return service === "tines"
        ? { status, body: { status: "invalid", value: JSON.stringify({ token: secret }) } }
        : twilio(`Invalid parameter ${JSON.stringify({ Credentials: secret })}`);
    case "echo-form":
      return service === "tines"
        ? { status, body: { error: `Invalid body: ${new URLSearchParams({ value: secret }).toString()}` } }
        : twilio(`Invalid parameter in request body: ${body.toString("utf8")}`);
  }
}
