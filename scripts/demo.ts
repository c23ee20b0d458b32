// `npm run demo [-- --destroy]`: deploys examples/main (the composed credential resources) against the local
// emulator and shows what the APIs received. A second act (scripts/demoAdopt.ts) then treats what it
// created as an existing estate: `pulumi-api-credentials generate` writes the program that adopts it,
// which the engine-path harness adopts, then previews with no change.
//
// With a Pulumi CLI (`pulumi` on PATH and `pulumi version` works): the real `pulumi up --yes --refresh` of
// the program, installed from the package tarball into .demo/program, with a local file backend in
// .pulumi-state/ (PULUMI_BACKEND_URL; the user's own login is untouched), a fixed demo passphrase and no
// update checks. The emulator keeps its records in .demo/emulator-state.json between runs, so a later
// `npm run demo -- --destroy` runs `pulumi destroy` against the same stack and records.
//
// Without one (as on machines where no registry ships it): one line says so, and the same program folder
// runs through the engine-path harness (tests/integration/harness: the real SDK serializes the program's
// registrations under setMocks, @pulumi/pulumi's real dynamic provider host runs the providers, the harness
// plays the engine). Its state lives only in this process and the emulator only in memory, so nothing
// outlives the run; `--destroy` destroys the stack at the end of the same run and shows the emulator empty.
import * as fs from "fs";
import * as path from "path";
import { startEmulator, type Emulator } from "../emulator";
import { EngineHarness, type JsonObject, type Step, UNKNOWN } from "../tests/integration/harness";
import { adoptAct, createdRecords, type CreatedRecords } from "./demoAdopt";
import { compileExamples, PROJECT, prepareProgram, repoRoot } from "./demoProgram";
import { detectPulumiCli, runPulumi, setConfig, type PulumiSession } from "./pulumiCli";
import { startRecordingProxy, SECRET, type RecordedRequest, type RecordingProxy } from "./recordingProxy";

const STACK = "demo";
const DEMO_DIR = path.join(repoRoot, ".demo");
const PROGRAM_DIR = path.join(DEMO_DIR, "program");
const BUILD_DIR = path.join(DEMO_DIR, "build");
const ADOPTED_DIR = path.join(DEMO_DIR, "adopted");
const EMULATOR_STATE = path.join(DEMO_DIR, "emulator-state.json");
const BACKEND_DIR = path.join(repoRoot, ".pulumi-state");
/** The demo stack holds emulator values only; a fixed passphrase keeps reruns non-interactive. */
const PASSPHRASE = "pulumi-api-credentials-demo";
/** AWS's documented example key pair: clearly not a real key. */
const DEMO_AWS = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };

const started = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
function step(text: string): void {
  console.log(`==> ${text}  [${secs(Date.now() - started)}]`);
}
const rel = (p: string) => path.relative(repoRoot, p) || ".";

interface Options {
  destroy: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { destroy: false };
  for (const a of argv) {
    if (a === "--destroy") opts.destroy = true;
    else if (a === "-h" || a === "--help") {
      console.log(
        "usage: npm run demo [-- --destroy]\n\n" +
          "Deploys examples/main against the local emulator (the real `pulumi up` when a Pulumi CLI is on\n" +
          "PATH, else the engine-path harness) and prints what the APIs received.\n" +
          "  --destroy   with a CLI: `pulumi destroy` the demo stack left by an earlier run;\n" +
          "              without: deploy, then destroy in the same run (its state lives only in the run).",
      );
      process.exit(0);
    } else throw new Error(`unknown argument ${a} (try --help)`);
  }
  return opts;
}

/** The stack config: connection settings pointing at the emulator (through the recording proxy). */
function stackConfig(url: string, emulator: Emulator) {
  const config: Record<string, string> = {
    "tines:tenant": url,
    "tines:apiKey": emulator.settings.tinesApiKey,
    "twilio:accountSid": emulator.settings.twilioAccountSid,
    "twilio:authToken": emulator.settings.twilioAuthToken,
    "twilio:accountsUrl": url,
    [`${PROJECT}:tinesTeamId`]: "1",
    [`${PROJECT}:awsAccessKeyId`]: DEMO_AWS.id,
    [`${PROJECT}:awsSecretAccessKey`]: DEMO_AWS.secret,
  };
  const secretKeys = [
    "tines:apiKey",
    "twilio:authToken",
    `${PROJECT}:awsAccessKeyId`,
    `${PROJECT}:awsSecretAccessKey`,
  ];
  return { config, secretKeys, secretValues: secretKeys.map((k) => config[k]) };
}

// ---- printing -------------------------------------------------------------------------------------------

function wrapFields(body: unknown, indent: string, width = 104): string {
  if (body === undefined) return `${indent}(no body)`;
  if (typeof body !== "object" || body === null || Array.isArray(body)) return indent + JSON.stringify(body);
  // A PEM (a certificate: not secret, but long) is shown by its first line and length, as in the outputs.
  const parts = Object.entries(body).map(([k, v]) => `${k}: ${isPem(v) ? showValue(v) : JSON.stringify(v)}`);
  const lines: string[] = [];
  let line = "";
  for (const p of parts) {
    if (line && indent.length + line.length + p.length + 2 > width) {
      lines.push(line + ",");
      line = p;
    } else line = line ? `${line}, ${p}` : p;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join("\n");
}

const isPem = (v: unknown): v is string => typeof v === "string" && v.includes("-----BEGIN");

function showValue(v: unknown): string {
  if (isPem(v)) return `${v.split("\n")[0]} … (${v.length} chars)`;
  if (v === UNKNOWN) return "(unknown)";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function printOutputs(outputs: JsonObject, secretKeys: string[]): void {
  console.log("\nStack outputs:");
  for (const k of Object.keys(outputs).sort()) {
    console.log(`  ${k}: ${secretKeys.includes(k) ? SECRET : showValue(outputs[k])}`);
  }
}

function describeRequests(requests: RecordedRequest[], id: string, indent: string): string[] {
  const lines: string[] = [];
  const creates = requests.filter((r) => r.method === "POST" && r.answeredId === id && r.status < 300);
  const mine = requests.filter((r) => r.path.split("/").includes(id));
  if (creates.length === 0 && mine.length === 0) lines.push(`${indent}(no request in this run)`);
  for (const r of [...creates, ...mine.filter((r) => r.method !== "GET")]) {
    lines.push(`${indent}sent: ${r.method} ${r.path} -> ${r.status}`);
    lines.push(wrapFields(r.body, `${indent}  `));
  }
  const reads = mine.filter((r) => r.method === "GET").length;
  if (reads) lines.push(`${indent}+ ${reads} GET ${reads === 1 ? "request" : "requests"} (read/refresh)`);
  return lines;
}

function printEmulatorSummary(emulator: Emulator, proxy: RecordingProxy): void {
  const tines = emulator.tines.list();
  const twilio = emulator.twilio.list();
  console.log(`\nWhat the emulator holds now (${emulator.url}; secrets shown as ${SECRET}):`);
  console.log(`  Tines user credentials: ${tines.length}`);
  for (const r of tines) {
    console.log(
      `    id ${r.id}  ${r.mode.padEnd(4)} ${r.name}  (team ${r.team_id}, read_access ${r.read_access})`,
    );
    for (const l of describeRequests(proxy.requests, String(r.id), "      ")) console.log(l);
  }
  console.log(`  Twilio AWS credentials: ${twilio.length}`);
  for (const r of twilio) {
    console.log(`    sid ${r.sid}  "${r.friendly_name ?? ""}"  (account ${r.account_sid})`);
    for (const l of describeRequests(proxy.requests, r.sid, "      ")) console.log(l);
  }
  const byMethod = new Map<string, number>();
  for (const r of proxy.requests) byMethod.set(r.method, (byMethod.get(r.method) ?? 0) + 1);
  const counts = [...byMethod].map(([m, n]) => `${n} ${m}`).join(", ");
  console.log(`  API requests this run: ${proxy.requests.length}${counts ? ` (${counts})` : ""}`);
}

function printSteps(steps: Step[]): void {
  for (const s of steps) {
    const [, , type, name] = s.urn.split("::");
    const sign = { create: "+", update: "~", replace: "+-", same: "=", delete: "-", import: "=>" }[s.op];
    const id = s.op === "replace" ? `${s.oldId} -> ${s.id}` : s.id;
    console.log(`    ${sign} ${s.op.padEnd(7)} ${type.replace("pulumi-nodejs:dynamic/", "")} ${name}  ${id}`);
    if (s.error) console.log(`      error: ${s.error}`);
  }
}

function printNextSteps(viaCli: boolean, destroyed: boolean): void {
  console.log(`
Next steps
  Point the same program at a real Tines tenant and Twilio account (only stack config changes):
    cd <your Pulumi program>      # or this repository's root Pulumi.yaml, see examples/README.md
    pulumi config set tines:tenant your-tenant.tines.com
    pulumi config set --secret tines:apiKey <Tines API key>
    pulumi config set twilio:accountSid AC...
    pulumi config set --secret twilio:authToken <Twilio auth token>
    pulumi config rm twilio:accountsUrl          # the emulator needed it; Twilio does not
    pulumi config set tinesTeamId <your team id>
    pulumi config set --secret awsAccessKeyId AKIA...
    pulumi config set --secret awsSecretAccessKey <secret access key>
    pulumi up`);
  if (viaCli) {
    console.log(
      destroyed
        ? "  The demo stack is destroyed and removed; `npm run demo` deploys it again."
        : `  Inspect the demo stack: cd ${rel(PROGRAM_DIR)} && PULUMI_BACKEND_URL=file://${BACKEND_DIR} ` +
            `PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE} pulumi stack output --show-secrets\n` +
            "  Tear down: npm run demo -- --destroy   (pulumi destroy against the same backend and emulator records)",
    );
  } else {
    console.log(
      destroyed
        ? "  Destroyed at the end of this run: the emulator holds no credential any more."
        : "  Tear down: nothing is left to tear down. The harness keeps the stack's state in this process and the\n" +
            "  emulator keeps records in memory; both ended with the run. `npm run demo -- --destroy` deploys and\n" +
            "  then destroys in one run, to show destroy leaving the emulator empty.",
    );
  }
}

// ---- the two ways to deploy -----------------------------------------------------------------------------

async function viaHarness(
  opts: Options,
  emulator: Emulator,
  proxy: RecordingProxy,
  cfg: ReturnType<typeof stackConfig>,
): Promise<CreatedRecords> {
  step("start @pulumi/pulumi's dynamic provider host in the program folder; Configure with the stack config");
  const harness = await EngineHarness.start({
    programDir: PROGRAM_DIR,
    config: cfg.config,
    secretConfigKeys: cfg.secretKeys,
    project: PROJECT,
    stack: STACK,
  });
  const fail = (what: string, errors: string[]) => {
    const host = harness.hostOutput().trim();
    return new Error(
      `${what} failed:\n  ${errors.join("\n  ")}${host ? `\nprovider host output:\n${host}` : ""}`,
    );
  };
  try {
    step("[harness] preview (Check only: no API request)");
    const preview = await harness.up("index.js", { preview: true });
    if (!preview.ok) throw fail("preview", preview.errors);
    printSteps(preview.steps);

    step(
      "[harness] up: Check -> Create for each resource, in dependency order (API requests as they happen)",
    );
    const up = await harness.up("index.js");
    if (!up.ok) throw fail("up", up.errors);
    printSteps(up.steps);
    printOutputs(up.outputs, up.secretOutputs);
    const created = createdRecords(emulator);

    step("[harness] preview again: expect no changes and no API request");
    const before = proxy.requests.length;
    const again = await harness.up("index.js", { preview: true });
    if (!again.ok) throw fail("second preview", again.errors);
    const changed = again.steps.filter((s) => s.op !== "same");
    const requests = proxy.requests.length - before;
    console.log(
      `    ${again.steps.length - changed.length} unchanged, ${changed.length} to change, ${requests} API requests`,
    );
    if (changed.length || requests) throw new Error("the second preview was expected to change nothing");

    printEmulatorSummary(emulator, proxy);

    if (opts.destroy) {
      step("[harness] destroy: Delete each resource, reverse order");
      const destroyed = await harness.destroy();
      if (!destroyed.ok) throw fail("destroy", destroyed.errors);
      printSteps(destroyed.steps);
      const left = emulator.tines.list().length + emulator.twilio.list().length;
      console.log(`    emulator now holds ${left} credentials`);
      if (left) throw new Error("destroy left credentials in the emulator");
    }
    return created;
  } finally {
    await harness.stop();
  }
}

async function viaCli(
  opts: Options,
  emulator: Emulator,
  proxy: RecordingProxy,
  cfg: ReturnType<typeof stackConfig>,
): Promise<CreatedRecords | undefined> {
  const session: PulumiSession = { backendDir: BACKEND_DIR, passphrase: PASSPHRASE, cwd: PROGRAM_DIR };
  fs.mkdirSync(BACKEND_DIR, { recursive: true });
  if (opts.destroy) {
    const selected = await runPulumi(session, ["stack", "select", STACK], { allowFailure: true });
    if (selected.code !== 0) {
      console.log(`    no demo stack in ${rel(BACKEND_DIR)}: nothing to destroy`);
      return undefined;
    }
    await setConfig(session, STACK, cfg.config, cfg.secretKeys);
    step("pulumi destroy --yes");
    await runPulumi(session, ["destroy", "--yes", "--stack", STACK], { echo: true });
    await runPulumi(session, ["stack", "rm", "--yes", STACK]);
    printEmulatorSummary(emulator, proxy);
    return undefined;
  }
  step(
    `pulumi stack select --create ${STACK}; pulumi config set-all (emulator URL, emulator keys, demo AWS pair)`,
  );
  await runPulumi(session, ["stack", "select", "--create", STACK]);
  await setConfig(session, STACK, cfg.config, cfg.secretKeys);

  step("pulumi up --yes --refresh");
  await runPulumi(session, ["up", "--yes", "--refresh", "--stack", STACK], { echo: true });

  const out = await runPulumi(session, ["stack", "output", "--json", "--stack", STACK]);
  const outputs = JSON.parse(out.stdout) as JsonObject;
  printOutputs(
    outputs,
    Object.keys(outputs).filter((k) => outputs[k] === SECRET),
  );

  step("pulumi preview --expect-no-changes (expect no API request)");
  const before = proxy.requests.length;
  await runPulumi(session, ["preview", "--expect-no-changes", "--stack", STACK]);
  console.log(`    no changes, ${proxy.requests.length - before} API requests`);

  printEmulatorSummary(emulator, proxy);
  return createdRecords(emulator);
}

// ---- main -----------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const version = (
    JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { version: string }
  ).version;
  console.log(
    `pulumi-api-credentials ${version} demo: deploy examples/main against the local Tines + Twilio emulator` +
      (opts.destroy ? ", then tear it down" : ""),
  );

  const cli = await detectPulumiCli();
  if (cli.available)
    step(`Pulumi CLI ${cli.version}: using the real \`pulumi up\`, file backend ${rel(BACKEND_DIR)}/`);
  else {
    console.log(
      `demo: no Pulumi CLI here (${cli.reason}), so \`pulumi up\` cannot run; running the same program through ` +
        "the ENGINE-PATH HARNESS instead (real SDK serializer + real dynamic provider host; the harness plays the engine).",
    );
  }

  step(`compile examples/ against the built package -> ${rel(BUILD_DIR)}/`);
  await compileExamples(BUILD_DIR);

  step("npm pack the package and install the tarball into a program folder (reused while unchanged)");
  const program = await prepareProgram(PROGRAM_DIR, path.join(BUILD_DIR, "main"));
  console.log(
    `    ${rel(PROGRAM_DIR)}/ = examples/main compiled + ${path.basename(program.installed.tarball)} installed in ` +
      `${rel(program.installed.programDir)}/ (${program.installed.reused ? "reused" : "fresh install"}, ` +
      `${secs(program.installed.ms)})`,
  );

  // With the CLI, the emulator keeps its records between runs next to the stack's state.
  if (!cli.available || (!opts.destroy && !fs.existsSync(EMULATOR_STATE))) {
    fs.rmSync(EMULATOR_STATE, { force: true });
  }
  const emulator = await startEmulator({ port: 0, ...(cli.available ? { stateFile: EMULATOR_STATE } : {}) });
  let cfg: ReturnType<typeof stackConfig> = stackConfig("", emulator);
  const proxy = await startRecordingProxy(
    emulator.url,
    () => cfg.secretValues,
    cli.available ? undefined : (r) => console.log(`      API ${r.method} ${r.path} -> ${r.status}`),
  );
  cfg = stackConfig(proxy.url, emulator);
  step(
    `emulator on ${emulator.url} (request bodies recorded through ${proxy.url}, which the stack config names)`,
  );

  let created: CreatedRecords | undefined;
  try {
    if (cli.available) created = await viaCli(opts, emulator, proxy, cfg);
    else created = await viaHarness(opts, emulator, proxy, cfg);
    if (cli.available && opts.destroy) fs.rmSync(EMULATOR_STATE, { force: true });
  } finally {
    await proxy.stop();
    await emulator.stop();
  }

  // Act 2 runs on its own emulator: it needs nothing of act 1 but the records it created.
  if (created) await adoptAct(created, program.installed, ADOPTED_DIR, step);

  const held = emulator.tines.list().length + emulator.twilio.list().length;
  console.log(
    `\n${cli.available ? "Deployed with the Pulumi CLI" : "Deployed through the ENGINE-PATH HARNESS (no Pulumi CLI)"}` +
      `${opts.destroy ? ", then destroyed" : ""}: ${held} credentials in the emulator, ${secs(Date.now() - started)}.`,
  );
  printNextSteps(cli.available, opts.destroy);
}

main().catch((e: unknown) => {
  console.error(`\ndemo FAILED: ${e instanceof Error ? e.message : String(e)}`);
  process.exitCode = 1;
});
