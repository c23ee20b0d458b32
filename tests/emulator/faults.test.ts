import * as http from "node:http";
import axios, { AxiosError, type AxiosInstance } from "axios";
import { expect } from "chai";
import { startEmulator, type Emulator, type FaultRule } from "../../emulator";

const TINES = "/api/v1/user_credentials";
const TWILIO = "/v1/Credentials/AWS";
const textBody = (name = "c") => ({ name, mode: "TEXT", value: "v", team_id: 1 });

async function expectNetworkError(p: Promise<unknown>): Promise<AxiosError> {
  try {
    await p;
  } catch (err) {
    expect(axios.isAxiosError(err), String(err)).to.equal(true);
    const e = err as AxiosError;
    expect(e.response, "no HTTP response expected").to.equal(undefined);
    return e;
  }
  throw new Error("expected the request to fail without a response");
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("emulator: fault injection", function () {
  let emu: Emulator;
  let tines: AxiosInstance;
  let twilio: AxiosInstance;
  // A fresh connection per request: a reset fault must not poison a pooled socket for the next test.
  const agent = new http.Agent({ keepAlive: false });

  before(async function () {
    emu = await startEmulator({ seed: 42 });
    tines = axios.create({
      baseURL: emu.url,
      httpAgent: agent,
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${emu.settings.tinesApiKey}` },
    });
    twilio = axios.create({
      baseURL: emu.url,
      httpAgent: agent,
      validateStatus: () => true,
      auth: { username: emu.settings.twilioAccountSid, password: emu.settings.twilioAuthToken },
    });
  });
  after(async function () {
    await emu.stop();
  });
  beforeEach(function () {
    emu.reset();
  });

  describe("status faults", function () {
    it("429 with Retry-After, Tines form, before auth, nothing processed", async function () {
      emu.injectFault({ service: "tines", fault: "429", retryAfterSeconds: 7 });
      const res = await axios.post(`${emu.url}${TINES}`, textBody(), {
        validateStatus: () => true,
        httpAgent: agent,
      });
      expect(res.status).to.equal(429);
      expect(res.headers["retry-after"]).to.equal("7");
      expect(res.data).to.deep.equal({ error: "Too many requests" });
      expect(emu.tines.list()).to.have.length(0);
      expect(emu.log[emu.log.length - 1]).to.include({ service: "tines", status: 429, fault: "429" });
    });

    it("429 Twilio form is code 20429; without retryAfterSeconds there is no Retry-After", async function () {
      emu.injectFault({ service: "twilio", fault: "429" });
      const res = await twilio.post(TWILIO, new URLSearchParams({ Credentials: "A:B" }));
      expect(res.status).to.equal(429);
      expect(res.data).to.deep.include({ code: 20429, status: 429 });
      expect(res.headers).not.to.have.property("retry-after");
      expect(emu.twilio.list()).to.have.length(0);
    });

    for (const [status, twilioCode, tinesError] of [
      [500, 20500, "Internal Server Error"],
      [502, 20500, "Bad Gateway"],
      [503, 20503, "Service Unavailable"],
    ] as const) {
      it(`${status} in each service's error form`, async function () {
        emu.injectFault({ fault: String(status) as FaultRule["fault"], retryAfterSeconds: 3 });
        const t = await tines.post(TINES, textBody());
        expect(t.status).to.equal(status);
        expect(t.data).to.deep.equal({ error: tinesError });
        const w = await twilio.post(TWILIO, new URLSearchParams({ Credentials: "A:B" }));
        expect(w.status).to.equal(status);
        expect(w.data).to.deep.include({ code: twilioCode, status });
        expect(w.data.more_info).to.equal(`https://www.twilio.com/docs/errors/${twilioCode}`);
        expect(t.headers["retry-after"]).to.equal(status === 503 ? "3" : undefined);
        expect(emu.tines.list()).to.have.length(0);
        expect(emu.twilio.list()).to.have.length(0);
      });
    }
  });

  describe("matching and expiry", function () {
    it("count expires after N matching requests", async function () {
      emu.injectFault({ fault: "503", count: 2 });
      const statuses = [];
      for (let i = 0; i < 3; i++) statuses.push((await tines.get(TINES)).status);
      expect(statuses).to.deep.equal([503, 503, 200]);
      expect((await axios.get(`${emu.url}/_emulator/faults`)).data.faults).to.deep.equal([]);
    });

    it("filters by service, method and path prefix; the first matching rule in injection order wins", async function () {
      emu.injectFault({ service: "twilio", fault: "500" });
      emu.injectFault({ service: "tines", method: "post", fault: "502" });
      emu.injectFault({ pathPrefix: `${TINES}/`, fault: "429" });
      emu.injectFault({ service: "tines", fault: "503" });
      expect((await tines.post(TINES, textBody())).status).to.equal(502);
      expect((await tines.get(`${TINES}/1`)).status).to.equal(429);
      expect((await tines.get(TINES)).status).to.equal(503);
      expect((await twilio.get(TWILIO)).status).to.equal(500);
      expect((await axios.get(`${emu.url}/_emulator/state`)).status).to.equal(200); // control is never faulted
      emu.clearFaults();
      expect((await tines.get(TINES)).status).to.equal(200);
    });

    it("probability: repeatable for a seed, re-seeded by reset(), 0 and 1 are never and always", async function () {
      const run = async () => {
        emu.injectFault({ service: "tines", fault: "503", probability: 0.5 });
        const out: number[] = [];
        for (let i = 0; i < 24; i++) out.push((await tines.get(TINES)).status);
        return out;
      };
      const first = await run();
      expect(first).to.include(503);
      expect(first).to.include(200);
      emu.reset();
      expect(await run()).to.deep.equal(first);

      const other = await startEmulator({ seed: 42 });
      try {
        other.injectFault({ service: "tines", fault: "503", probability: 0.5 });
        const out: number[] = [];
        for (let i = 0; i < 24; i++) {
          const res = await axios.get(`${other.url}${TINES}`, {
            headers: { Authorization: `Bearer ${other.settings.tinesApiKey}` },
            validateStatus: () => true,
          });
          out.push(res.status);
        }
        expect(out).to.deep.equal(first);
      } finally {
        await other.stop();
      }

      emu.reset();
      emu.injectFault({ fault: "500", probability: 0 });
      emu.injectFault({ fault: "429", probability: 1, count: 1 });
      expect((await tines.get(TINES)).status).to.equal(429);
      expect((await tines.get(TINES)).status).to.equal(200);
    });

    it("refuses malformed rules", function () {
      expect(() => emu.injectFault({ fault: "418" as FaultRule["fault"] })).to.throw(TypeError, /fault/);
      expect(() => emu.injectFault({ fault: "429", probability: 2 })).to.throw(TypeError, /probability/);
      expect(() => emu.injectFault({ fault: "429", count: 0 })).to.throw(TypeError, /count/);
      expect(() => emu.injectFault({ fault: "slow", delayMs: -1 })).to.throw(TypeError, /delayMs/);
      expect(() => emu.injectFault({ fault: "429", pathPrefix: "api" })).to.throw(TypeError, /pathPrefix/);
    });
  });

  describe("connection faults", function () {
    it("reset-before drops the connection and processes nothing", async function () {
      emu.injectFault({ service: "tines", method: "POST", fault: "reset-before", count: 1 });
      const err = await expectNetworkError(tines.post(TINES, textBody()));
      expect(["ECONNRESET", "EPIPE"]).to.include(err.code);
      expect(emu.tines.list()).to.have.length(0);
      expect(emu.log[emu.log.length - 1]).to.include({ status: 0, fault: "reset-before", method: "POST" });
      expect((await tines.post(TINES, textBody())).status).to.equal(201);
    });

    it("reset-after processes the request (the record exists) but never answers", async function () {
      emu.injectFault({ service: "tines", method: "POST", fault: "reset-after", count: 1 });
      const err = await expectNetworkError(tines.post(TINES, textBody("created-anyway")));
      expect(err.code).to.equal("ECONNRESET");
      const stored = emu.tines.list();
      expect(stored.map((r) => r.name)).to.deep.equal(["created-anyway"]);
      expect(emu.log[emu.log.length - 1]).to.include({ status: 201, fault: "reset-after" });

      emu.injectFault({ service: "twilio", fault: "reset-after", count: 1 });
      await expectNetworkError(twilio.post(TWILIO, new URLSearchParams({ Credentials: "A:B" })));
      expect(emu.twilio.list()).to.have.length(1);
    });

    it("slow answers after delayMs; a client that gives up earlier still leaves the record created", async function () {
      emu.injectFault({ service: "tines", fault: "slow", delayMs: 150, count: 1 });
      const started = Date.now();
      const res = await tines.get(TINES);
      expect(res.status).to.equal(200);
      expect(Date.now() - started).to.be.at.least(140);
      expect(emu.log[emu.log.length - 1]).to.include({ status: 200, fault: "slow" });
      expect(emu.log[emu.log.length - 1].durationMs).to.be.at.least(140);

      // Margins for a loaded CI machine (four suites on two cores): the server must have read the whole
      // request before the client gives up (with 50 ms it failed once: the abort timer ran first), and
      // the record is awaited, not slept for.
      emu.injectFault({ service: "tines", fault: "slow", delayMs: 3_000, count: 1 });
      const err = await expectNetworkError(tines.post(TINES, textBody("late"), { timeout: 1_000 }));
      expect(err.code).to.equal("ECONNABORTED");
      expect(emu.tines.list()).to.have.length(0);
      for (let waited = 0; emu.tines.list().length === 0 && waited < 10_000; waited += 50) await sleep(50);
      expect(emu.tines.list().map((r) => r.name)).to.deep.equal(["late"]);
    });

    it("late-answer stores the record at once and answers after delayMs", async function () {
      emu.injectFault({ service: "tines", method: "POST", fault: "late-answer", delayMs: 300, count: 1 });
      const answer = tines.post(TINES, textBody("stored-first"));
      await sleep(100);
      expect(
        emu.tines.list().map((r) => r.name),
        "stored before the answer",
      ).to.deep.equal(["stored-first"]);
      const res = await answer;
      expect(res.status).to.equal(201);
      expect(res.data.id).to.equal(emu.tines.list()[0].id);
      expect(emu.log[emu.log.length - 1]).to.include({ status: 201, fault: "late-answer" });
    });
  });

  describe("log", function () {
    it("records every request with service, method, path (no query), status, fault and duration", async function () {
      emu.injectFault({ service: "twilio", fault: "503", count: 1 });
      await twilio.get(TWILIO, { params: { PageSize: 5 } });
      await tines.get(TINES, { params: { per_page: 3 } });
      expect(emu.log).to.have.length(2);
      expect(emu.log[0]).to.include({
        service: "twilio",
        method: "GET",
        path: TWILIO,
        status: 503,
        fault: "503",
      });
      expect(emu.log[1]).to.include({ service: "tines", method: "GET", path: TINES, status: 200 });
      expect(emu.log[1]).not.to.have.property("fault");
      expect(emu.log[1].durationMs).to.be.a("number").and.at.least(0);
      emu.clearLog();
      expect(emu.log).to.have.length(0);
    });
  });
});
