// Part 2: what the package costs per create and read, measured against the right floor. Every Pulumi provider,
// native or dynamic, is called over gRPC: that hop is the floor, not the package's cost. Five sides, called
// sequentially and interleaved (rotating order, so load from elsewhere lands on every side alike), in rounds
// whose spread is printed:
// - host: @pulumi/pulumi's real dynamic provider host (gRPC) with the `__provider` the SDK serialized for the
//   installed package;
// - floor: a no-op provider module (bench/lib/programs.ts, mirrorModuleJs) installed as a package and served
//   by the same host over gRPC with the same property bags: create answers its inputs overlaid with the
//   fields the service computed in a real create, read echoes the stored properties. The same outputs as the
//   provider's (checked), the same `__provider` length, no I/O;
// - direct: that no-op module sending the bare request (below) first, through the same host: what any
//   provider pays to make this request from inside the host;
// - bare: an axios request with the same body and headers to the same emulator over a keep-alive agent;
// - in-process: the package's provider code called in this process.
// Targets (each <= 1.10, ratios of medians): the package's own cost, in-process / bare; and its increment
// over the floor through the host, (host - floor) / bare. host / bare stays as context, and the increment is
// split into (direct - floor) / bare and (host - direct) / bare. The emulator runs in a process of its own,
// so every request crosses a process boundary. Also: CPU per call in each process, a 20 ms API latency
// context figure, the host's cold start, and with --profile CPU profiles of every side (bench/lib/profile.ts).
import axios, { AxiosInstance } from "axios";
import { spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as path from "path";
import { REQUESTS_PER_MINUTE_RANGE } from "../../provider/core/config";
import { declaredInputs } from "../../provider/core/fields";
import { mulberry32 } from "../../emulator";
import { CredentialProvider, providers } from "../../provider/index";
import { KINDS as REGISTRY } from "../../provider/kinds";
import { defaultHostEnv, JsonObject, ProviderHost } from "../../tests/integration/harness";
import { BenchContext, repoRoot } from "../lib/context";
import { EmulatorProcess, startEmulatorProcess } from "../lib/emulatorProcess";
import { HOST_PROFILER_JS, profileHere, profileHost, summarize } from "../lib/profile";
import {
  credential,
  firstKindOf,
  Kind,
  KIND_NAMES,
  MIRROR_TYPE,
  mirrorModuleJs,
  MirrorRequest,
  ProgramSpec,
  service,
  SPEC,
  TYPE,
} from "../lib/programs";
import { median, ms, percentile, ratio, Report, since } from "../lib/report";
import { cpuMs } from "./scale";

const PART = "2 overhead";
const TARGET = 1.1;
/** The simulated API latency of the context figure (a fast real API answers in tens of milliseconds). */
const LATENCY_MS = 20;

interface BareRequest {
  method: "POST" | "GET";
  url: string;
  data?: string;
  headers: Record<string, string>;
}

function authHeader(ctx: BenchContext, kind: Kind): string {
  if (service(kind) !== "twilio") return `Bearer ${ctx.config["tines:apiKey"]}`;
  const pair = `${ctx.config["twilio:accountSid"]}:${ctx.config["twilio:authToken"]}`;
  return `Basic ${Buffer.from(pair).toString("base64")}`;
}

/** The create request the provider sends, built from the same descriptor (JSON for Tines, a form for Twilio). */
function createRequest(ctx: BenchContext, kind: Kind, inputs: JsonObject): BareRequest {
  const body = SPEC[kind].createBody(declaredInputs(inputs));
  const headers = { Authorization: authHeader(ctx, kind), Accept: "application/json" };
  if (service(kind) === "twilio") {
    const form: Record<string, string> = {};
    for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) form[k] = String(v);
    return {
      method: "POST",
      url: "/v1/Credentials/AWS",
      data: new URLSearchParams(form).toString(),
      headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" },
    };
  }
  return {
    method: "POST",
    url: "/api/v1/user_credentials",
    data: JSON.stringify(body),
    headers: { ...headers, "Content-Type": "application/json" },
  };
}

function readRequest(ctx: BenchContext, kind: Kind, id: string): BareRequest {
  const base = service(kind) === "twilio" ? "/v1/Credentials/AWS" : "/api/v1/user_credentials";
  return {
    method: "GET",
    url: `${base}/${encodeURIComponent(id)}`,
    headers: { Authorization: authHeader(ctx, kind), Accept: "application/json" },
  };
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return since(start);
}

/**
 * Runs the sides `n` times each, one of each per iteration, in a fresh random order each time (seeded). A
 * call leaves work behind in its processes (sockets, timers, GC) that overlaps the next call, so a fixed
 * order would charge every side for its predecessor's: rotating the start kept the cyclic order, and the
 * host path, always right after the in-process call, measured 0.3 ms more than the same code in the
 * next slot.
 */
export async function interleave(
  n: number,
  sides: (() => Promise<unknown>)[],
  random: () => number,
): Promise<number[][]> {
  const samples = sides.map(() => [] as number[]);
  const order = sides.map((_, k) => k);
  for (let i = 0; i < n; i++) {
    for (let j = order.length - 1; j > 0; j--) {
      const pick = Math.floor(random() * (j + 1));
      [order[j], order[pick]] = [order[pick], order[j]];
    }
    for (const k of order) samples[k].push(await timed(sides[k]));
  }
  return samples;
}

function sendBare(client: AxiosInstance, req: BareRequest, expected: number): () => Promise<unknown> {
  return async () => {
    const res = await client.request({
      method: req.method,
      url: req.url,
      data: req.data,
      headers: req.headers,
    });
    if (res.status !== expected) throw new Error(`bare ${req.method} ${req.url} answered ${res.status}`);
    return res;
  };
}

function summary(s: number[]): string {
  return `p50 ${ms(median(s))} p95 ${ms(percentile(s, 95))}`;
}

/** Rounds, calls per side per round, warm-up calls per side; --quick shrinks them for a smoke run. */
function sizes(ctx: BenchContext): {
  rounds: number;
  n: number;
  warm: number;
  cpuN: number;
  profileN: number;
} {
  return ctx.options.quick
    ? { rounds: 3, n: 30, warm: 10, cpuN: 50, profileN: 100 }
    : { rounds: 5, n: 200, warm: 100, cpuN: 500, profileN: 1000 };
}

/**
 * host: the package through the provider host; floor: the no-op mirror through the same host; direct: the
 * mirror that also sends the bare request, through the same host; bare: the request from this process;
 * local: the package's provider code in this process.
 */
type Side = "host" | "floor" | "direct" | "bare" | "local";
const SIDES: readonly Side[] = ["host", "floor", "direct", "bare", "local"];
type Calls = Record<Side, () => Promise<unknown>>;

/** One kind's two operations, each side ready to call. */
interface Subject {
  kind: Kind;
  ops: { op: "create" | "read"; calls: Calls }[];
}

/** What a round measured: each side's samples. */
type Round = Record<Side, number[]>;

/** The figures of one round, from medians. */
function roundFigures(r: Round) {
  const m = Object.fromEntries(SIDES.map((side) => [side, median(r[side])])) as Record<Side, number>;
  return {
    own: m.local / m.bare,
    increment: (m.host - m.floor) / m.bare,
    whole: m.host / m.bare,
    request: (m.direct - m.floor) / m.bare,
    code: (m.host - m.direct) / m.bare,
  };
}

/** "1.04x (5 rounds: 0.98x-1.09x)": the median over rounds and the range. */
function overRounds(values: number[]): string {
  return `${ratio(median(values))} (${values.length} rounds: ${ratio(Math.min(...values))}-${ratio(Math.max(...values))})`;
}

/** The fields a service computed: outputs that are not an input as declared. Never a secret input. */
function computedFields(inputs: JsonObject, outputs: JsonObject): JsonObject {
  const computed: JsonObject = {};
  for (const [key, value] of Object.entries(outputs)) {
    if (key === "__provider") continue;
    if (JSON.stringify(value) !== JSON.stringify(inputs[key])) computed[key] = value;
  }
  return computed;
}

/** The bare request as a mirror module sends it: without the Authorization header, which it adds itself. */
function asMirrorRequest(req: BareRequest, status: number): MirrorRequest {
  const { Authorization: _auth, ...headers } = req.headers;
  return { method: req.method, url: req.url, data: req.data, headers, status };
}

interface Prepared {
  kind: Kind;
  urn: string;
  inputs: JsonObject;
  first: { id: string; properties: JsonObject };
}

/**
 * Installs the no-op mirrors as two packages in the program's node_modules (removed by `remove`): one
 * without I/O (the floor) and one that sends the bare request first (direct), a module per kind, and has
 * the real SDK serialize each in a preview (no request made). Both package names are as long as
 * `pulumi-api-credentials` and each module is named as the kind's own, so every `__provider` string is as
 * long as the package's.
 */
async function floorProviders(
  ctx: BenchContext,
  prepared: Prepared[],
): Promise<{ floor: Record<Kind, string>; direct: Record<Kind, string>; remove: () => void }> {
  const tag = String(process.pid).padStart(9, "0");
  const packages = { floor: `bench-mirror-${tag}`, direct: `bench-direct-${tag}` };
  const dirs = Object.values(packages).map((name) => path.join(ctx.dir, "node_modules", name));
  const remove = () => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    for (const [variant, name] of Object.entries(packages)) {
      const dir = path.join(ctx.dir, "node_modules", name);
      fs.mkdirSync(path.join(dir, "engine"), { recursive: true });
      fs.writeFileSync(
        path.join(dir, "package.json"),
        JSON.stringify({ name, version: "0.0.0", private: true }),
      );
      for (const { kind, inputs, first } of prepared) {
        const requests =
          variant === "direct"
            ? {
                service: service(kind),
                create: asMirrorRequest(createRequest(ctx, kind, inputs), 201),
                read: asMirrorRequest(readRequest(ctx, kind, first.id), 200),
              }
            : undefined;
        const js = mirrorModuleJs(computedFields(inputs, first.properties), requests);
        fs.writeFileSync(path.join(dir, "engine", `${REGISTRY[kind].module}.js`), js);
      }
    }
    const harness = await ctx.startHarness();
    try {
      const spec: ProgramSpec = {
        mode: "noop-mirror",
        resources: Object.entries(packages).flatMap(([variant, name]) =>
          KIND_NAMES.map((kind) => ({
            kind,
            name: `${variant}-${kind}`,
            args: { module: `${name}/engine/${REGISTRY[kind].module}` },
          })),
        ),
      };
      const result = await ctx.up(harness, ctx.writeProgram(spec), true);
      if (!result.ok) throw new Error(`mirror preview failed: ${result.errors.join("; ")}`);
      const byName = new Map(
        harness.registrations
          .filter((reg) => reg.type === MIRROR_TYPE)
          .map((reg) => [reg.name, reg.provider]),
      );
      const captured = (variant: string) =>
        Object.fromEntries(
          KIND_NAMES.map((kind) => {
            const provider = byName.get(`${variant}-${kind}`);
            if (!provider) throw new Error(`no ${variant} mirror __provider captured for ${kind}`);
            return [kind, provider];
          }),
        ) as Record<Kind, string>;
      return { floor: captured("floor"), direct: captured("direct"), remove };
    } finally {
      await ctx.stopHarness(harness);
    }
  } catch (e) {
    remove();
    throw e;
  }
}

/** Properties as JSON with sorted keys and without `__provider`, to compare two answers. */
function canonical(props: JsonObject): string {
  const { __provider: _provider, ...rest } = props;
  return JSON.stringify(Object.fromEntries(Object.entries(rest).sort(([a], [b]) => a.localeCompare(b))));
}

/**
 * Checks, creates one credential of each kind for the reads, installs the mirrors, checks that each mirror
 * answers what the provider answers, and wires up the sides of each operation.
 */
async function subjects(
  ctx: BenchContext,
  report: Report,
  host: ProviderHost,
  emulator: EmulatorProcess,
  cleanups: (() => void)[],
): Promise<Subject[]> {
  const providers = await ctx.providerStrings();
  const client = bareClient(emulator);
  const local = inprocess(ctx, emulator);
  const prepared: Prepared[] = [];
  for (const kind of KIND_NAMES) {
    const urn = `urn:pulumi:bench::bench::${TYPE[kind]}::overhead-${kind}`;
    const decl = credential(kind, `overhead-${kind}`, ctx.secrets);
    const checked = await host.check(urn, {}, { ...decl.args, __provider: providers[kind] });
    if (checked.failures.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    prepared.push({ kind, urn, inputs: checked.inputs, first: await host.create(urn, checked.inputs) });
  }
  const mirrors = await floorProviders(ctx, prepared);
  cleanups.push(mirrors.remove);
  const out: Subject[] = [];
  const same: string[] = [];
  for (const { kind, urn, inputs, first } of prepared) {
    const floorUrn = `urn:pulumi:bench::bench::${MIRROR_TYPE}::floor-${kind}`;
    const directUrn = `urn:pulumi:bench::bench::${MIRROR_TYPE}::direct-${kind}`;
    const floorInputs = { ...inputs, __provider: mirrors.floor[kind] };
    const floorProps = { ...first.properties, __provider: mirrors.floor[kind] };
    const directInputs = { ...inputs, __provider: mirrors.direct[kind] };
    const directProps = { ...first.properties, __provider: mirrors.direct[kind] };
    const real = canonical(first.properties);
    for (const [answer, what] of [
      [(await host.create(floorUrn, floorInputs)).properties, "floor create"],
      [(await host.read(first.id, floorUrn, floorProps, floorInputs)).properties, "floor read"],
      [(await host.create(directUrn, directInputs)).properties, "direct create"],
      [(await host.read(first.id, directUrn, directProps, directInputs)).properties, "direct read"],
    ] as const) {
      if (canonical(answer) !== real)
        throw new Error(`the ${kind} ${what} does not answer what the provider answers`);
    }
    same.push(`${kind} ${real.length} B`);
    out.push({
      kind,
      ops: [
        {
          op: "create",
          calls: {
            host: () => host.create(urn, inputs),
            floor: () => host.create(floorUrn, floorInputs),
            direct: () => host.create(directUrn, directInputs),
            bare: sendBare(client, createRequest(ctx, kind, inputs), 201),
            local: () => local[kind].create(inputs),
          },
        },
        {
          op: "read",
          calls: {
            host: async () => {
              const r = await host.read(first.id, urn, first.properties, inputs);
              if (r.id !== first.id) throw new Error(`read of ${first.id} came back without the id`);
            },
            floor: () => host.read(first.id, floorUrn, floorProps, floorInputs),
            direct: () => host.read(first.id, directUrn, directProps, directInputs),
            bare: sendBare(client, readRequest(ctx, kind, first.id), 200),
            local: () => local[kind].read(first.id, first.properties),
          },
        },
      ],
    });
  }
  ctx.evidence.emulatorLogs.push(...(await emulator.takeLog()));
  report.check(
    PART,
    "floor: the no-op mirrors answer create and read with the provider's outputs",
    `identical properties (without __provider): ${same.join(", ")}; __provider ${mirrors.floor[KIND_NAMES[0]].length} B ` +
      `(floor), ${mirrors.direct[KIND_NAMES[0]].length} B (direct) vs the package's ${providers[KIND_NAMES[0]].length} B`,
    "identical",
    true,
  );
  return out;
}

async function overheadLoops(
  ctx: BenchContext,
  report: Report,
  host: ProviderHost,
  emulator: EmulatorProcess,
  cleanups: (() => void)[],
): Promise<Subject[]> {
  const { rounds, n, warm } = sizes(ctx);
  const random = mulberry32(ctx.options.seed);
  const subjectList = await subjects(ctx, report, host, emulator, cleanups);
  report.info(
    PART,
    "sample size",
    `${rounds} rounds x N = ${n} per side per operation, sequential, interleaved in a random order each ` +
      `iteration (seed ${ctx.options.seed}), after ${warm} warm-up calls per side`,
  );
  for (const { kind, ops } of subjectList) {
    for (const { op, calls } of ops) {
      const sides = SIDES.map((side) => calls[side]);
      await interleave(warm, sides, random);
      const measured: Round[] = [];
      for (let r = 0; r < rounds; r++) {
        const samples = await interleave(n, sides, random);
        measured.push(Object.fromEntries(SIDES.map((side, i) => [side, samples[i]])) as Round);
      }
      ctx.evidence.emulatorLogs.push(...(await emulator.takeLog()));
      const figures = measured.map(roundFigures);
      const of = (key: keyof ReturnType<typeof roundFigures>) => figures.map((f) => f[key]);
      const all = Object.fromEntries(SIDES.map((side) => [side, measured.flatMap((m) => m[side])])) as Round;
      const gap = (a: Side, b: Side) => ms(median(all[a]) - median(all[b]));
      report.check(
        PART,
        `${kind} ${op}: the package's own cost, in-process / bare`,
        `${overRounds(of("own"))}; in-process ${summary(all.local)}; bare ${summary(all.bare)}`,
        `<= ${TARGET.toFixed(2)}`,
        median(of("own")) <= TARGET,
        `the provider code costs ${gap("local", "bare")} more than the bare request it makes`,
      );
      report.check(
        PART,
        `${kind} ${op}: increment over the floor through the host, (host - floor) / bare`,
        `${overRounds(of("increment"))}; host ${summary(all.host)}; floor ${summary(all.floor)}`,
        `<= ${TARGET.toFixed(2)}`,
        median(of("increment")) <= TARGET,
        `through the host the provider adds ${gap("host", "floor")} to the no-op floor, against ` +
          `${ms(median(all.bare))} for the bare request; the same bare request sent by the no-op provider ` +
          `inside the host adds ${gap("direct", "floor")} (see "the increment, split")`,
      );
      report.info(
        PART,
        `${kind} ${op}: the increment, split`,
        `the bare request sent from inside the host, (direct - floor) / bare ${overRounds(of("request"))}; ` +
          `the package's code on top of it, (host - direct) / bare ${overRounds(of("code"))}; direct ${summary(all.direct)}`,
        "context",
      );
      report.info(PART, `${kind} ${op}: host / bare, the whole path`, overRounds(of("whole")), "context");
      await ownCostAlone(report, `${kind} ${op}`, calls, rounds, n, random);
    }
  }
  return subjectList;
}

/**
 * Context for the own-cost target: in-process and bare again, interleaved with each other only. Between
 * host calls (the target's loop) the bench process runs gRPC and protobuf code, after which the package's
 * code runs with less of itself in the CPU's caches; here it runs warm. The gap between the two figures
 * is that effect, which a provider host pays too (between its gRPC calls).
 */
async function ownCostAlone(
  report: Report,
  label: string,
  calls: Calls,
  rounds: number,
  n: number,
  random: () => number,
): Promise<void> {
  const own: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const [local, bare] = await interleave(n, [calls.local, calls.bare], random);
    own.push(median(local) / median(bare));
  }
  report.info(
    PART,
    `${label}: the package's own cost with nothing between the calls, in-process / bare`,
    overRounds(own),
    "context: the same code warm",
  );
}

/** A keep-alive axios client for bare requests to the emulator process. */
export function bareClient(emulator: EmulatorProcess): AxiosInstance {
  return axios.create({
    baseURL: emulator.url,
    httpAgent: new http.Agent({ keepAlive: true }),
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
  });
}

/**
 * CPU per call in each process (benchmark, provider host, emulator), each side run alone in a block: how much
 * work a request costs in the host next to the same request made from the benchmark process.
 */
async function cpuPerCall(
  ctx: BenchContext,
  report: Report,
  host: ProviderHost,
  emulator: EmulatorProcess,
  subject: Subject,
): Promise<void> {
  const { cpuN } = sizes(ctx);
  for (const { op, calls } of subject.ops) {
    const cpu = {} as Record<Side, { bench: number; host: number; emulator: number }>;
    for (const side of SIDES) {
      const bench0 = process.cpuUsage();
      const host0 = cpuMs(host.pid);
      const emu0 = cpuMs(emulator.pid);
      for (let i = 0; i < cpuN; i++) await calls[side]();
      const bench = process.cpuUsage(bench0);
      const us = (millis: number) => (millis * 1000) / cpuN;
      cpu[side] = {
        bench: (bench.user + bench.system) / cpuN,
        host: us(cpuMs(host.pid) - host0),
        emulator: us(cpuMs(emulator.pid) - emu0),
      };
    }
    ctx.evidence.emulatorLogs.push(...(await emulator.takeLog()));
    const rows = SIDES.map(
      (side) =>
        `${side} ${cpu[side].bench.toFixed(0)} / ${cpu[side].host.toFixed(0)} / ${cpu[side].emulator.toFixed(0)}`,
    );
    report.info(
      PART,
      `${subject.kind} ${op}: CPU per call, µs (benchmark / provider host / emulator; ${cpuN} calls per side, 10 ms ticks)`,
      `${rows.join("; ")}. In the host: the package's call over the floor (host - floor) ` +
        `${(cpu.host.host - cpu.floor.host).toFixed(0)}, the bare request over the floor (direct - floor) ` +
        `${(cpu.direct.host - cpu.floor.host).toFixed(0)}; in this process: bare ${cpu.bare.bench.toFixed(0)}, ` +
        `in-process ${cpu.local.bench.toFixed(0)}`,
      "context",
    );
  }
}

/**
 * The same comparison with every API answer delayed by a fixed latency in the emulator (a stand-in for a
 * real API's network and processing time): how the fixed host hop weighs against a realistic request.
 */
async function withLatency(
  ctx: BenchContext,
  report: Report,
  host: ProviderHost,
  emulator: EmulatorProcess,
): Promise<void> {
  const n = ctx.options.quick ? 20 : 100;
  const providers = await ctx.providerStrings();
  const client = bareClient(emulator);
  const kind = firstKindOf("tines");
  const urn = `urn:pulumi:bench::bench::${TYPE[kind]}::latency-${kind}`;
  const decl = credential(kind, `latency-${kind}`, ctx.secrets);
  const { inputs } = await host.check(urn, {}, { ...decl.args, __provider: providers[kind] });
  const first = await host.create(urn, inputs);
  const random = mulberry32(ctx.options.seed);
  await emulator.setFaults([{ fault: "slow", delayMs: LATENCY_MS }]);
  try {
    const [hc, bc] = await interleave(
      n,
      [() => host.create(urn, inputs), sendBare(client, createRequest(ctx, kind, inputs), 201)],
      random,
    );
    const [hr, br] = await interleave(
      n,
      [
        () => host.read(first.id, urn, first.properties, inputs),
        sendBare(client, readRequest(ctx, kind, first.id), 200),
      ],
      random,
    );
    report.info(
      PART,
      `${kind} with ${LATENCY_MS} ms API latency: host/bare ratio of medians`,
      `create ${ratio(median(hc) / median(bc))}, read ${ratio(median(hr) / median(br))} (N = ${n}; host create ` +
        `${summary(hc)}; bare create ${summary(bc)})`,
      "context for the target",
    );
  } finally {
    await emulator.setFaults([]);
    ctx.evidence.emulatorLogs.push(...(await emulator.takeLog()));
  }
}

/** Spawn to the first answered create: the host (start, Configure, Create) and a bare `node` doing one POST. */
async function coldStart(ctx: BenchContext, report: Report, emulator: EmulatorProcess): Promise<void> {
  const reps = ctx.options.quick ? 2 : 5;
  const providers = await ctx.providerStrings();
  const kind = firstKindOf("tines");
  const urn = `urn:pulumi:bench::bench::${TYPE[kind]}::cold-start`;
  const decl = credential(kind, "cold-start", ctx.secrets);
  const props = { ...decl.args, __provider: providers[kind] };
  const req = createRequest(ctx, kind, props);
  const script =
    `const axios = require("axios");` +
    `axios.request({ baseURL: process.env.BENCH_URL, method: "POST", url: ${JSON.stringify(req.url)},` +
    ` data: process.env.BENCH_BODY, headers: JSON.parse(process.env.BENCH_HEADERS), validateStatus: () => true })` +
    `.then((r) => { process.stdout.write("status " + r.status + "\\n"); });`;
  const hostTimes: number[] = [];
  const bareTimes: number[] = [];
  for (let i = 0; i < reps; i++) {
    const start = performance.now();
    const host = await ctx.startHost();
    try {
      await host.configure(configFor(ctx, emulator), ctx.secretConfigKeys);
      await host.create(urn, props);
      hostTimes.push(since(start));
    } finally {
      await ctx.stopHost(host);
    }

    const t0 = performance.now();
    const answered = await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, ["-e", script], {
        cwd: ctx.dir,
        env: {
          PATH: process.env.PATH,
          BENCH_URL: emulator.url,
          BENCH_BODY: req.data,
          BENCH_HEADERS: JSON.stringify(req.headers),
        },
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      let at = 0;
      child.stdout.on("data", (c: Buffer) => {
        out += c.toString();
        if (!at && /status 201/.test(out)) at = since(t0);
      });
      child.stderr.on("data", (c: Buffer) => (out += c.toString()));
      child.on("exit", () => (at ? resolve(at) : reject(new Error(`bare node process failed: ${out}`))));
    });
    bareTimes.push(answered);
  }
  ctx.evidence.emulatorLogs.push(...(await emulator.takeLog()));
  report.info(
    PART,
    "cold start: provider host to first answered create",
    `median ${ms(median(hostTimes), 0)} (${hostTimes.map((t) => t.toFixed(0)).join(", ")} ms)`,
    "no target",
  );
  report.info(
    PART,
    "cold start: bare node process, one axios request",
    `median ${ms(median(bareTimes), 0)} (${bareTimes.map((t) => t.toFixed(0)).join(", ")} ms); ratio ${ratio(median(hostTimes) / median(bareTimes))}`,
    "no target",
  );
}

/**
 * With --profile: where the time of one kind's create and read goes, by origin and by function, for each
 * side in the process that does its work (the provider host for host, direct and floor; this process for
 * bare and in-process). The profiles are kept for Chrome DevTools or speedscope.
 */
async function profiles(
  ctx: BenchContext,
  report: Report,
  host: ProviderHost,
  subject: Subject,
  out: string,
): Promise<void> {
  const { profileN } = sizes(ctx);
  let hostIndex = 0;
  let benchIndex = 0;
  const inBench = async (fn: () => Promise<unknown>) => {
    const profile = await profileHere(fn);
    fs.writeFileSync(
      path.join(path.dirname(out), `bench.${benchIndex++}.cpuprofile`),
      JSON.stringify(profile),
    );
    return profile;
  };
  const inHost = (fn: () => Promise<unknown>) => profileHost(host.pid, out, hostIndex++, fn);
  const run = (fn: () => Promise<unknown>) => async () => {
    for (let i = 0; i < profileN; i++) await fn();
  };
  const columns = [
    ["host path (host)", "host"],
    ["direct (host)", "direct"],
    ["floor (host)", "floor"],
    ["bare (bench)", "bare"],
    ["in-process (bench)", "local"],
  ] as const;
  for (const { op, calls } of subject.ops) {
    const taken = {} as Record<Side, ReturnType<typeof summarize>>;
    for (const [, side] of columns) {
      const where = side === "bare" || side === "local" ? inBench : inHost;
      // Warm first, so the profile holds the steady state only.
      await run(calls[side])();
      taken[side] = summarize(await where(run(calls[side])), profileN);
    }
    const usOf = (side: Side, origin: string) => taken[side].byOrigin.find(([o]) => o === origin)?.[1] ?? 0;
    const row = (label: string, value: (side: Side) => number) => {
      const v = Object.fromEntries(SIDES.map((side) => [side, value(side)])) as Record<Side, number>;
      const cells = [
        ...columns.map(([, side]) => v[side]),
        v.host - v.floor,
        v.direct - v.floor,
        v.host - v.direct,
        v.local - v.bare,
      ];
      return `| ${label} | ${cells.map((c) => c.toFixed(0)).join(" | ")} |`;
    };
    const origins = [...new Set(SIDES.flatMap((side) => taken[side].byOrigin.map(([o]) => o)))]
      .sort((a, b) => usOf("host", b) - usOf("host", a))
      .slice(0, 12);
    const table = [
      `| busy µs per call, by origin | ${columns.map(([label]) => label).join(" | ")} | host - floor | ` +
        `direct - floor | host - direct | in-process - bare |`,
      `|---|${[...columns, 1, 2, 3, 4].map(() => "---:").join("|")}|`,
      row("**all busy time**", (side) => taken[side].busyUs),
      ...origins.map((origin) => row(origin, (side) => usOf(side, origin))),
    ];
    const top = (side: Side) =>
      taken[side].top.map(([fn, us]) => `  ${us.toFixed(1).padStart(7)} µs  ${fn}`).join("\n");
    report.section(
      `Profile of ${subject.kind} ${op}: ${profileN} calls per side (V8 sampling profiler, ` +
        `idle and the profiler's own start and stop left out)`,
      `${table.join("\n")}\n\nTop self time per call, host path in the provider host:\n\n${top("host")}` +
        `\n\nTop self time per call, direct in the provider host:\n\n${top("direct")}` +
        `\n\nTop self time per call, in-process in the benchmark process:\n\n${top("local")}`,
    );
  }
  report.info(
    PART,
    "CPU profiles (--profile)",
    `kept in ${path.dirname(out)}: host.<n> = host path, direct, floor in the provider host; bench.<n> = bare, ` +
      `in-process in the benchmark process; create first, then read`,
    "context",
  );
}

let inProcess: Record<Kind, CredentialProvider> | undefined;
/** The same provider code (the dev build) called in this process, configured like the host's copy. */
function inprocess(ctx: BenchContext, emulator: EmulatorProcess): Record<Kind, CredentialProvider> {
  if (!inProcess) {
    const config = configFor(ctx, emulator);
    inProcess = providers;
    // One module holds the connection settings of all kinds; configuring one configures them all.
    void inProcess[KIND_NAMES[0]].configure({ config: { get: (key: string) => config[key] } });
  }
  return inProcess;
}

/**
 * The stack config with both services pointed at the emulator process, and the Tines rate limit at its
 * highest allowed value. The limiter still runs on every call, so its cost is measured, but never makes
 * one wait: at the default 5,000 a minute (83 a second) the sequential loops, which call each side about
 * 100 times a second, were paced by it, and the host and in-process figures measured that wait, not the
 * package (part 5b measures the limiter's pacing).
 */
function configFor(ctx: BenchContext, emulator: EmulatorProcess): Record<string, string> {
  return {
    ...ctx.config,
    "tines:tenant": emulator.url,
    "twilio:accountsUrl": emulator.url,
    "tines:requestsPerMinute": String(REQUESTS_PER_MINUTE_RANGE.max),
  };
}

export async function overheadPart(ctx: BenchContext, report: Report): Promise<void> {
  const emulator = await startEmulatorProcess({
    seed: ctx.options.seed,
    tinesApiKey: ctx.config["tines:apiKey"],
    twilioAuthToken: ctx.config["twilio:authToken"],
  });
  // With --profile the host preloads a profiler that stays idle until signalled (bench/lib/profile.ts).
  const profileOut = path.join(repoRoot, ".tmp", `overhead-profile-${process.pid}`, "host");
  let env: NodeJS.ProcessEnv | undefined;
  if (ctx.options.profile) {
    fs.mkdirSync(path.dirname(profileOut), { recursive: true });
    const preload = path.join(path.dirname(profileOut), "profiler.js");
    fs.writeFileSync(preload, HOST_PROFILER_JS);
    env = { ...defaultHostEnv(), NODE_OPTIONS: `--require ${preload}`, BENCH_PROFILE_OUT: profileOut };
  }
  const cleanups: (() => void)[] = [];
  try {
    const host = await ctx.startHost({ env });
    try {
      await host.configure(configFor(ctx, emulator), ctx.secretConfigKeys);
      const subjectList = await overheadLoops(ctx, report, host, emulator, cleanups);
      await cpuPerCall(ctx, report, host, emulator, subjectList[0]);
      if (ctx.options.profile) await profiles(ctx, report, host, subjectList[0], profileOut);
      await withLatency(ctx, report, host, emulator);
    } finally {
      await ctx.stopHost(host);
    }
    await coldStart(ctx, report, emulator);
  } finally {
    for (const cleanup of cleanups) cleanup();
    await emulator.stop();
  }
}
