// `npm run bench`: the package's cost next to the floor it runs on, and how it holds up under faults and bad
// input. Prints every figure with its target and PASS/FAIL and exits non-zero when a target is missed.
//
//   node build/bench/index.js [--only=requests,overhead,size,scale,ratelimit,throughput,faults,fuzz,leaks,
//                              generate]
//                             [--quick] [--seed=<n>] [--keep] [--profile]
//
// --quick shrinks every loop (for a smoke run; its figures are not the ones quoted in bench/README.md).
// --keep leaves the program folder (.tmp/bench-<pid>) in place for inspection.
// --profile adds CPU profiles to the overhead part (a summary printed, the .cpuprofile files kept in .tmp/).
import * as os from "os";
import { BenchContext } from "./lib/context";
import { log, Report } from "./lib/report";
import { faultsPart } from "./parts/faults";
import { fuzzPart } from "./parts/fuzz";
import { generatePart } from "./parts/generate";
import { leaksPart } from "./parts/leaks";
import { overheadPart } from "./parts/overhead";
import { rateLimitPart } from "./parts/ratelimit";
import { requestsPart } from "./parts/requests";
import { scalePart } from "./parts/scale";
import { sizePart } from "./parts/size";
import { throughputPart } from "./parts/throughput";

type Part = (ctx: BenchContext, report: Report) => Promise<void>;

const PARTS: [string, string, Part][] = [
  ["requests", "1. Requests per operation (emulator log, real provider host)", requestsPart],
  ["overhead", "2. Provider overhead vs a bare request; cold start", overheadPart],
  ["size", "3. __provider size: installed package vs a local copy", sizePart],
  ["scale", "4. Scale: 100 and 1,000 credentials vs no-op dynamic resources", scalePart],
  ["ratelimit", "5. Rate limits: 429 + Retry-After: 1 on 20% of requests", rateLimitPart],
  ["throughput", "5b. Throughput at a rate limit: 1,000 credentials, limiter on and off", throughputPart],
  ["faults", "6. Fault matrix: operation x fault", faultsPart],
  ["fuzz", "7. Property-based fuzzing of check", fuzzPart],
  ["leaks", "8. Leak scan over everything the run produced", leaksPart],
  ["generate", "9. pulumi-api-credentials generate against 1,000 credentials", generatePart],
];

function parseArgs(argv: string[]): {
  only: string[];
  quick: boolean;
  seed: number;
  keep: boolean;
  profile: boolean;
} {
  let only = PARTS.map(([key]) => key);
  let quick = false;
  let keep = false;
  let profile = false;
  let seed = 20261123;
  for (const arg of argv) {
    if (arg.startsWith("--only=")) {
      only = arg
        .slice("--only=".length)
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean);
      const unknown = only.filter((k) => !PARTS.some(([key]) => key === k));
      if (unknown.length) {
        throw new Error(`unknown part(s) ${unknown.join(", ")}; parts: ${PARTS.map(([k]) => k).join(", ")}`);
      }
    } else if (arg === "--quick") quick = true;
    else if (arg === "--keep") keep = true;
    else if (arg === "--profile") profile = true;
    else if (arg.startsWith("--seed=")) seed = Number(arg.slice("--seed=".length));
    else throw new Error(`unknown argument ${arg}`);
  }
  if (!Number.isSafeInteger(seed)) throw new Error("--seed must be an integer");
  return { only, quick, seed, keep, profile };
}

async function main(): Promise<number> {
  const started = performance.now();
  const args = parseArgs(process.argv.slice(2));
  const report = new Report();
  log(
    `bench: ${new Date().toISOString()}  node ${process.version}  ${os.availableParallelism()} CPUs  ` +
      `${Math.round(os.totalmem() / 2 ** 30)} GiB  seed ${args.seed}${args.quick ? "  (quick)" : ""}`,
  );
  log(`parts: ${args.only.join(", ")}`);
  log(
    "No Pulumi CLI here: the engine path is tests/integration/harness (real SDK serializer + real provider host).",
  );
  const ctx = await BenchContext.create(args);
  log(`package installed from ${ctx.installed.tarball} into ${ctx.installed.programDir}`);
  try {
    for (const [key, title, part] of PARTS) {
      if (!args.only.includes(key)) continue;
      const partStart = performance.now();
      log(`\n== ${title}`);
      try {
        await part(ctx, report);
      } catch (e) {
        report.fail(
          `${title.split(".")[0]} ${key}`,
          `${key} did not finish`,
          (e as Error).stack ?? String(e),
        );
      }
      log(`   (${((performance.now() - partStart) / 1000).toFixed(1)} s)`);
    }
  } finally {
    await ctx.close();
  }
  const seconds = (performance.now() - started) / 1000;
  log("\n== Figures\n");
  log(report.table());
  for (const { title, body } of report.sections) log(`\n${title}\n\n${body}`);
  const failed = report.failures();
  log(`\nbench finished in ${seconds.toFixed(1)} s (after the build), seed ${args.seed}.`);
  if (failed.length) {
    log(`\n${failed.length} target(s) missed:`);
    for (const f of failed)
      log(`- ${f.part} / ${f.name}: ${f.value} (target ${f.target})${f.why ? `\n  ${f.why}` : ""}`);
    return 1;
  }
  log("Every target met.");
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`bench: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(2);
  },
);
