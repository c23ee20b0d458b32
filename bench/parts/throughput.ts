// Part 5b (issue 14): throughput at a rate limit. The emulator enforces a real limit per credential, scaled
// down so the run fits the bench (Tines: a token bucket of 50 requests per second, 429 without Retry-After;
// Twilio: 20 requests in flight, 429 code 20429, each request taking 50 ms as real ones take a while). 1,000
// mixed credentials (800 Tines, 200 Twilio) are created, then destroyed, through the real provider host at a
// parallelism high enough to fire everything at once, as `pulumi up` does with no bound. Each phase's time at
// the services (its first request to its last, as the emulator logged them) is set against its floor N / R:
// the Tines requests of the phase over 50 per second (Twilio's 20 in flight pass their share in well under
// that). The engine's own work before the first request (running the program, check and diff of 1,000
// resources) is no part of that floor and is printed apart, as is each phase's whole wall time. 429s,
// failures and duplicates are counted from the emulator's log and records. Runs in the same bench: with the
// provider's limiter set to the emulator's limits (the way a user rehearses an estate), with it off (0: each
// request retries on its own, as before), and without any limit (what the harness and the machine take by
// themselves). Then the generator's adoption program for 1,000 seeded credentials, adopted against the same
// limits with the limiter on and off. The emulator runs in a process of its own, as a real service would:
// sharing the bench's event loop with the engine, it would see requests late and bunched up.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import type { EngineHarness } from "../../tests/integration/harness";
import { BenchContext, repoRoot } from "../lib/context";
import { EmulatorProcess, startEmulatorProcess } from "../lib/emulatorProcess";
import { mixed, service as serviceOfKind } from "../lib/programs";
import { Report } from "../lib/report";

const run = promisify(execFile);
const PART = "5b throughput";
const TINES_PER_SECOND = 50;
const TWILIO_IN_FLIGHT = 20;
const TWILIO_LATENCY_MS = 50;
/** Resource operations in flight at once: enough that every credential is asked for at the start. */
const PARALLEL = 1_000;
const TARGET_RATIO = 1.15;
const MAX_429_SHARE = 0.01;

/** The limits the emulator enforces, and the provider's settings with its limiter on (the same) or off. */
const EMULATOR_LIMITS = {
  tines: { requestsPerMinute: TINES_PER_SECOND * 60 },
  twilio: { maxConcurrent: TWILIO_IN_FLIGHT },
};
const limiterConfig = (on: boolean) => ({
  "tines:requestsPerMinute": on ? String(TINES_PER_SECOND * 60) : "0",
  "twilio:maxConcurrentRequests": on ? String(TWILIO_IN_FLIGHT) : "0",
});

interface Phase {
  /** The whole phase, engine work included. */
  ms: number;
  /** From the phase's start to its first request: the engine's own work, which no rate limit touches. */
  preambleMs: number;
  /** From its first request to its last, as the emulator logged them: the time spent at the services. */
  spanMs: number;
  /** Seconds the Tines requests of this phase need at TINES_PER_SECOND. */
  floorMs: number;
  requests: number;
  /** Requests answered 429, and of those Twilio's. */
  throttled: number;
  throttledTwilio: number;
  /** Requests other than GET. */
  writes: number;
  failures: string[];
}

interface Run {
  create: Phase;
  destroy: Phase;
  /** Credentials the emulator held after the create phase, and how many of them repeat a name. */
  held: number;
  duplicates: number;
  /** Credentials in state that the emulator does not hold, and held ones state does not know. */
  strays: number;
  /** Credentials left after the destroy. */
  left: number;
  notices: string[];
}

/** The emulator of this part, in its own process, and the provider's settings pointing at it. */
interface Service {
  emulator: EmulatorProcess;
  config: Record<string, string>;
}

async function startService(ctx: BenchContext): Promise<Service> {
  const { tinesApiKey, twilioAuthToken, twilioAccountSid } = ctx.emulator.settings;
  const emulator = await startEmulatorProcess({ seed: ctx.options.seed, tinesApiKey, twilioAuthToken });
  // The bench's stack config (credentials) is reused: the account SID must be the same.
  if ((await emulator.call("settings")).twilioAccountSid !== twilioAccountSid) {
    await emulator.stop();
    throw new Error("the emulator process has another Twilio account SID than the bench's");
  }
  return { emulator, config: { "tines:tenant": emulator.url, "twilio:accountsUrl": emulator.url } };
}

/** A phase that started at `start` (performance.now()) and has just ended. */
async function phaseOf(emulator: EmulatorProcess, start: number, failures: string[]): Promise<Phase> {
  const ms = performance.now() - start;
  const log = (await emulator.takeLog()).filter((e) => e.service !== "control");
  // Stamped in ms since the epoch in the emulator's process; our performance.now() counts from timeOrigin.
  const times = (await emulator.call("takeArrivals"))
    .filter((a) => a.service !== "control")
    .map((a) => a.at - performance.timeOrigin);
  const throttled = log.filter((e) => e.status === 429);
  const tinesSent = log.filter((e) => e.service === "tines" && e.status !== 429).length;
  return {
    ms,
    preambleMs: times.length ? Math.min(...times) - start : ms,
    spanMs: times.length ? Math.max(...times) - Math.min(...times) : 0,
    floorMs: (tinesSent / TINES_PER_SECOND) * 1000,
    requests: log.length,
    throttled: throttled.length,
    throttledTwilio: throttled.filter((e) => e.service === "twilio").length,
    writes: log.filter((e) => e.method !== "GET").length,
    failures,
  };
}

/** Sets the emulator's limits (none: off) and Twilio's latency, and forgets its log so far. */
async function prepare(emulator: EmulatorProcess, limited: boolean): Promise<void> {
  await emulator.call("setRateLimits", limited ? EMULATOR_LIMITS : {});
  await emulator.setFaults([{ service: "twilio", fault: "slow", delayMs: TWILIO_LATENCY_MS }]);
  await emulator.takeLog();
  await emulator.call("takeArrivals");
}

/**
 * One run: "on" and "off" against the emulator's limits with the provider's limiter set to them or off;
 * "unlimited" with no limit anywhere, for what the machine itself takes.
 */
async function deployAndDestroy(
  ctx: BenchContext,
  { emulator, config }: Service,
  program: string,
  mode: "on" | "off" | "unlimited",
): Promise<Run> {
  await emulator.call("reset");
  const harness: EngineHarness = await ctx.startHarness({
    parallel: PARALLEL,
    parallelDeletes: true,
    continueOnError: true,
    config: { ...config, ...limiterConfig(mode === "on") },
  });
  try {
    await prepare(emulator, mode !== "unlimited");
    let start = performance.now();
    const up = await ctx.up(harness, program);
    const create = await phaseOf(emulator, start, [...up.failures.map((f) => f.reason), ...up.errors]);
    const { tines, twilio } = await emulator.call("records");
    const names = [...tines.map((r) => r.name), ...twilio.map((r) => r.friendly_name ?? "")];
    const held = new Set([...tines.map((r) => String(r.id)), ...twilio.map((r) => r.sid)]);
    const inState = [...harness.state.values()].map((r) => r.id);
    const strays =
      inState.filter((id) => !held.has(id)).length + [...held].filter((id) => !inState.includes(id)).length;

    start = performance.now();
    const destroyed = await ctx.destroy(harness);
    const destroy = await phaseOf(emulator, start, destroyed.errors);
    const notices = harness
      .hostOutput()
      .split("\n")
      .filter((line) => /API at .*(requests queue|answered 429)/.test(line));
    const left = await emulator.call("records");
    return {
      create,
      destroy,
      held: held.size,
      duplicates: names.length - new Set(names).size,
      strays,
      left: left.tines.length + left.twilio.length,
      notices,
    };
  } finally {
    await ctx.stopHarness(harness);
  }
}

const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const pct = (n: number, of: number) => `${((100 * n) / Math.max(1, of)).toFixed(1)}%`;

/** "12.3 s at the services (+ 4.1 s before the first request)". */
const phase = (p: Phase) => `${s(p.spanMs)} at the services (+ ${s(p.preambleMs)} before the first request)`;

function summary(r: Run): string {
  const requests = r.create.requests + r.destroy.requests;
  const throttled = r.create.throttled + r.destroy.throttled;
  const failures = r.create.failures.length + r.destroy.failures.length;
  return (
    `create ${phase(r.create)}, destroy ${phase(r.destroy)}; floors ${s(r.create.floorMs)} / ` +
    `${s(r.destroy.floorMs)}; ${throttled} x 429 of ${requests} requests (${pct(throttled, requests)}); ` +
    `${failures} failures; ${r.duplicates} duplicates`
  );
}

export async function throughputPart(ctx: BenchContext, report: Report): Promise<void> {
  const service = await startService(ctx);
  try {
    await deployAndDestroyAll(ctx, service, report);
    await adoptionRuns(ctx, service, report);
  } finally {
    await service.emulator.stop();
  }
}

async function deployAndDestroyAll(ctx: BenchContext, service: Service, report: Report): Promise<void> {
  const count = ctx.options.quick ? 200 : 1_000;
  const decls = mixed("throughput", count, ctx.secrets);
  const tinesCount = decls.filter((d) => serviceOfKind(d.kind) === "tines").length;
  const program = ctx.writeProgram({ mode: "credentials", resources: decls });
  report.info(
    PART,
    "setting",
    `${count} credentials (${tinesCount} Tines, ${count - tinesCount} Twilio), created then destroyed at parallelism ` +
      `${PARALLEL}; emulator (a process of its own) limits: Tines ${TINES_PER_SECOND} requests/s per API key ` +
      `(429, no Retry-After), Twilio ${TWILIO_IN_FLIGHT} in flight (429 code 20429), Twilio answers after ` +
      `${TWILIO_LATENCY_MS} ms`,
    "context",
  );

  const on = await deployAndDestroy(ctx, service, program, "on");
  const off = await deployAndDestroy(ctx, service, program, "off");
  const unlimited = await deployAndDestroy(ctx, service, program, "unlimited");

  const spanMs = on.create.spanMs + on.destroy.spanMs;
  const floorMs = on.create.floorMs + on.destroy.floorMs;
  report.check(
    PART,
    "limiter on: time at the services (first request to last) / floor N / R, create + destroy",
    `${(spanMs / floorMs).toFixed(2)}x (${s(spanMs)} vs ${s(floorMs)}: create ${s(on.create.spanMs)} vs ` +
      `${s(on.create.floorMs)}, destroy ${s(on.destroy.spanMs)} vs ${s(on.destroy.floorMs)})`,
    `<= ${TARGET_RATIO.toFixed(2)}`,
    spanMs <= floorMs * TARGET_RATIO,
    "the requests did not keep up with the emulator's rate (see the no-limit line for what the machine itself takes)",
  );
  report.info(
    PART,
    "limiter on: whole wall time, engine work before the first request included",
    `create ${s(on.create.ms)} (${s(on.create.preambleMs)} before the first request), destroy ${s(on.destroy.ms)} ` +
      `(${s(on.destroy.preambleMs)})`,
    "context",
  );
  const failures = [...on.create.failures, ...on.destroy.failures];
  report.check(
    PART,
    "limiter on: failures",
    `${failures.length}`,
    "0",
    failures.length === 0,
    failures.slice(0, 3).join("; "),
  );
  report.check(
    PART,
    "limiter on: credentials held after the create, duplicates, strays; left after the destroy",
    `${on.held} held, ${on.duplicates} duplicates, ${on.strays} strays; ${on.left} left`,
    `${count}, 0, 0; 0`,
    on.held === count && on.duplicates === 0 && on.strays === 0 && on.left === 0,
  );
  const requests = on.create.requests + on.destroy.requests;
  const throttled = on.create.throttled + on.destroy.throttled;
  const throttledTwilio = on.create.throttledTwilio + on.destroy.throttledTwilio;
  report.check(
    PART,
    "limiter on: requests answered 429",
    `${throttled} of ${requests} (${pct(throttled, requests)}; Twilio ${throttledTwilio})`,
    `< ${(MAX_429_SHARE * 100).toFixed(0)}%`,
    throttled < MAX_429_SHARE * requests,
  );
  report.check(
    PART,
    "limiter on: lines the host printed about throttling (per service, per episode)",
    `${on.notices.length}${on.notices.length ? `: ${on.notices[0].slice(0, 160)}…` : ""}`,
    "1 to 4: one per service and episode, not one per request",
    on.notices.length >= 1 && on.notices.length <= 4,
  );
  report.info(PART, "limiter on: summary", summary(on), "context");
  report.info(
    PART,
    "limiter off (each request retries on its own, as before): summary",
    `${summary(off)}; ${off.held} held after the create, ${off.strays} strays, ${off.left} left after the destroy`,
    "context",
  );
  report.info(
    PART,
    "no limit anywhere (what the harness and this machine take by themselves)",
    `create ${phase(unlimited.create)}, destroy ${phase(unlimited.destroy)}; ` +
      `${unlimited.create.failures.length + unlimited.destroy.failures.length} failures`,
    "context",
  );
}

/**
 * The generator's adoption program (issue 14): an estate seeded into the emulator (the generator
 * tests' estate), the installed `pulumi-api-credentials generate --keep-stored-secrets` run against it,
 * the program compiled with tsc. Returns the compiled program and how many credentials it adopts.
 */
async function adoptionProgram(
  ctx: BenchContext,
  { emulator }: Service,
  count: number,
): Promise<{ program: string; total: number }> {
  await emulator.call("reset");
  // Live Tines credentials with a test credential for every seventh, the rest Twilio: `count` in all.
  await emulator.call("seedEstate", { tines: Math.round(count * 0.77), twilio: 0 });
  const seededTines = (await emulator.call("records")).tines.length;
  await emulator.call("seedEstate", { tines: 0, twilio: count - seededTines });
  const out = path.join(ctx.dir, "adoption");
  fs.rmSync(out, { recursive: true, force: true });
  const cli = path.join(ctx.installed.programDir, "node_modules", ".bin", "pulumi-api-credentials");
  const settings = ctx.emulator.settings;
  await run(
    cli,
    [
      ...["generate", "--out", out, "--keep-stored-secrets", "--project", "adoption"],
      ...["--tines-tenant", emulator.url, "--twilio-accounts-url", emulator.url],
    ],
    {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        TINES_API_KEY: settings.tinesApiKey,
        TWILIO_ACCOUNT_SID: settings.twilioAccountSid,
        TWILIO_AUTH_TOKEN: settings.twilioAuthToken,
      },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  fs.symlinkSync(path.join(ctx.installed.programDir, "node_modules"), path.join(out, "node_modules"), "dir");
  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  await run(process.execPath, [tsc, "-p", out, "--typeRoots", path.join(repoRoot, "node_modules", "@types")]);
  const records = await emulator.call("records");
  return { program: path.join(out, "bin", "index.js"), total: records.tines.length + records.twilio.length };
}

/**
 * Adopts every credential of the program (one GET each) against the emulator's limits. The harness
 * is dropped without a destroy, so the next run adopts the same estate.
 */
async function adopt(
  ctx: BenchContext,
  { emulator, config }: Service,
  program: string,
  limiter: boolean,
): Promise<{ phase: Phase; adopted: number }> {
  const harness = await ctx.startHarness({
    project: "adoption",
    parallel: PARALLEL,
    continueOnError: true,
    config: { ...config, ...limiterConfig(limiter) },
  });
  try {
    await prepare(emulator, true);
    const start = performance.now();
    const up = await ctx.up(harness, program);
    const failures = [...up.failures.map((f) => f.reason), ...up.errors];
    return {
      phase: await phaseOf(emulator, start, failures),
      adopted: up.steps.filter((step) => step.op === "create" && !step.error).length,
    };
  } finally {
    await ctx.stopHarness(harness);
  }
}

async function adoptionRuns(ctx: BenchContext, service: Service, report: Report): Promise<void> {
  const count = ctx.options.quick ? 200 : 1_000;
  const { program, total } = await adoptionProgram(ctx, service, count);
  const on = await adopt(ctx, service, program, true);
  const off = await adopt(ctx, service, program, false);
  const ratio = on.phase.spanMs / on.phase.floorMs;
  report.check(
    PART,
    `adoption program of ${total} seeded credentials (generate --keep-stored-secrets), limiter on: ` +
      "time at the services / floor N / R",
    `${ratio.toFixed(2)}x (${s(on.phase.spanMs)} vs ${s(on.phase.floorMs)}; whole up ${s(on.phase.ms)}, ` +
      `${s(on.phase.preambleMs)} before the first request)`,
    `<= ${TARGET_RATIO.toFixed(2)}`,
    ratio <= TARGET_RATIO,
  );
  report.check(
    PART,
    "adoption, limiter on: adopted, failures, writes, requests answered 429",
    `${on.adopted} adopted, ${on.phase.failures.length} failures, ${on.phase.writes} writes, ` +
      `${on.phase.throttled} x 429 of ${on.phase.requests} (${pct(on.phase.throttled, on.phase.requests)}; ` +
      `Twilio ${on.phase.throttledTwilio})`,
    `${total}, 0, 0, < ${(MAX_429_SHARE * 100).toFixed(0)}%`,
    on.adopted === total &&
      on.phase.failures.length === 0 &&
      on.phase.writes === 0 &&
      on.phase.throttled < MAX_429_SHARE * on.phase.requests,
    on.phase.failures.slice(0, 3).join("; "),
  );
  report.info(
    PART,
    "adoption, limiter off (each request retries on its own, as before)",
    `${phase(off.phase)}, floor ${s(off.phase.floorMs)}; ${off.adopted} adopted, ` +
      `${off.phase.failures.length} failures, ${off.phase.throttled} x 429 of ${off.phase.requests} ` +
      `(${pct(off.phase.throttled, off.phase.requests)})`,
    "context",
  );
}
