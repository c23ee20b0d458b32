// Self-test of the engine-path harness with a fixture program whose no-op dynamic provider keeps its "cloud"
// in a JSON file (backend.json) in the program folder. The program folder is a fresh folder under
// <repo>/.tmp with node_modules symlinked to the repo's, so the host and the SDK are the repo's
// @pulumi/pulumi and no tarball install is needed; the fixture's provider is serialized by value.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EngineHarness, leaksIn, REDACTED_SECRET, spellingsOf, UNKNOWN } from "./harness";

const repoRoot = path.resolve(__dirname, "..", "..", "..");

const FIXTURE_PROGRAM = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");

// The provider's "cloud": backend.json in the host's working directory (the program folder).
function load() {
  try {
    return JSON.parse(fs.readFileSync(path.join(process.cwd(), "backend.json"), "utf8"));
  } catch (e) {
    return { next: 1, items: {}, calls: [], maxActive: 0 };
  }
}
function save(db) {
  fs.writeFileSync(path.join(process.cwd(), "backend.json"), JSON.stringify(db, null, 2));
}
function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
function track(delta) {
  globalThis.fixtureActive = (globalThis.fixtureActive || 0) + delta;
  const db = load();
  db.maxActive = Math.max(db.maxActive, globalThis.fixtureActive);
  save(db);
}
const KEYS = ["label", "value", "secret", "replaceKey", "delayMs"];

const provider = {
  async configure(req) {
    globalThis.fixtureGreeting = req.config.get("fixture:greeting");
  },
  async check(olds, news) {
    const failures = [];
    if (typeof news.value === "string" && news.value.startsWith("bad")) {
      failures.push({ property: "value", reason: "must not start with 'bad'" });
    }
    const inputs = {};
    for (const k of KEYS) if (news[k] !== undefined) inputs[k] = news[k];
    return { inputs, failures };
  },
  async diff(id, olds, news) {
    const changed = KEYS.filter((k) => JSON.stringify(olds[k]) !== JSON.stringify(news[k]));
    return { changes: changed.length > 0, replaces: changed.filter((k) => k === "replaceKey") };
  },
  async create(inputs) {
    track(1);
    await sleep(inputs.delayMs || 0);
    track(-1);
    const db = load();
    const id = inputs.label + "-" + db.next++;
    db.items[id] = { value: inputs.value };
    db.calls.push("create " + id);
    save(db);
    const outs = {};
    for (const k of KEYS) if (inputs[k] !== undefined) outs[k] = inputs[k];
    Object.assign(outs, { computed: "computed-" + inputs.value, token: "token-" + id, greeting: globalThis.fixtureGreeting });
    if (inputs.value === "partial") {
      const err = new Error("partial create: the resource failed to initialize");
      err.id = id;
      err.properties = Object.assign({}, outs, { __provider: inputs.__provider });
      throw err;
    }
    return { id, outs };
  },
  async read(id, props) {
    const item = load().items[id];
    if (!item) return {};
    return { id, props: Object.assign({}, props, { value: item.value }) };
  },
  async update(id, olds, news) {
    const db = load();
    db.items[id].value = news.value;
    db.calls.push("update " + id);
    save(db);
    const outs = {};
    for (const k of KEYS) if (news[k] !== undefined) outs[k] = news[k];
    return { outs: Object.assign(outs, { computed: "computed-" + news.value, token: olds.token, greeting: olds.greeting }) };
  },
  async delete(id, props) {
    track(1);
    await sleep(props.delayMs || 0);
    track(-1);
    const db = load();
    delete db.items[id];
    db.calls.push("delete " + id);
    save(db);
  },
};

class Thing extends pulumi.dynamic.Resource {
  constructor(name, args, opts) {
    super(provider, name, Object.assign({ computed: undefined, token: undefined, greeting: undefined }, args),
      Object.assign({}, opts, { additionalSecretOutputs: ["token"] }), "fixture", "Thing");
  }
}

const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
const things = {};
for (const r of spec.resources) {
  const args = { label: r.name, value: r.from ? things[r.from].computed : r.value, replaceKey: r.replaceKey || "k1" };
  if (r.secret) args.secret = pulumi.secret(r.secret);
  if (r.delayMs) args.delayMs = r.delayMs;
  things[r.name] = new Thing(r.name, args, r.deleteBeforeReplace ? { deleteBeforeReplace: true } : undefined);
}
const computed = {};
for (const [n, t] of Object.entries(things)) computed[n] = t.computed;
module.exports = { computed, secretToken: things.s ? things.s.token : undefined };
`;

interface SpecResource {
  name: string;
  value?: string;
  from?: string;
  secret?: string;
  replaceKey?: string;
  delayMs?: number;
  deleteBeforeReplace?: boolean;
}
interface Backend {
  items: Record<string, { value: string }>;
  calls: string[];
  maxActive: number;
}

const SECRET = "supersecret-plaintext-7f3a";
const TYPE = "pulumi-nodejs:dynamic/fixture:Thing";

describe("engine-path harness: the leak scan", () => {
  const secret = 'a "quoted" secret & more/=+ value';
  const json = JSON.stringify(secret).slice(1, -1);
  const spellings = {
    raw: secret,
    "JSON-escaped": json,
    "JSON in JSON": JSON.stringify(json).slice(1, -1),
    "URL-encoded": encodeURIComponent(secret),
    "form-encoded": new URLSearchParams({ s: secret }).toString().slice(2),
  };

  it("knows each spelling apart (the secret has characters every encoding changes)", () => {
    expect(new Set(Object.values(spellings)).size).to.equal(5);
    expect(spellingsOf(secret).sort()).to.deep.equal(Object.values(spellings).sort());
  });

  for (const [name, spelling] of Object.entries(spellings)) {
    it(`finds the secret ${name}, naming the place and the label, not the value`, () => {
      const places = { state: `{"x":"${spelling}"}`, "host output": "nothing here" };
      expect(leaksIn(places, { "the secret": secret, other: "not-in-any-place-0000" })).to.deep.equal({
        state: ["the secret"],
      });
    });
  }
});

describe("engine-path harness (self-test with a fixture provider)", function () {
  this.timeout(60_000);
  let dir: string;
  let engine: EngineHarness;
  let spec: SpecResource[];
  const urn = (name: string) => engine.urn(TYPE, name);
  const writeSpec = (resources: SpecResource[]) => {
    spec = resources;
    fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources }));
  };
  const backend = (): Backend =>
    JSON.parse(fs.readFileSync(path.join(dir, "backend.json"), "utf8")) as Backend;
  const up = (preview = false) => engine.up("program.js", { preview });
  const ops = (steps: { urn: string; op: string }[]) =>
    Object.fromEntries(steps.map((s) => [s.urn.split("::").pop(), s.op]));
  const methods = (calls: { method: string }[]) => [...new Set(calls.map((c) => c.method))].sort();

  before(async () => {
    fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
    for (const name of fs.readdirSync(path.join(repoRoot, ".tmp"))) {
      // Folders left by interrupted runs (a finished run removes its own).
      const old = path.join(repoRoot, ".tmp", name);
      if (name.startsWith("harness-selftest-") && Date.now() - fs.statSync(old).mtimeMs > 3_600_000) {
        fs.rmSync(old, { recursive: true, force: true });
      }
    }
    dir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "harness-selftest-"));
    fs.symlinkSync(path.join(repoRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(dir, "program.js"), FIXTURE_PROGRAM);
    engine = await EngineHarness.start({
      programDir: dir,
      config: { "fixture:greeting": "hello" },
      parallel: 4,
    });
  });

  after(async () => {
    await engine?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it("up creates every resource, feeds outputs into inputs and passes the stack config to configure", async () => {
    writeSpec([
      { name: "a", value: "v1" },
      { name: "b", from: "a" },
      { name: "s", value: "sv", secret: SECRET },
    ]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.ok).to.equal(true);
    expect(ops(r.steps)).to.deep.equal({ a: "create", b: "create", s: "create" });
    const a = engine.state.get(urn("a"))!;
    const b = engine.state.get(urn("b"))!;
    expect(a.id).to.equal("a-1");
    expect(a.outputs.computed).to.equal("computed-v1");
    expect(a.outputs.greeting).to.equal("hello");
    expect(b.inputs.value).to.equal("computed-v1");
    expect(b.outputs.computed).to.equal("computed-computed-v1");
    expect(r.outputs.computed).to.deep.equal({
      a: "computed-v1",
      b: "computed-computed-v1",
      s: "computed-sv",
    });
    expect(r.outputs.secretToken).to.match(/^token-s-\d+$/);
    expect(r.secretOutputs).to.deep.equal(["secretToken"]);
    expect(Object.keys(backend().items).sort()).to.deep.equal(
      [a.id, b.id, engine.state.get(urn("s"))!.id].sort(),
    );
    console.log(`      up (3 creates): ${r.ms} ms`);
  });

  it("marks secret inputs and additionalSecretOutputs secret and keeps them out of state, __provider and host output", () => {
    const s = engine.state.get(urn("s"))!;
    expect(s.secretKeys.sort()).to.deep.equal(["secret", "token"]);
    expect(engine.state.get(urn("a"))!.secretKeys).to.deep.equal(["token"]);
    expect(s.inputs.secret).to.equal(SECRET); // the provider saw the plain value, as the engine sends it

    const snapshot = JSON.stringify(engine.stateSnapshot());
    expect(snapshot).not.to.include(SECRET);
    expect(snapshot).not.to.match(/token-[a-z]-\d/);
    const resources = (engine.stateSnapshot().deployment as { resources: { urn: string; outputs: object }[] })
      .resources;
    const sSnap = resources.find((x) => x.urn === s.urn)!;
    expect(sSnap.outputs).to.deep.include({ secret: REDACTED_SECRET, token: REDACTED_SECRET, value: "sv" });
    expect(resources[0].outputs).to.deep.include({ secretToken: REDACTED_SECRET });

    const reg = engine.registrations.find((x) => x.urn === s.urn)!;
    expect(reg.object.secret).to.deep.equal({
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: SECRET,
    });
    expect(reg.additionalSecretOutputs).to.deep.equal(["token"]);
    expect(reg.providerIsSecret).to.equal(false);
    expect(reg.provider).to.be.a("string").that.includes("exports.handler");
    expect(reg.provider).not.to.include(SECRET);
    console.log(`      fixture __provider: ${Buffer.byteLength(reg.provider!)} bytes (by value)`);
    expect(engine.hostOutput()).not.to.include(SECRET);
  });

  it("a second up of the same program is all 'same' and calls only Check and Diff", async () => {
    const before = backend().calls.length;
    const r = await up();
    expect(r.ok).to.equal(true);
    expect(ops(r.steps)).to.deep.equal({ a: "same", b: "same", s: "same" });
    expect(methods(r.hostCalls)).to.deep.equal(["check", "diff"]);
    expect(backend().calls.length).to.equal(before);
  });

  it("preview of a changed program makes no Create/Update/Delete and propagates unknowns", async () => {
    writeSpec([
      { name: "a", value: "v2" },
      { name: "b", from: "a" },
      { name: "s", value: "sv", secret: SECRET },
    ]);
    const before = JSON.stringify(backend());
    const r = await up(true);
    expect(r.ok).to.equal(true);
    expect(ops(r.steps)).to.deep.equal({ a: "update", b: "update", s: "same" });
    expect(methods(r.hostCalls)).to.deep.equal(["check", "diff"]);
    expect(r.outputs.computed).to.deep.include({ a: UNKNOWN, b: UNKNOWN, s: "computed-sv" });
    expect(JSON.stringify(backend())).to.equal(before);
    expect(engine.state.get(urn("a"))!.inputs.value).to.equal("v1");
  });

  it("up updates in place, keeping ids, and the dependent follows", async () => {
    const ids = ["a", "b"].map((n) => engine.state.get(urn(n))!.id);
    const r = await up();
    expect(r.ok).to.equal(true);
    expect(ops(r.steps)).to.deep.equal({ a: "update", b: "update", s: "same" });
    expect(r.steps.filter((s) => s.op === "update").map((s) => s.id)).to.have.members(ids);
    expect(engine.state.get(urn("b"))!.inputs.value).to.equal("computed-v2");
    expect(backend().items[ids[1]].value).to.equal("computed-v2");
  });

  it("a change to a replace key replaces create-before-delete", async () => {
    const oldId = engine.state.get(urn("s"))!.id;
    writeSpec([
      { name: "a", value: "v2" },
      { name: "b", from: "a" },
      { name: "s", value: "sv", secret: SECRET, replaceKey: "k2" },
    ]);
    const r = await up();
    expect(r.ok).to.equal(true);
    const replace = r.steps.find((s) => s.urn === urn("s") && s.op === "replace")!;
    expect(replace.oldId).to.equal(oldId);
    expect(replace.id).not.to.equal(oldId);
    expect(r.steps.find((s) => s.op === "delete")).to.deep.include({ urn: urn("s"), id: oldId });
    const calls = backend().calls;
    expect(calls.slice(-2)).to.deep.equal([`create ${replace.id}`, `delete ${oldId}`]);
    expect(engine.pendingDeletes).to.deep.equal([]);
    expect(engine.state.get(urn("s"))!.secretKeys.sort()).to.deep.equal(["secret", "token"]);
  });

  it("deleteBeforeReplace deletes first", async () => {
    const oldId = engine.state.get(urn("s"))!.id;
    writeSpec([
      { name: "a", value: "v2" },
      { name: "b", from: "a" },
      { name: "s", value: "sv", secret: SECRET, replaceKey: "k3", deleteBeforeReplace: true },
    ]);
    const r = await up();
    expect(r.ok).to.equal(true);
    const newId = engine.state.get(urn("s"))!.id;
    expect(backend().calls.slice(-2)).to.deep.equal([`delete ${oldId}`, `create ${newId}`]);
  });

  it("a resource the program no longer declares is deleted", async () => {
    const bId = engine.state.get(urn("b"))!.id;
    writeSpec([
      { name: "a", value: "v2" },
      { name: "s", value: "sv", secret: SECRET, replaceKey: "k3", deleteBeforeReplace: true },
    ]);
    const r = await up();
    expect(r.ok).to.equal(true);
    expect(ops(r.steps)).to.deep.equal({ a: "same", s: "same", b: "delete" });
    expect(engine.state.has(urn("b"))).to.equal(false);
    expect(backend().items).not.to.have.property(bId);
  });

  it("a check failure names the property and the reason and creates nothing", async () => {
    writeSpec([
      { name: "a", value: "v2" },
      { name: "s", value: "sv", secret: SECRET, replaceKey: "k3", deleteBeforeReplace: true },
      { name: "c", value: "bad-value" },
    ]);
    const before = Object.keys(backend().items).length;
    const r = await up();
    expect(r.ok).to.equal(false);
    expect(r.failures).to.deep.equal([
      { urn: urn("c"), property: "value", reason: "must not start with 'bad'" },
    ]);
    expect(r.errors.join("\n")).to.include("value: must not start with 'bad'");
    expect(r.hostCalls.filter((c) => c.method === "create")).to.deep.equal([]);
    expect(engine.state.has(urn("c"))).to.equal(false);
    expect(Object.keys(backend().items).length).to.equal(before);
  });

  it("a create that fails with an id and properties is recorded (partial create) and can be deleted", async () => {
    writeSpec([
      { name: "a", value: "v2" },
      { name: "s", value: "sv", secret: SECRET, replaceKey: "k3", deleteBeforeReplace: true },
      { name: "p", value: "partial" },
    ]);
    const r = await up();
    expect(r.ok).to.equal(false);
    expect(r.errors.join("\n")).to.include("partial create: the resource failed to initialize");
    const p = engine.state.get(urn("p"))!;
    expect(p.id).to.match(/^p-\d+$/);
    expect(p.outputs.computed).to.equal("computed-partial");
    expect(backend().items).to.have.property(p.id);

    writeSpec(spec.filter((x) => x.name !== "p"));
    const r2 = await up();
    expect(r2.ok).to.equal(true);
    expect(ops(r2.steps)).to.deep.include({ p: "delete" });
    expect(backend().items).not.to.have.property(p.id);
  });

  it("runs registrations in parallel within the limit", async () => {
    const many = Array.from({ length: 12 }, (_, i) => ({ name: `n${i}`, value: `n${i}`, delayMs: 150 }));
    writeSpec([...spec, ...many]);
    const r = await up();
    expect(r.ok).to.equal(true);
    expect(r.steps.filter((s) => s.op === "create")).to.have.length(12);
    expect(backend().maxActive).to.be.within(2, 4);
    expect(engine.maxConcurrentSteps).to.be.within(2, 4);
    console.log(`      up (12 creates of 150 ms, parallel 4): ${r.ms} ms`);
    writeSpec(spec.filter((x) => !x.name.startsWith("n")));
    const r2 = await up();
    expect(r2.steps.filter((s) => s.op === "delete")).to.have.length(12);
  });

  it("refresh reports a resource deleted out of band as gone and drift as an update; up recreates", async () => {
    const a = engine.state.get(urn("a"))!;
    const s = engine.state.get(urn("s"))!;
    const db = backend();
    delete db.items[a.id];
    db.items[s.id].value = "changed-out-of-band";
    fs.writeFileSync(path.join(dir, "backend.json"), JSON.stringify(db));

    const r = await engine.refresh();
    expect(r.ok).to.equal(true);
    const byName = Object.fromEntries(r.steps.map((x) => [x.urn.split("::").pop(), x]));
    expect(byName.a).to.deep.include({ op: "delete" });
    expect(byName.s).to.deep.include({ op: "update", changedKeys: ["value"] });
    expect(engine.state.has(urn("a"))).to.equal(false);
    expect(engine.state.get(urn("s"))!.outputs.value).to.equal("changed-out-of-band");

    const u = await up();
    expect(u.ok).to.equal(true);
    expect(ops(u.steps)).to.deep.equal({ a: "create", s: "update" });
    expect(backend().items[engine.state.get(urn("s"))!.id].value).to.equal("sv");
  });

  it("destroy deletes everything and empties the state", async () => {
    const r = await engine.destroy();
    expect(r.ok).to.equal(true);
    expect(r.steps.map((s) => s.op)).to.deep.equal(["delete", "delete"]);
    expect(engine.state.size).to.equal(0);
    expect(backend().items).to.deep.equal({});
    const snapshot = engine.stateSnapshot().deployment as { resources: unknown[] };
    expect(snapshot.resources).to.have.length(1); // the stack
  });

  it("successive runs share a runner that loads the program afresh and reports only that run's output (a line like its end marker does not end it); a failed run retires it", async () => {
    const own = await EngineHarness.start({ programDir: dir, config: { "fixture:greeting": "hello" } });
    const size = 200_000; // output of many pipe chunks, so the end of a run is found across chunk bounds
    const writeEcho = (tag: string, fail = false) =>
      fs.writeFileSync(path.join(dir, "echo.json"), JSON.stringify({ tag, fail }));
    try {
      fs.writeFileSync(
        path.join(dir, "echo.js"),
        `const echo = require("./echo.json");
        // A line like the harness's end-of-run marker, without the runner's nonce: it must not end the run.
        process.stdout.write("\\u0000engine-harness: run ended\\u0000\\n");
        process.stdout.write("#".repeat(${size}) + "out-" + echo.tag + "\\n");
        process.stderr.write("%".repeat(${size}) + "err-" + echo.tag + "\\n");
        if (echo.fail) throw new Error("echo failed on purpose: " + echo.tag);
        module.exports = { tag: echo.tag };`,
      );
      const count = (text: string, c: string) => text.split("").filter((x) => x === c).length;
      writeEcho("one");
      const one = await own.up("echo.js");
      expect(one.errors).to.deep.equal([]);
      expect(one.outputs).to.deep.equal({ tag: "one" });
      expect(one.programOutput).to.include("out-one").and.include("err-one");
      expect(one.programOutput, "the program's own line was taken for the harness's marker").to.include(
        "\u0000engine-harness: run ended\u0000\n",
      );
      expect([count(one.programOutput, "#"), count(one.programOutput, "%")]).to.deep.equal([size, size]);

      writeEcho("two");
      const two = await own.up("echo.js");
      expect(two.errors).to.deep.equal([]);
      expect(two.outputs).to.deep.equal({ tag: "two" }, "the program's files are read afresh");
      expect(two.programOutput).to.include("out-two").and.not.include("one");
      expect(two.programPid).to.equal(one.programPid, "a run that succeeded keeps its runner");

      writeEcho("three", true);
      const three = await own.up("echo.js");
      expect(three.errors.join("\n")).to.include("echo failed on purpose: three");
      expect(three.programPid).to.equal(two.programPid);

      writeEcho("four");
      const four = await own.up("echo.js");
      expect(four.errors).to.deep.equal([]);
      expect(four.outputs).to.deep.equal({ tag: "four" });
      expect(four.programOutput).to.include("out-four").and.not.include("three");
      expect(four.programPid).to.not.equal(three.programPid, "a failed run's runner is not used again");
    } finally {
      await own.stop();
    }
  });

  it("parallelDeletes: destroy deletes at once, each dependent before what it depends on", async () => {
    const parallel = await EngineHarness.start({
      programDir: dir,
      config: { "fixture:greeting": "hello" },
      parallel: 4,
      parallelDeletes: true,
    });
    try {
      // p2 depends on p1 and takes longer to delete: p1 must still wait for it.
      writeSpec([
        { name: "p1", value: "v1" },
        { name: "p2", from: "p1", delayMs: 300 },
        { name: "p3", value: "v3", delayMs: 300 },
        { name: "p4", value: "v4", delayMs: 300 },
      ]);
      const created = await parallel.up("program.js");
      expect(created.errors).to.deep.equal([]);
      const [p1, p2, p3, p4] = ["p1", "p2", "p3", "p4"].map(
        (n) => parallel.state.get(parallel.urn(TYPE, n))!.id,
      );
      fs.writeFileSync(
        path.join(dir, "backend.json"),
        JSON.stringify({ ...backend(), calls: [], maxActive: 0 }),
      );
      const r = await parallel.destroy();
      expect(r.errors).to.deep.equal([]);
      const { calls, maxActive } = backend();
      expect([...calls].sort()).to.deep.equal([p1, p2, p3, p4].map((i) => `delete ${i}`).sort());
      // p1 takes no time to delete, p2 300 ms: p1 is done after p2 only because it waited for it.
      expect(calls.indexOf(`delete ${p1}`)).to.be.above(calls.indexOf(`delete ${p2}`));
      expect(maxActive).to.be.at.least(2, "deletes overlapped");
      expect(parallel.state.size).to.equal(0);
    } finally {
      await parallel.stop();
    }
  });
});
