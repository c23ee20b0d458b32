// Rate limits the emulator can enforce, each the way its service documents it: Tines a per-minute rate
// per API key (a token bucket; 429 without Retry-After), Twilio a number of requests in flight per
// credential (429 with code 20429). Off unless configured.
import type { ServiceName } from "./services/service";

/** Tines: requests per minute per API key, as a token bucket. */
export interface TinesRateLimit {
  /** Tokens added per minute. Tines documents about 5,000 per minute per IP and token. */
  requestsPerMinute: number;
  /** Bucket size: requests that may go at once after a quiet spell. Default one second's worth (at least 1). */
  burst?: number;
}

/** Twilio: requests of one credential in flight at once. */
export interface TwilioConcurrencyLimit {
  /** One more request than this, while they are all in flight, is answered 429 / 20429. */
  maxConcurrent: number;
}

/** What `rateLimits` takes (options, `setRateLimits`, `PUT /_emulator/limits`); a service left out has no limit. */
export interface RateLimits {
  tines?: TinesRateLimit | null;
  twilio?: TwilioConcurrencyLimit | null;
}

export interface RateLimitStatus {
  /** The limits in force, with defaults filled in; a service without a limit is absent. */
  limits: { tines?: Required<TinesRateLimit>; twilio?: TwilioConcurrencyLimit };
  /** 429s the limits answered (not injected faults), per service, since the limits were last set or reset. */
  answered429: Record<ServiceName, number>;
  /** The most requests one credential had in flight at once, per service, over the same span. */
  peakInFlight: Record<ServiceName, number>;
}

const LIMIT_KEYS: Record<ServiceName, readonly string[]> = {
  tines: ["requestsPerMinute", "burst"],
  twilio: ["maxConcurrent"],
};

function positiveNumber(where: string, v: unknown, integer: boolean): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v <= 0 || (integer && !Number.isInteger(v))) {
    throw new TypeError(`${where} must be a positive ${integer ? "integer" : "number"}`);
  }
  return v;
}

/** Checks untrusted limits (options, control API) and fills in defaults; throws a TypeError naming the field. */
export function validateRateLimits(input: unknown): RateLimitStatus["limits"] {
  if (input === undefined || input === null) return {};
  if (typeof input !== "object" || Array.isArray(input)) throw new TypeError("rateLimits must be an object");
  const raw = input as Record<string, unknown>;
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(LIMIT_KEYS, key))
      throw new TypeError(`rateLimits: unknown service "${key}" (tines, twilio)`);
  }
  const section = (service: ServiceName): Record<string, unknown> | undefined => {
    const v = raw[service];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== "object" || Array.isArray(v))
      throw new TypeError(`rateLimits.${service} must be an object or null`);
    for (const key of Object.keys(v)) {
      if (!LIMIT_KEYS[service].includes(key)) {
        throw new TypeError(
          `rateLimits.${service}: unknown property "${key}" (${LIMIT_KEYS[service].join(", ")})`,
        );
      }
    }
    return v as Record<string, unknown>;
  };
  const limits: RateLimitStatus["limits"] = {};
  const tines = section("tines");
  if (tines) {
    const requestsPerMinute = positiveNumber(
      "rateLimits.tines.requestsPerMinute",
      tines.requestsPerMinute,
      false,
    );
    const burst =
      tines.burst === undefined
        ? Math.max(1, Math.floor(requestsPerMinute / 60))
        : positiveNumber("rateLimits.tines.burst", tines.burst, true);
    limits.tines = { requestsPerMinute, burst };
  }
  const twilio = section("twilio");
  if (twilio) {
    limits.twilio = {
      maxConcurrent: positiveNumber("rateLimits.twilio.maxConcurrent", twilio.maxConcurrent, true),
    };
  }
  return limits;
}

/** Credit units per token: a minute in milliseconds, so whole-millisecond refills stay whole numbers. */
const UNITS_PER_TOKEN = 60_000;

/**
 * A token bucket of `burst` tokens refilled at `requestsPerMinute`; a request takes one token. Credit is
 * counted in 1/60,000 of a token, so a minute of milliseconds adds exactly `requestsPerMinute` tokens
 * with no rounding drift.
 */
class TokenBucket {
  private credit: number;
  private readonly capacity: number;

  constructor(
    private readonly requestsPerMinute: number,
    burst: number,
    private last: number,
  ) {
    this.capacity = burst * UNITS_PER_TOKEN;
    this.credit = this.capacity;
  }

  take(now: number): boolean {
    this.credit = this.creditAt(now);
    this.last = Math.max(this.last, now);
    if (this.credit < UNITS_PER_TOKEN) return false;
    this.credit -= UNITS_PER_TOKEN;
    return true;
  }

  full(now: number): boolean {
    return this.creditAt(now) >= this.capacity;
  }

  private creditAt(now: number): number {
    return Math.min(this.capacity, this.credit + Math.max(0, now - this.last) * this.requestsPerMinute);
  }
}

/** A request let through: call `release` once it is finished (answered, dropped or abandoned). */
export interface Admission {
  release(): void;
}

/** Past this many buckets, the full ones (credentials idle long enough to have refilled) are dropped. */
const MAX_IDLE_BUCKETS = 1_000;

export class RateLimiter {
  private limits: RateLimitStatus["limits"] = {};
  private buckets = new Map<string, TokenBucket>();
  private inFlight = new Map<string, number>();
  private answered429: Record<ServiceName, number> = { tines: 0, twilio: 0 };
  private peakInFlight: Record<ServiceName, number> = { tines: 0, twilio: 0 };

  /** `now` in milliseconds; tests give a clock of their own. */
  constructor(
    limits: RateLimits | undefined,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.set(limits);
  }

  /** Replaces every limit (a service left out has none) and starts afresh: full buckets, zero counters. */
  set(limits: RateLimits | undefined): void {
    this.limits = validateRateLimits(limits);
    this.buckets.clear();
    this.answered429 = { tines: 0, twilio: 0 };
    this.peakInFlight = { tines: 0, twilio: 0 };
  }

  status(): RateLimitStatus {
    return structuredClone({
      limits: this.limits,
      answered429: this.answered429,
      peakInFlight: this.peakInFlight,
    });
  }

  /**
   * Lets a request of `credential` (the API key or login it presents) through, or answers undefined
   * when the service's limit is reached; the caller then answers 429. The credential stays in memory
   * only: no status or log shows it.
   */
  admit(service: ServiceName, credential: string): Admission | undefined {
    const key = `${service}\n${credential}`;
    const tines = service === "tines" ? this.limits.tines : undefined;
    if (tines && !this.bucket(key, tines).take(this.now())) return this.refuse(service);
    const twilio = service === "twilio" ? this.limits.twilio : undefined;
    const inFlight = this.inFlight.get(key) ?? 0;
    if (twilio && inFlight >= twilio.maxConcurrent) return this.refuse(service);
    this.inFlight.set(key, inFlight + 1);
    this.peakInFlight[service] = Math.max(this.peakInFlight[service], inFlight + 1);
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        const left = (this.inFlight.get(key) ?? 1) - 1;
        if (left > 0) this.inFlight.set(key, left);
        else this.inFlight.delete(key);
      },
    };
  }

  private refuse(service: ServiceName): undefined {
    this.answered429[service] += 1;
    return undefined;
  }

  private bucket(key: string, limit: Required<TinesRateLimit>): TokenBucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const now = this.now();
      if (this.buckets.size >= MAX_IDLE_BUCKETS) {
        for (const [k, b] of this.buckets) if (b.full(now)) this.buckets.delete(k);
      }
      bucket = new TokenBucket(limit.requestsPerMinute, limit.burst, now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }
}
