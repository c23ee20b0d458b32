// A client-side rate limiter shared by every request to one service with one credential in this
// process (the provider host runs every hook of a stack). Requests wait here for their turn instead of
// being sent and bounced: a token bucket bounds how many start per minute, and a count bounds how many
// are in flight at once. It adapts to the service: a 429 halves the rate (and the number in flight),
// answers without one grow them back, and a Retry-After holds back every queued request, not only the
// one that was told. A request waits only until the time its caller gives; past that it is refused
// before it is sent, so waiting never turns into a send the caller did not want. Service-agnostic:
// what the limits are, and what the settings that set them are called, come from the caller.

/** One bound and how a user sets it (named in messages). */
export interface RateLimitSetting {
  /** The bound; 0 means none. */
  value: number;
  /** The setting's names, as messages show them: "svc:requestsPerMinute / SVC_REQUESTS_PER_MINUTE". */
  setting: string;
}

export interface RateLimitSettings {
  /** Requests started per minute, at most. */
  requestsPerMinute?: RateLimitSetting;
  /** Requests in flight at once, at most. */
  maxConcurrentRequests?: RateLimitSetting;
}

/** Whether these settings bound anything at all (all unset or 0: the limiter is off). */
export function limitsAnything(settings: RateLimitSettings | undefined): settings is RateLimitSettings {
  return (settings?.requestsPerMinute?.value ?? 0) > 0 || (settings?.maxConcurrentRequests?.value ?? 0) > 0;
}

/**
 * The bucket holds this many seconds of tokens (at least one). Enough that a timer running late in a
 * busy host (the tokens it should have handed out meanwhile are kept, up to this) costs no rate; small
 * enough to leave a service whose own bucket holds a second's worth room for requests that arrive
 * bunched up.
 */
export const BURST_SECONDS = 0.5;
/** The rate never drops below this share of the configured one, however many 429s come. */
export const MIN_RATE_SHARE = 1 / 32;
/** Answers without a 429 grow the rate back by this share of the configured rate per second. */
export const GROWTH_PER_SECOND = 0.1;
/** A request that waited this long in the queue makes the limiter say (once) that requests queue. */
export const QUEUE_NOTICE_MS = 1_000;
/** After this long without a 429 or a long wait, the next one is news again and is said again. */
export const QUIET_MS = 60_000;

/** How the service answered a request sent with a permit. */
export interface Answer {
  /** The HTTP status; undefined when no answer arrived (connection failure, timeout). */
  status?: number;
  /** The service's Retry-After, in milliseconds, when it sent one. */
  retryAfterMs?: number;
}

/** Leave to send one request. `done` must be called once, when its answer (or failure) is in. */
export interface Permit {
  done(answer: Answer): void;
}

/** A request that could not be sent by the time its caller allowed: never sent. */
export class QueueWaitError extends Error {
  constructor(
    /** Why, naming the queue and the limit: "after 91 s in the queue (412 ahead, at 2500 of ...)". */
    readonly reason: string,
  ) {
    super(reason);
    this.name = "QueueWaitError";
  }
}

interface Waiter {
  queuedAt: number;
  grant(permit: Permit): void;
  refuse(error: QueueWaitError): void;
  /** Refuses it when its time is up, unless it was let through before. */
  timer?: ReturnType<typeof setTimeout>;
}

/** Says something to the user running the deploy: `pulumi.log` (the engine's log, else the host's output). */
export type Notify = (message: string) => void;

/**
 * The SDK is loaded when there is something to say, not with this module: the generator's CLI uses the
 * HTTP client too, and loading @pulumi/pulumi (gRPC, protobuf) at its start doubled its memory.
 */
const defaultNotify: Notify = (message) =>
  void import("@pulumi/pulumi").then(
    (sdk) => sdk.log.info(message),
    () => console.error(message),
  );
let notify: Notify = defaultNotify;

/** Tests only: where the limiter's messages go (undefined: back to pulumi.log). */
export function setRateLimitNotify(target: Notify | undefined): void {
  notify = target ?? defaultNotify;
}

const perSecond = (perMinute: number) => perMinute / 60;
/** Token counts are fractions: a token a rounding error short of one is a token. */
const EPSILON = 1e-9;
const round = (n: number) => (n >= 10 ? Math.round(n) : Math.round(n * 10) / 10);

export class RateLimiter {
  private settings: RateLimitSettings = {};
  /** Configured rate, per second; 0 when unbounded. */
  private ceilingRate = 0;
  private ceilingInFlight = 0;
  /** Current (adapted) rate per second and number in flight. */
  private rate = 0;
  private allowedInFlight = 0;
  private tokens = 0;
  private refilledAt = performance.now();
  private inFlight = 0;
  /** No request is sent before this time (a Retry-After). */
  private pausedUntil = 0;
  /** Counts the cuts. A request sent before the last one went at the old bounds: its answer was reacted to. */
  private cuts = 0;
  private readonly waiting: Waiter[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private timerAt = Infinity;
  /** The last 429 or long wait; the user is told again only after QUIET_MS without one. */
  private throttledAt = -Infinity;

  constructor(
    /** Whose requests these are, for messages: "<service> API at https://api.example.com". */
    readonly label: string,
    settings: RateLimitSettings,
  ) {
    this.configure(settings);
  }

  /** Sets the configured bounds (the adapted ones start there again). */
  configure(settings: RateLimitSettings): void {
    if (settings === this.settings || JSON.stringify(settings) === JSON.stringify(this.settings)) return;
    this.settings = settings;
    this.ceilingRate = perSecond(settings.requestsPerMinute?.value ?? 0);
    this.ceilingInFlight = settings.maxConcurrentRequests?.value ?? 0;
    this.rate = this.ceilingRate;
    this.allowedInFlight = this.ceilingInFlight;
    this.tokens = this.capacity();
    this.refilledAt = performance.now();
    this.pump();
  }

  /** Requests waiting for their turn. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Requests sent and not answered yet. */
  get sending(): number {
    return this.inFlight;
  }

  /**
   * Waits for this request's turn. Refused with a QueueWaitError, without sending, when it cannot be
   * sent by `sendBy` (performance.now() time): at once if even the configured rate cannot reach it in
   * time, else when that time comes. `retry`: a request already sent once goes ahead of new ones.
   */
  acquire(sendBy: number, retry = false): Promise<Permit> {
    const now = performance.now();
    const free = this.tryAcquire(now);
    if (free) return Promise.resolve(free);
    const ahead = retry ? 0 : this.waiting.length;
    const soonest = this.soonestWait(now, ahead);
    if (now + soonest > sendBy) {
      return Promise.reject(
        new QueueWaitError(
          `it would wait at least ${Math.ceil(soonest / 1000)} s in the queue (${ahead} requests ahead of it, ` +
            `${this.describe(now)})`,
        ),
      );
    }
    return new Promise<Permit>((resolve, reject) => {
      const waiter: Waiter = { queuedAt: now, grant: resolve, refuse: reject };
      // No deadline timer for a request that may wait for ever (only tests ask for that).
      if (Number.isFinite(sendBy)) {
        waiter.timer = setTimeout(
          () => {
            const at = this.waiting.indexOf(waiter);
            if (at < 0) return;
            this.waiting.splice(at, 1);
            const waited = performance.now() - waiter.queuedAt;
            reject(
              new QueueWaitError(
                `after ${Math.ceil(waited / 1000)} s in the queue (${at} requests still ahead of it, ` +
                  `${this.describe(performance.now())})`,
              ),
            );
          },
          Math.max(0, sendBy - now),
        );
      }
      if (retry) this.waiting.unshift(waiter);
      else this.waiting.push(waiter);
      this.pump();
    });
  }

  /**
   * A permit at once, when one is free and no request waits; else undefined (then `acquire`). Most
   * requests go through here, and without a promise and its turns of the event loop.
   */
  tryAcquire(now = performance.now()): Permit | undefined {
    return this.waiting.length === 0 && this.canSend(now) ? this.take() : undefined;
  }

  /** Refuses every queued request, unsent, and stops the timer: the limiter is not used again. */
  close(reason: string): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = Infinity;
    for (const waiter of this.waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.refuse(new QueueWaitError(reason));
    }
  }

  private capacity(): number {
    return Math.max(1, this.rate * BURST_SECONDS);
  }

  private refill(now: number): void {
    if (this.rate > 0) {
      this.tokens = Math.min(this.capacity(), this.tokens + ((now - this.refilledAt) / 1000) * this.rate);
    }
    this.refilledAt = now;
  }

  private canSend(now: number): boolean {
    this.refill(now);
    if (now < this.pausedUntil) return false;
    if (this.ceilingInFlight > 0 && this.inFlight >= Math.floor(this.allowedInFlight)) return false;
    return this.ceilingRate === 0 || this.tokens >= 1 - EPSILON;
  }

  /** The least a request with `ahead` requests before it waits: the pause, and their tokens and its own. */
  private soonestWait(now: number, ahead: number): number {
    const pause = Math.max(0, this.pausedUntil - now);
    if (this.ceilingRate === 0) return pause;
    this.refill(now);
    // At the configured rate (the adapted one may grow back while it waits); the bucket fills during a pause.
    const tokensNeeded = Math.max(0, ahead + 1 - Math.max(0, this.tokens));
    return Math.max(pause, (tokensNeeded / this.ceilingRate) * 1000);
  }

  private take(): Permit {
    if (this.ceilingRate > 0) this.tokens -= 1;
    this.inFlight++;
    const cutsBefore = this.cuts;
    let finished = false;
    return {
      done: (answer) => {
        if (finished) return;
        finished = true;
        this.inFlight--;
        this.answered(cutsBefore === this.cuts, answer);
        this.pump();
      },
    };
  }

  /** `current`: the request was sent at the bounds as they stand (no cut since). */
  private answered(current: boolean, { status, retryAfterMs }: Answer): void {
    const now = performance.now();
    this.refill(now);
    if (retryAfterMs !== undefined && retryAfterMs > 0) {
      this.pausedUntil = Math.max(this.pausedUntil, now + retryAfterMs);
    }
    // Answers to requests sent before the last cut say nothing about the bounds since: one wave of 429s
    // cuts once, and its late answers grow nothing.
    if (status === 429) {
      if (current) {
        this.cuts++;
        if (this.ceilingRate > 0) {
          this.rate = Math.max(this.ceilingRate * MIN_RATE_SHARE, this.rate / 2);
          // The service's own bucket is empty: no burst from ours.
          this.tokens = Math.min(this.tokens, 0);
        }
        if (this.ceilingInFlight > 0)
          this.allowedInFlight = Math.max(1, Math.floor(this.allowedInFlight / 2));
      }
      this.throttled(
        now,
        `${this.label} answered 429 (too many requests), so its requests now queue ${this.describe(now)}; ` +
          `the limit grows back as requests succeed. ${this.waiting.length} waiting; each is sent in its ` +
          `turn, within the time limit of one request. (Said once while throttling lasts.)`,
      );
    } else if (current && status !== undefined && status < 500) {
      // The service took a request without complaint: grow back towards the configured bounds.
      if (this.ceilingRate > 0 && this.rate < this.ceilingRate) {
        this.rate = Math.min(
          this.ceilingRate,
          this.rate + (GROWTH_PER_SECOND * this.ceilingRate) / this.rate,
        );
      }
      if (this.ceilingInFlight > 0 && this.allowedInFlight < this.ceilingInFlight) {
        this.allowedInFlight = Math.min(
          this.ceilingInFlight,
          this.allowedInFlight + 1 / this.allowedInFlight,
        );
      }
    }
  }

  /** Tells the user once per episode of throttling. */
  private throttled(now: number, message: string): void {
    if (now - this.throttledAt > QUIET_MS) notify(message);
    this.throttledAt = now;
  }

  /** The bounds as they stand: "at 2500 of 5000 requests per minute (svc:requestsPerMinute / ...)". */
  private describe(now: number): string {
    const parts: string[] = [];
    const { requestsPerMinute, maxConcurrentRequests } = this.settings;
    if (requestsPerMinute && this.ceilingRate > 0) {
      const at = round(this.rate * 60);
      const of = at < requestsPerMinute.value ? `${at} of ` : "";
      parts.push(`at ${of}${requestsPerMinute.value} requests per minute (${requestsPerMinute.setting})`);
    }
    if (maxConcurrentRequests && this.ceilingInFlight > 0) {
      const at = Math.floor(this.allowedInFlight);
      const of = at < maxConcurrentRequests.value ? `${at} of ` : "";
      parts.push(
        `with at most ${of}${maxConcurrentRequests.value} in flight (${maxConcurrentRequests.setting})`,
      );
    }
    if (this.pausedUntil > now) {
      parts.push(
        `all held back ${Math.ceil((this.pausedUntil - now) / 1000)} s more for the service's Retry-After`,
      );
    }
    return parts.join(", ");
  }

  /** Sends every request whose turn has come, then sets one timer for the next turn. */
  private pump(): void {
    const now = performance.now();
    while (this.waiting.length > 0 && this.canSend(now)) {
      const waiter = this.waiting.shift()!;
      clearTimeout(waiter.timer);
      if (now - waiter.queuedAt >= QUEUE_NOTICE_MS) {
        this.throttled(
          now,
          `${this.label}: requests queue to stay within the limit (${this.describe(now)}); ` +
            `${this.waiting.length} waiting. Each is sent in its turn, within the time limit of one ` +
            `request. (Said once while queueing lasts.)`,
        );
      }
      waiter.grant(this.take());
    }
    this.arm(now);
  }

  /** One timer, for when the next waiter's turn comes by time (a token or the pause's end). */
  private arm(now: number): void {
    let at = Infinity;
    const slotFree = this.ceilingInFlight === 0 || this.inFlight < Math.floor(this.allowedInFlight);
    // Waiting for a request in flight to finish needs no timer: its `done` pumps.
    if (this.waiting.length > 0 && slotFree) {
      const tokenAt =
        this.ceilingRate > 0 && this.tokens < 1 - EPSILON
          ? now + ((1 - this.tokens) / this.rate) * 1000
          : now;
      at = Math.max(this.pausedUntil, tokenAt);
    }
    if (at === this.timerAt) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = at;
    if (at === Infinity) return;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.timerAt = Infinity;
        this.pump();
      },
      Math.max(0, Math.ceil(at - now)),
    );
  }
}

const limiters = new Map<string, RateLimiter>();

/**
 * The limiter of one service and credential, shared by every client of this process. `key` tells
 * credentials apart (the caller hashes it: it is derived from a secret). Later settings replace earlier.
 */
export function sharedRateLimiter(key: string, label: string, settings: RateLimitSettings): RateLimiter {
  let limiter = limiters.get(key);
  if (!limiter) limiters.set(key, (limiter = new RateLimiter(label, settings)));
  else limiter.configure(settings);
  return limiter;
}

/**
 * Tests only: each test stands for a separate provider process, so a request an earlier test left
 * queued is refused rather than sent during a later one.
 */
export function forgetRateLimiters(): void {
  for (const limiter of limiters.values()) limiter.close("the limiter was reset (tests only)");
  limiters.clear();
}

/** Tests only: requests sent through any limiter and not answered yet (I/O a fake clock must wait for). */
export function requestsInFlight(): number {
  let count = 0;
  for (const limiter of limiters.values()) count += limiter.sending;
  return count;
}
