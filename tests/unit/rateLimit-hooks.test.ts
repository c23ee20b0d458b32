// The rate limiter as the hooks meet it (issue 14), with nock under fake timers: one limiter per
// service and credential shared by every hook of the process, 429 and Retry-After from one answer
// holding back the requests of other hooks, the wait bound of one request (a request that would
// exceed it is refused unsent, naming the limit and the queue), and creates that stay safe: queueing
// never sends one twice, and a lost create's lookup waits its turn like any other request.
import FakeTimers from "@sinonjs/fake-timers";
import { expect } from "chai";
import nock from "nock";
import { HttpClient } from "../../provider/core/http";
import { requestsInFlight, setRateLimitNotify } from "../../provider/core/rateLimit";
import {
  DEFAULT_ENV,
  fakeClock,
  netError,
  recordWithId,
  textCase,
  jwtCase,
  awsCase,
  twilioCase,
  TENANT,
  TINES_BASE,
  TWILIO_BASE,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

/** Lets the promises waiting on I/O callbacks that already came run, without moving the fake clock. */
async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Answers the test holds back on the fake clock: those requests are in flight on purpose. */
let heldAnswers = 0;

/**
 * Waits, on the real event loop, until every request sent has been answered (nock answers through real
 * I/O) except those the test holds on the fake clock. The fake clock may move only then, or it would
 * run out an attempt's deadline that real time never reached.
 */
async function quiet(): Promise<void> {
  for (let turns = 0; requestsInFlight() > heldAnswers; turns++) {
    if (turns > 100_000) throw new Error(`requests still in flight: ${requestsInFlight()}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
  await settle();
}

/**
 * Runs the fake clock from timer to timer, each time once the I/O has gone quiet, until every promise
 * has settled or `limitMs` of fake time has passed.
 */
async function runFor(clock: FakeTimers.Clock, promises: Promise<unknown>[], limitMs: number) {
  let pending = promises.length;
  for (const p of promises)
    void p.then(
      () => pending--,
      () => pending--,
    );
  const end = Date.now() + limitMs;
  while (pending > 0 && Date.now() <= end) {
    await quiet();
    if (pending > 0 && clock.countTimers() > 0) await clock.nextAsync();
  }
  await quiet();
  return Promise.allSettled(promises);
}

/** A scope recording when (fake ms since `start`) each request reached it, as "METHOD path". */
function recorder(origin: string, start: () => number) {
  const seen: { at: number; what: string }[] = [];
  const scope = nock(origin);
  scope.on("request", (req: { method: string; path: string }) => {
    seen.push({ at: Date.now() - start(), what: `${req.method} ${req.path.split("?")[0]}` });
  });
  return { scope, seen };
}

describe("rate limit: what the hooks see (issue 14)", function () {
  this.timeout(20_000);
  let clock: FakeTimers.Clock;
  let start = 0;
  const messages: string[] = [];
  const env = (extra: Record<string, string>) => ({ ...DEFAULT_ENV, ...extra });

  beforeEach(() => {
    clock = fakeClock();
    start = Date.now();
    messages.length = 0;
    setRateLimitNotify((m) => messages.push(m));
  });
  afterEach(() => {
    clock.uninstall();
    setRateLimitNotify(undefined);
  });

  describe("one limiter per service and credential, shared by every hook", () => {
    useHttpSandbox(env({ TINES_REQUESTS_PER_MINUTE: "60", TWILIO_MAX_CONCURRENT_REQUESTS: "1" }));

    it("hooks of different Tines resources take turns at 60 per minute; Twilio is not held up by them", async () => {
      const tines = recorder(TENANT, () => start);
      tines.scope.post(TINES_BASE).reply(201, recordWithId(textCase, "1"));
      tines.scope.get(`${TINES_BASE}/2`).reply(200, jwtCase.record({ id: 2 }));
      tines.scope.delete(`${TINES_BASE}/3`).reply(204);
      const twilio = recorder(twilioCase.origin, () => start);
      twilio.scope.get(`${TWILIO_BASE}/${twilioCase.id}`).reply(200, twilioCase.record());

      const results = await runFor(
        clock,
        [
          textCase.provider.create({ ...PROVIDER, ...textCase.inputs() }),
          jwtCase.provider.read("2", { ...PROVIDER, ...jwtCase.inputs() }),
          awsCase.provider.delete("3", { ...PROVIDER, ...awsCase.inputs() }),
          twilioCase.provider.read(twilioCase.id, { ...PROVIDER, ...twilioCase.inputs() }),
        ],
        5_000,
      );
      expect(results.map((r) => r.status)).to.deep.equal([
        "fulfilled",
        "fulfilled",
        "fulfilled",
        "fulfilled",
      ]);
      // One token per second for all three Tines resources together, in the order they asked.
      expect(tines.seen.map((s) => s.at)).to.deep.equal([0, 1_000, 2_000]);
      expect(tines.seen.map((s) => s.what)).to.deep.equal([
        `POST ${TINES_BASE}`,
        `GET ${TINES_BASE}/2`,
        `DELETE ${TINES_BASE}/3`,
      ]);
      expect(twilio.seen.map((s) => s.at)).to.deep.equal([0]);
    });

    it("another credential of the same service has a limiter of its own", async () => {
      const origin = "https://other.example.test";
      const seen = recorder(origin, () => start);
      seen.scope.get("/x").times(4).reply(200, {});
      const rateLimit = {
        requestsPerMinute: { value: 60, setting: "svc:requestsPerMinute / SVC_REQUESTS_PER_MINUTE" },
      };
      const client = (key: string) =>
        new HttpClient({
          service: "Tines",
          baseUrl: origin,
          headers: { Authorization: `Bearer ${key}` },
          timeoutMs: 2_000,
          maxRetries: 0,
          secrets: [key],
          rateLimit,
        });
      const [a, a2, b, b2] = [
        client("key-a-0123456789"),
        client("key-a-0123456789"),
        client("key-b-0123456789"),
        client("key-b-0123456789"),
      ];
      const get = (c: HttpClient) => c.send({ method: "GET", path: "/x", idempotent: true });
      await runFor(clock, [get(a), get(b), get(a2), get(b2)], 5_000);
      // a and a2 share a key, and so one limiter; b and b2 another.
      expect(seen.seen.map((s) => s.at)).to.deep.equal([0, 0, 1_000, 1_000]);
    });
  });

  describe("the service's answers hold back every hook", () => {
    useHttpSandbox(env({ TINES_REQUESTS_PER_MINUTE: "60", TWILIO_MAX_CONCURRENT_REQUESTS: "1" }));

    it("Twilio 20429 with Retry-After: the requests of other hooks queued behind it wait it out too", async () => {
      const twilio = recorder(twilioCase.origin, () => start);
      const item = `${TWILIO_BASE}/${twilioCase.id}`;
      twilio.scope
        .get(item)
        .reply(429, { code: 20429, message: "Too Many Requests", status: 429 }, { "Retry-After": "3" });
      twilio.scope.get(item).times(3).reply(200, twilioCase.record());
      const read = () => twilioCase.provider.read(twilioCase.id, { ...PROVIDER, ...twilioCase.inputs() });
      const results = await runFor(clock, [read(), read(), read()], 10_000);
      expect(results.every((r) => r.status === "fulfilled")).to.equal(true);
      const times = twilio.seen.map((s) => s.at);
      expect(times).to.have.length(4);
      expect(times[0]).to.equal(0);
      // The other two hooks were queued (one in flight at a time) when the 429 came: none went before 3 s.
      expect(Math.min(...times.slice(1))).to.be.at.least(3_000);
      expect(messages).to.have.length(1);
      expect(messages[0])
        .to.include(`Twilio API at ${twilioCase.origin} answered 429`)
        .and.include("twilio:maxConcurrentRequests / TWILIO_MAX_CONCURRENT_REQUESTS");
    });

    it("Tines 429 without Retry-After: the rate is halved for every hook, and one line says so", async () => {
      const tines = recorder(TENANT, () => start);
      tines.scope.get(`${TINES_BASE}/1`).reply(429, { error: "Too many requests" });
      tines.scope.get(`${TINES_BASE}/1`).reply(200, textCase.record({ id: 1 }));
      for (const id of [2, 3, 4]) tines.scope.get(`${TINES_BASE}/${id}`).reply(200, textCase.record({ id }));
      const read = (id: number) => textCase.provider.read(String(id), { ...PROVIDER, ...textCase.inputs() });
      const results = await runFor(clock, [read(1), read(2), read(3), read(4)], 30_000);
      expect(results.every((r) => r.status === "fulfilled")).to.equal(true);
      // At 60 per minute the next request would have gone at 1 s; halved, the next token comes at 2 s.
      expect(tines.seen[1].at).to.equal(2_000);
      expect(messages).to.have.length(1);
      expect(messages[0]).to.include("at 30 of 60 requests per minute (tines:requestsPerMinute");
    });
  });

  describe("the wait bound of one request", () => {
    useHttpSandbox(env({ TINES_REQUESTS_PER_MINUTE: "1" }));

    it("a request that would wait past MAX_REQUEST_WAIT_MS is refused unsent, naming the limit and the queue", async () => {
      const tines = recorder(TENANT, () => start);
      for (const id of [1, 2]) tines.scope.get(`${TINES_BASE}/${id}`).reply(200, textCase.record({ id }));
      const read = (id: number) => textCase.provider.read(String(id), { ...PROVIDER, ...textCase.inputs() });
      const results = await runFor(clock, [read(1), read(2), read(3)], 70_000);
      expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : r.status))).to.deep.equal([
        "fulfilled",
        "fulfilled",
        results[2].status === "rejected" ? String(results[2].reason) : "rejected",
      ]);
      // One a minute: the second waits 60 s; the third would wait 120 s and is refused at once.
      expect(tines.seen.map((s) => s.at)).to.deep.equal([0, 60_000]);
      const error = (results[2] as PromiseRejectedResult).reason as Error;
      expect(error.message)
        .to.include(`Tines API GET ${TINES_BASE}/3 was not sent`)
        .and.include("would wait at least 120 s in the queue (1 requests ahead of it")
        .and.include("at 1 requests per minute (tines:requestsPerMinute / TINES_REQUESTS_PER_MINUTE)")
        .and.include("within the limit of 120 s for one request (MAX_REQUEST_WAIT_MS)");
    });
  });

  describe("creates keep their safety", () => {
    useHttpSandbox(env({ TINES_REQUESTS_PER_MINUTE: "60", TWILIO_MAX_CONCURRENT_REQUESTS: "1" }));

    it("a create refused by the queue was never sent: no lookup, and nothing to adopt", async () => {
      // No interceptor for the POST: were it sent, the sandbox would fail the test.
      const tines = recorder(TENANT, () => start);
      // Every Tines request waits for a Retry-After of 200 s, longer than one request may take.
      tines.scope.get(`${TINES_BASE}/9`).reply(429, { error: "slow down" }, { "Retry-After": "200" });
      const read = textCase.provider.read("9", { ...PROVIDER, ...textCase.inputs() });
      await runFor(clock, [read], 1_000);
      const create = textCase.provider.create({ ...PROVIDER, ...textCase.inputs() });
      const [result] = await runFor(clock, [create], 1_000);
      expect(result.status).to.equal("rejected");
      const error = (result as PromiseRejectedResult).reason as Error;
      expect(error.message)
        .to.include(`Tines API POST ${TINES_BASE} was not sent`)
        .and.include("Retry-After")
        .and.not.include("may have been created");
      expect(tines.seen.map((s) => s.what)).to.deep.equal([`GET ${TINES_BASE}/9`]);
    });

    for (const c of [textCase, twilioCase]) {
      it(`${c.title}: a create whose answer is lost is sent once; its lookup waits its turn with the limiter`, async () => {
        const seen = recorder(c.origin, () => start);
        const [before, after] =
          c.service === "Tines" ? ["7", "8"] : [c.otherId, `${c.otherId.slice(0, -1)}b`];
        // A slow read holds the limiter, a create and another read queue behind it. (The answer is held
        // with a fake-clock timer: nock's own delay runs on the real clock.)
        const slowly = (id: string) => async () => {
          heldAnswers++;
          await new Promise((resolve) => setTimeout(resolve, 1_500));
          heldAnswers--;
          return [200, recordWithId(c, id)] as [number, Record<string, unknown>];
        };
        seen.scope.get(c.itemPath(before)).reply(slowly(before));
        seen.scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        seen.scope.get(c.itemPath(after)).reply(slowly(after));
        seen.scope
          .get(c.createPath)
          .query(c.listQuery)
          .reply(200, () => c.list([recordWithId(c, c.id)]));
        const read = (id: string) => c.provider.read(id, { ...PROVIDER, ...c.inputs() });
        const hooks = [read(before)];
        await quiet();
        hooks.push(c.provider.create({ ...PROVIDER, ...c.inputs() }));
        await quiet();
        hooks.push(read(after));
        const [, created] = await runFor(clock, hooks, 10_000);
        expect(created.status === "rejected" ? String(created.reason) : created.status).to.equal("fulfilled");
        expect((created as PromiseFulfilledResult<{ id: string }>).value.id).to.equal(c.id);
        // One POST, and the lookup's list after the read that was queued before it.
        expect(seen.seen.map((s) => s.what)).to.deep.equal([
          `GET ${c.itemPath(before)}`,
          `POST ${c.createPath}`,
          `GET ${c.itemPath(after)}`,
          `GET ${c.createPath}`,
        ]);
        const times = seen.seen.map((s) => s.at);
        expect(times).to.deep.equal(
          c.service === "Tines"
            ? [0, 1_000, 2_000, 3_000] // one token a second
            : [0, 1_500, 1_500, 3_000], // one in flight: each waits for the one before to be answered
        );
      });
    }
  });
});
