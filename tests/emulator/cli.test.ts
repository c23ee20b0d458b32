import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import axios from "axios";
import { expect } from "chai";

// The packaged bin: build it first with `npx tsc -p tsconfig.json` (npm test does).
const CLI = path.resolve(__dirname, "../../../dist/emulator/cli.js");
const READY = "Press Ctrl+C to stop.";

interface Running {
  child: ChildProcessWithoutNullStreams;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Environment without any EMULATOR_* variable of the caller, plus `extra`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith("EMULATOR_")) env[k] = v;
  return { ...env, ...extra };
}

function run(args: string[], env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [CLI, ...args], { env: cleanEnv(env) });
  let out = "";
  let err = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, stdout: () => out, stderr: () => err, exited };
}

async function untilReady(r: Running): Promise<string> {
  const deadline = Date.now() + 5_000;
  while (!r.stdout().includes(READY)) {
    if (r.child.exitCode !== null) throw new Error(`emulator exited early: ${r.stderr()}`);
    if (Date.now() > deadline) throw new Error(`emulator not ready: ${r.stdout()} ${r.stderr()}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const m = /listening on (http:\/\/127\.0\.0\.1:(\d+))/.exec(r.stdout());
  expect(m, r.stdout()).not.to.equal(null);
  return m![1];
}

function exportedValue(stdout: string, name: string): string | undefined {
  return new RegExp(`^export ${name}=(\\S+)$`, "m").exec(stdout)?.[1];
}

describe("emulator: credentials-emulator CLI (dist)", function () {
  const running: Running[] = [];

  before(function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npx tsc -p tsconfig.json\` first`);
  });
  afterEach(function () {
    for (const r of running.splice(0)) if (r.child.exitCode === null) r.child.kill("SIGKILL");
  });

  it("is an executable node script", function () {
    expect(fs.readFileSync(CLI, "utf8").split("\n")[0]).to.equal("#!/usr/bin/env node");
  });

  it("--port 0 prints the real URL and paste-ready exports, serves both APIs, stops cleanly on SIGTERM", async function () {
    const r = run(["--port", "0"]);
    running.push(r);
    const url = await untilReady(r);
    expect(url).not.to.match(/:0$/);
    const out = r.stdout();
    expect(exportedValue(out, "TINES_TENANT")).to.equal(url);
    expect(exportedValue(out, "TWILIO_ACCOUNTS_URL")).to.equal(url);
    expect(exportedValue(out, "TINES_API_KEY")).to.equal("emulator-tines-key");
    expect(exportedValue(out, "TWILIO_AUTH_TOKEN")).to.equal("emulator-twilio-token");
    const sid = exportedValue(out, "TWILIO_ACCOUNT_SID");
    expect(sid).to.match(/^AC[0-9a-fA-F]{32}$/);

    const tines = await axios.post(
      `${url}/api/v1/user_credentials`,
      { name: "cli", mode: "TEXT", value: "v", team_id: 1 },
      { headers: { Authorization: "Bearer emulator-tines-key" } },
    );
    expect(tines.status).to.equal(201);
    const twilio = await axios.post(
      `${url}/v1/Credentials/AWS`,
      new URLSearchParams({ Credentials: "A:B" }),
      {
        auth: { username: sid!, password: "emulator-twilio-token" },
      },
    );
    expect(twilio.status).to.equal(201);
    const state = await axios.get(`${url}/_emulator/state`);
    expect([state.data.tines.count, state.data.twilio.count]).to.deep.equal([1, 1]);

    r.child.kill("SIGTERM");
    expect(await r.exited).to.equal(0);
    expect(r.stdout()).to.contain("stopped");
  });

  it("reads EMULATOR_* variables; flags win over them; SIGINT stops it", async function () {
    const envSid = "AC" + "ab".repeat(16);
    const r = run(["--tines-api-key", "flag-key"], {
      EMULATOR_PORT: "0",
      EMULATOR_TINES_API_KEY: "env-key",
      EMULATOR_TWILIO_ACCOUNT_SID: envSid,
      EMULATOR_TWILIO_AUTH_TOKEN: "env-token",
    });
    running.push(r);
    const url = await untilReady(r);
    const out = r.stdout();
    expect(exportedValue(out, "TINES_API_KEY")).to.equal("flag-key");
    expect(exportedValue(out, "TWILIO_ACCOUNT_SID")).to.equal(envSid);
    expect(exportedValue(out, "TWILIO_AUTH_TOKEN")).to.equal("env-token");
    const ok = await axios.get(`${url}/api/v1/user_credentials`, {
      headers: { Authorization: "Bearer flag-key" },
      validateStatus: () => true,
    });
    expect(ok.status).to.equal(200);
    const envKey = await axios.get(`${url}/api/v1/user_credentials`, {
      headers: { Authorization: "Bearer env-key" },
      validateStatus: () => true,
    });
    expect(envKey.status).to.equal(401);
    const twilio = await axios.get(`${url}/v1/Credentials/AWS`, {
      auth: { username: envSid, password: "env-token" },
      validateStatus: () => true,
    });
    expect(twilio.status).to.equal(200);
    r.child.kill("SIGINT");
    expect(await r.exited).to.equal(0);
  });

  it("--log-requests prints one line per request", async function () {
    const r = run(["--port", "0", "--log-requests"]);
    running.push(r);
    const url = await untilReady(r);
    await axios.get(`${url}/api/v1/user_credentials/5`, { validateStatus: () => true });
    const deadline = Date.now() + 2_000;
    while (!/tines\s+GET\s+\/api\/v1\/user_credentials\/5 -> 401/.test(r.stdout()) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(r.stdout()).to.match(/tines\s+GET\s+\/api\/v1\/user_credentials\/5 -> 401/);
    r.child.kill("SIGTERM");
    expect(await r.exited).to.equal(0);
  });

  it("--help prints usage and exits 0", async function () {
    const r = run(["--help"]);
    expect(await r.exited).to.equal(0);
    expect(r.stdout()).to.match(/^Usage: credentials-emulator/);
    expect(r.stdout()).to.contain("EMULATOR_PORT");
  });

  it("exits 2 on an unknown flag or a bad port, 1 on a non-loopback host", async function () {
    const unknown = run(["--bogus"]);
    expect(await unknown.exited).to.equal(2);
    expect(unknown.stderr()).to.match(/bogus/);
    const badPort = run(["--port", "abc"]);
    expect(await badPort.exited).to.equal(2);
    expect(badPort.stderr()).to.match(/--port/);
    const host = run(["--port", "0", "--host", "0.0.0.0"]);
    expect(await host.exited).to.equal(1);
    expect(host.stderr()).to.match(/non-loopback/);
  });
});
