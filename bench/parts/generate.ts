// Part 9: `pulumi-api-credentials generate` (the installed package's CLI) against an estate of 1,000
// credentials seeded into an emulator of its own: wall time, the requests it makes (the floor is one GET
// per list page of each service; no GET per credential, no write) and its peak memory. Then the same with
// a small page size, to show the requests follow the pages and nothing else.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";
import { startEmulator } from "../../emulator";
import { pemKeys, seedEstate } from "../../tests/integration/estate";
import { BenchContext } from "../lib/context";
import { Report } from "../lib/report";

const run = promisify(execFile);
const PART = "9 generate";
const SUBACCOUNT = "AC0000000000000000000000000000beef";
/** The services' largest page sizes: the generator's defaults. */
const TINES_PAGE = 500;
const TWILIO_PAGE = 1000;

/**
 * Runs the installed CLI in a process of its own, under a wrapper that reports the process's peak RSS
 * (getrusage's maxrss) once the command is done.
 */
async function generateOnce(cli: string, args: string[], env: NodeJS.ProcessEnv) {
  const wrapper =
    `const { main } = require(${JSON.stringify(cli)});` +
    "main(process.argv.slice(1)).then((code) => {" +
    "process.stderr.write(`MAXRSS_KB ${process.resourceUsage().maxRSS}\\n`); process.exitCode = code; });";
  const started = performance.now();
  const { stdout, stderr } = await run(process.execPath, ["-e", wrapper, "--", ...args], {
    env,
    maxBuffer: 64 * 1024 * 1024,
  });
  const ms = performance.now() - started;
  const maxRssKb = Number(/MAXRSS_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
  return { ms, maxRssKb, stdout };
}

export async function generatePart(ctx: BenchContext, report: Report): Promise<void> {
  const total = ctx.options.quick ? 200 : 1000;
  // Live Tines credentials with a test credential for every seventh, the rest Twilio: `total` in all.
  const tinesLive = Math.round(total * 0.77);
  const emulator = await startEmulator({ port: 0, twilioSubaccounts: [SUBACCOUNT] });
  const out = path.join(ctx.dir, "generated");
  try {
    const keys = pemKeys();
    const seeded = seedEstate(emulator, { tines: tinesLive, twilio: 0, subaccount: SUBACCOUNT, keys });
    const twilioCount = total - seeded.tinesIds.length;
    const more = seedEstate(emulator, {
      tines: 0,
      twilio: twilioCount,
      subaccount: SUBACCOUNT,
      keys: undefined,
    });
    const tinesCount = seeded.tinesIds.length;
    const secrets = [...seeded.secrets, ...more.secrets];
    const cli = path.join(
      ctx.installed.programDir,
      "node_modules",
      "pulumi-api-credentials",
      "dist",
      "generator",
      "cli.js",
    );
    const env = {
      PATH: process.env.PATH,
      TINES_API_KEY: emulator.settings.tinesApiKey,
      TWILIO_ACCOUNT_SID: emulator.settings.twilioAccountSid,
      TWILIO_AUTH_TOKEN: emulator.settings.twilioAuthToken,
    };
    const args = (pageSize?: number) => [
      ...["generate", "--out", out, "--force", "--tines-tenant", emulator.url],
      ...["--twilio-accounts-url", emulator.url, "--twilio-subaccount", SUBACCOUNT],
      ...(pageSize ? ["--page-size", String(pageSize)] : []),
    ];

    for (const pageSize of [undefined, 50]) {
      emulator.clearLog();
      const result = await generateOnce(cli, args(pageSize), env);
      const calls = emulator.log.filter((e) => e.service !== "control");
      const floor =
        Math.ceil(tinesCount / Math.min(pageSize ?? TINES_PAGE, TINES_PAGE)) +
        Math.ceil(twilioCount / Math.min(pageSize ?? TWILIO_PAGE, TWILIO_PAGE));
      const lists = calls.filter(
        (e) =>
          e.method === "GET" && (e.path === "/api/v1/user_credentials" || e.path === "/v1/Credentials/AWS"),
      );
      const label = pageSize ? `page size ${pageSize}` : "default page sizes";
      const written = Number(/Wrote (\d+) resource/.exec(result.stdout)?.[1] ?? NaN);
      report.check(
        PART,
        `requests, ${total} credentials (${tinesCount} Tines, ${twilioCount} Twilio), ${label}`,
        `${calls.length} (${lists.length} list pages)`,
        `= ${floor} list pages, no other request`,
        calls.length === floor && lists.length === floor,
        calls
          .filter((e) => !lists.includes(e))
          .slice(0, 5)
          .map((e) => `${e.method} ${e.path}`)
          .join(", ") || `expected ${floor} list pages`,
      );
      report.info(
        PART,
        `wall time (${label}), CLI process start to exit`,
        `${(result.ms / 1000).toFixed(2)} s`,
      );
      report.info(
        PART,
        `peak RSS of the CLI process (${label})`,
        `${(result.maxRssKb / 1024).toFixed(0)} MiB`,
      );
      report.check(PART, `resources written (${label})`, String(written), `= ${total}`, written === total);
    }
    const files = ["index.ts", "SECRETS.md"].map((f) => fs.readFileSync(path.join(out, f), "utf8"));
    report.info(
      PART,
      "index.ts size",
      `${(Buffer.byteLength(files[0]) / 1024).toFixed(0)} kB, ${files[0].split("\n").length} lines`,
    );
    const leaked = secrets.filter((s) => files.some((text) => text.includes(s))).length;
    report.check(
      PART,
      "secrets of the estate found in the generated files",
      String(leaked),
      "0",
      leaked === 0,
    );
  } finally {
    await emulator.stop();
    fs.rmSync(out, { recursive: true, force: true });
  }
}
