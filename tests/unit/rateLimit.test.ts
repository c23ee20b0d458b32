// The client-side rate limiter (provider/core/rateLimit.ts) on its own, under fake timers: the token
// bucket and the in-flight bound, adapting to 429s and growing back, Retry-After holding back every
// queued request, the wait bound, and one message per episode of throttling.
import FakeTimers from "@sinonjs/fake-timers";
import { expect } from "chai";
import {
  BURST_SECONDS,
  GROWTH_PER_SECOND,
  Permit,
  QUEUE_NOTICE_MS,
  QUIET_MS,
  forgetRateLimiters,
  QueueWaitError,
  RateLimiter,
  RateLimitSettings,
  setRateLimitNotify,
  sharedRateLimiter,
} from "../../provider/core/rateLimit";
import { fakeClock, rejection } from "./helpers";

const PER_MINUTE = "svc:requestsPerMinute / SVC_REQUESTS_PER_MINUTE";
const IN_FLIGHT = "svc:maxConcurrentRequests / SVC_MAX_CONCURRENT_REQUESTS";
const rate = (perMinute: number): RateLimitSettings => ({
  requestsPerMinute: { value: perMinute, setting: PER_MINUTE },
});
const inFlight = (max: number): RateLimitSettings => ({
  maxConcurrentRequests: { value: max, setting: IN_FLIGHT },
});

describe("rate limiter", () => {
  let clock: FakeTimers.Clock;
  let messages: string[];
  beforeEach(() => {
    clock = fakeClock();
    messages = [];
    setRateLimitNotify((m) => messages.push(m));
  });
  afterEach(() => {
    clock.uninstall();
    setRateLimitNotify(undefined);
  });

  /** Queues `count` requests; each records when it was let through (ms since the start) and its permit. */
  function queue(limiter: RateLimiter, count: number, sendBy = Infinity) {
    const start = performance.now();
    const sent: number[] = [];
    const permits: Permit[] = [];
    const done = Array.from({ length: count }, () =>
      limiter.acquire(sendBy).then((permit) => {
        sent.push(Math.round(performance.now() - start));
        permits.push(permit);
        return permit;
      }),
    );
    return { sent, permits, done };
  }

  /** The gaps between consecutive send times. */
  const gaps = (times: number[]) => times.slice(1).map((t, i) => t - times[i]);

  describe("token bucket (requests per minute)", () => {
    // 600 per minute: 10 per second, and a bucket of BURST_SECONDS of them.
    const burst = Math.max(1, 10 * BURST_SECONDS);

    it("lets requests through evenly at the configured rate, after a burst of BURST_SECONDS", async () => {
      const limiter = new RateLimiter("Svc API", rate(600));
      const { sent } = queue(limiter, 30);
      await clock.tickAsync(5_000);
      expect(sent).to.have.length(30);
      expect(sent.slice(0, burst)).to.deep.equal(Array(burst).fill(0));
      expect(gaps(sent.slice(burst - 1))).to.deep.equal(Array(30 - burst).fill(100));
    });

    it("never sends more than the bucket and the rate allow over any stretch of time", async () => {
      const limiter = new RateLimiter("Svc API", rate(600));
      const { sent } = queue(limiter, 50);
      await clock.tickAsync(10_000);
      expect(sent).to.have.length(50);
      for (let i = 0; i < sent.length; i++) {
        for (let j = i; j < sent.length; j++) {
          expect(j - i + 1).to.be.at.most(burst + ((sent[j] - sent[i]) / 1000) * 10, `requests ${i} to ${j}`);
        }
      }
      expect(sent[49]).to.equal((50 - burst) * 100);
    });
  });

  describe("in-flight bound (max concurrent requests)", () => {
    it("lets the next request through only when one in flight is done", async () => {
      const limiter = new RateLimiter("Svc API", inFlight(3));
      const { sent, permits } = queue(limiter, 5);
      await clock.tickAsync(1_000);
      expect(sent).to.have.length(3);
      permits[0].done({ status: 200 });
      await clock.tickAsync(0);
      expect(sent).to.have.length(4);
      permits[1].done({ status: 200 });
      permits[1].done({ status: 200 }); // a second done changes nothing
      await clock.tickAsync(0);
      expect(sent).to.have.length(5);
      expect(limiter.queued).to.equal(0);
    });
  });

  describe("adapting to the service", () => {
    it("a 429 halves the rate; answers without one grow it back to the configured rate", async () => {
      const limiter = new RateLimiter("Svc API", rate(600)); // 10/s: 100 ms apart
      const first = await limiter.acquire(Infinity);
      first.done({ status: 429 });
      const { sent, permits } = queue(limiter, 3);
      await clock.tickAsync(1_000);
      // Half the rate (5/s), and the bucket emptied: 200 ms apart from the 429 on.
      expect(sent).to.deep.equal([200, 400, 600]);
      // Each answer without a 429 adds GROWTH_PER_SECOND of the configured rate per second of requests.
      for (const permit of permits) permit.done({ status: 201 });
      const grown = queue(limiter, 60);
      const answer = async () => {
        while (grown.permits.length > 0) grown.permits.shift()!.done({ status: 200 });
      };
      for (let t = 0; t < 10_000; t += 50) {
        await clock.tickAsync(50);
        await answer();
      }
      const tail = gaps(grown.sent).slice(-10);
      expect(tail).to.deep.equal(Array(10).fill(100), "back at 10/s");
      // Ten requests at 10/s would take under a second; they took longer: it started below the rate.
      expect(grown.sent[10] - grown.sent[0]).to.be.above(1_000, "started below it");
      expect(GROWTH_PER_SECOND).to.be.above(0);
    });

    it("429s for requests sent at the old rate cut it once, not once each", async () => {
      const limiter = new RateLimiter("Svc API", rate(6_000)); // 100/s, a bucket of 10
      const permits = await Promise.all(Array.from({ length: 10 }, () => limiter.acquire(Infinity)));
      for (const permit of permits) permit.done({ status: 429 });
      const { sent } = queue(limiter, 3);
      await clock.tickAsync(1_000);
      // 50/s (one cut), not 100/2^10 (the floor).
      expect(gaps(sent)).to.deep.equal([20, 20]);
    });

    it("a 429 halves the number in flight; answers grow it back by about one per round", async () => {
      const limiter = new RateLimiter("Svc API", inFlight(8));
      const first = queue(limiter, 8);
      await clock.tickAsync(0);
      expect(first.sent).to.have.length(8);
      first.permits[0].done({ status: 429 });
      // Sent before the cut, at the old bound: these answers do not grow the new one.
      for (const permit of first.permits.slice(1)) permit.done({ status: 200 });
      const rest = queue(limiter, 200);
      const perRound: number[] = [];
      for (let round = 0; round < 12; round++) {
        await clock.tickAsync(0);
        perRound.push(rest.permits.length);
        for (const permit of rest.permits.splice(0)) permit.done({ status: 200 });
      }
      expect(perRound.slice(0, 6)).to.deep.equal([4, 4, 5, 6, 7, 8]);
      expect(perRound.slice(6)).to.deep.equal(Array(6).fill(8), "never above the configured 8");
    });

    it("Retry-After holds back every queued request, not only the one that was told", async () => {
      const limiter = new RateLimiter("Svc API", rate(6_000));
      const told = await limiter.acquire(Infinity);
      const { sent } = queue(limiter, 5);
      await clock.tickAsync(0);
      const heldBefore = sent.length;
      told.done({ status: 429, retryAfterMs: 3_000 });
      const after = queue(limiter, 5);
      await clock.tickAsync(2_999);
      expect(after.sent).to.deep.equal([]);
      await clock.tickAsync(1_000);
      expect(after.sent).to.have.length(5);
      expect(Math.min(...after.sent)).to.be.at.least(2_999);
      expect(heldBefore).to.equal(5, "the burst had already gone before the 429");
    });

    it("Retry-After also holds back a bound on requests in flight (503 too)", async () => {
      const limiter = new RateLimiter("Svc API", inFlight(4));
      const told = await limiter.acquire(Infinity);
      told.done({ status: 503, retryAfterMs: 2_000 });
      const { sent } = queue(limiter, 2);
      await clock.tickAsync(1_999);
      expect(sent).to.deep.equal([]);
      await clock.tickAsync(1);
      expect(sent).to.deep.equal([2_000, 2_000]);
    });

    it("a retry goes ahead of requests not yet sent", async () => {
      const limiter = new RateLimiter("Svc API", inFlight(1));
      const running = await limiter.acquire(Infinity);
      const order: string[] = [];
      void limiter.acquire(Infinity).then(() => order.push("new"));
      void limiter.acquire(Infinity, true).then(() => order.push("retry"));
      running.done({ status: 200 });
      await clock.tickAsync(0);
      expect(order).to.deep.equal(["retry"]);
    });
  });

  describe("the wait bound", () => {
    it("refuses at once a request the configured rate cannot reach in time, naming the queue and the limit", async () => {
      const limiter = new RateLimiter("Svc API", rate(60)); // 1 per second
      const { sent } = queue(limiter, 5);
      const error = await rejection(limiter.acquire(performance.now() + 3_000));
      expect(error).to.be.instanceOf(QueueWaitError);
      expect(error.message)
        .to.include("would wait at least 5 s in the queue")
        .and.include("4 requests ahead of it")
        .and.include(`at 60 requests per minute (${PER_MINUTE})`);
      await clock.tickAsync(10_000);
      expect(sent).to.have.length(5, "the queue is unaffected");
    });

    it("refuses a request still queued when its time is up, and lets the rest through in order", async () => {
      const limiter = new RateLimiter("Svc API", inFlight(1));
      const running = await limiter.acquire(Infinity);
      const outcomes: string[] = [];
      const track = (name: string, p: Promise<Permit>) =>
        p.then(
          (permit) => (outcomes.push(`${name} sent`), permit),
          (e: Error) => void outcomes.push(`${name} refused: ${e.message}`),
        );
      const a = track("a", limiter.acquire(Infinity));
      void track("b", limiter.acquire(performance.now() + 5_000));
      const c = track("c", limiter.acquire(Infinity));
      await clock.tickAsync(5_000);
      expect(outcomes).to.have.length(1);
      expect(outcomes[0])
        .to.match(/^b refused: after 5 s in the queue \(1 requests still ahead of it/)
        .and.include(`with at most 1 in flight (${IN_FLIGHT})`);
      running.done({ status: 200 });
      await clock.tickAsync(0);
      ((await a) as Permit).done({ status: 200 });
      await c;
      expect(outcomes.slice(1)).to.deep.equal(["a sent", "c sent"]);
      expect(limiter.queued).to.equal(0);
    });

    it("a Retry-After longer than a request may wait refuses it at once, saying so", async () => {
      const limiter = new RateLimiter("Svc API", rate(6_000));
      (await limiter.acquire(Infinity)).done({ status: 429, retryAfterMs: 200_000 });
      const error = await rejection(limiter.acquire(performance.now() + 90_000));
      expect(error.message)
        .to.include("would wait at least 200 s")
        .and.include("held back 200 s more for the service's Retry-After");
    });
  });

  describe("a new provider process (tests only)", () => {
    it("forgetRateLimiters refuses every queued request unsent, so none is sent during a later test", async () => {
      const limiter = sharedRateLimiter("svc\nkey", "Svc API", inFlight(1));
      const running = await limiter.acquire(Infinity);
      const queued = limiter.acquire(Infinity);
      forgetRateLimiters();
      const error = await rejection(queued);
      expect(error).to.be.instanceOf(QueueWaitError);
      running.done({ status: 200 });
      await clock.tickAsync(1_000);
      expect(limiter.queued).to.equal(0);
      expect(sharedRateLimiter("svc\nkey", "Svc API", inFlight(1))).not.to.equal(limiter, "a new limiter");
    });
  });

  describe("what the user sees", () => {
    it("one message when requests start to queue, however many wait, and again only after a quiet spell", async () => {
      const limiter = new RateLimiter("Svc API at https://svc.example", rate(600));
      const { permits } = queue(limiter, 100);
      await clock.tickAsync(10_000);
      expect(permits).to.have.length(100);
      expect(messages).to.have.length(1);
      expect(messages[0])
        .to.include("Svc API at https://svc.example: requests queue to stay within the limit")
        .and.include(`at 600 requests per minute (${PER_MINUTE})`)
        .and.include("waiting");
      for (const permit of permits) permit.done({ status: 429 }); // same episode
      expect(messages).to.have.length(1);
      await clock.tickAsync(QUIET_MS + QUEUE_NOTICE_MS);
      (await limiter.acquire(Infinity)).done({ status: 429 });
      expect(messages).to.have.length(2);
      expect(messages[1]).to.include("Svc API at https://svc.example answered 429 (too many requests)");
    });

    it("says nothing while no request waits as long as QUEUE_NOTICE_MS and no 429 comes", async () => {
      const limiter = new RateLimiter("Svc API", rate(6_000));
      const { permits } = queue(limiter, 100);
      await clock.tickAsync(2_000);
      expect(permits).to.have.length(100);
      expect(messages).to.deep.equal([]);
    });
  });
});
