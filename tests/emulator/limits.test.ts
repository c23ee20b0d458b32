// Enforced rate limits: Tines' per-minute token bucket per API key (429 without Retry-After) and Twilio's
// requests-in-flight limit per credential (429 / 20429). Time is a fake clock or a mocked Date, never a
// wall-clock wait.
import * as http from "node:http";
import axios, { type AxiosInstance } from "axios";
import { expect } from "chai";
import { startEmulator, type Emulator, type RateLimits } from "../../emulator";
import { parseCliArgs } from "../../emulator/cli";
import { RateLimiter } from "../../emulator/limits";

const TINES = "/api/v1/user_credentials";
const TWILIO = "/v1/Credentials/AWS";
const API_KEY_SID = "SK00000000000000000000000000000002";

/** A clock the test moves by hand. */
function fakeClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

/** Stops `Date.now` (the emulator's clock for its limits) until `restore`; `tick` moves it. */
function freezeDateNow() {
  const real = Date.now;
  const clock = fakeClock(real());
  Date.now = clock.now;
  return { tick: clock.advance, restore: () => (Date.now = real) };
}

describe("emulator: enforced rate limits", function () {
  describe("RateLimiter (fake clock)", function () {
    it("Tines: a full bucket of `burst` requests, then refusals until a token has refilled", function () {
      const clock = fakeClock();
      const limiter = new RateLimiter({ tines: { requestsPerMinute: 600, burst: 3 } }, clock.now);
      const admitted = () => limiter.admit("tines", "key-a") !== undefined;
      expect([admitted(), admitted(), admitted(), admitted()]).to.deep.equal([true, true, true, false]);
      clock.advance(99); // 600 per minute: one token per 100 ms
      expect(admitted()).to.equal(false);
      clock.advance(1);
      expect([admitted(), admitted()]).to.deep.equal([true, false]);
      clock.advance(60_000); // a long pause refills the bucket up to `burst`, no further
      expect([admitted(), admitted(), admitted(), admitted()]).to.deep.equal([true, true, true, false]);
      expect(limiter.status().answered429).to.deep.equal({ tines: 4, twilio: 0 });
    });

    it("Tines: each API key has its own bucket; Twilio is not limited by Tines' rate", function () {
      const clock = fakeClock();
      const limiter = new RateLimiter({ tines: { requestsPerMinute: 60, burst: 1 } }, clock.now);
      expect(limiter.admit("tines", "key-a")).not.to.equal(undefined);
      expect(limiter.admit("tines", "key-a")).to.equal(undefined);
      expect(limiter.admit("tines", "key-b")).not.to.equal(undefined);
      for (let i = 0; i < 5; i++) expect(limiter.admit("twilio", "key-a")).not.to.equal(undefined);
    });

    it("Tines: the burst defaults to one second's worth, at least 1", function () {
      const burstOf = (requestsPerMinute: number) =>
        new RateLimiter({ tines: { requestsPerMinute } }).status().limits.tines?.burst;
      expect([burstOf(5_000), burstOf(3_000), burstOf(30)]).to.deep.equal([83, 50, 1]);
    });

    it("Twilio: `maxConcurrent` in flight per credential; a release frees a place, once", function () {
      const limiter = new RateLimiter({ twilio: { maxConcurrent: 2 } });
      const first = limiter.admit("twilio", "AC1");
      const second = limiter.admit("twilio", "AC1");
      expect(first && second).not.to.equal(undefined);
      expect(limiter.admit("twilio", "AC1")).to.equal(undefined);
      expect(limiter.admit("twilio", "SK2"), "another credential").not.to.equal(undefined);
      first?.release();
      first?.release(); // a second release must not free a second place
      expect(limiter.admit("twilio", "AC1")).not.to.equal(undefined);
      expect(limiter.admit("twilio", "AC1")).to.equal(undefined);
      const status = limiter.status();
      expect(status.answered429).to.deep.equal({ tines: 0, twilio: 2 });
      expect(status.peakInFlight.twilio).to.equal(2);
    });

    it("set() replaces every limit and starts afresh; no limit admits everything", function () {
      const limiter = new RateLimiter({ twilio: { maxConcurrent: 1 } });
      limiter.admit("twilio", "AC1");
      expect(limiter.admit("twilio", "AC1")).to.equal(undefined);
      limiter.set({ tines: { requestsPerMinute: 60 } });
      expect(limiter.status()).to.deep.equal({
        limits: { tines: { requestsPerMinute: 60, burst: 1 } },
        answered429: { tines: 0, twilio: 0 },
        peakInFlight: { tines: 0, twilio: 0 },
      });
      for (let i = 0; i < 5; i++) expect(limiter.admit("twilio", "AC1")).not.to.equal(undefined);
    });

    const bad: Array<[string, unknown, RegExp]> = [
      ["not an object", 5, /rateLimits must be an object/],
      ["an unknown service", { sendgrid: {} }, /unknown service "sendgrid"/],
      ["an inherited name as a service", { toString: {} }, /unknown service "toString"/],
      [
        "a zero rate",
        { tines: { requestsPerMinute: 0 } },
        /tines\.requestsPerMinute must be a positive number/,
      ],
      ["a missing rate", { tines: { burst: 2 } }, /tines\.requestsPerMinute must be a positive number/],
      [
        "a fractional burst",
        { tines: { requestsPerMinute: 60, burst: 1.5 } },
        /tines\.burst must be a positive integer/,
      ],
      [
        "a string limit",
        { twilio: { maxConcurrent: "20" } },
        /twilio\.maxConcurrent must be a positive integer/,
      ],
      ["a misspelt property", { twilio: { maxInFlight: 20 } }, /twilio: unknown property "maxInFlight"/],
    ];
    for (const [title, limits, message] of bad) {
      it(`refuses ${title}, naming the field`, function () {
        expect(() => new RateLimiter(limits as RateLimits)).to.throw(TypeError, message);
      });
    }
  });

  describe("through HTTP", function () {
    let emu: Emulator;
    let control: AxiosInstance;
    let clock: ReturnType<typeof freezeDateNow> | undefined;
    const agent = new http.Agent({ keepAlive: false });
    const tinesGet = (key = emu.settings.tinesApiKey) =>
      axios.get(`${emu.url}${TINES}`, {
        headers: { Authorization: `Bearer ${key}` },
        validateStatus: () => true,
        httpAgent: agent,
      });
    const twilioGet = (user = emu.settings.twilioAccountSid, password = emu.settings.twilioAuthToken) =>
      axios.get(`${emu.url}${TWILIO}`, {
        auth: { username: user, password },
        validateStatus: () => true,
        httpAgent: agent,
      });

    before(async function () {
      emu = await startEmulator({
        rateLimits: { tines: { requestsPerMinute: 60, burst: 2 }, twilio: { maxConcurrent: 2 } },
        twilioApiKey: API_KEY_SID,
        twilioApiSecret: "api-key-secret",
      });
      control = axios.create({ baseURL: `${emu.url}/_emulator`, validateStatus: () => true });
    });
    after(async function () {
      await emu.stop();
    });
    beforeEach(function () {
      // Date.now stands still unless a test ticks it: the Tines bucket refills only when told to.
      clock = freezeDateNow();
      emu.reset();
    });
    afterEach(function () {
      clock?.restore();
    });

    it("Tines: past the burst, 429 {error} without Retry-After, nothing processed; a second later one more", async function () {
      expect((await tinesGet()).status).to.equal(200);
      expect((await tinesGet()).status).to.equal(200);
      const limited = await tinesGet();
      expect(limited.status).to.equal(429);
      expect(limited.data).to.deep.equal({ error: "Too many requests" });
      expect(limited.headers).not.to.have.property("retry-after");
      expect((await tinesGet("another-key")).status, "another key has its own bucket").to.equal(401);
      clock?.tick(999);
      expect((await tinesGet()).status).to.equal(429);
      clock?.tick(1);
      expect((await tinesGet()).status).to.equal(200);
      expect((await tinesGet()).status).to.equal(429);
      expect(emu.rateLimits().answered429).to.deep.equal({ tines: 3, twilio: 0 });
      const tinesLog = emu.log.filter((e) => e.service === "tines");
      expect(tinesLog.map((e) => e.status)).to.deep.equal([200, 200, 429, 401, 429, 200, 429]);
      expect(tinesLog.filter((e) => e.rateLimited).length).to.equal(3);
      expect(JSON.stringify(emu.rateLimits()) + JSON.stringify(emu.log)).not.to.contain(
        emu.settings.tinesApiKey,
      );
    });

    it("Tines: a limited create stores nothing", async function () {
      const create = () =>
        axios.post(
          `${emu.url}${TINES}`,
          { name: "n", mode: "TEXT", value: "v", team_id: 1 },
          { headers: { Authorization: `Bearer ${emu.settings.tinesApiKey}` }, validateStatus: () => true },
        );
      expect([(await create()).status, (await create()).status, (await create()).status]).to.deep.equal([
        201, 201, 429,
      ]);
      expect(emu.tines.list()).to.have.length(2);
    });

    it("Twilio: past `maxConcurrent` in flight, 429 with code 20429; another credential has its own count", async function () {
      // This test waits on requests a fault holds in flight, not on the clock.
      // Two requests held in flight by a long `slow` fault (released by stop() at the end).
      emu.injectFault({ service: "twilio", fault: "slow", delayMs: 600_000, count: 2 });
      const held = [twilioGet(), twilioGet()].map((p) => p.catch(() => undefined));
      while (emu.rateLimits().peakInFlight.twilio < 2) await new Promise((resolve) => setImmediate(resolve));
      const limited = await twilioGet();
      expect(limited.status).to.equal(429);
      expect(limited.data).to.deep.equal({
        code: 20429,
        message: "Too Many Requests",
        more_info: "https://www.twilio.com/docs/errors/20429",
        status: 429,
      });
      expect((await twilioGet(API_KEY_SID, "api-key-secret")).status).to.equal(200);
      const status = (await control.get("/limits")).data;
      expect(status.answered429).to.deep.equal({ tines: 0, twilio: 1 });
      expect(status.peakInFlight).to.deep.equal({ tines: 0, twilio: 2 });
      expect(emu.log.filter((e) => e.rateLimited)).to.have.length(1);
      // The held requests end with the emulator; a fresh one serves the tests below.
      await emu.stop();
      await Promise.all(held);
      emu = await startEmulator({
        rateLimits: { tines: { requestsPerMinute: 60, burst: 2 }, twilio: { maxConcurrent: 2 } },
      });
      control = axios.create({ baseURL: `${emu.url}/_emulator`, validateStatus: () => true });
    });

    it("Twilio: a request that is answered frees its place", async function () {
      for (let i = 0; i < 5; i++) expect((await twilioGet()).status).to.equal(200);
      expect(emu.rateLimits().answered429.twilio).to.equal(0);
    });

    it("requests a fault answers take no token", async function () {
      emu.injectFault({ service: "tines", fault: "503", count: 3 });
      for (let i = 0; i < 3; i++) expect((await tinesGet()).status).to.equal(503);
      expect([(await tinesGet()).status, (await tinesGet()).status]).to.deep.equal([200, 200]);
    });

    it("the control API reads, replaces and removes the limits; reset() restores the options' limits", async function () {
      expect((await control.get("/limits")).data.limits).to.deep.equal({
        tines: { requestsPerMinute: 60, burst: 2 },
        twilio: { maxConcurrent: 2 },
      });
      const put = await control.put("/limits", { tines: { requestsPerMinute: 120, burst: 1 } });
      expect(put.status).to.equal(200);
      expect(put.data.limits).to.deep.equal({ tines: { requestsPerMinute: 120, burst: 1 } });
      expect([(await tinesGet()).status, (await tinesGet()).status]).to.deep.equal([200, 429]);
      expect((await control.get("/limits")).data.answered429.tines).to.equal(1);
      const bad = await control.put("/limits", { tines: { requestsPerMinute: -1 } });
      expect(bad.status).to.equal(400);
      expect(bad.data.error).to.match(/tines\.requestsPerMinute must be a positive number/);
      expect((await control.delete("/limits")).status).to.equal(204);
      for (let i = 0; i < 4; i++) expect((await tinesGet()).status).to.equal(200);
      emu.reset();
      expect(emu.rateLimits().limits).to.deep.equal({
        tines: { requestsPerMinute: 60, burst: 2 },
        twilio: { maxConcurrent: 2 },
      });
      emu.setRateLimits({});
      expect(emu.rateLimits().limits).to.deep.equal({});
    });
  });

  describe("options and CLI", function () {
    it("startEmulator refuses bad limits and a bad latency, naming the field", async function () {
      const refusal = (options: Parameters<typeof startEmulator>[0]) =>
        startEmulator(options).then(
          (e) => e.stop().then(() => "started"),
          (err: unknown) => String(err),
        );
      expect(await refusal({ rateLimits: { twilio: { maxConcurrent: 0 } } })).to.match(
        /emulator: rateLimits\.twilio\.maxConcurrent must be a positive integer/,
      );
      expect(await refusal({ latencyMs: -5 })).to.match(/latencyMs must be a non-negative integer/);
    });

    it("--tines-requests-per-minute, --tines-burst, --twilio-max-concurrent, --latency-ms and their variables", function () {
      expect(
        parseCliArgs(
          ["--tines-requests-per-minute", "3000", "--tines-burst", "50", "--twilio-max-concurrent", "20"],
          {},
        ).options,
      ).to.deep.include({
        rateLimits: { tines: { requestsPerMinute: 3000, burst: 50 }, twilio: { maxConcurrent: 20 } },
      });
      const fromEnv = parseCliArgs([], {
        EMULATOR_TINES_REQUESTS_PER_MINUTE: "5000",
        EMULATOR_TWILIO_MAX_CONCURRENT: "7",
        EMULATOR_LATENCY_MS: "40",
      }).options;
      expect(fromEnv).to.deep.include({
        rateLimits: { tines: { requestsPerMinute: 5000 }, twilio: { maxConcurrent: 7 } },
        latencyMs: 40,
      });
      expect(parseCliArgs([], {}).options).not.to.have.property("rateLimits");
      expect(() => parseCliArgs(["--tines-burst", "5"], {})).to.throw(
        /--tines-burst needs --tines-requests-per-minute/,
      );
      expect(() => parseCliArgs(["--twilio-max-concurrent", "0"], {})).to.throw(
        /--twilio-max-concurrent must be a positive integer/,
      );
      expect(() => parseCliArgs(["--latency-ms", "x"], {})).to.throw(
        /--latency-ms must be a non-negative integer/,
      );
    });
  });

  describe("latencyMs", function () {
    it("holds each API request in flight before processing it, so a concurrency limit bites", async function () {
      // Held far longer than the test runs: stop() releases it, so nothing here waits on the clock.
      const emu = await startEmulator({ latencyMs: 600_000, rateLimits: { twilio: { maxConcurrent: 1 } } });
      const get = () =>
        axios.get(`${emu.url}${TWILIO}`, {
          auth: { username: emu.settings.twilioAccountSid, password: emu.settings.twilioAuthToken },
          validateStatus: () => true,
        });
      const held = get().then(
        (r) => r.status,
        () => "abandoned",
      );
      try {
        while (emu.rateLimits().peakInFlight.twilio < 1)
          await new Promise((resolve) => setImmediate(resolve));
        expect((await get()).status).to.equal(429);
      } finally {
        await emu.stop();
      }
      expect(await held, "a held request is abandoned at stop, never answered").to.equal("abandoned");
    });
  });
});
