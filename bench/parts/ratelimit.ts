// Part 5: the emulator answers 429 with `Retry-After: 1` to 20% of API requests (its seeded PRNG decides
// which), and 100 credentials deploy with no failure and no duplicate: the emulator ends up holding exactly
// 100 credentials, one per declared resource, each the one in state. Time next to the same deploy without
// faults.
import { EngineHarness } from "../../tests/integration/harness";
import { BenchContext } from "../lib/context";
import { mixed } from "../lib/programs";
import { Report } from "../lib/report";

const PART = "5 rate limits";

interface Outcome {
  ms: number;
  ok: boolean;
  errors: string[];
  stateIds: string[];
  throttled: number;
  requests: number;
}

async function run(ctx: BenchContext, program: string, throttle: boolean): Promise<Outcome> {
  ctx.resetEmulator();
  if (throttle) ctx.emulator.injectFault({ fault: "429", retryAfterSeconds: 1, probability: 0.2 });
  const harness: EngineHarness = await ctx.startHarness();
  try {
    const start = performance.now();
    const result = await ctx.up(harness, program);
    const ms = performance.now() - start;
    const log = ctx.takeLog().filter((e) => e.service !== "control");
    return {
      ms,
      ok: result.ok && result.failures.length === 0,
      errors: result.errors,
      stateIds: [...harness.state.values()].map((r) => r.id),
      throttled: log.filter((e) => e.status === 429).length,
      requests: log.length,
    };
  } finally {
    await ctx.stopHarness(harness);
    ctx.emulator.clearFaults();
  }
}

export async function rateLimitPart(ctx: BenchContext, report: Report): Promise<void> {
  const count = 100;
  const decls = mixed("ratelimit", count, ctx.secrets);
  const program = ctx.writeProgram({ mode: "credentials", resources: decls });

  const calm = await run(ctx, program, false);
  if (!calm.ok) throw new Error(`the deploy without faults failed: ${calm.errors.slice(0, 3).join("; ")}`);
  const stormy = await run(ctx, program, true);

  const tines = ctx.emulator.tines.list();
  const twilio = ctx.emulator.twilio.list();
  const names = [...tines.map((r) => r.name), ...twilio.map((r) => r.friendly_name ?? "")];
  const held = new Set([...tines.map((r) => String(r.id)), ...twilio.map((r) => r.sid)]);
  const duplicates = names.length - new Set(names).size;
  const orphans = [...held].filter((id) => !stormy.stateIds.includes(id)).length;
  const missing = stormy.stateIds.filter((id) => !held.has(id)).length;

  report.check(
    PART,
    "deploy with 429s: failures",
    `${stormy.ok ? 0 : stormy.errors.length} (${stormy.throttled} of ${stormy.requests} requests answered 429)`,
    "0",
    stormy.ok,
    stormy.errors.slice(0, 3).join("; "),
  );
  report.check(
    PART,
    "credentials the emulator holds afterwards",
    `${held.size} (${duplicates} duplicates, ${orphans} not in state, ${missing} in state but missing)`,
    `exactly ${count}, none duplicated`,
    held.size === count &&
      duplicates === 0 &&
      orphans === 0 &&
      missing === 0 &&
      stormy.stateIds.length === count,
  );
  report.check(
    PART,
    "throttling actually happened",
    `${stormy.throttled} x 429 (${((100 * stormy.throttled) / Math.max(1, stormy.requests)).toFixed(0)}%)`,
    "> 0",
    stormy.throttled > 0,
  );
  report.info(
    PART,
    "time: 100 credentials with 20% 429 + Retry-After: 1 vs without",
    `${(stormy.ms / 1000).toFixed(1)} s vs ${(calm.ms / 1000).toFixed(1)} s ` +
      `(+${((stormy.ms - calm.ms) / 1000).toFixed(1)} s)`,
    "context",
  );
  ctx.resetEmulator();
}
