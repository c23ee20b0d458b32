// Part 7: property-based fuzzing of `check` for every kind of the registry with fast-check, reusing the unit suite's
// arbitraries (tests/unit/arbitraries.ts: unknowns, wrong types, huge strings, PEM look-alikes, stray keys)
// at 10,000 inputs per resource. check must never throw, never make a request (every http/https request
// from this process is counted, and the emulator the providers are configured against logs nothing), every
// failure must name one of the resource's own inputs with a reason, and no reason may quote a secret
// input's value. Seeded with the run's seed (printed), so a run is repeatable with --seed.
import fc from "fast-check";
import http = require("http");
import https = require("https");
import { UNKNOWN } from "../../provider/core/fields";
import { FUZZ_TARGETS, inputsFor, namesDeclaredInput } from "../../tests/unit/arbitraries";
import { BenchContext } from "../lib/context";
import { Report } from "../lib/report";

const PART = "7 fuzz";

interface Tally {
  runs: number;
  threw: number;
  unnamed: number;
  quoted: number;
  withFailures: number;
  passed: number;
  unknowns: number;
  huge: number;
  wrongTypes: number;
}

/** Counts every outgoing http(s) request made while `fn` runs. */
async function countingRequests<T>(fn: () => Promise<T>): Promise<{ value: T; requests: number }> {
  let requests = 0;
  const originals = [
    [http, "request", http.request],
    [http, "get", http.get],
    [https, "request", https.request],
    [https, "get", https.get],
  ] as const;
  for (const [mod, key, original] of originals) {
    (mod as unknown as Record<string, unknown>)[key] = (...args: unknown[]) => {
      requests++;
      return (original as (...a: unknown[]) => unknown)(...args);
    };
  }
  try {
    return { value: await fn(), requests };
  } finally {
    for (const [mod, key, original] of originals) (mod as unknown as Record<string, unknown>)[key] = original;
  }
}

function hasUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(hasUnknown);
  if (v && typeof v === "object") return Object.values(v).some(hasUnknown);
  return false;
}

export async function fuzzPart(ctx: BenchContext, report: Report): Promise<void> {
  const runs = ctx.options.quick ? 1_000 : 10_000;
  const seed = ctx.options.seed;
  // The providers in this process talk to the emulator, so a request would also show in its log.
  const config = ctx.config;
  await FUZZ_TARGETS[0].provider.configure({ config: { get: (key: string) => config[key] } });
  ctx.takeLog();
  report.info(PART, "seed and size", `seed ${seed}, ${runs} inputs per resource (fast-check)`, "repeatable");

  for (const t of FUZZ_TARGETS) {
    const secretFields = Object.entries(t.spec.inputs)
      .filter(([, f]) => f.secret)
      .map(([name]) => name);
    const tally: Tally = {
      runs: 0,
      threw: 0,
      unnamed: 0,
      quoted: 0,
      withFailures: 0,
      passed: 0,
      unknowns: 0,
      huge: 0,
      wrongTypes: 0,
    };
    const examples: string[] = [];
    const started = performance.now();
    const { value: details, requests } = await countingRequests(() =>
      fc.check(
        fc.asyncProperty(inputsFor(t), async (news) => {
          tally.runs++;
          if (Object.values(news).some(hasUnknown)) tally.unknowns++;
          if (Object.values(news).some((v) => typeof v === "string" && v.length >= 50_000)) tally.huge++;
          const kinds = Object.entries(news).filter(([k, v]) => {
            const field = t.spec.inputs[k];
            if (!field || v === undefined || v === null || hasUnknown(v)) return false;
            return field.kind === "string" || field.kind === "timestamp" ? typeof v !== "string" : false;
          });
          if (kinds.length) tally.wrongTypes++;
          let result;
          try {
            result = await t.provider.check({}, news);
          } catch (e) {
            tally.threw++;
            if (examples.length < 3) examples.push(`threw: ${(e as Error).message}`);
            return false;
          }
          const failures = result.failures ?? [];
          if (failures.length) tally.withFailures++;
          else tally.passed++;
          for (const f of failures) {
            if (!namesDeclaredInput(t.spec, f.property) || typeof f.reason !== "string" || f.reason === "") {
              tally.unnamed++;
              if (examples.length < 3)
                examples.push(`failure without a declared property: ${JSON.stringify(f)}`);
            }
          }
          // A reason that contains a secret input's value quotes it, unless the same text comes back with
          // the secret replaced (then the value merely equals part of a fixed message, e.g. the example date).
          for (const s of secretFields) {
            const v = news[s];
            if (typeof v !== "string" || v.length < 16 || !failures.some((f) => f.reason.includes(v)))
              continue;
            const again = await t.provider.check({}, { ...news, [s]: "bench-sentinel-value" });
            if ((again.failures ?? []).some((f) => f.reason.includes(v))) continue;
            tally.quoted++;
            if (examples.length < 3) examples.push(`a reason quotes ${s}`);
          }
          return true;
        }),
        { seed, numRuns: runs, endOnFailure: true },
      ),
    );
    const seconds = (performance.now() - started) / 1000;
    const logged = ctx.takeLog().filter((e) => e.service !== "control").length;
    const ok = !details.failed && tally.threw === 0 && tally.unnamed === 0;
    report.check(
      PART,
      `${t.title}: ${tally.runs} inputs, throws / failures naming no input`,
      `${tally.threw} / ${tally.unnamed}`,
      "0 / 0",
      ok,
      details.failed
        ? `counterexample (seed ${seed}, path ${details.counterexamplePath}): ` +
            `${JSON.stringify(details.counterexample)?.slice(0, 400)}; ${examples.join("; ")}`
        : examples.join("; "),
    );
    report.check(
      PART,
      `${t.title}: requests made by check`,
      `${requests} http(s) requests, ${logged} in the emulator log`,
      "0",
      requests === 0 && logged === 0,
    );
    report.check(
      PART,
      `${t.title}: failure reasons quoting a secret input`,
      `${tally.quoted}`,
      "0",
      tally.quoted === 0,
      examples.join("; "),
    );
    report.info(
      PART,
      `${t.title}: what the inputs reached`,
      `${tally.withFailures} rejected, ${tally.passed} accepted; ${tally.unknowns} with unknowns, ` +
        `${tally.wrongTypes} with a wrong type, ${tally.huge} with a >= 50 kB string; ${seconds.toFixed(1)} s`,
    );
    if (tally.withFailures === 0 || tally.passed === 0) {
      report.fail(
        PART,
        `${t.title}: both outcomes reached`,
        "the arbitraries never produced one of the outcomes",
      );
    }
  }
}
