// The four credential resources through the engine path: the package is npm-packed and installed into a
// program folder, programs run under the SDK's mocks (the real serializer writes `__provider`), and
// @pulumi/pulumi's own dynamic provider host runs the hooks against the local emulator. Connection settings
// reach the provider only as stack config through Configure (no environment variables for the host).
import { expect } from "chai";
import { generateKeyPairSync } from "crypto";
import * as fs from "fs";
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import { Emulator, RequestLogEntry, startEmulator } from "../../emulator";
import { KIND_NAMES, KindName, KINDS, kindOfClass, kindOfType, resourceType } from "../../provider/kinds";
import { emulatorStackConfig, EngineHarness, installPackedPackage, UNKNOWN, UpResult } from "./harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

const PROGRAM = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const credentials = require("pulumi-api-credentials");

function setPath(obj, dotted, value) {
  const keys = dotted.split(".");
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] = Object.assign({}, o[k]);
  o[keys[keys.length - 1]] = value;
}

const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const made = {};
for (const r of spec.resources) {
  const args = JSON.parse(JSON.stringify(r.args));
  for (const [arg, ref] of Object.entries(r.refs || {})) {
    const out = made[ref.from][ref.output];
    setPath(args, arg, ref.template ? out.apply((v) => ref.template.replace("{}", String(v))) : out);
  }
  for (const k of r.secretArgs || []) args[k] = pulumi.secret(args[k]);
  made[r.name] = new credentials[r.cls](r.name, args, r.opts);
}
const ids = {};
for (const [name, res] of Object.entries(made)) ids[name] = res.id;
module.exports = { ids };
`;

/** A class of the package, as the registry names it. */
type Cls = (typeof KINDS)[KindName]["className"];
interface Decl {
  cls: Cls;
  name: string;
  args: Record<string, unknown>;
  refs?: Record<string, { from: string; output: string; template?: string }>;
  secretArgs?: string[];
}

const TINES_API_KEY = "tines-api-key-harness-Q7v2";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-harness-Z3k9";
const TEXT_SECRET = "text-secret-harness-9c1e";
const TEXT_SECRET_2 = "text-secret-harness-rotated-4b7d";
const AWS_SECRET = "aws-secret-key-harness-51ab";
const TWILIO_PAIR = "AKIAHARNESS00001:twilio-aws-secret-harness-d41f";
const TWILIO_PAIR_2 = "AKIAHARNESS00002:twilio-aws-secret-harness-88e0";
const ADOPT_SECRET = "adopted-secret-harness-6f2a";
const BAD_PAIR = "no-colon-secret-harness-0d9c";
const { privateKey: PEM } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
  publicKeyEncoding: { type: "spki", format: "pem" },
});
const PEM_LINE = PEM.split("\n")[5];

/** The resource type of a class, from the registry. */
const typeOf = (cls: Cls) => resourceType(kindOfClass(cls)!);
const T = {
  text: typeOf("TinesTextCredential"),
  jwt: typeOf("TinesJwtCredential"),
  aws: typeOf("TinesAwsCredential"),
  twilio: typeOf("TwilioAwsCredential"),
};

/** Fails with the secret's label (never its value) when any secret occurs in `text`. */
function expectNoSecrets(where: string, text: string): void {
  const secrets: Record<string, string> = {
    TINES_API_KEY,
    TWILIO_AUTH_TOKEN,
    TEXT_SECRET,
    TEXT_SECRET_2,
    AWS_SECRET,
    TWILIO_PAIR,
    TWILIO_SECRET: TWILIO_PAIR.split(":")[1],
    TWILIO_PAIR_2,
    TWILIO_SECRET_2: TWILIO_PAIR_2.split(":")[1],
    ADOPT_SECRET,
    BAD_PAIR,
    PEM_LINE,
    BASIC_AUTH: Buffer.from(`AC00000000000000000000000000000001:${TWILIO_AUTH_TOKEN}`).toString("base64"),
  };
  const found = Object.entries(secrets)
    .filter(([, v]) => text.includes(v))
    .map(([k]) => k);
  expect(found, `secrets found in ${where}`).to.deep.equal([]);
}

describe("credentials through the engine path (packed package, SDK mocks, provider host, emulator)", function () {
  this.timeout(120_000);
  let emulator: Emulator;
  let programDir: string;
  let dir: string;
  let engine: EngineHarness;
  let decls: Decl[] = [];
  const results: UpResult[] = [];
  const otherErrors: string[] = [];

  const stack = () =>
    emulatorStackConfig(emulator, { tinesApiKey: TINES_API_KEY, twilioAuthToken: TWILIO_AUTH_TOKEN });
  const write = (next: Decl[]) => {
    decls = next;
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources: next }));
  };
  const change = (name: string, f: (d: Decl) => void) => {
    const next = JSON.parse(JSON.stringify(decls)) as Decl[];
    f(next.find((d) => d.name === name)!);
    write(next);
  };
  const up = async (h: EngineHarness = engine, preview = false) => {
    const r = await h.up(path.join(dir, "program.js"), { preview });
    results.push(r);
    return r;
  };
  /** name -> op; a replacement's later "delete" of the old resource does not hide its "replace". */
  const ops = (r: { steps: { urn: string; op: string }[] }) => {
    const out: Record<string, string> = {};
    for (const s of r.steps) out[s.urn.split("::").pop()!] ??= s.op;
    return out;
  };
  const mark = () => emulator.log.length;
  const apiCalls = (from: number): RequestLogEntry[] =>
    emulator.log.slice(from).filter((e) => e.service !== "control");
  const calls = (from: number) => apiCalls(from).map((e) => `${e.method} ${e.path}`);
  const stateOf = (name: string) =>
    engine.state.get(engine.urn(typeOf(decls.find((d) => d.name === name)!.cls), name))!;
  const tinesId = (name: string) => Number(stateOf(name).id);

  before(async function () {
    this.timeout(300_000);
    const started = Date.now();
    const installed = await installPackedPackage(repoRoot);
    programDir = installed.programDir;
    console.log(
      `      install from npm pack: ${installed.ms} ms (${installed.reused ? "reused" : "fresh"}) -> ${path.relative(repoRoot, programDir)}`,
    );
    emulator = await startEmulator({
      port: 0,
      tinesApiKey: TINES_API_KEY,
      twilioAuthToken: TWILIO_AUTH_TOKEN,
    });
    dir = fs.mkdtempSync(path.join(programDir, "credentials-"));
    fs.writeFileSync(path.join(dir, "program.js"), PROGRAM);
    engine = await EngineHarness.start({ programDir, ...stack() });
    console.log(`      setup: ${Date.now() - started} ms`);
  });

  after(async () => {
    await engine?.stop();
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  const baseline = (): Decl[] => [
    {
      cls: "TinesTextCredential",
      name: "text",
      args: { name: "github_token", teamId: 2, value: TEXT_SECRET, description: "d1" },
    },
    {
      cls: "TinesJwtCredential",
      name: "jwt",
      args: {
        name: "jwt_cred",
        teamId: 2,
        jwtAlgorithm: "RS256",
        jwtPrivateKey: PEM,
        jwtPayload: { iss: "harness" },
        jwtAutoGenerateTimeClaims: true,
        description: "d1",
      },
      refs: { "jwtPayload.sub": { from: "text", output: "credentialId", template: "credential-{}" } },
    },
    {
      cls: "TinesAwsCredential",
      name: "aws",
      args: {
        name: "aws_cred",
        teamId: 2,
        awsAuthenticationType: "KEY",
        awsAccessKey: "AKIAHARNESSKEY01",
        awsSecretKey: AWS_SECRET,
        useStaticExternalId: false,
        description: "d1",
      },
    },
    { cls: "TwilioAwsCredential", name: "tw", args: { credentials: TWILIO_PAIR, friendlyName: "deploy" } },
    {
      cls: "TinesTextCredential",
      name: "comp",
      args: { name: "twilio_sid", teamId: 2 },
      refs: { value: { from: "tw", output: "sid" } },
    },
  ];

  it("creates all four kinds with outputs feeding inputs; a refresh (Read) equals create's outputs", async () => {
    write(baseline());
    const m = mark();
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(ops(r)).to.deep.equal({
      text: "create",
      jwt: "create",
      aws: "create",
      tw: "create",
      comp: "create",
    });
    expect(
      calls(m)
        .filter((c) => c.startsWith("POST"))
        .sort(),
    ).to.deep.equal([
      "POST /api/v1/user_credentials",
      "POST /api/v1/user_credentials",
      "POST /api/v1/user_credentials",
      "POST /api/v1/user_credentials",
      "POST /v1/Credentials/AWS",
    ]);
    expect(emulator.tines.list()).to.have.length(4);
    expect(emulator.twilio.list()).to.have.length(1);

    const text = emulator.tines.get(tinesId("text"))!;
    expect(text).to.deep.include({ name: "github_token", team_id: 2, mode: "TEXT", value: TEXT_SECRET });
    const jwt = emulator.tines.get(tinesId("jwt"))!;
    expect(jwt.jwt_payload).to.deep.equal({ iss: "harness", sub: `credential-${text.id}` });
    expect(jwt.jwt_private_key).to.equal(PEM);
    const tw = emulator.twilio.list()[0];
    expect(tw).to.deep.include({ sid: stateOf("tw").id, friendly_name: "deploy", credentials: TWILIO_PAIR });
    expect(emulator.tines.get(tinesId("comp"))!.value).to.equal(tw.sid);
    expect(r.outputs.ids).to.deep.equal(
      Object.fromEntries(["text", "jwt", "aws", "tw", "comp"].map((n) => [n, stateOf(n).id])),
    );

    expect(stateOf("text").secretKeys).to.deep.equal(["value"]);
    expect(stateOf("jwt").secretKeys).to.deep.equal(["jwtPrivateKey"]);
    expect(stateOf("aws").secretKeys).to.deep.equal(["awsSecretKey"]);
    expect(stateOf("tw").secretKeys).to.deep.equal(["credentials"]);
    expect(stateOf("comp").secretKeys).to.deep.equal(["value"]);
    expect(stateOf("text").outputs).to.deep.include({ credentialId: text.id, slug: text.slug, teamId: 2 });

    // Read against what Create returned: every resource unchanged, one GET each.
    const m2 = mark();
    const refreshed = await engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    expect(refreshed.steps.map((s) => [s.op, s.changedKeys])).to.deep.equal(Array(5).fill(["same", []]));
    expect(calls(m2).every((c) => c.startsWith("GET "))).to.equal(true);
    expect(calls(m2)).to.have.length(5);
    console.log(`      up with 5 creates: ${r.ms} ms; refresh: 5 reads`);
  });

  it("serializes each provider as a small require of the installed package: no secret, key or path", () => {
    const regs = engine.registrations.filter((g) => g.custom);
    expect(regs).to.have.length(5);
    const sizes: Record<string, number> = {};
    for (const reg of regs) {
      const p = reg.provider!;
      sizes[reg.type.split("/").pop()!] = Buffer.byteLength(p);
      expect(reg.providerIsSecret, reg.name).to.equal(false);
      // The subpath existing state holds (see provider/kinds.ts), of this resource's own kind.
      expect(p).to.include(`require("pulumi-api-credentials/engine/${KINDS[kindOfType(reg.type)!].module}")`);
      expect(Buffer.byteLength(p)).to.be.below(1024);
      expectNoSecrets(`__provider of ${reg.name}`, p);
      for (const absolute of [repoRoot, programDir, os.tmpdir(), os.homedir(), "/work", "/tmp"]) {
        expect(p, reg.name).not.to.include(absolute);
      }
      expect(p).not.to.include(emulator.url);
    }
    console.log(`      __provider bytes: ${JSON.stringify(sizes)}`);
    // Secret inputs arrived secret-wrapped from the SDK, and the classes list them as secret outputs.
    const text = regs.find((g) => g.name === "text")!;
    expect(text.object.value).to.have.property("4dabf18193072939515e22adb298388d");
    expect(text.additionalSecretOutputs).to.include("value");
    expect(regs.find((g) => g.name === "tw")!.additionalSecretOutputs).to.include.members([
      "credentials",
      "awsSecretAccessKey",
    ]);
  });

  it("resolves engine/<module> (the subpath existing state requires) to each kind's provider object", () => {
    // The engine deletes with the provider stored in the old state, so the folder's former name must
    // keep resolving in the installed package, to the same object the package exports today.
    // The installed registry is loaded by its file path, not the package index, so this process does
    // not load the program's own copy of the SDK.
    const installed = createRequire(path.join(programDir, "program.js"));
    // Real path: Node resolves to one, and the version matrix reaches .tmp through a link.
    const dist = fs.realpathSync(
      path.join(programDir, "node_modules", "pulumi-api-credentials", "dist", "provider"),
    );
    const registry = installed(path.join(dist, "kinds.js")) as { KINDS: typeof KINDS };
    for (const kind of KIND_NAMES) {
      const { module } = KINDS[kind];
      const old = installed.resolve(`pulumi-api-credentials/engine/${module}`);
      expect(old, kind).to.equal(path.join(dist, "providers", `${module}.js`));
      expect(installed.resolve(`pulumi-api-credentials/providers/${module}`), kind).to.equal(old);
      const provider = installed(old) as Record<string, unknown>;
      expect(provider, kind).to.equal(registry.KINDS[kind].provider);
      for (const hook of ["check", "diff", "create", "read", "update", "delete", "configure"]) {
        expect(provider[hook], `${kind}.${hook}`).to.be.a("function");
      }
    }
  });

  it("a second up sends no HTTP request and changes nothing", async () => {
    const m = mark();
    const r = await up();
    expect(r.ok).to.equal(true);
    expect(Object.values(ops(r))).to.deep.equal(Array(5).fill("same"));
    expect(apiCalls(m)).to.deep.equal([]);
  });

  it("preview of changes sends no HTTP request and no Create/Update/Delete", async () => {
    change("text", (d) => (d.args.description = "d2"));
    change("tw", (d) => (d.args.credentials = TWILIO_PAIR_2));
    const m = mark();
    const r = await up(engine, true);
    expect(r.errors).to.deep.equal([]);
    // As in a real preview, a planned update/replacement answers with its inputs only, so computed outputs
    // are unknown: tw.sid feeds comp.value, text.credentialId feeds jwt.jwtPayload.sub; both get Check and
    // Diff with the unknown sentinel and preview as updates.
    expect(ops(r)).to.deep.equal({
      text: "update",
      jwt: "update",
      aws: "same",
      tw: "replace",
      comp: "update",
    });
    expect(r.outputs.ids).to.deep.include({ tw: UNKNOWN, comp: stateOf("comp").id });
    expect(r.hostCalls.filter((c) => !["check", "diff"].includes(c.method))).to.deep.equal([]);
    expect(apiCalls(m)).to.deep.equal([]);
    write(baseline());
  });

  it("updates each kind in place with one request and the same id", async () => {
    const ids = Object.fromEntries(["text", "jwt", "aws", "tw", "comp"].map((n) => [n, stateOf(n).id]));
    const next = baseline();
    for (const d of next.slice(0, 3)) d.args.description = "d2";
    next[0].args.value = TEXT_SECRET_2;
    next[3].args.friendlyName = "deploy-2";
    write(next);
    const m = mark();
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(ops(r)).to.deep.equal({
      text: "update",
      jwt: "update",
      aws: "update",
      tw: "update",
      comp: "same",
    });
    expect(calls(m).sort()).to.deep.equal(
      [
        `PUT /api/v1/user_credentials/${ids.text}`,
        `PUT /api/v1/user_credentials/${ids.jwt}`,
        `PUT /api/v1/user_credentials/${ids.aws}`,
        `POST /v1/Credentials/AWS/${ids.tw}`,
      ].sort(),
    );
    for (const n of ["text", "jwt", "aws", "tw", "comp"]) expect(stateOf(n).id).to.equal(ids[n]);
    expect(emulator.tines.get(Number(ids.text))).to.deep.include({ description: "d2", value: TEXT_SECRET_2 });
    expect(emulator.tines.get(Number(ids.aws))).to.deep.include({
      description: "d2",
      aws_secret_key: AWS_SECRET,
    });
    expect(emulator.twilio.get(ids.tw)!.friendly_name).to.equal("deploy-2");
  });

  it("replaces on a Tines teamId or Twilio credentials change (create before delete); dependents update", async () => {
    const old = Object.fromEntries(["text", "jwt", "aws", "tw"].map((n) => [n, stateOf(n).id]));
    const next = JSON.parse(JSON.stringify(decls)) as Decl[];
    for (const d of next.slice(0, 3)) d.args.teamId = 3;
    next[3].args.credentials = TWILIO_PAIR_2;
    write(next);
    const m = mark();
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(ops(r)).to.deep.include({
      text: "replace",
      jwt: "replace",
      aws: "replace",
      tw: "replace",
      comp: "update",
    });
    const log = calls(m);
    for (const n of ["text", "jwt", "aws"]) {
      const id = stateOf(n).id;
      expect(id).not.to.equal(old[n]);
      expect(emulator.tines.get(Number(id))!.team_id).to.equal(3);
      expect(emulator.tines.get(Number(old[n]))).to.equal(undefined);
      expect(log.indexOf(`DELETE /api/v1/user_credentials/${old[n]}`)).to.be.greaterThan(
        log.indexOf("POST /api/v1/user_credentials"),
      );
    }
    expect(stateOf("tw").id).not.to.equal(old.tw);
    expect(emulator.twilio.list().map((x) => x.sid)).to.deep.equal([stateOf("tw").id]);
    expect(emulator.twilio.get(stateOf("tw").id)!.credentials).to.equal(TWILIO_PAIR_2);
    // Composition followed the replacements.
    expect(emulator.tines.get(tinesId("comp"))!.value).to.equal(stateOf("tw").id);
    expect(emulator.tines.get(tinesId("jwt"))!.jwt_payload).to.deep.equal({
      iss: "harness",
      sub: `credential-${stateOf("text").id}`,
    });
    expect(engine.pendingDeletes).to.deep.equal([]);
    expect(emulator.tines.list()).to.have.length(4);
  });

  it("refresh reports out-of-band deletions as gone, and the next up recreates them", async () => {
    const gone = ["text", "jwt", "aws", "tw"];
    const old = Object.fromEntries(gone.map((n) => [n, stateOf(n).id]));
    for (const n of gone.slice(0, 3)) emulator.tines.remove(Number(old[n]));
    emulator.twilio.remove(old.tw);
    const refreshed = await engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    expect(ops(refreshed)).to.deep.equal({
      text: "delete",
      jwt: "delete",
      aws: "delete",
      tw: "delete",
      comp: "same",
    });
    expect(engine.state.size).to.equal(1);

    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(ops(r)).to.deep.equal({
      text: "create",
      jwt: "create",
      aws: "create",
      tw: "create",
      comp: "update",
    });
    expect(emulator.tines.list()).to.have.length(4);
    expect(emulator.twilio.list()).to.have.length(1);
    expect(emulator.tines.get(tinesId("comp"))!.value).to.equal(stateOf("tw").id);
  });

  it("refresh shows out-of-band changes as drift, and the next up restores the declared state", async () => {
    const textId = tinesId("text");
    const sid = stateOf("tw").id;
    emulator.tines.update(textId, { description: "changed by hand", value: "hand-set-value" });
    emulator.twilio.update(sid, { friendly_name: "renamed by hand" });
    const refreshed = await engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    const byName = Object.fromEntries(refreshed.steps.map((s) => [s.urn.split("::").pop(), s]));
    expect(byName.text.op).to.equal("update");
    expect(byName.text.changedKeys).to.include.members(["description", "updatedAt"]);
    expect(byName.tw.op).to.equal("update");
    expect(byName.tw.changedKeys).to.include("friendlyName"); // date_updated has 1 s resolution
    expect(byName.jwt.op).to.equal("same");
    expect(stateOf("text").outputs.description).to.equal("changed by hand");
    console.log(
      `      drift keys: text ${JSON.stringify(byName.text.changedKeys)}, tw ${JSON.stringify(byName.tw.changedKeys)}`,
    );

    const m = mark();
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(ops(r)).to.deep.include({ text: "update", tw: "update", jwt: "same", aws: "same", comp: "same" });
    expect(calls(m).sort()).to.deep.equal([
      `POST /v1/Credentials/AWS/${sid}`,
      `PUT /api/v1/user_credentials/${textId}`,
    ]);
    expect(emulator.tines.get(textId)).to.deep.include({ description: "d2", value: TEXT_SECRET_2 });
    expect(emulator.twilio.get(sid)!.friendly_name).to.equal("deploy-2");
  });

  it("adopts credentials seeded in the emulator (adoptId): no create, the record takes the declared state", async () => {
    const seededText = emulator.tines.seed({
      name: "seeded",
      mode: "TEXT",
      team_id: 2,
      value: "seeded-old-value",
    });
    const seededTw = emulator.twilio.seed({ Credentials: TWILIO_PAIR, FriendlyName: "seeded" });
    write([
      ...decls,
      {
        cls: "TinesTextCredential",
        name: "adoptedText",
        args: {
          name: "adopted_text",
          teamId: 2,
          value: ADOPT_SECRET,
          description: "adopted",
          adoptId: seededText.id,
        },
      },
      {
        cls: "TwilioAwsCredential",
        name: "adoptedTw",
        args: { credentials: TWILIO_PAIR, friendlyName: "adopted", adoptId: seededTw.sid },
      },
    ]);
    const m = mark();
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(ops(r)).to.deep.include({ adoptedText: "create", adoptedTw: "create" });
    expect(calls(m).sort()).to.deep.equal([
      `GET /api/v1/user_credentials/${seededText.id}`,
      `GET /v1/Credentials/AWS/${seededTw.sid}`,
      `POST /v1/Credentials/AWS/${seededTw.sid}`,
      `PUT /api/v1/user_credentials/${seededText.id}`,
    ]);
    expect(engine.state.get(engine.urn(T.text, "adoptedText"))!.id).to.equal(String(seededText.id));
    expect(engine.state.get(engine.urn(T.twilio, "adoptedTw"))!.id).to.equal(seededTw.sid);
    expect(emulator.tines.get(seededText.id)).to.deep.include({
      name: "adopted_text",
      description: "adopted",
      value: ADOPT_SECRET,
    });
    expect(emulator.twilio.get(seededTw.sid)!.friendly_name).to.equal("adopted");
    expect(emulator.tines.list()).to.have.length(5);
    expect(emulator.twilio.list()).to.have.length(2);
  });

  // Two provider bugs this suite found, kept as regression tests.
  it("a replacing change on an adopted Twilio credential is refused at preview and deletes nothing", async () => {
    const keep = decls;
    const seeded = emulator.twilio.seed({ Credentials: TWILIO_PAIR, FriendlyName: "seeded-2" });
    const adopted: Decl = {
      cls: "TwilioAwsCredential",
      name: "adoptedTw2",
      args: { credentials: TWILIO_PAIR, friendlyName: "adopted-2", adoptId: seeded.sid },
    };
    try {
      write([...keep, adopted]);
      expect((await up()).errors).to.deep.equal([]);
      // A new key pair replaces (Twilio cannot change it in place). The replacement's create adopts the same
      // sid again (adoptId is still set), and the engine then deletes the old resource: that same sid.
      // The provider refuses it in diff, so preview fails with the reason and nothing is deleted.
      write([...keep, { ...adopted, args: { ...adopted.args, credentials: TWILIO_PAIR_2 } }]);
      const r = await up();
      expect(r.ok).to.equal(false);
      expect(r.errors.join("\n")).to.match(/adoptId still names this one/);
      expect(r.errors.join("\n")).not.to.include(TWILIO_PAIR_2);
      const sid = engine.state.get(engine.urn(T.twilio, "adoptedTw2"))!.id;
      expect(sid).to.equal(seeded.sid);
      expect(emulator.twilio.get(sid), "the adopted credential still exists").not.to.equal(undefined);
    } finally {
      write(keep);
      await up();
      emulator.twilio.remove(seeded.sid);
    }
  });

  it("a create reset before it reached the server does not adopt another resource's same-named credential", async () => {
    const keep = decls;
    try {
      write([
        ...keep,
        {
          cls: "TinesTextCredential",
          name: "twinB",
          args: { name: "twin", teamId: 2, value: TEXT_SECRET },
        },
        {
          cls: "TwilioAwsCredential",
          name: "twinTb",
          args: { credentials: TWILIO_PAIR, friendlyName: "twin" },
        },
      ]);
      expect((await up()).errors).to.deep.equal([]);
      // Same name/team (Tines) and friendly name (Twilio) as the existing ones, created within 10 minutes.
      emulator.injectFault({ service: "tines", method: "POST", fault: "reset-before", count: 1 });
      emulator.injectFault({ service: "twilio", method: "POST", fault: "reset-before", count: 1 });
      write([
        ...decls,
        {
          cls: "TinesTextCredential",
          name: "twinA",
          args: { name: "twin", teamId: 2, value: TEXT_SECRET_2 },
        },
        {
          cls: "TwilioAwsCredential",
          name: "twinTa",
          args: { credentials: TWILIO_PAIR_2, friendlyName: "twin" },
        },
      ]);
      const r = await up();
      emulator.clearFaults();
      const id = (type: string, name: string) => engine.state.get(engine.urn(type, name))?.id;
      // Each lookup skips the credential the other resource already owns and sends its own create.
      expect(id(T.text, "twinA")).not.to.equal(id(T.text, "twinB"));
      expect(id(T.twilio, "twinTa")).not.to.equal(id(T.twilio, "twinTb"));
      expect(r.ok).to.equal(true);
    } finally {
      emulator.clearFaults();
      write(keep);
      await up();
    }
  });

  for (const bad of [
    {
      title: "a ROLE AWS credential without awsAssumedRoleArn",
      decl: {
        cls: "TinesAwsCredential",
        name: "badRole",
        args: { name: "r", teamId: 2, awsAuthenticationType: "ROLE" },
      },
      property: "awsAssumedRoleArn",
    },
    {
      title: "a JWT credential whose key is not a PEM key",
      decl: {
        cls: "TinesJwtCredential",
        name: "badJwt",
        args: { name: "j", teamId: 2, jwtAlgorithm: "RS256", jwtPrivateKey: BAD_PAIR },
      },
      property: "jwtPrivateKey",
    },
    {
      title: "Twilio credentials without KEY:SECRET",
      decl: { cls: "TwilioAwsCredential", name: "badTw", args: { credentials: BAD_PAIR } },
      property: "credentials",
    },
    {
      title: "a Tines credential without teamId",
      decl: { cls: "TinesTextCredential", name: "badText", args: { name: "t", value: TEXT_SECRET } },
      property: "teamId",
    },
  ] as { title: string; decl: Decl; property: string }[]) {
    it(`fails at check for ${bad.title}, naming ${bad.property}, and creates nothing`, async () => {
      const keep = decls;
      write([...decls, bad.decl]);
      const tinesBefore = emulator.tines.list().length;
      const twilioBefore = emulator.twilio.list().length;
      const m = mark();
      const r = await up();
      write(keep);
      expect(r.ok).to.equal(false);
      const mine = r.failures.filter((f) => f.urn.endsWith(`::${bad.decl.name}`));
      expect(mine.map((f) => f.property)).to.deep.equal([bad.property]);
      expect(mine[0].reason).to.be.a("string").and.not.equal("");
      expect(r.errors.join("\n")).to.include(bad.property);
      expect(r.hostCalls.filter((c) => c.method === "create")).to.deep.equal([]);
      expect(engine.state.has(mine[0].urn)).to.equal(false);
      expect(calls(m).filter((c) => !c.startsWith("GET"))).to.deep.equal([]);
      expect([emulator.tines.list().length, emulator.twilio.list().length]).to.deep.equal([
        tinesBefore,
        twilioBefore,
      ]);
      expectNoSecrets("check failure", JSON.stringify(r));
    });
  }

  describe("faults", () => {
    // Runs after the tests above (mocha runs a suite's own tests before its child suites).
    afterEach(() => emulator.clearFaults());

    it("429 with Retry-After: 1 and 503 bursts: every operation completes, one credential per create", async () => {
      emulator.injectFault({
        service: "tines",
        method: "POST",
        fault: "429",
        retryAfterSeconds: 1,
        count: 2,
      });
      emulator.injectFault({ service: "twilio", method: "POST", fault: "503", count: 2 });
      emulator.injectFault({ service: "tines", method: "PUT", fault: "503", count: 2 });
      emulator.injectFault({
        service: "tines",
        method: "DELETE",
        fault: "429",
        retryAfterSeconds: 1,
        count: 1,
      });
      const next = decls.filter((d) => d.name !== "adoptedText"); // -> DELETE
      next.find((d) => d.name === "aws")!.args.description = "d3"; // -> PUT
      next.push(
        {
          cls: "TinesTextCredential",
          name: "fText",
          args: { name: "fault_text", teamId: 2, value: TEXT_SECRET },
        },
        {
          cls: "TwilioAwsCredential",
          name: "fTw",
          args: { credentials: TWILIO_PAIR, friendlyName: "fault_tw" },
        },
      );
      write(next);
      const m = mark();
      const r = await up();
      expect(r.errors).to.deep.equal([]);
      expect(ops(r)).to.deep.include({
        fText: "create",
        fTw: "create",
        aws: "update",
        adoptedText: "delete",
      });
      const faulted = apiCalls(m).filter((e) => e.fault);
      expect(faulted.map((e) => `${e.method} ${e.status}`).sort()).to.deep.equal(
        ["POST 429", "POST 429", "POST 503", "POST 503", "PUT 503", "PUT 503", "DELETE 429"].sort(),
      );
      expect(emulator.tines.list().filter((x) => x.name === "fault_text")).to.have.length(1);
      expect(emulator.twilio.list().filter((x) => x.friendly_name === "fault_tw")).to.have.length(1);
      expect(emulator.tines.list().find((x) => x.name === "aws_cred")!.description).to.equal("d3");
      console.log(`      up through 429/503 bursts: ${r.ms} ms`);
    });

    it("a connection reset after a create was processed is recovered without a duplicate", async () => {
      emulator.injectFault({ service: "tines", method: "POST", fault: "reset-after", count: 1 });
      emulator.injectFault({ service: "twilio", method: "POST", fault: "reset-after", count: 1 });
      write([
        ...decls,
        {
          cls: "TinesTextCredential",
          name: "rText",
          args: { name: "reset_text", teamId: 2, value: TEXT_SECRET },
        },
        {
          cls: "TwilioAwsCredential",
          name: "rTw",
          args: { credentials: TWILIO_PAIR, friendlyName: "reset_tw" },
        },
      ]);
      const m = mark();
      const r = await up();
      const resets = apiCalls(m).filter((e) => e.fault === "reset-after");
      expect(resets).to.have.length(2);
      const texts = emulator.tines.list().filter((x) => x.name === "reset_text");
      const tws = emulator.twilio.list().filter((x) => x.friendly_name === "reset_tw");
      expect(texts).to.have.length(1);
      expect(tws).to.have.length(1);
      // Nothing unrecorded: each credential the emulator holds is in state, or the error names it.
      const errors = r.errors.join("\n");
      const recorded = (urn: string, id: string) => engine.state.get(urn)?.id === id || errors.includes(id);
      expect(recorded(engine.urn(T.text, "rText"), String(texts[0].id)), "reset_text recorded").to.equal(
        true,
      );
      expect(recorded(engine.urn(T.twilio, "rTw"), tws[0].sid), "reset_tw recorded").to.equal(true);
      console.log(
        `      reset-after on create: ok=${r.ok} ${r.errors.length ? r.errors.join(" | ") : "recovered"}`,
      );
      expect(r.errors).to.deep.equal([]);
    });

    it("an answer slower than tines:timeoutMs fails with the method and path and no secret", async () => {
      // A second stack (own host, own state) whose stack config sets a short timeout and one retry.
      const slow = await EngineHarness.start({
        programDir,
        ...stack(),
        config: { ...stack().config, "tines:timeoutMs": "1000", "tines:maxRetries": "1" },
        stack: "slow",
      });
      const keep = decls;
      try {
        const text = decls.find((d) => d.name === "text")!;
        write([text]);
        const created = await up(slow);
        expect(created.errors).to.deep.equal([]);
        const id = slow.state.get(slow.urn(T.text, "text"))!.id;

        emulator.injectFault({ service: "tines", method: "GET", fault: "slow", delayMs: 2000, count: 2 });
        const refreshed = await slow.refresh();
        expect(refreshed.ok).to.equal(false);
        const message = refreshed.errors.join("\n");
        expect(message).to.include(`GET /api/v1/user_credentials/${id}`);
        expect(message).to.include("1000 ms");
        expectNoSecrets("timeout error", message + slow.hostOutput());
        console.log(`      slow read: ${message}`);

        emulator.clearFaults();
        emulator.injectFault({ service: "tines", method: "PUT", fault: "slow", delayMs: 2000, count: 2 });
        write([{ ...text, args: { ...text.args, description: "slow" } }]);
        const updated = await up(slow);
        expect(updated.ok).to.equal(false);
        expect(updated.errors.join("\n")).to.include(`PUT /api/v1/user_credentials/${id}`);
        expectNoSecrets("timeout error", JSON.stringify(updated));
        otherErrors.push(message, ...updated.errors);

        // A create answered too late: not retried; the lookup finds nothing yet, so the error says what to check.
        emulator.clearFaults();
        emulator.injectFault({ service: "tines", method: "POST", fault: "slow", delayMs: 2000, count: 1 });
        write([{ ...text, name: "slowText", args: { ...text.args, name: "slow_text" } }]);
        const slowCreate = await up(slow);
        expect(slowCreate.ok).to.equal(false);
        const createError = slowCreate.errors.join("\n");
        expect(createError).to.include("POST /api/v1/user_credentials");
        expect(createError).to.include("1000 ms");
        expectNoSecrets("timeout error", JSON.stringify(slowCreate));
        otherErrors.push(...slowCreate.errors);
        console.log(`      slow create: ${slowCreate.errors[0]}`);
        await new Promise((r) => setTimeout(r, 1200)); // the server finishes the slow create
        const late = emulator.tines.list().filter((x) => x.name === "slow_text");
        expect(
          late,
          "the late credential appears in the emulator, unrecorded as the error warns",
        ).to.have.length(1);
        emulator.tines.remove(late[0].id);

        emulator.clearFaults();
        write([text]);
        const destroyed = await slow.destroy();
        expect(destroyed.errors).to.deep.equal([]);
        expect(emulator.tines.get(Number(id))).to.equal(undefined);
        otherErrors.push(slow.hostOutput());
      } finally {
        await slow.stop();
        write(keep);
      }
    });
  });

  describe("finally", () => {
    it("no secret appears in state, host output, errors, emulator log, registrations or program output", () => {
      expectNoSecrets("stateSnapshot", JSON.stringify(engine.stateSnapshot()));
      expectNoSecrets("host output", engine.hostOutput());
      expectNoSecrets("up results", JSON.stringify(results));
      expectNoSecrets("other errors", otherErrors.join("\n"));
      expectNoSecrets("emulator log", JSON.stringify(emulator.log));
      expectNoSecrets("providers", engine.registrations.map((g) => g.provider ?? "").join("\n"));
      const snapshot = JSON.stringify(engine.stateSnapshot());
      expect(snapshot).to.include('"ciphertext":"<redacted>"');
    });

    it("destroy deletes every credential: the emulator is left empty", async () => {
      const r = await engine.destroy();
      expect(r.errors).to.deep.equal([]);
      expect(engine.state.size).to.equal(0);
      expect(emulator.tines.list()).to.deep.equal([]);
      expect(emulator.twilio.list()).to.deep.equal([]);
    });
  });
});

// Tines' docs do not settle whether a PUT replaces the record or merges the body into it, so the
// update-focused lifecycle runs against the emulator in both modes; the provider must leave the
// same state behind either way.
for (const tinesPut of ["replace", "merge"] as const) {
  describe(`Tines updates through the engine path, emulator tinesPut=${tinesPut}`, function () {
    this.timeout(120_000);
    let emulator: Emulator;
    let engine: EngineHarness;
    let dir: string;
    let decls: Decl[] = [];
    const write = (next: Decl[]) => {
      decls = next;
      fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources: next }));
    };
    const up = () => engine.up(path.join(dir, "program.js"));
    const ops = (r: { steps: { urn: string; op: string }[] }) => {
      const out: Record<string, string> = {};
      for (const s of r.steps) out[s.urn.split("::").pop()!] ??= s.op;
      return out;
    };
    const idOf = (name: string) =>
      Number(engine.state.get(engine.urn(typeOf(decls.find((d) => d.name === name)!.cls), name))!.id);

    before(async function () {
      this.timeout(300_000);
      const { programDir } = await installPackedPackage(repoRoot);
      emulator = await startEmulator({ port: 0, tinesApiKey: TINES_API_KEY, tinesPut });
      dir = fs.mkdtempSync(path.join(programDir, `put-${tinesPut}-`));
      fs.writeFileSync(path.join(dir, "program.js"), PROGRAM);
      engine = await EngineHarness.start({
        programDir,
        config: { "tines:tenant": emulator.url, "tines:apiKey": TINES_API_KEY },
        secretConfigKeys: ["tines:apiKey"],
      });
    });
    after(async () => {
      await engine?.stop();
      await emulator?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const declared = (): Decl[] => [
      {
        cls: "TinesTextCredential",
        name: "live",
        args: { name: "live", teamId: 2, folderId: 5, description: "live one", value: TEXT_SECRET },
      },
      {
        cls: "TinesTextCredential",
        name: "test",
        args: { name: "test", value: TEXT_SECRET },
        refs: { liveCredentialId: { from: "live", output: "credentialId" } },
      },
      {
        cls: "TinesJwtCredential",
        name: "jwt",
        args: {
          name: "jwt",
          teamId: 2,
          jwtAlgorithm: "RS256",
          jwtPrivateKey: PEM,
          jwtPayload: { iss: "harness" },
          jwtAutoGenerateTimeClaims: true,
        },
      },
      {
        cls: "TinesAwsCredential",
        name: "aws",
        args: {
          name: "aws",
          teamId: 2,
          awsAuthenticationType: "KEY",
          awsAccessKey: "AKIAHARNESSKEY01",
          awsSecretKey: AWS_SECRET,
        },
      },
    ];

    it("a test credential takes the live one's values and a second up shows no diff", async () => {
      write(declared());
      const created = await up();
      expect(created.errors).to.deep.equal([]);
      expect(emulator.tines.get(idOf("test"))).to.deep.include({ folder_id: 5, description: "live one" });
      const again = await up();
      expect(again.errors).to.deep.equal([]);
      expect(Object.values(ops(again))).to.deep.equal(["same", "same", "same", "same"]);
    });

    it("removed inputs go back to their defaults; a test credential keeps what it inherited", async () => {
      const next = declared();
      delete next[2].args.jwtPayload;
      delete next[2].args.jwtAutoGenerateTimeClaims;
      next[1].args.value = TEXT_SECRET_2;
      write(next);
      const r = await up();
      expect(r.errors).to.deep.equal([]);
      expect(ops(r)).to.deep.include({ jwt: "update", test: "update", live: "same", aws: "same" });
      expect(emulator.tines.get(idOf("jwt"))).to.deep.include({
        jwt_payload: {},
        jwt_auto_generate_time_claims: false,
      });
      expect(emulator.tines.get(idOf("test"))).to.deep.include({
        folder_id: 5,
        description: "live one",
        value: TEXT_SECRET_2,
      });
      expect(Object.values(ops(await up()))).to.deep.equal(["same", "same", "same", "same"]);
    });

    it("switching AWS from KEY to INSTANCE_PROFILE replaces it: no stored key survives", async () => {
      const oldId = idOf("aws");
      const next = JSON.parse(JSON.stringify(decls)) as Decl[];
      next[3].args = { name: "aws", teamId: 2, awsAuthenticationType: "INSTANCE_PROFILE" };
      write(next);
      const r = await up();
      expect(r.errors).to.deep.equal([]);
      expect(ops(r).aws).to.equal("replace");
      expect(emulator.tines.get(oldId)).to.equal(undefined);
      const stored = emulator.tines.list().filter((c) => c.mode === "AWS");
      expect(stored).to.have.length(1);
      expect(stored[0]).to.deep.include({
        aws_authentication_type: "INSTANCE_PROFILE",
        aws_access_key: null,
      });
      expect(stored[0].aws_secret_key).to.equal(undefined);
      expectNoSecrets("state", JSON.stringify(engine.stateSnapshot()));
      expectNoSecrets("host output", engine.hostOutput());
      expect((await engine.destroy()).errors).to.deep.equal([]);
      expect(emulator.tines.list()).to.deep.equal([]);
    });
  });
}
