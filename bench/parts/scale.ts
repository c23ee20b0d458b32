// Part 4: 100 and 1,000 credentials (the four kinds in turn) deployed through the engine harness at its
// default parallelism (4 x CPUs, the CLI's), next to the same count of no-op dynamic resources. The no-op
// floor carries the same property bag as the credential it stands in for (same outputs, inputs and secret
// inputs, built the way the classes build it), so the ratio isolates what the provider does; a one-field
// no-op is shown too, as the floor of any dynamic resource. Runs alternate (ours, floor, floor, ours, ...)
// and the medians are compared, so load from elsewhere lands on both sides. Peak RSS is the provider host's
// VmHWM from /proc, read after the deploy.
import * as fs from "fs";
import * as os from "os";
import type { EngineHarness } from "../../tests/integration/harness";
import { BenchContext } from "../lib/context";
import { Decl, KIND_NAMES, kindOfType, mixed, NOOP_TYPE, ProgramSpec, shapes } from "../lib/programs";
import { median, ratio, Report } from "../lib/report";

const PART = "4 scale";
const TARGET = 1.3;

export function peakRssKb(pid: number | undefined): number {
  if (!pid) return NaN;
  const m = /VmHWM:\s*(\d+)\s*kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) : NaN;
}

/** User + system CPU milliseconds a process has used so far (/proc/<pid>/stat, clock ticks of 10 ms). */
export function cpuMs(pid: number | undefined): number {
  if (!pid) return NaN;
  const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

export interface Deploy {
  ms: number;
  rssKb: number;
  /** CPU the provider host used during the deploy. */
  hostCpuMs: number;
  ok: boolean;
  errors: string[];
  creates: number;
  records: number;
  /** Sorted property names per kind, as registered (for the shape check). */
  bags: Map<string, string>;
}

/** One deploy of `program` into a fresh stack with a fresh provider host; the emulator is emptied after. */
export async function deploy(ctx: BenchContext, program: string): Promise<Deploy> {
  // The client-side rate limits off: this emulator enforces none, and the default 5,000 Tines requests
  // a minute would make 1,000 credentials wait for the limit, not for the package (part 5b measures that).
  const harness: EngineHarness = await ctx.startHarness({
    config: { "tines:requestsPerMinute": "0", "twilio:maxConcurrentRequests": "0" },
  });
  try {
    const cpuBefore = cpuMs(harness.host.pid);
    const start = performance.now();
    const result = await ctx.up(harness, program);
    const ms = performance.now() - start;
    const rssKb = peakRssKb(harness.host.pid);
    const hostCpuMs = cpuMs(harness.host.pid) - cpuBefore;
    const bags = new Map<string, string>();
    for (const reg of harness.registrations) {
      if (!reg.custom) continue;
      const kind = reg.type === NOOP_TYPE ? reg.name.split("-")[1] : kindOfType(reg.type);
      if (kind && !bags.has(kind)) bags.set(kind, Object.keys(reg.object).sort().join(","));
    }
    return {
      ms,
      rssKb,
      hostCpuMs,
      ok: result.ok,
      errors: result.errors,
      creates: result.steps.filter((s) => s.op === "create" && !s.error).length,
      records: ctx.emulator.tines.list().length + ctx.emulator.twilio.list().length,
      bags,
    };
  } finally {
    await ctx.stopHarness(harness);
    ctx.resetEmulator();
  }
}

const mb = (kb: number) => `${(kb / 1024).toFixed(0)} MiB`;

export async function scalePart(ctx: BenchContext, report: Report): Promise<void> {
  const counts = ctx.options.quick ? [100] : [100, 1000];
  const bagShapes = shapes();
  for (const count of counts) {
    // Names carry the kind (scale<count>-<kind>-<i>) so the shape check can pair floor and credential.
    const decls: Decl[] = mixed(`scale${count}`, count, ctx.secrets).map((d, i) => ({
      ...d,
      name: `scale${count}-${d.kind}-${i}`,
      args: "name" in d.args ? { ...d.args, name: `scale${count}-${d.kind}-${i}` } : d.args,
    }));
    const ours = ctx.writeProgram({ mode: "credentials", resources: decls });
    const floor = ctx.writeProgram({ mode: "noop", resources: decls, shapes: bagShapes } as ProgramSpec);
    const bare = ctx.writeProgram({ mode: "noop-bare", resources: decls });
    const rounds = ctx.options.quick ? 1 : count >= 1000 ? 3 : 5;
    const runs: { ours: Deploy[]; floor: Deploy[] } = { ours: [], floor: [] };
    for (let i = 0; i < rounds; i++) {
      const order = i % 2 === 0 ? (["ours", "floor"] as const) : (["floor", "ours"] as const);
      for (const side of order) runs[side].push(await deploy(ctx, side === "ours" ? ours : floor));
    }
    const bareRun = await deploy(ctx, bare);

    const bad = [...runs.ours, ...runs.floor, bareRun].filter((d) => !d.ok);
    if (bad.length) throw new Error(`a deploy of ${count} failed: ${bad[0].errors.slice(0, 3).join("; ")}`);
    const wrong = runs.ours.filter((d) => d.creates !== count || d.records !== count);
    report.check(
      PART,
      `${count}: every credential created once`,
      runs.ours.map((d) => `${d.creates} creates / ${d.records} records`).join("; "),
      `${count} / ${count}`,
      wrong.length === 0,
    );
    const sameBags = KIND_NAMES.every((k) => runs.ours[0].bags.get(k) === runs.floor[0].bags.get(k));
    report.check(
      PART,
      `${count}: no-op floor registers the same property bags`,
      sameBags ? "same keys for every kind" : "different keys",
      "same",
      sameBags,
      KIND_NAMES.map((k) => `${k}: ${runs.ours[0].bags.get(k)} vs ${runs.floor[0].bags.get(k)}`).join("\n"),
    );

    const o = median(runs.ours.map((d) => d.ms));
    const f = median(runs.floor.map((d) => d.ms));
    const list = (ds: Deploy[]) => ds.map((d) => (d.ms / 1000).toFixed(1)).join(", ");
    report.check(
      PART,
      `${count}: wall time credentials / no-op floor (same bags)`,
      `${ratio(o / f)} (credentials ${list(runs.ours)} s; floor ${list(runs.floor)} s; medians)`,
      `<= ${TARGET.toFixed(2)}`,
      o / f <= TARGET,
      `${((o - f) / count).toFixed(1)} ms more per credential at parallelism ${4 * os.availableParallelism()}: the HTTP request per ` +
        `create and the provider's work in the host`,
    );
    report.info(
      PART,
      `${count}: wall time credentials / one-field no-op`,
      `${ratio(o / bareRun.ms)} (one-field no-op ${(bareRun.ms / 1000).toFixed(1)} s)`,
      "context",
    );
    const cpu = (ds: Deploy[]) => `${(median(ds.map((d) => d.hostCpuMs)) / count).toFixed(2)} ms`;
    report.info(
      PART,
      `${count}: provider host CPU per resource (median run)`,
      `credentials ${cpu(runs.ours)}; no-op floor ${cpu(runs.floor)}; one-field no-op ${cpu([bareRun])}`,
      "context",
    );
    const rss = (ds: Deploy[]) => mb(Math.max(...ds.map((d) => d.rssKb)));
    report.info(
      PART,
      `${count}: provider host peak RSS (VmHWM)`,
      `credentials ${rss(runs.ours)}; no-op floor ${rss(runs.floor)}; one-field no-op ${rss([bareRun])}`,
      "context",
    );
  }
}
