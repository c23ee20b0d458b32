// Every kind of the registry (provider/kinds.ts) through the engine path, declared from its sample
// (tests/kinds.ts): the packed package under the SDK's mocks, @pulumi/pulumi's own provider host, the
// emulator. A new kind is covered here without this file learning its name: one create, a no-change
// up, an in-place update, a refresh and a delete, one request each, with its secrets only as secrets.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Emulator, RequestLogEntry, startEmulator } from "../../emulator";
import { secretNames } from "../../provider/core/fields";
import { KIND_NAMES, KINDS, resourceType, serviceOf, specOf } from "../../provider/kinds";
import { changedInPlace, declaration } from "../kinds";
import { emulatorStackConfig, EngineHarness, installPackedPackage } from "./harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

const PROGRAM = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const credentials = require("pulumi-api-credentials");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
for (const r of spec.resources) new credentials[r.cls](r.name, r.args);
`;

const TINES_API_KEY = "tines-api-key-kinds-W2m8";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-kinds-J5q1";

describe("every kind of the registry through the engine path (packed package, provider host, emulator)", function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let engine: EngineHarness;
  let dir: string;
  const secrets: string[] = [];
  const declared = KIND_NAMES.map((kind, i) => {
    const secret = (_field: string, value = `kinds-secret-${i}-${secrets.length}-Vx7`) => {
      secrets.push(value);
      return value;
    };
    return { kind, cls: KINDS[kind].className, name: kind, args: declaration(kind, `kinds-${i}`, secret, i) };
  });
  const write = (decls: typeof declared) =>
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources: decls }));
  const stateOf = (kind: (typeof KIND_NAMES)[number]) =>
    engine.state.get(engine.urn(resourceType(kind), kind))!;
  let mark = 0;
  /** The API requests since the last call, by kind (the kind whose credential id is in the path). */
  const requests = (): Record<string, string[]> => {
    const entries = emulator.log.slice(mark).filter((e: RequestLogEntry) => e.service !== "control");
    mark = emulator.log.length;
    const out: Record<string, string[]> = Object.fromEntries(KIND_NAMES.map((k) => [k, []]));
    for (const e of entries) {
      const id = decodeURIComponent(e.path.split("?")[0].split("/").pop() ?? "");
      const kind = KIND_NAMES.find((k) => engine.state.get(engine.urn(resourceType(k), k))?.id === id);
      out[kind ?? `${e.service} (no id)`] = [...(out[kind ?? `${e.service} (no id)`] ?? []), e.method];
    }
    return out;
  };
  const once = (method: string) => Object.fromEntries(KIND_NAMES.map((k) => [k, [method]]));

  before(async function () {
    this.timeout(300_000);
    const installed = await installPackedPackage(repoRoot);
    emulator = await startEmulator({
      port: 0,
      tinesApiKey: TINES_API_KEY,
      twilioAuthToken: TWILIO_AUTH_TOKEN,
    });
    dir = fs.mkdtempSync(path.join(installed.programDir, "kinds-"));
    fs.writeFileSync(path.join(dir, "program.js"), PROGRAM);
    engine = await EngineHarness.start({
      programDir: installed.programDir,
      ...emulatorStackConfig(emulator, { tinesApiKey: TINES_API_KEY, twilioAuthToken: TWILIO_AUTH_TOKEN }),
    });
  });

  after(async () => {
    await engine?.stop();
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("creates one credential of each kind with one POST; state holds the secret inputs only as secrets", async () => {
    write(declared);
    mark = emulator.log.length;
    const r = await engine.up(path.join(dir, "program.js"));
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(KIND_NAMES.map(() => "create"));
    const posts = emulator.log.slice(mark).filter((e) => e.service !== "control");
    mark = emulator.log.length;
    expect(posts.map((e) => `${e.service} ${e.method}`).sort()).to.deep.equal(
      KIND_NAMES.map((k) => `${serviceOf(k)} POST`).sort(),
    );
    for (const kind of KIND_NAMES) {
      const state = stateOf(kind);
      const spec = specOf(kind);
      const declaredSecrets = secretNames(spec.inputs).filter((f) => f in declaredArgs(kind));
      expect(state.secretKeys.sort(), kind).to.deep.equal(declaredSecrets.sort());
      // Every declared input, and nothing that is not a field of the kind.
      for (const name of Object.keys(declaredArgs(kind))) {
        expect(state.outputs, `${kind}.${name}`).to.have.property(name);
      }
      const fields = [...Object.keys(spec.inputs), ...Object.keys(spec.outputs)];
      expect(fields, kind).to.include.members(Object.keys(state.outputs).filter((k) => k !== "__provider"));
    }
    const plain = JSON.stringify(engine.stateSnapshot());
    for (const secret of secrets) expect(plain.includes(secret), "a secret in plain state").to.equal(false);
  });

  it("a second up changes nothing and sends no request", async () => {
    const r = await engine.up(path.join(dir, "program.js"));
    expect(r.ok).to.equal(true);
    expect(r.steps.map((s) => s.op)).to.deep.equal(KIND_NAMES.map(() => "same"));
    expect(requests()).to.deep.equal(Object.fromEntries(KIND_NAMES.map((k) => [k, []])));
  });

  it("updates each kind in place with one request", async () => {
    write(declared.map((d) => ({ ...d, args: changedInPlace(d.kind, d.args.name as string, d.args) })));
    const r = await engine.up(path.join(dir, "program.js"));
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(KIND_NAMES.map(() => "update"));
    const sent = requests();
    expect(Object.keys(sent)).to.deep.equal(KIND_NAMES);
    for (const kind of KIND_NAMES) expect(sent[kind], kind).to.have.length(1);
  });

  it("a refresh reads each kind with one GET and finds no change", async () => {
    const r = await engine.refresh();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => [s.op, s.changedKeys])).to.deep.equal(KIND_NAMES.map(() => ["same", []]));
    expect(requests()).to.deep.equal(once("GET"));
  });

  it("deletes each kind with one DELETE, leaving the emulator empty", async () => {
    const ids = KIND_NAMES.map((k) => stateOf(k).id);
    expect(new Set(ids).size).to.equal(KIND_NAMES.length);
    mark = emulator.log.length;
    const entries = () => emulator.log.slice(mark).filter((e) => e.service !== "control");
    const r = await engine.destroy();
    expect(r.errors).to.deep.equal([]);
    const deleted = entries().map((e) => `${e.method} ${decodeURIComponent(e.path.split("/").pop()!)}`);
    expect(deleted.sort()).to.deep.equal(ids.map((id) => `DELETE ${id}`).sort());
    expect(emulator.tines.list()).to.deep.equal([]);
    expect(emulator.twilio.list()).to.deep.equal([]);
  });

  function declaredArgs(kind: (typeof KIND_NAMES)[number]): Record<string, unknown> {
    return declared.find((d) => d.kind === kind)!.args;
  }
});
