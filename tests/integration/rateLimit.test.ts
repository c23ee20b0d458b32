// Rate limits through the engine path (issue 14): 200 credentials created, then destroyed, at a high
// parallelism through the real provider host, against an emulator that enforces a real limit per
// credential (Tines: a token bucket of requests per second, 429 without Retry-After; Twilio: requests in
// flight, 429 code 20429). With the provider's limiter set to the same limits every operation succeeds,
// each credential exists once, and the host says once that requests queue.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { emulatorStackConfig, EngineHarness, installPackedPackage } from "./harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

const PROGRAM = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const credentials = require("pulumi-api-credentials");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
for (const r of spec.resources) {
  const args = Object.assign({}, r.args);
  for (const k of ["value", "credentials"]) if (args[k] !== undefined) args[k] = pulumi.secret(args[k]);
  new credentials[r.cls](r.name, args);
}
`;

const TINES_API_KEY = "tines-api-key-rate-limit-5e1f";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-rate-limit-8c2d";
/** The emulator's limits, and the provider's set to match (as a user rehearsing an estate would). */
const TINES_PER_SECOND = 50;
const TWILIO_IN_FLIGHT = 4;
const COUNT = 200;
/** One in eight is a Twilio credential: 175 Tines and 25 Twilio. */
const isTwilio = (i: number) => i % 8 === 7;
/** Enough hooks at once that Tines requests queue for over a second (QUEUE_NOTICE_MS). */
const PARALLEL = 128;

describe("rate limits through the engine path (issue 14)", function () {
  this.timeout(300_000);
  let emulator: Emulator;
  let dir: string;
  let programDir: string;
  let engine: EngineHarness | undefined;

  before(async function () {
    programDir = (await installPackedPackage(repoRoot)).programDir;
    dir = fs.mkdtempSync(path.join(programDir, "rate-limit-"));
    fs.writeFileSync(path.join(dir, "program.js"), PROGRAM);
    const resources = Array.from({ length: COUNT }, (_, i) =>
      isTwilio(i)
        ? {
            cls: "TwilioAwsCredential",
            name: `rl-${i}`,
            args: {
              friendlyName: `rl-${i}`,
              credentials: `AKIARATELIMIT${String(i).padStart(4, "0")}:secret-${i}-a1b2c3`,
            },
          }
        : {
            cls: "TinesTextCredential",
            name: `rl-${i}`,
            args: { name: `rl-${i}`, teamId: 2, value: `secret-${i}-d4e5f6` },
          },
    );
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources }));
    emulator = await startEmulator({
      port: 0,
      tinesApiKey: TINES_API_KEY,
      twilioAuthToken: TWILIO_AUTH_TOKEN,
      rateLimits: {
        tines: { requestsPerMinute: TINES_PER_SECOND * 60 },
        twilio: { maxConcurrent: TWILIO_IN_FLIGHT },
      },
    });
    // Twilio requests take a while, as real ones do, so that several are in flight at once.
    emulator.injectFault({ service: "twilio", fault: "slow", delayMs: 40 });
  });

  after(async () => {
    await engine?.stop();
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it(`${COUNT} credentials created and destroyed at parallelism ${PARALLEL}: no failure, none duplicated, one line about queueing`, async () => {
    const settings = emulatorStackConfig(emulator, {
      tinesApiKey: TINES_API_KEY,
      twilioAuthToken: TWILIO_AUTH_TOKEN,
    });
    engine = await EngineHarness.start({
      programDir,
      parallel: PARALLEL,
      parallelDeletes: true,
      ...settings,
      config: {
        ...settings.config,
        "tines:requestsPerMinute": String(TINES_PER_SECOND * 60),
        "twilio:maxConcurrentRequests": String(TWILIO_IN_FLIGHT),
      },
    });
    const up = await engine.up(path.join(dir, "program.js"));
    expect(up.errors, up.errors.slice(0, 3).join("\n")).to.deep.equal([]);
    expect(up.failures).to.deep.equal([]);
    expect(up.ok).to.equal(true);

    const tines = emulator.tines.list();
    const twilio = emulator.twilio.list();
    expect(tines).to.have.length(COUNT - COUNT / 8);
    expect(twilio).to.have.length(COUNT / 8);
    const names = [...tines.map((r) => r.name), ...twilio.map((r) => r.friendly_name)];
    expect(new Set(names).size, "no credential created twice").to.equal(COUNT);
    const held = new Set([...tines.map((r) => String(r.id)), ...twilio.map((r) => r.sid)]);
    const recorded = [...engine.state.values()].map((r) => r.id);
    expect(recorded).to.have.length(COUNT);
    expect(
      recorded.every((id) => held.has(id)),
      "every id in state is a credential the emulator holds",
    ).to.equal(true);

    const destroyed = await engine.destroy();
    expect(destroyed.errors, destroyed.errors.slice(0, 3).join("\n")).to.deep.equal([]);
    expect(emulator.tines.list()).to.deep.equal([]);
    expect(emulator.twilio.list()).to.deep.equal([]);

    // The limit was reached (requests queued), and the user was told once per service, not per request.
    const output = engine.hostOutput();
    const notices = (service: string) =>
      output.split("\n").filter((line) => line.includes(`${service} API at ${emulator.url}`)).length;
    expect(notices("Tines"), output).to.equal(1);
    expect(notices("Twilio"), output).to.be.at.most(1);
    for (const secret of [TINES_API_KEY, TWILIO_AUTH_TOKEN]) expect(output).not.to.include(secret);
  });
});
