// Hardening #9 item 3 through the engine path: the packed package in @pulumi/pulumi's own provider
// host, against the emulator's "echo" faults, which answer a create with an error quoting the
// request's secret as plain text cut at 500 characters, JSON-escaped inside JSON, or URL/form-encoded.
// No 8-character piece of any secret, in any spelling, may reach an error, the host's output or state.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EchoFaultKind, Emulator, startEmulator } from "../../emulator";
import { secretNames } from "../../provider/core/fields";
import { KIND_NAMES, KindName, KINDS, serviceOf, specOf } from "../../provider/kinds";
import { declaration } from "../kinds";
import { emulatorStackConfig, EngineHarness, installPackedPackage, SPELLINGS } from "./harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

const PROGRAM = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const credentials = require("pulumi-api-credentials");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
for (const r of spec.resources) {
  const args = Object.assign({}, r.args);
  for (const k of r.secretArgs || []) args[k] = pulumi.secret(args[k]);
  new credentials[r.cls](r.name, args);
}
`;

const TINES_API_KEY = "tines-api-key-echo-Yq4/+:Zr8";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-echo-Pn3x";
let secretsMade = 0;
/** A fresh secret made of what encodings change: / + : " \ newline, space, % and non-ASCII. */
const hostile = () => `s${secretsMade++}/secret+"quoted"\\back:colon é€😀 100% sure\nline-2-Kf9`;

/** One declaration of every kind, from its sample (tests/kinds.ts), with hostile secrets. */
const SECRETS: Record<string, string> = { TINES_API_KEY, TWILIO_AUTH_TOKEN };
const DECLARATIONS = KIND_NAMES.map((kind, i) => {
  const secret = (field: string, value = hostile()) => (SECRETS[`${kind}.${field}`] = value);
  const args = declaration(kind, `n${i}`, secret, i, true);
  const secretFields = secretNames(specOf(kind).inputs).filter((f) => args[f] !== undefined);
  // Every secret input as the service receives it (the whole Twilio KEY:SECRET, key id included).
  for (const f of secretFields) SECRETS[`${kind}.${f} (as sent)`] = String(args[f]);
  // Every other kind's secrets arrive already secret from the program; the class wraps the rest.
  return { cls: KINDS[kind].className, name: kind, args, secretArgs: i % 2 === 1 ? secretFields : [] };
});

/** Labels (never values) of the secrets of which an 8-character piece, in some spelling, shows in `text`. */
function piecesIn(text: string): string[] {
  const found = new Set<string>();
  for (const [name, secret] of Object.entries(SECRETS)) {
    for (const [spelling, spell] of Object.entries(SPELLINGS)) {
      const form = spell(secret);
      for (let i = 0; i + 8 <= form.length; i++) {
        if (text.includes(form.slice(i, i + 8))) found.add(`${name} (${spelling})`);
      }
    }
  }
  return [...found];
}

describe("redaction through the engine path (packed package, provider host, emulator echo faults)", function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let dir: string;
  let engine: EngineHarness;

  before(async function () {
    this.timeout(300_000);
    const installed = await installPackedPackage(repoRoot);
    emulator = await startEmulator({
      port: 0,
      tinesApiKey: TINES_API_KEY,
      twilioAuthToken: TWILIO_AUTH_TOKEN,
    });
    dir = fs.mkdtempSync(path.join(installed.programDir, "redaction-"));
    fs.writeFileSync(path.join(dir, "program.js"), PROGRAM);
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources: DECLARATIONS }));
    engine = await EngineHarness.start({
      programDir: installed.programDir,
      // Every kind's create must be sent and fail: without this, the first failure stops the steps
      // not yet started, and how many had started depended on timing.
      continueOnError: true,
      ...emulatorStackConfig(emulator, { tinesApiKey: TINES_API_KEY, twilioAuthToken: TWILIO_AUTH_TOKEN }),
    });
  });

  after(async () => {
    await engine?.stop();
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  afterEach(() => emulator.clearFaults());

  for (const kind of ["echo-text", "echo-json", "echo-form"] as EchoFaultKind[]) {
    it(`${kind}: every create fails naming its status, and no piece of a secret reaches errors, host output or state`, async () => {
      emulator.injectFault({ method: "POST", fault: kind });
      const from = emulator.log.length;
      const r = await engine.up(path.join(dir, "program.js"));
      // Every kind's create was sent and answered with an echo of its secret.
      expect(emulator.log.slice(from).filter((e) => e.fault === kind)).to.have.length(KIND_NAMES.length);
      expect(r.ok).to.equal(false);
      expect(r.failures).to.have.length(KIND_NAMES.length);
      for (const f of r.failures) {
        const service = serviceOf(f.urn.split("::").pop() as KindName);
        expect(f.reason).to.match(service === "twilio" ? /HTTP 400/ : /HTTP 422/);
        // The echoed text is either shown with the secret replaced, or withheld.
        expect(f.reason).to.match(/\[secret\]|withheld/);
      }
      expect(emulator.tines.list()).to.deep.equal([]);
      expect(emulator.twilio.list()).to.deep.equal([]);
      const places = {
        errors: [...r.errors, ...r.failures.map((f) => f.reason)].join("\n"),
        "host output": engine.hostOutput(),
        "program output": r.programOutput,
        state: JSON.stringify([...engine.state.values()]),
      };
      for (const [where, text] of Object.entries(places)) {
        expect(piecesIn(text), `secret pieces found in ${where}`).to.deep.equal([]);
      }
    });
  }
});
