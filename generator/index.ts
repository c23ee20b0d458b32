// `pulumi-api-credentials generate`: reads every credential the configured keys can list and writes a
// Pulumi TypeScript program that adopts each one. Reading is lists only; nothing in either service changes.
import * as fs from "fs";
import * as path from "path";
import { origin } from "../provider/core/config";
import { planAdoption, Plan } from "./plan";
import { readTines, readTwilio, ServiceRead } from "./read";
import { ProgramFiles, renderProgram } from "./render";

export { GENERATOR_KINDS } from "./kinds";
export type { GeneratorKind } from "./kinds";
export type { Plan, PlannedResource, SkippedCredential } from "./plan";

export interface GenerateOptions {
  out: string;
  /** Read one service only. */
  only?: "tines" | "twilio";
  /** The Tines tenant origin (else TINES_TENANT). */
  tinesTenant?: string;
  /** The Twilio accounts origin (else TWILIO_ACCOUNTS_URL, TWILIO_REGION / TWILIO_EDGE). */
  twilioAccountsUrl?: string;
  tinesTeams: number[];
  twilioSubaccounts: string[] | "all";
  keepStoredSecrets: boolean;
  project: string;
  pageSize?: number;
  /** Overwrite the program files if `out` already holds them. */
  force: boolean;
}

export interface GenerateResult {
  plan: Plan;
  reads: { tines?: ServiceRead; twilio?: ServiceRead };
  files: ProgramFiles;
  /** The files written, absolute. */
  written: string[];
}

/** Writing the files failed: some may have been written (every other error comes before any is). */
export class WriteError extends Error {}

export const PROGRAM_FILES: readonly (keyof ProgramFiles)[] = [
  "Pulumi.yaml",
  "package.json",
  "tsconfig.json",
  "index.ts",
  "SECRETS.md",
];

/** This package's name, version and supported @pulumi/pulumi range, for the program's package.json. */
function packageInfo(): { name: string; version: string; pulumiRange: string } {
  const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "package.json"), "utf8")) as {
    name: string;
    version: string;
    peerDependencies?: Record<string, string>;
  };
  return {
    name: pkg.name,
    version: pkg.version,
    pulumiRange: pkg.peerDependencies?.["@pulumi/pulumi"] ?? "^3",
  };
}

/**
 * The flags that name a host stand for their environment variables, as a group: a Twilio host flag
 * replaces TWILIO_ACCOUNTS_URL, TWILIO_REGION and TWILIO_EDGE together, as stack config would.
 */
function applyHostFlags(options: GenerateOptions): void {
  if (options.tinesTenant !== undefined) {
    origin(options.tinesTenant, "--tines-tenant", "https://<tenant>.tines.com");
    process.env.TINES_TENANT = options.tinesTenant;
  }
  if (options.twilioAccountsUrl !== undefined) {
    origin(options.twilioAccountsUrl, "--twilio-accounts-url", "https://accounts.twilio.com");
    delete process.env.TWILIO_REGION;
    delete process.env.TWILIO_EDGE;
    process.env.TWILIO_ACCOUNTS_URL = options.twilioAccountsUrl;
  }
}

/** The account the Twilio settings sign in as, when they name it (an API key pair need not). */
function twilioAccountSid(): string | undefined {
  const sid = process.env.TWILIO_ACCOUNT_SID;
  return sid && /^AC[0-9a-fA-F]{32}$/.test(sid) ? sid : undefined;
}

export function commandLine(options: GenerateOptions): string {
  const parts = ["pulumi-api-credentials generate", `--out ${options.out}`];
  if (options.only) parts.push(`--only ${options.only}`);
  for (const team of options.tinesTeams) parts.push(`--tines-team ${team}`);
  for (const sub of options.twilioSubaccounts === "all" ? ["all"] : options.twilioSubaccounts) {
    parts.push(`--twilio-subaccount ${sub}`);
  }
  if (options.keepStoredSecrets) parts.push("--keep-stored-secrets");
  // Shown in a `//` comment: a line break in a path must not end it.
  return parts.join(" ").replace(/[\r\n\u2028\u2029]/g, " ");
}

/** Reads the services, plans the program and writes its files. Throws before writing anything on error. */
export async function generate(options: GenerateOptions): Promise<GenerateResult> {
  const out = path.resolve(options.out);
  const existing = PROGRAM_FILES.filter((file) => fs.existsSync(path.join(out, file)));
  if (existing.length > 0 && !options.force) {
    throw new Error(
      `--out ${options.out} already holds ${existing.join(", ")}; pass --force to overwrite them.`,
    );
  }
  applyHostFlags(options);
  const readOptions = { tinesTeams: options.tinesTeams, pageSize: options.pageSize };
  // Both reads settle before an error is thrown: with Promise.all, one service's error would return
  // while the other's list walk went on sending requests in the background.
  const reads = await Promise.allSettled([
    options.only === "twilio" ? undefined : readTines(readOptions),
    options.only === "tines" ? undefined : readTwilio(readOptions),
  ]);
  for (const read of reads) if (read.status === "rejected") throw read.reason;
  const [tines, twilio] = reads.map((read) => (read as PromiseFulfilledResult<unknown>).value) as [
    Awaited<ReturnType<typeof readTines>> | undefined,
    Awaited<ReturnType<typeof readTwilio>> | undefined,
  ];
  const plan = planAdoption({
    tines,
    twilio,
    keepStoredSecrets: options.keepStoredSecrets,
    twilioAccountSid: twilioAccountSid(),
    twilioSubaccounts: options.twilioSubaccounts,
  });
  const pkg = packageInfo();
  const files = renderProgram(plan, {
    project: options.project,
    packageName: pkg.name,
    packageVersion: pkg.version,
    pulumiRange: pkg.pulumiRange,
    keepStoredSecrets: options.keepStoredSecrets,
    tinesOrigin: tines?.origin,
    twilioOrigin: twilio?.origin,
    twilioAccountSid: twilioAccountSid(),
    command: commandLine(options),
  });
  const written: string[] = [];
  try {
    fs.mkdirSync(out, { recursive: true });
    for (const file of PROGRAM_FILES) {
      fs.writeFileSync(path.join(out, file), files[file]);
      written.push(path.join(out, file));
    }
  } catch (error) {
    throw new WriteError(
      `writing the program to ${out} failed after ${written.length} file(s): ${(error as Error).message}`,
    );
  }
  return { plan, reads: { tines, twilio }, files, written };
}
