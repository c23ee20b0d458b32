// Part 2: what a create and a read cost through @pulumi/pulumi's real dynamic provider host (gRPC, with the
// `__provider` the SDK serialized for the installed package) next to a bare axios request with the same
// body to the same emulator over a keep-alive agent. Sequential, warmed up, interleaved (host, floor, bare in
// rotating order) so load from elsewhere lands on every side alike. The floor is a no-op dynamic provider
// behind the same host with the same properties: the cost of the host hop itself. The emulator runs in a
// process of its own here, so the bare request crosses a process boundary just as the provider's does.
// For the why, two more columns: the no-op floor, and the same provider code called in this process.
// Also: the host's cold start to its first answered create, next to a bare Node process doing one request.
import axios, { AxiosInstance } from "axios";
import { spawn } from "child_process";
import * as http from "http";
import { declaredInputs } from "../../provider/core/fields";
import { CredentialProvider, providers } from "../../provider/index";
import type { JsonObject, ProviderHost } from "../../tests/integration/harness";
import { BenchContext } from "../lib/context";
import { EmulatorProcess, startEmulatorProcess } from "../lib/emulatorProcess";
import { credential, firstKindOf, Kind, KIND_NAMES, service, SPEC, TYPE } from "../lib/programs";
import { median, ms, percentile, ratio, Report, since } from "../lib/report";

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

/** Runs the sides `n` times each, one of each per iteration, rotating which goes first. */
async function interleave(n: number, sides: (() => Promise<unknown>)[]): Promise<number[][]> {
  const samples = sides.map(() => [] as number[]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < sides.length; j++) {
      const k = (i + j) % sides.length;
      samples[k].push(await timed(sides[k]));
    }
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

async function overheadLoops(
  ctx: BenchContext,
  report: Report,
  host: ProviderHost,
  emulator: EmulatorProcess,
): Promise<void> {
  const n = ctx.options.quick ? 100 : 1000;
  const warm = ctx.options.quick ? 20 : 100;
  const providers = await ctx.providerStrings();
  const client = axios.create({
    baseURL: emulator.url,
    httpAgent: new http.Agent({ keepAlive: true }),
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
  });
  report.info(
    PART,
    "sample size",
    `N = ${n} per side per operation, sequential, after ${warm} warm-up rounds`,
  );
  for (const kind of KIND_NAMES) {
    const urn = `urn:pulumi:bench::bench::${TYPE[kind]}::overhead-${kind}`;
    const floorUrn = `urn:pulumi:bench::bench::pulumi-nodejs:dynamic/bench:Noop::overhead-${kind}`;
    const decl = credential(kind, `overhead-${kind}`, ctx.secrets);
    const checked = await host.check(urn, {}, { ...decl.args, __provider: providers[kind] });
    if (checked.failures.length) throw new Error(`check failed: ${JSON.stringify(checked.failures)}`);
    const inputs = checked.inputs;
    const floorInputs = { ...inputs, __provider: providers.noop };
    const create = createRequest(ctx, kind, inputs);

    const local = inprocess(ctx, emulator)[kind];
    const hostCreate = () => host.create(urn, inputs);
    const localCreate = () => local.create(inputs);
    const floorCreate = () => host.create(floorUrn, floorInputs);
    const bareCreate = sendBare(client, create, 201);
    const first = await host.create(urn, inputs);
    await interleave(warm, [hostCreate, floorCreate, bareCreate, localCreate]);
    const [hc, fc, bc, lc] = await interleave(n, [hostCreate, floorCreate, bareCreate, localCreate]);
    ctx.evidence.emulatorLogs.push(...(await emulator.takeLog()));

    const props = first.properties;
    const floorProps = { ...props, __provider: providers.noop };
    const hostRead = async () => {
      const r = await host.read(first.id, urn, props, inputs);
      if (r.id !== first.id) throw new Error(`read of ${first.id} came back without the id`);
    };
    const floorRead = () => host.read(first.id, floorUrn, floorProps, floorInputs);
    const localRead = () => local.read(first.id, props);
    const bareRead = sendBare(client, readRequest(ctx, kind, first.id), 200);
    await interleave(warm, [hostRead, floorRead, bareRead, localRead]);
    const [hr, fr, br, lr] = await interleave(n, [hostRead, floorRead, bareRead, localRead]);
    ctx.evidence.emulatorLogs.push(...(await emulator.takeLog()));

    for (const [op, h, f, b, l] of [
      ["create", hc, fc, bc, lc],
      ["read", hr, fr, br, lr],
    ] as const) {
      const r = median(h) / median(b);
      report.check(
        PART,
        `${kind} ${op}: host/bare ratio of medians`,
        `${ratio(r)} (host ${summary(h)}; bare ${summary(b)})`,
        `<= ${TARGET.toFixed(2)}`,
        r <= TARGET,
        `the host path costs ${ms(median(h) - median(b))} more per ${op} at the median; the no-op provider ` +
          `through the same host alone costs ${ms(median(f))} (the gRPC hop, Struct encoding, dispatch)`,
      );
      report.info(
        PART,
        `${kind} ${op}: floor and provider's own share`,
        `no-op through host ${summary(f)}; (host - no-op floor) / bare = ${ratio((median(h) - median(f)) / median(b))}`,
      );
      report.info(
        PART,
        `${kind} ${op}: provider code in-process / bare`,
        `${ratio(median(l) / median(b))} (in-process ${summary(l)})`,
      );
    }
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
  const client = axios.create({
    baseURL: emulator.url,
    httpAgent: new http.Agent({ keepAlive: true }),
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
  });
  const kind = firstKindOf("tines");
  const urn = `urn:pulumi:bench::bench::${TYPE[kind]}::latency-${kind}`;
  const decl = credential(kind, `latency-${kind}`, ctx.secrets);
  const { inputs } = await host.check(urn, {}, { ...decl.args, __provider: providers[kind] });
  const first = await host.create(urn, inputs);
  await emulator.setFaults([{ fault: "slow", delayMs: LATENCY_MS }]);
  try {
    const [hc, bc] = await interleave(n, [
      () => host.create(urn, inputs),
      sendBare(client, createRequest(ctx, kind, inputs), 201),
    ]);
    const [hr, br] = await interleave(n, [
      () => host.read(first.id, urn, first.properties, inputs),
      sendBare(client, readRequest(ctx, kind, first.id), 200),
    ]);
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

/** The stack config with both services pointed at the emulator process. */
function configFor(ctx: BenchContext, emulator: EmulatorProcess): Record<string, string> {
  return { ...ctx.config, "tines:tenant": emulator.url, "twilio:accountsUrl": emulator.url };
}

export async function overheadPart(ctx: BenchContext, report: Report): Promise<void> {
  const emulator = await startEmulatorProcess({
    seed: ctx.options.seed,
    tinesApiKey: ctx.config["tines:apiKey"],
    twilioAuthToken: ctx.config["twilio:authToken"],
  });
  try {
    const host = await ctx.startHost();
    try {
      await host.configure(configFor(ctx, emulator), ctx.secretConfigKeys);
      await overheadLoops(ctx, report, host, emulator);
      await withLatency(ctx, report, host, emulator);
    } finally {
      await ctx.stopHost(host);
    }
    await coldStart(ctx, report, emulator);
  } finally {
    await emulator.stop();
  }
}
