import * as fs from "node:fs";
import * as http from "node:http";
import * as os from "node:os";
import * as path from "node:path";
import axios, { type AxiosInstance } from "axios";
import { expect } from "chai";
import { startEmulator, type Emulator } from "../../emulator";

const TINES = "/api/v1/user_credentials";
const TWILIO = "/v1/Credentials/AWS";

describe("emulator: control API", function () {
  let emu: Emulator;
  let control: AxiosInstance;

  before(async function () {
    emu = await startEmulator();
    control = axios.create({ baseURL: `${emu.url}/_emulator`, validateStatus: () => true });
  });
  after(async function () {
    await emu.stop();
  });
  beforeEach(function () {
    emu.reset();
  });

  it("GET /state lists records without secrets, with counts", async function () {
    emu.tines.seed({ name: "t", mode: "TEXT", value: "ctl-secret-1", team_id: 1 });
    emu.tines.seed({
      name: "j",
      mode: "JWT",
      team_id: 1,
      jwt_algorithm: "HS256",
      jwt_private_key: "ctl-secret-2",
    });
    emu.twilio.seed({ Credentials: "AK:ctl-secret-3", FriendlyName: "w" });
    const res = await control.get("/state");
    expect(res.status).to.equal(200);
    expect(res.data.url).to.equal(emu.url);
    expect(res.data.tines.count).to.equal(2);
    expect(res.data.twilio.count).to.equal(1);
    expect(res.data.tines.records.map((r: { name: string }) => r.name)).to.deep.equal(["t", "j"]);
    expect(res.data.twilio.records[0]).to.include({ friendly_name: "w" });
    expect(JSON.stringify(res.data)).not.to.match(/ctl-secret/);
    expect(res.data.twilio.records[0]).not.to.have.property("credentials");
  });

  it("POST/GET/DELETE /faults drive fault injection from another process", async function () {
    const added = await control.post("/faults", { service: "tines", fault: "503", count: 1 });
    expect(added.status).to.equal(201);
    expect(added.data.faults).to.deep.equal([{ service: "tines", fault: "503", count: 1 }]);
    const api = axios.create({
      baseURL: emu.url,
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${emu.settings.tinesApiKey}` },
    });
    expect((await api.get(TINES)).status).to.equal(503);
    expect((await api.get(TINES)).status).to.equal(200);
    await control.post("/faults", { fault: "429" });
    expect((await control.get("/faults")).data.faults).to.have.length(1);
    expect((await control.delete("/faults")).status).to.equal(204);
    expect((await api.get(TINES)).status).to.equal(200);
    const bad = await control.post("/faults", { fault: "teapot" });
    expect(bad.status).to.equal(400);
    expect(bad.data.error).to.match(/fault/);
    expect((await control.post("/faults", { fault: "429", extra: 1 })).status).to.equal(400);
  });

  it("GET /log returns entries including control requests; DELETE /log clears it", async function () {
    await axios.get(`${emu.url}${TWILIO}`, { validateStatus: () => true });
    await control.get("/state");
    const res = await control.get("/log");
    expect(res.status).to.equal(200);
    expect(res.data.log).to.have.length(2);
    expect(res.data.log[0]).to.include({ service: "twilio", method: "GET", path: TWILIO, status: 401 });
    expect(res.data.log[1]).to.include({
      service: "control",
      method: "GET",
      path: "/_emulator/state",
      status: 200,
    });
    expect((await control.delete("/log")).status).to.equal(204);
    expect(emu.log.filter((e) => e.service !== "control")).to.have.length(0);
  });

  it("POST /reset empties both stores, the log and the faults", async function () {
    emu.tines.seed({ name: "t", mode: "TEXT", value: "v", team_id: 1 });
    emu.twilio.seed({ Credentials: "A:B" });
    emu.injectFault({ fault: "500" });
    expect((await control.post("/reset")).status).to.equal(204);
    expect(emu.tines.list()).to.have.length(0);
    expect(emu.twilio.list()).to.have.length(0);
    expect((await control.get("/faults")).data.faults).to.deep.equal([]);
    expect(emu.log.map((e) => e.path)).to.deep.equal(["/_emulator/reset", "/_emulator/faults"]);
    expect(emu.tines.seed({ name: "again", mode: "TEXT", value: "v", team_id: 1 }).id).to.equal(1);
  });

  it("seeds, changes and removes records out of band", async function () {
    const t = await control.post("/tines/credentials", { name: "oob", mode: "TEXT", value: "s", team_id: 3 });
    expect(t.status).to.equal(201);
    expect(t.data).not.to.have.property("value");
    expect(emu.tines.get(t.data.id)?.value).to.equal("s");
    const bad = await control.post("/tines/credentials", { name: "oob", mode: "TEXT", team_id: 3 });
    expect(bad.status).to.equal(422);
    expect(bad.data.errors[0].message).to.contain("value");
    const patched = await control.patch(`/tines/credentials/${t.data.id}`, { description: "drift" });
    expect(patched.status).to.equal(200);
    expect(patched.data.description).to.equal("drift");
    expect(patched.data.updated_at > t.data.updated_at).to.equal(true);
    expect((await control.delete(`/tines/credentials/${t.data.id}`)).status).to.equal(204);
    expect((await control.delete(`/tines/credentials/${t.data.id}`)).status).to.equal(404);

    const w = await control.post("/twilio/credentials", { Credentials: "AK:SS", FriendlyName: "f" });
    expect(w.status).to.equal(201);
    expect(w.data).not.to.have.property("credentials");
    const wp = await control.patch(`/twilio/credentials/${w.data.sid}`, { friendly_name: "g" });
    expect(wp.data.friendly_name).to.equal("g");
    expect((await control.post("/twilio/credentials", { Credentials: "bad" })).status).to.equal(400);
    expect((await control.delete(`/twilio/credentials/${w.data.sid}`)).status).to.equal(204);
    expect(emu.twilio.list()).to.have.length(0);
    expect((await control.get("/nope")).status).to.equal(404);
  });

  it("GET /health answers ok", async function () {
    const res = await control.get("/health");
    expect(res.data).to.deep.equal({ ok: true, url: emu.url });
  });

  it("refuses a non-loopback Host header (DNS rebinding)", async function () {
    const res = await control.get("/state", { headers: { Host: "evil.example.com" } });
    expect(res.status).to.equal(403);
  });
});

describe("emulator: options, env() and lifecycle", function () {
  it("refuses non-loopback hosts and malformed Twilio identities", async function () {
    for (const host of ["0.0.0.0", "192.168.1.10", "example.com", "::"]) {
      let error: unknown;
      await startEmulator({ host }).catch((err: unknown) => (error = err));
      expect(String(error), host).to.match(/non-loopback/);
    }
    const rejects = async (options: Parameters<typeof startEmulator>[0], pattern: RegExp) => {
      let error: unknown;
      await startEmulator(options).catch((err: unknown) => (error = err));
      expect(String(error)).to.match(pattern);
    };
    await rejects({ twilioAccountSid: "AC123" }, /twilioAccountSid/);
    await rejects({ twilioApiKey: "SK" + "0".repeat(32) }, /together/);
    await rejects({ twilioApiKey: "XX" + "0".repeat(32), twilioApiSecret: "s" }, /twilioApiKey/);
    await rejects({ twilioSubaccounts: ["nope"] }, /twilioSubaccounts/);
    await rejects({ port: 70000 }, /port/);
  });

  it("env() points both providers at the emulator; settings carry the defaults and real port", async function () {
    const emu = await startEmulator();
    try {
      expect(emu.url).to.equal(`http://127.0.0.1:${emu.port}`);
      expect(emu.port).to.be.greaterThan(0);
      expect(emu.settings.port).to.equal(emu.port);
      expect(emu.settings.twilioAccountSid).to.match(/^AC[0-9a-fA-F]{32}$/);
      expect(emu.env()).to.deep.equal({
        TINES_TENANT: emu.url,
        TINES_API_KEY: "emulator-tines-key",
        TWILIO_ACCOUNTS_URL: emu.url,
        TWILIO_ACCOUNT_SID: emu.settings.twilioAccountSid,
        TWILIO_AUTH_TOKEN: "emulator-twilio-token",
      });
    } finally {
      await emu.stop();
    }
  });

  it("stop() closes keep-alive sockets promptly and is idempotent", async function () {
    const emu = await startEmulator();
    const agent = new http.Agent({ keepAlive: true });
    const res = await axios.get(`${emu.url}/_emulator/health`, { httpAgent: agent });
    expect(res.status).to.equal(200);
    const started = Date.now();
    await Promise.all([emu.stop(), emu.stop()]);
    expect(Date.now() - started).to.be.lessThan(1000);
    let code: string | undefined;
    await axios.get(`${emu.url}/_emulator/health`).catch((err: { code?: string }) => (code = err.code));
    expect(code).to.equal("ECONNREFUSED");
    agent.destroy();
  });

  it("stop() during a slow fault finishes without processing the delayed request", async function () {
    const emu = await startEmulator();
    emu.injectFault({ fault: "slow", delayMs: 5_000 });
    const pending = axios
      .post(
        `${emu.url}${TINES}`,
        { name: "x", mode: "TEXT", value: "v", team_id: 1 },
        {
          headers: { Authorization: `Bearer ${emu.settings.tinesApiKey}` },
        },
      )
      .catch((err: { code?: string }) => err.code);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    await emu.stop();
    expect(Date.now() - started).to.be.lessThan(1000);
    expect(await pending).to.equal("ECONNRESET");
    expect(emu.tines.list()).to.have.length(0);
  });

  describe("state file", function () {
    let dir: string;
    beforeEach(function () {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-state-"));
    });
    afterEach(function () {
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it("persists both stores across a restart, secrets included, ids continuing", async function () {
      const stateFile = path.join(dir, "nested", "state.json");
      const first = await startEmulator({ stateFile });
      const tinesApi = axios.create({
        baseURL: first.url,
        headers: { Authorization: `Bearer ${first.settings.tinesApiKey}` },
      });
      const a = (
        await tinesApi.post(TINES, { name: "a", mode: "TEXT", value: "persisted-secret", team_id: 1 })
      ).data;
      const b = (await tinesApi.post(TINES, { name: "b", mode: "TEXT", value: "v", team_id: 1 })).data;
      await tinesApi.delete(`${TINES}/${b.id}`);
      const w = first.twilio.seed({ Credentials: "AK:persisted", FriendlyName: "w" });
      await first.stop();
      expect(fs.statSync(stateFile).mode & 0o777).to.equal(0o600);

      const second = await startEmulator({ stateFile });
      try {
        expect(second.tines.list().map((r) => [r.id, r.name, r.value])).to.deep.equal([
          [1, "a", "persisted-secret"],
        ]);
        expect(second.tines.get(1)?.updated_at).to.equal(a.updated_at);
        expect(second.twilio.get(w.sid)?.credentials).to.equal("AK:persisted");
        expect(second.twilio.get(w.sid)?.url).to.equal(`${second.url}${TWILIO}/${w.sid}`);
        const c = await axios.post(
          `${second.url}${TINES}`,
          { name: "c", mode: "TEXT", value: "v", team_id: 1 },
          { headers: { Authorization: `Bearer ${second.settings.tinesApiKey}` } },
        );
        expect(c.data.id).to.equal(3);
        const fetched = await axios.get(`${second.url}${TWILIO}/${w.sid}`, {
          auth: { username: second.settings.twilioAccountSid, password: second.settings.twilioAuthToken },
        });
        expect(fetched.data.friendly_name).to.equal("w");
        second.reset();
        const saved = JSON.parse(fs.readFileSync(stateFile, "utf8"));
        expect(saved.tines.records).to.deep.equal([]);
        expect(saved.twilio.records).to.deep.equal([]);
      } finally {
        await second.stop();
      }
    });

    it("refuses to start from a corrupt state file", async function () {
      const stateFile = path.join(dir, "state.json");
      fs.writeFileSync(stateFile, "{oops");
      let error: unknown;
      await startEmulator({ stateFile }).catch((err: unknown) => (error = err));
      expect(String(error)).to.match(/not valid JSON/);
      fs.writeFileSync(stateFile, JSON.stringify({ version: 2 }));
      error = undefined;
      await startEmulator({ stateFile }).catch((err: unknown) => (error = err));
      expect(String(error)).to.match(/version 1/);
    });
  });
});
