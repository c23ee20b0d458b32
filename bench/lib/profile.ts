// CPU profiles for the overhead part's `--profile`: V8's sampling profiler in the benchmark process (through
// the inspector) and in a provider host (a preload, HOST_PROFILER_JS, that starts it on SIGUSR2 and writes
// it on SIGTERM), and a summary of each: busy time per call by origin, and the functions with the most
// self time. Idle samples are left out, so "busy" is time on the CPU or in a system call.
import * as fs from "fs";
import * as inspector from "inspector";

export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    children?: number[];
  }[];
  samples: number[];
  /** Microseconds since the previous sample. */
  timeDeltas: number[];
}

/** Sampling interval in microseconds: fine enough for calls of about a millisecond. */
const INTERVAL_US = 250;

/**
 * Preloaded into a provider host (NODE_OPTIONS=--require): each SIGUSR2 starts or stops V8's profiler. A start
 * writes <BENCH_PROFILE_OUT>.<k>.started once sampling runs; a stop writes <BENCH_PROFILE_OUT>.<k>.cpuprofile.
 * Nothing is connected or sampled before the first signal, and the host's own code is untouched.
 */
export const HOST_PROFILER_JS = `"use strict";
// Written by bench/lib/profile.ts.
const inspector = require("inspector");
const fs = require("fs");
const base = process.env.BENCH_PROFILE_OUT;
let session;
let running = false;
let k = 0;
process.on("SIGUSR2", () => {
  if (!session) {
    session = new inspector.Session();
    session.connect();
  }
  if (!running) {
    running = true;
    session.post("Profiler.enable", () =>
      session.post("Profiler.setSamplingInterval", { interval: ${INTERVAL_US} }, () =>
        session.post("Profiler.start", () => fs.writeFileSync(base + "." + k + ".started", "")),
      ),
    );
  } else {
    running = false;
    session.post("Profiler.stop", (err, result) => {
      fs.writeFileSync(base + "." + k++ + ".cpuprofile", JSON.stringify(err ? { error: String(err) } : result.profile));
    });
  }
});
`;

/** Profiles a provider host (started with HOST_PROFILER_JS) while `fn` runs; `out` as its BENCH_PROFILE_OUT. */
export async function profileHost(
  pid: number | undefined,
  out: string,
  index: number,
  fn: () => Promise<unknown>,
): Promise<CpuProfile> {
  if (!pid) throw new Error("the provider host has no pid");
  const waitFor = async (file: string) => {
    for (let i = 0; i < 600 && !fs.existsSync(file); i++) await new Promise((r) => setTimeout(r, 50));
    if (!fs.existsSync(file)) throw new Error(`the provider host did not write ${file}`);
  };
  process.kill(pid, "SIGUSR2");
  await waitFor(`${out}.${index}.started`);
  await fn();
  process.kill(pid, "SIGUSR2");
  const file = `${out}.${index}.cpuprofile`;
  await waitFor(file);
  // Written in one call, but possibly seen before the write finished: read until it parses.
  for (let i = 0; ; i++) {
    try {
      const profile = JSON.parse(fs.readFileSync(file, "utf8")) as CpuProfile & { error?: string };
      if (profile.error) throw new Error(`the provider host's profiler failed: ${profile.error}`);
      return profile;
    } catch (e) {
      if (i >= 20 || !(e instanceof SyntaxError)) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function post<T>(session: inspector.Session, method: string, params: object = {}): Promise<T> {
  return new Promise((resolve, reject) =>
    session.post(method, params, (err, result) => (err ? reject(err) : resolve(result as T))),
  );
}

/** Runs `fn` under V8's sampling profiler in this process. */
export async function profileHere(fn: () => Promise<unknown>): Promise<CpuProfile> {
  const session = new inspector.Session();
  session.connect();
  try {
    await post(session, "Profiler.enable");
    await post(session, "Profiler.setSamplingInterval", { interval: INTERVAL_US });
    await post(session, "Profiler.start");
    await fn();
    return (await post<{ profile: CpuProfile }>(session, "Profiler.stop")).profile;
  } finally {
    session.disconnect();
  }
}

/** Where a function comes from, coarsely: whose code it is. */
function origin(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  const { url, functionName } = frame;
  if (functionName === "(garbage collector)") return "garbage collection";
  if (/[/\\]pulumi-api-credentials[/\\]|[/\\]build[/\\]provider[/\\]/.test(url)) return "this package";
  if (
    /[/\\]node_modules[/\\](axios|follow-redirects|form-data|proxy-from-env|https-proxy-agent|agent-base)[/\\]/.test(
      url,
    )
  )
    return "axios";
  if (/[/\\]node_modules[/\\](@grpc|google-protobuf|@pulumi|@opentelemetry)[/\\]/.test(url))
    return "gRPC, protobuf, the SDK's host";
  if (url.startsWith("node:")) return "Node's own JS (http, net, timers, events)";
  if (url === "") return `native: ${functionName}`;
  return "other JS (the bench's own loop, its emulator client)";
}

/** `calls` is how many calls the profile covers, to give figures per call. */
export function summarize(
  profile: CpuProfile,
  calls: number,
  topN = 12,
): { busyUs: number; byOrigin: [string, number][]; top: [string, number][] } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  // Samples inside the inspector are the profiler starting and stopping (the first one carries the wait
  // before sampling began), not the calls: left out, like idle time.
  const profiler = new Set<number>();
  const mark = (id: number, inside: boolean) => {
    const node = byId.get(id);
    if (!node) return;
    const here = inside || node.callFrame.url === "node:inspector";
    if (here) profiler.add(id);
    for (const child of node.children ?? []) mark(child, here);
  };
  mark(profile.nodes[0]?.id, false);
  const byOrigin = new Map<string, number>();
  const byFunction = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const us = profile.timeDeltas[i] ?? 0;
    if (!node || node.callFrame.functionName === "(idle)" || profiler.has(id)) return;
    busy += us;
    const where = origin(node.callFrame);
    byOrigin.set(where, (byOrigin.get(where) ?? 0) + us);
    const file = node.callFrame.url
      .replace(/^.*[/\\]node_modules[/\\]/, "")
      .replace(/^.*[/\\]build[/\\]/, "");
    const name = `${node.callFrame.functionName || "(anonymous)"} ${file ? `${file}:${node.callFrame.lineNumber + 1}` : ""}`;
    byFunction.set(name.trim(), (byFunction.get(name.trim()) ?? 0) + us);
  });
  const perCall = (m: Map<string, number>) =>
    [...m].map(([k, us]) => [k, us / calls] as [string, number]).sort((a, b) => b[1] - a[1]);
  return { busyUs: busy / calls, byOrigin: perCall(byOrigin), top: perCall(byFunction).slice(0, topN) };
}
