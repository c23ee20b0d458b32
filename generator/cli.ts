#!/usr/bin/env node
// pulumi-api-credentials: the package's command line. `generate` writes a Pulumi program that adopts
// every existing credential (see generator/index.ts).
import { parseArgs } from "node:util";
import { generate, GenerateOptions, WriteError } from "./index";
import { summary } from "./summary";

export const USAGE = `Usage: pulumi-api-credentials generate --out <dir> [options]

Reads every Tines credential and every Twilio AWS credential the configured keys can list
(list requests only: nothing is changed in either service) and writes a Pulumi TypeScript
program to <dir> that adopts each one: Pulumi.yaml, package.json, tsconfig.json, index.ts
and SECRETS.md (the stack config key of every secret input; no secret is ever written).

Options:
  --out <dir>                     where to write the program (required)
  --only <tines|twilio>           read one service only
  --tines-tenant <origin>         the Tines tenant               [env TINES_TENANT]
  --tines-team <id>               only this team's credentials (repeatable)
  --twilio-accounts-url <origin>  the Twilio accounts host       [env TWILIO_ACCOUNTS_URL,
                                  or TWILIO_REGION / TWILIO_EDGE; default https://accounts.twilio.com]
  --twilio-subaccount <AC…|all>   also adopt this subaccount's credentials (repeatable)
  --keep-stored-secrets           declare no secret: each adopted credential keeps what its
                                  service stores (no secret to set; declare one to manage it)
  --project <name>                the Pulumi project name        [default adopted-credentials]
  --page-size <n>                 list page size, 1-1000         [default each API's maximum]
  --force                         overwrite the program files already in <dir>
  -h, --help                      print this help

Keys come from the environment, as for the provider: TINES_API_KEY; TWILIO_ACCOUNT_SID with
TWILIO_AUTH_TOKEN, or TWILIO_API_KEY with TWILIO_API_SECRET. TINES_TIMEOUT_MS,
TINES_MAX_RETRIES, TWILIO_TIMEOUT_MS, TWILIO_MAX_RETRIES and HTTPS_PROXY / NO_PROXY apply too.
`;

/** A command line that cannot run: the message says which flag and why. */
export class UsageError extends Error {}

const positiveInteger = (flag: string, raw: string, max = Number.MAX_SAFE_INTEGER): number => {
  const n = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!(n >= 1 && n <= max)) {
    throw new UsageError(`${flag} must be a whole number from 1 to ${max}, got ${JSON.stringify(raw)}`);
  }
  return n;
};

/** Parses `generate`'s arguments (after the subcommand). Throws UsageError on bad input. */
export function parseGenerateArgs(argv: string[]): GenerateOptions | "help" {
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string" },
        only: { type: "string" },
        "tines-tenant": { type: "string" },
        "tines-team": { type: "string", multiple: true },
        "twilio-accounts-url": { type: "string" },
        "twilio-subaccount": { type: "string", multiple: true },
        "keep-stored-secrets": { type: "boolean" },
        project: { type: "string" },
        "page-size": { type: "string" },
        force: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  const text = (name: string) => values[name] as string | undefined;
  const list = (name: string) => (values[name] as string[] | undefined) ?? [];
  const out = text("out");
  if (out === undefined || out === "")
    throw new UsageError("--out <dir> is required: where to write the program");
  const only = text("only");
  if (only !== undefined && only !== "tines" && only !== "twilio") {
    throw new UsageError(`--only must be tines or twilio, got ${JSON.stringify(only)}`);
  }
  const subaccounts = list("twilio-subaccount");
  for (const sid of subaccounts) {
    if (sid !== "all" && !/^AC[0-9a-fA-F]{32}$/.test(sid)) {
      throw new UsageError(
        `--twilio-subaccount must be an account SID (AC + 32 hex digits) or all, got ${JSON.stringify(sid)}`,
      );
    }
  }
  const teams = list("tines-team").map((raw) => positiveInteger("--tines-team", raw));
  if (only === "twilio" && teams.length > 0)
    throw new UsageError("--tines-team cannot be used with --only twilio");
  if (only === "tines" && subaccounts.length > 0) {
    throw new UsageError("--twilio-subaccount cannot be used with --only tines");
  }
  const project = text("project") ?? "adopted-credentials";
  if (!/^[A-Za-z0-9_.-]{1,100}$/.test(project)) {
    throw new UsageError(
      `--project must be letters, digits, -, _ and . (a Pulumi project name), got ${JSON.stringify(project)}`,
    );
  }
  const pageSize = text("page-size");
  return {
    out,
    only: only as GenerateOptions["only"],
    tinesTenant: text("tines-tenant"),
    twilioAccountsUrl: text("twilio-accounts-url"),
    tinesTeams: [...new Set(teams)],
    twilioSubaccounts: subaccounts.includes("all") ? "all" : [...new Set(subaccounts)],
    keepStoredSecrets: values["keep-stored-secrets"] === true,
    project,
    pageSize: pageSize === undefined ? undefined : positiveInteger("--page-size", pageSize, 1000),
    force: values.force === true,
  };
}

/** Runs the command line; resolves with the exit code (0 done, 1 failed, 2 bad command line). */
export async function main(
  argv: string[],
  io: { out: (text: string) => void; err: (text: string) => void } = {
    out: (t) => process.stdout.write(t),
    err: (t) => process.stderr.write(t),
  },
): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "-h" || command === "--help" || command === "help") {
    io.out(USAGE);
    return 0;
  }
  if (command !== "generate") {
    io.err(
      `${command === undefined ? "No command given" : `Unknown command ${JSON.stringify(command)}`}.\n\n${USAGE}`,
    );
    return 2;
  }
  let options: GenerateOptions | "help";
  try {
    options = parseGenerateArgs(rest);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`pulumi-api-credentials generate: ${error.message}\n\nRun with --help for the options.\n`);
    return 2;
  }
  if (options === "help") {
    io.out(USAGE);
    return 0;
  }
  try {
    const result = await generate(options);
    io.out(`${summary(result, options.out)}\n`);
    return 0;
  } catch (error) {
    const nothing = error instanceof WriteError ? "" : "\nNo file was written.";
    io.err(`pulumi-api-credentials generate: ${(error as Error).message}${nothing}\n`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => {
    // Exits once the output is written, not when nothing is left open: no socket or timer a library may
    // still hold (a request that timed out behind a silent proxy once left one) keeps the CLI waiting.
    process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
  });
}
