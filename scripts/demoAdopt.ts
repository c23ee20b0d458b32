// The demo's second act: the records the first act just created, copied into a second emulator as an
// estate that already exists, then `pulumi-api-credentials generate` (the installed package's CLI) writes
// the program that adopts them, tsc compiles it against the installed package, and the engine-path
// harness runs it: every credential adopted, then a preview with no change and no API request.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { startEmulator, type Emulator, type TinesRecord, type TwilioRecord } from "../emulator";
import { EngineHarness, type InstalledProgram, type Step } from "../tests/integration/harness";
import { configKeys, heldValues } from "../tests/integration/estate";
import { repoRoot } from "./demoProgram";

const run = promisify(execFile);

/** What the first act created, as the emulator stores it (secrets included: they seed the copy). */
export interface CreatedRecords {
  tines: TinesRecord[];
  twilio: TwilioRecord[];
}

export const createdRecords = (emulator: Emulator): CreatedRecords => ({
  tines: emulator.tines.list(),
  twilio: emulator.twilio.list(),
});

/** The fields the store makes itself (or answers only), left out when seeding a copy. */
const MADE_BY_THE_STORE = ["id", "created_at", "updated_at", "slug", "owner", "restriction_type"];

/**
 * A second emulator holding the same credentials: same names, fields and secrets, test credentials linked
 * to the copies of their live ones. Ids may differ; nothing refers to the first act's.
 */
async function copyInto(records: CreatedRecords, subaccounts: string[]): Promise<Emulator> {
  const emulator = await startEmulator({ port: 0, twilioSubaccounts: subaccounts });
  const newId = new Map<number, number>();
  for (const record of records.tines) {
    const body: Record<string, unknown> = { ...record };
    for (const field of MADE_BY_THE_STORE) delete body[field];
    if (record.live_credential_id !== undefined)
      body.live_credential_id = newId.get(record.live_credential_id);
    newId.set(record.id, emulator.tines.seed(body).id);
  }
  for (const record of records.twilio) {
    emulator.twilio.seed({
      Credentials: record.credentials,
      ...(record.friendly_name === null ? {} : { FriendlyName: record.friendly_name }),
      AccountSid: record.account_sid,
    });
  }
  return emulator;
}

function printSteps(steps: Step[]): void {
  const byOp = new Map<string, number>();
  for (const s of steps) byOp.set(s.op, (byOp.get(s.op) ?? 0) + 1);
  console.log(`    ${[...byOp].map(([op, n]) => `${n} ${op}`).join(", ")}`);
}

function apiRequests(emulator: Emulator, from: number): string {
  const calls = emulator.log.slice(from).filter((e) => e.service !== "control");
  const byMethod = new Map<string, number>();
  for (const c of calls) byMethod.set(c.method, (byMethod.get(c.method) ?? 0) + 1);
  return `${calls.length} API requests${calls.length ? ` (${[...byMethod].map(([m, n]) => `${n} ${m}`).join(", ")})` : ""}`;
}

/** Act 2. `step` prints a timed heading; `dir` receives the generated program. */
export async function adoptAct(
  records: CreatedRecords,
  installed: InstalledProgram,
  dir: string,
  step: (text: string) => void,
): Promise<void> {
  const total = records.tines.length + records.twilio.length;
  step(`act 2: adopt the ${total} credentials act 1 created, as a team with an existing estate would`);
  const subaccounts = [...new Set(records.twilio.map((r) => r.account_sid))];
  const emulator = await copyInto(records, subaccounts);
  let harness: EngineHarness | undefined;
  try {
    console.log(`    a second emulator on ${emulator.url} holds a copy of them (fields and secrets)`);
    const main = emulator.settings.twilioAccountSid;
    const flags = [
      ...["generate", "--out", path.relative(repoRoot, dir), "--force", "--tines-tenant", emulator.url],
      ...["--twilio-accounts-url", emulator.url, "--project", "adopted-credentials"],
      ...subaccounts.filter((sid) => sid !== main).flatMap((sid) => ["--twilio-subaccount", sid]),
    ];
    const env = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      TINES_API_KEY: emulator.settings.tinesApiKey,
      TWILIO_ACCOUNT_SID: main,
      TWILIO_AUTH_TOKEN: emulator.settings.twilioAuthToken,
    };
    step(
      `npx pulumi-api-credentials generate --out ${path.relative(repoRoot, dir)} (lists only: it changes nothing)`,
    );
    const bin = path.join(installed.programDir, "node_modules", ".bin", "pulumi-api-credentials");
    const before = emulator.log.length;
    const cli = await run(bin, flags, { env, cwd: repoRoot });
    for (const line of cli.stdout.trim().split("\n")) console.log(`    ${line}`);
    console.log(`    ${apiRequests(emulator, before)}`);
    const indexTs = fs.readFileSync(path.join(dir, "index.ts"), "utf8");
    const shown = indexTs.split("\n").slice(0, 32);
    console.log(
      `\n  ${path.relative(repoRoot, dir)}/index.ts (first ${shown.length} of ${indexTs.split("\n").length} lines):`,
    );
    for (const line of shown) console.log(`    | ${line}`);

    step("tsc: compile the generated program against the installed package");
    fs.rmSync(path.join(dir, "node_modules"), { force: true });
    fs.symlinkSync(path.join(installed.programDir, "node_modules"), path.join(dir, "node_modules"), "dir");
    const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
    await run(process.execPath, [
      tsc,
      "-p",
      dir,
      "--typeRoots",
      path.join(repoRoot, "node_modules", "@types"),
    ]);

    // The keys SECRETS.md lists, set to what the records hold (as a user who holds their secrets would).
    const keys = configKeys(indexTs);
    const values = heldValues(emulator, keys);
    const config: Record<string, string> = {
      "tines:tenant": emulator.url,
      "tines:apiKey": emulator.settings.tinesApiKey,
      "twilio:accountSid": main,
      "twilio:authToken": emulator.settings.twilioAuthToken,
      "twilio:accountsUrl": emulator.url,
    };
    for (const [key, value] of values) config[`adopted-credentials:${key}`] = value;
    const secretConfigKeys = [
      "tines:apiKey",
      "twilio:authToken",
      ...keys.filter((k) => k.secret).map((k) => `adopted-credentials:${k.key}`),
    ];
    step(
      `[harness] up: set the ${values.size} keys SECRETS.md lists, then adopt (a GET each, a PUT per declared Tines secret)`,
    );
    harness = await EngineHarness.start({
      programDir: installed.programDir,
      project: "adopted-credentials",
      config,
      secretConfigKeys,
    });
    const program = path.join(dir, "bin", "index.js");
    let from = emulator.log.length;
    const up = await harness.up(program);
    if (!up.ok) throw new Error(`adopting the generated program failed:\n  ${up.errors.join("\n  ")}`);
    printSteps(up.steps);
    console.log(`    ${apiRequests(emulator, from)}; nothing created or deleted`);

    step("[harness] preview the generated program again: expect no changes and no API request");
    from = emulator.log.length;
    const preview = await harness.up(program, { preview: true });
    if (!preview.ok) throw new Error(`the preview failed:\n  ${preview.errors.join("\n  ")}`);
    const changed = preview.steps.filter((s) => s.op !== "same");
    console.log(
      `    ${preview.steps.length - changed.length} unchanged, ${changed.length} to change, ${apiRequests(emulator, from)}`,
    );
    if (changed.length > 0 || emulator.log.length > from) {
      throw new Error("the preview of the adopted program was expected to change nothing");
    }
  } finally {
    await harness?.stop();
    await emulator.stop();
  }
}
