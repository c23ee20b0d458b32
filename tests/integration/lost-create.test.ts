// Lost create answers through the engine path (packed package, SDK mocks, provider host, emulator with
// fault injection): same-named creates in one run never share an id, and each recorded id holds that
// resource's own secret. Where the provider cannot tell whose credential it found, the resource fails
// with the error that says so, naming the ids to adopt.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { resourceType } from "../../provider/kinds";
import { emulatorStackConfig, EngineHarness, installPackedPackage, UpResult } from "./harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

const PROGRAM = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const credentials = require("pulumi-api-credentials");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const made = {};
for (const r of spec.resources) {
  const args = Object.assign({}, r.args);
  if (args.value !== undefined) args.value = pulumi.secret(args.value);
  if (r.descriptionFrom) args.description = made[r.descriptionFrom].sid;
  made[r.name] = new credentials[r.cls](r.name, args);
}
`;

const TINES_API_KEY = "tines-api-key-lost-create-3d8e";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-lost-create-7a1c";
const TEXT_TYPE = resourceType("tinesTextCredential");
const TINES_POST = "POST /api/v1/user_credentials";

interface Decl {
  cls: "TinesTextCredential" | "TwilioAwsCredential";
  name: string;
  args: Record<string, unknown>;
  /** Tines only: the description is this Twilio resource's sid, so the create waits for it. */
  descriptionFrom?: string;
}

const secretOf = (name: string) => `lost-create-secret-${name}-9f3b2c`;
const text = (name: string, extra: Partial<Decl> = {}): Decl => ({
  cls: "TinesTextCredential",
  name,
  args: { name: "twin", teamId: 2, value: secretOf(name) },
  ...extra,
});

describe("lost creates through the engine path: siblings never share or swap a credential", function () {
  this.timeout(180_000);
  let emulator: Emulator;
  let dir: string;
  let programDir: string;
  const harnesses: EngineHarness[] = [];

  before(async function () {
    this.timeout(300_000);
    programDir = (await installPackedPackage(repoRoot)).programDir;
    dir = fs.mkdtempSync(path.join(programDir, "lost-create-"));
    fs.writeFileSync(path.join(dir, "program.js"), PROGRAM);
  });

  beforeEach(async () => {
    emulator = await startEmulator({
      port: 0,
      tinesApiKey: TINES_API_KEY,
      twilioAuthToken: TWILIO_AUTH_TOKEN,
      seed: 7,
    });
  });

  afterEach(async () => {
    for (const h of harnesses.splice(0)) await h.stop();
    await emulator?.stop();
  });

  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A fresh stack (own host process, own state) with every step allowed to run at once. */
  async function run(
    decls: Decl[],
    stack: string,
    parallel = 32,
  ): Promise<{ engine: EngineHarness; result: UpResult }> {
    const engine = await EngineHarness.start({
      programDir,
      stack,
      parallel,
      continueOnError: true,
      ...emulatorStackConfig(emulator, { tinesApiKey: TINES_API_KEY, twilioAuthToken: TWILIO_AUTH_TOKEN }),
    });
    harnesses.push(engine);
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources: decls }));
    return { engine, result: await engine.up(path.join(dir, "program.js")) };
  }

  /**
   * Every recorded Tines resource holds its own secret under an id no other resource has; every one that
   * failed says its credential may exist and how to adopt it; every stored "twin" is recorded or named.
   */
  function expectOwnCredentials(engine: EngineHarness, result: UpResult, names: string[]): void {
    const recorded = new Map<string, string>();
    const errors = new Map(result.failures.map((f) => [f.urn.split("::").pop()!, f.reason]));
    for (const name of names) {
      const id = engine.state.get(engine.urn(TEXT_TYPE, name))?.id;
      if (id === undefined) {
        const error = errors.get(name) ?? "";
        expect(error, `${name} has neither an id nor an error`)
          .to.include(TINES_POST)
          .and.match(/adoptId/);
        expect(error).not.to.include(secretOf(name));
        continue;
      }
      expect([...recorded.values()], `${name} shares its id`).not.to.include(id);
      recorded.set(name, id);
      expect(
        emulator.tines.get(Number(id))?.value,
        `${name}'s credential ${id} holds its own secret`,
      ).to.equal(secretOf(name));
    }
    const announced = [...errors.values()].join("\n");
    for (const stored of emulator.tines.list().filter((r) => r.name === "twin")) {
      const mine = [...recorded.values()].includes(String(stored.id));
      expect(
        mine || announced.includes(String(stored.id)),
        `credential ${stored.id} orphaned unannounced`,
      ).to.equal(true);
    }
  }

  it("a sibling sent while a lookup reads the list, stored at once and answered late, keeps its own id", async () => {
    // "early" loses its create before anything is stored and looks it up; its list is answered late.
    // "late" is sent only after the Twilio create it depends on (slowed), is stored at once (so the
    // list shows it) and answered after 800 ms, while "early"'s lookup holds that list.
    emulator.injectFault({ service: "twilio", method: "POST", fault: "slow", delayMs: 300, count: 1 });
    emulator.injectFault({ service: "tines", method: "POST", fault: "reset-before", count: 1 });
    emulator.injectFault({ service: "tines", method: "GET", fault: "slow", delayMs: 700, count: 1 });
    emulator.injectFault({ service: "tines", method: "POST", fault: "late-answer", delayMs: 800, count: 1 });
    const { engine, result } = await run(
      [
        {
          cls: "TwilioAwsCredential",
          name: "gate",
          args: { credentials: "AKIALOSTCREATE01:gate-secret-77aa" },
        },
        text("early"),
        text("late", { descriptionFrom: "gate" }),
      ],
      "sibling-late-answer",
    );
    const faults = emulator.log.filter((e) => e.fault).map((e) => `${e.method} ${e.fault}`);
    expect(faults).to.include.members(["POST reset-before", "GET slow", "POST late-answer"]);
    expectOwnCredentials(engine, result, ["early", "late"]);
    // Nothing here is ambiguous: the late answer claims its id, the lookup then finds nothing and resends.
    expect(result.failures).to.deep.equal([]);
  });

  // All 20 at once, and four at a time (as `--parallel 4` would), where sibling lookups and creates
  // interleave most: seeds under which the provider before this fix recorded a swapped credential.
  for (const [parallel, seed] of [
    [32, 7],
    [4, 2],
    [4, 8],
  ]) {
    it(`20 same-named creates, 30% reset-before and 30% reset-after on POST (parallel ${parallel}, seed ${seed}): no shared or swapped id`, async () => {
      await emulator.stop(); // a fresh one seeded for this run
      emulator = await startEmulator({
        port: 0,
        tinesApiKey: TINES_API_KEY,
        twilioAuthToken: TWILIO_AUTH_TOKEN,
        seed,
      });
      emulator.injectFault({ service: "tines", method: "POST", fault: "reset-before", probability: 0.3 });
      // 30% of all requests: 0.3 / (1 - 0.3) of those the first rule left.
      emulator.injectFault({
        service: "tines",
        method: "POST",
        fault: "reset-after",
        probability: 0.3 / 0.7,
      });
      const names = Array.from({ length: 20 }, (_, i) => `twin${i}`);
      const { engine, result } = await run(
        names.map((n) => text(n)),
        `twenty-twins-${parallel}-${seed}`,
        parallel,
      );
      const faults = emulator.log.filter((e) => e.fault).map((e) => e.fault);
      expect(faults).to.include.members(["reset-before", "reset-after"]);
      expectOwnCredentials(engine, result, names);
      const failed = result.failures.length;
      console.log(
        `      ${20 - failed} recorded, ${failed} failed with the may-have-been-created error; faults: ` +
          `${faults.filter((f) => f === "reset-before").length} reset-before, ` +
          `${faults.filter((f) => f === "reset-after").length} reset-after`,
      );
    });
  }
});
