// Every kind of the registry (provider/kinds.ts) through the engine path, declared from its sample
// (tests/kinds.ts): the packed package under the SDK's mocks, @pulumi/pulumi's own provider host, the
// emulator. A new kind is covered here without this file learning its name: one create, a no-change
// up, an in-place update, a refresh and a delete, one request each; a refresh after an out-of-band
// edit and the `up` that restores it; a replacement on its first field that `replaces` (create, then
// delete the old); an adoption (`adoptId`: a GET, a PUT only where a write-only value must be sent);
// its secrets only as secrets, never in plain state, `__provider` or the host's output.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Emulator, RequestLogEntry, startEmulator } from "../../emulator";
import { Inputs, secretNames, writeOnlyNames } from "../../provider/core/fields";
import { KindName, KIND_NAMES, KINDS, resourceType, Service, serviceOf, specOf } from "../../provider/kinds";
import { BenchSecret, changedInPlace, declaration } from "../kinds";
import {
  emulatorStackConfig,
  EngineHarness,
  installPackedPackage,
  leakPlaces,
  leaksIn,
  UpResult,
} from "./harness";

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
  /** A declaration's secret (a fresh one unless given), registered for the leak scans. */
  const secret: BenchSecret = (_field, value = `kinds-secret-${secrets.length}-Vx7`) => {
    secrets.push(value);
    return value;
  };
  const declared = KIND_NAMES.map((kind, i) => ({
    kind,
    cls: KINDS[kind].className,
    name: kind as string,
    args: declaration(kind, `kinds-${i}`, secret, i),
  }));
  const write = (decls: typeof declared) =>
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources: decls }));
  /** A resource's state: the kind's own resource (named after the kind), or another of that kind. */
  const stateOf = (kind: KindName, name: string = kind) =>
    engine.state.get(engine.urn(resourceType(kind), name))!;
  const idOfPath = (e: RequestLogEntry) => decodeURIComponent(e.path.split("?")[0].split("/").pop() ?? "");
  let mark = 0;
  const apiEntries = () => {
    const entries = emulator.log.slice(mark).filter((e: RequestLogEntry) => e.service !== "control");
    mark = emulator.log.length;
    return entries;
  };
  /** The API requests since the last call, by resource name (the resource whose id is in the path). */
  const requests = (): Record<string, string[]> => {
    const byId = new Map([...engine.state.values()].map((r) => [r.id, r.name]));
    const out: Record<string, string[]> = Object.fromEntries(KIND_NAMES.map((k) => [k, []]));
    for (const e of apiEntries()) {
      const name = byId.get(idOfPath(e)) ?? `${e.service} (no id)`;
      out[name] = [...(out[name] ?? []), e.method];
    }
    return out;
  };
  /** What this run's program declares now (the in-place update, the replacement and the adoption change it). */
  let current = declared;
  const texts: string[] = [];
  const up = async (): Promise<UpResult> => {
    write(current);
    const r = await engine.up(path.join(dir, "program.js"));
    texts.push(r.programOutput, ...r.errors);
    return r;
  };
  /** The emulator's own calls, per service: read a record, edit it out of band, seed one. */
  const STORE: Record<
    Service,
    {
      get(id: string): Record<string, unknown> | undefined;
      edit(id: string, patch: Record<string, unknown>): void;
      seed(body: Record<string, unknown>): string | number;
    }
  > = {
    tines: {
      get: (id) => emulator.tines.get(Number(id)) as unknown as Record<string, unknown> | undefined,
      edit: (id, patch) => emulator.tines.update(Number(id), patch),
      seed: (body) => emulator.tines.seed(body).id,
    },
    twilio: {
      get: (id) => emulator.twilio.get(id) as unknown as Record<string, unknown> | undefined,
      edit: (id, patch) => emulator.twilio.update(id, patch),
      seed: (body) => emulator.twilio.seed(body as { Credentials: string }).sid,
    },
  };
  const storeOf = (kind: KindName) => STORE[serviceOf(kind)];
  /** The input every kind changes in place (changedInPlace), and its key in the service's records. */
  const inPlaceField = (kind: KindName) => {
    const args = declared.find((d) => d.kind === kind)!.args;
    const changed = changedInPlace(kind, "x", args);
    const name = Object.keys(changed).find((k) => JSON.stringify(changed[k]) !== JSON.stringify(args[k]))!;
    const field = specOf(kind).inputs[name];
    return { name, key: field.returnedAs ?? field.api! };
  };
  /** The declared write-only inputs (secrets included) the update body carries: what an update re-sends. */
  const resentByUpdate = (kind: KindName, args: Inputs) => {
    const spec = specOf(kind);
    const body = spec.updateBody(args);
    return writeOnlyNames(spec.inputs).filter((n) => n in args && spec.inputs[n].api! in body);
  };
  /** State holds exactly the declared secret inputs as secrets. */
  const expectSecretsOnlyAsSecrets = (kind: KindName, args: Inputs, name: string = kind) => {
    const declaredSecrets = secretNames(specOf(kind).inputs).filter((f) => f in args);
    expect([...stateOf(kind, name).secretKeys].sort(), name).to.deep.equal(declaredSecrets.sort());
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
    mark = emulator.log.length;
    const r = await up();
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
    const r = await up();
    expect(r.ok).to.equal(true);
    expect(r.steps.map((s) => s.op)).to.deep.equal(KIND_NAMES.map(() => "same"));
    expect(requests()).to.deep.equal(Object.fromEntries(KIND_NAMES.map((k) => [k, []])));
  });

  it("updates each kind in place with one request", async () => {
    current = declared.map((d) => ({ ...d, args: changedInPlace(d.kind, d.args.name as string, d.args) }));
    const r = await up();
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

  it("a refresh after an out-of-band edit takes the edited field; Tines drops the write-only fields; one update restores both", async () => {
    const edited = (kind: KindName) => `edited out of band ${kind}`.slice(0, 64);
    for (const kind of KIND_NAMES) {
      // Before: every declared write-only input is in state, so dropping it below is seen.
      expect(Object.keys(stateOf(kind).outputs), kind).to.include.members(
        resentByUpdate(kind, declaredArgs(kind)),
      );
      storeOf(kind).edit(stateOf(kind).id, { [inPlaceField(kind).key]: edited(kind) });
    }
    apiEntries();
    const refreshed = await engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    expect(requests()).to.deep.equal(once("GET"));
    for (const kind of KIND_NAMES) {
      const { name } = inPlaceField(kind);
      const step = refreshed.steps.find((s) => s.urn === stateOf(kind).urn)!;
      expect([step.op, step.changedKeys.includes(name)], kind).to.deep.equal(["update", true]);
      expect(stateOf(kind).outputs[name], kind).to.equal(edited(kind));
      // README (Secrets): when updated_at moved without us, refresh drops every secret and write-only
      // field; a service without such a stamp (Twilio: a key pair cannot change) keeps them.
      const writeOnly = writeOnlyNames(specOf(kind).inputs).filter((n) => n in declaredArgs(kind));
      const kept = Object.keys(stateOf(kind).outputs).filter((n) => writeOnly.includes(n));
      expect(kept, kind).to.deep.equal(specOf(kind).updatedAtOutput ? [] : writeOnly);
    }

    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(KIND_NAMES.map(() => "update"));
    const sent = requests();
    expect(Object.keys(sent)).to.deep.equal(KIND_NAMES);
    for (const kind of KIND_NAMES) {
      expect(sent[kind], kind).to.have.length(1);
      const { name, key } = inPlaceField(kind);
      expect(storeOf(kind).get(stateOf(kind).id)![key], kind).to.equal(declaredArgs(kind)[name]);
      expect(stateOf(kind).outputs[name], kind).to.equal(declaredArgs(kind)[name]);
      expect(Object.keys(stateOf(kind).outputs), kind).to.include.members(
        resentByUpdate(kind, declaredArgs(kind)),
      );
      expectSecretsOnlyAsSecrets(kind, declaredArgs(kind));
    }
  });

  it("replaces each kind on its first field that replaces: every create, then every old credential deleted", async () => {
    const replaced = KIND_NAMES.map((kind) => {
      const spec = specOf(kind);
      const args = declaredArgs(kind);
      const [name, field] = Object.entries(spec.inputs).find(([n, f]) => f.replaces && n in args)!;
      const value = args[name];
      const next =
        field.kind === "id"
          ? Number(value) + 1
          : field.kind === "string"
            ? `${String(value)}-replaced`
            : expect.fail(`${kind}.${name}: no replacement value for a ${field.kind} field`);
      if (field.secret) secrets.push(String(next));
      return { kind, name, next, oldId: stateOf(kind).id };
    });
    current = current.map((d, i) => ({ ...d, args: { ...d.args, [replaced[i].name]: replaced[i].next } }));
    apiEntries();
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    const entries = apiEntries();
    // Create-before-delete (the engine's default): every create is sent before any old one is deleted.
    const sequence = entries.map((e) => `${e.service} ${e.method}`);
    const n = KIND_NAMES.length;
    expect([...sequence.slice(0, n).sort(), ...sequence.slice(n).sort()]).to.deep.equal([
      ...KIND_NAMES.map((k) => `${serviceOf(k)} POST`).sort(),
      ...KIND_NAMES.map((k) => `${serviceOf(k)} DELETE`).sort(),
    ]);
    expect(entries.slice(KIND_NAMES.length).map(idOfPath).sort()).to.deep.equal(
      replaced.map((x) => x.oldId).sort(),
    );
    for (const { kind, name, next, oldId } of replaced) {
      const step = r.steps.find((s) => s.urn === stateOf(kind).urn)!;
      expect([step.op, step.oldId, step.id], kind).to.deep.equal(["replace", oldId, stateOf(kind).id]);
      expect(stateOf(kind).id, kind).not.to.equal(oldId);
      expect(storeOf(kind).get(oldId), `${kind}: the old credential`).to.equal(undefined);
      expect(storeOf(kind).get(stateOf(kind).id), `${kind}: the new credential`).not.to.equal(undefined);
      expect(stateOf(kind).outputs[name], kind).to.deep.equal(next);
      expectSecretsOnlyAsSecrets(kind, declaredArgs(kind));
    }
    const plain = JSON.stringify(engine.stateSnapshot());
    for (const secret of secrets) expect(plain.includes(secret), "a secret in plain state").to.equal(false);
  });

  it("adopts a seeded credential of each kind: one GET, one PUT only where a write-only value must be sent, no create", async () => {
    const adopted = KIND_NAMES.map((kind, i) => {
      const spec = specOf(kind);
      const name = `adopted-${kind}`;
      const seededWith = (_field: string, value = `kinds-seeded-${i}-${secrets.length}-Fw3`) => {
        secrets.push(value);
        return value;
      };
      const seedArgs = declaration(kind, `adopted-${i}`, seededWith, i);
      const adoptId = storeOf(kind).seed(spec.createBody(seedArgs));
      const args: Inputs = { ...declaration(kind, `adopted-${i}`, secret, i), adoptId };
      // What no update can send (a Twilio key pair) is declared as the service holds it.
      for (const n of writeOnlyNames(spec.inputs)) {
        if (n in args && !resentByUpdate(kind, args).includes(n)) args[n] = seedArgs[n];
      }
      return { kind, cls: KINDS[kind].className, name, args, id: String(adoptId) };
    });
    current = [...current, ...adopted];
    apiEntries();
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    const sent = requests();
    expect(
      Object.keys(sent).filter((n) => n.endsWith("(no id)")),
      "requests without an id (creates)",
    ).to.deep.equal([]);
    // Some kinds must write on adoption (the samples declare secrets an answer never shows).
    expect(adopted.filter((a) => resentByUpdate(a.kind, a.args).length > 0)).not.to.deep.equal([]);
    for (const a of adopted) {
      const written = resentByUpdate(a.kind, a.args);
      expect(sent[a.name], a.kind).to.deep.equal(written.length > 0 ? ["GET", "PUT"] : ["GET"]);
      expect(sent[a.kind], `${a.kind}: the existing resource`).to.deep.equal([]);
      expect(r.steps.find((s) => s.urn === stateOf(a.kind, a.name).urn)?.op, a.kind).to.equal("create");
      expect(stateOf(a.kind, a.name).id, a.kind).to.equal(a.id);
      // The PUT carried the declared values, not the seeded ones.
      const spec = specOf(a.kind);
      const record = storeOf(a.kind).get(a.id)!;
      const body = spec.updateBody(a.args);
      for (const n of written) {
        expect(record[spec.inputs[n].api!], `${a.kind}.${n}`).to.deep.equal(body[spec.inputs[n].api!]);
      }
      expectSecretsOnlyAsSecrets(a.kind, a.args, a.name);
    }
    const plain = JSON.stringify(engine.stateSnapshot());
    for (const secret of secrets) expect(plain.includes(secret), "a secret in plain state").to.equal(false);
  });

  it("destroys every credential, adopted ones included, with one DELETE each; no secret in __provider or the host's output", async () => {
    const ids = [...engine.state.values()].map((s) => s.id);
    expect(new Set(ids).size).to.equal(2 * KIND_NAMES.length);
    const { state, __provider: providers } = leakPlaces(engine, texts);
    apiEntries();
    const r = await engine.destroy();
    expect(r.errors).to.deep.equal([]);
    const deleted = apiEntries().map((e) => `${e.method} ${idOfPath(e)}`);
    expect(deleted.sort()).to.deep.equal(ids.map((id) => `DELETE ${id}`).sort());
    expect(emulator.tines.list()).to.deep.equal([]);
    expect(emulator.twilio.list()).to.deep.equal([]);
    expect(providers).to.include("pulumi-api-credentials");
    const labelled = Object.fromEntries(secrets.map((s, i) => [`secret ${i}`, s]));
    expect(leaksIn({ ...leakPlaces(engine, texts), state }, labelled)).to.deep.equal({});
  });

  /** What the program declares now for the kind's own resource. */
  function declaredArgs(kind: KindName): Inputs {
    return current.find((d) => d.kind === kind && d.name === kind)!.args;
  }
});
