#!/usr/bin/env node
// credentials-emulator: runs the local Tines + Twilio credentials API emulator until SIGINT/SIGTERM.
import { parseArgs } from "node:util";
import {
  startEmulator,
  TINES_PUT_SEMANTICS,
  type EmulatorOptions,
  type RequestLogEntry,
  type TinesPutSemantics,
} from "./index";

export const DEFAULT_CLI_PORT = 4010;

export const USAGE = `Usage: credentials-emulator [options]

Runs a local emulator of the Tines user-credentials API and the Twilio
Credentials/AWS API on one loopback origin, until SIGINT/SIGTERM.

Options (flags win over environment variables):
  --port <n>                 TCP port, 0 for an ephemeral one   [env EMULATOR_PORT, default ${DEFAULT_CLI_PORT}]
  --host <addr>              loopback address to bind           [env EMULATOR_HOST, default 127.0.0.1]
  --tines-api-key <key>      accepted Tines API key             [env EMULATOR_TINES_API_KEY, default emulator-tines-key]
  --twilio-account-sid <AC…> accepted Twilio account SID        [env EMULATOR_TWILIO_ACCOUNT_SID]
  --twilio-auth-token <tok>  accepted Twilio auth token         [env EMULATOR_TWILIO_AUTH_TOKEN, default emulator-twilio-token]
  --twilio-api-key <SK…>     also accept this API key SID ...   [env EMULATOR_TWILIO_API_KEY]
  --twilio-api-secret <s>    ... with this secret               [env EMULATOR_TWILIO_API_SECRET]
  --twilio-subaccount <AC…>  extra AccountSid accepted on create (repeatable)
  --state-file <path>        persist records as JSON (holds secrets in clear) [env EMULATOR_STATE_FILE]
  --seed <n>                 seed for probabilistic faults      [env EMULATOR_SEED, default 1]
  --tines-put <replace|merge> what a Tines PUT does with fields it leaves out [env EMULATOR_TINES_PUT, default replace]
  --tines-requests-per-minute <n>  enforce a Tines rate limit: n per minute per API key (token
                             bucket), then 429 without Retry-After [env EMULATOR_TINES_REQUESTS_PER_MINUTE, default off]
  --tines-burst <n>          its bucket size                    [env EMULATOR_TINES_BURST, default n/60, at least 1]
  --twilio-max-concurrent <n> enforce a Twilio limit: n requests in flight per credential, then
                             429 with code 20429             [env EMULATOR_TWILIO_MAX_CONCURRENT, default off]
  --latency-ms <n>           hold each API request n ms before processing it [env EMULATOR_LATENCY_MS, default 0]
  --log-requests             print one line per request (method, path, status, fault, duration)
  -h, --help                 print this help

Control API (no auth, loopback only): GET /_emulator/state, GET /_emulator/log,
POST /_emulator/faults, DELETE /_emulator/faults, GET|PUT|DELETE /_emulator/limits,
POST /_emulator/reset.
See emulator/README.md for everything the emulator enforces and models.
`;

export interface CliConfig {
  help: boolean;
  logRequests: boolean;
  options: EmulatorOptions;
}

function integer(name: string, raw: string): number {
  if (!/^\d+$/.test(raw)) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

function positive(name: string, raw: string): number {
  const n = integer(name, raw);
  if (n === 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return n;
}

/** Parses argv (without node and script) and the environment into emulator options. Throws on bad input. */
export function parseCliArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): CliConfig {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "tines-api-key": { type: "string" },
      "twilio-account-sid": { type: "string" },
      "twilio-auth-token": { type: "string" },
      "twilio-api-key": { type: "string" },
      "twilio-api-secret": { type: "string" },
      "twilio-subaccount": { type: "string", multiple: true },
      "state-file": { type: "string" },
      seed: { type: "string" },
      "tines-put": { type: "string" },
      "tines-requests-per-minute": { type: "string" },
      "tines-burst": { type: "string" },
      "twilio-max-concurrent": { type: "string" },
      "latency-ms": { type: "string" },
      "log-requests": { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  });
  const pick = (flag: string | undefined, envName: string): string | undefined => {
    if (flag !== undefined) return flag;
    const v = env[envName];
    return v === undefined || v === "" ? undefined : v;
  };
  const options: EmulatorOptions = {};
  const port = pick(values.port, "EMULATOR_PORT");
  options.port = port === undefined ? DEFAULT_CLI_PORT : integer("--port", port);
  const host = pick(values.host, "EMULATOR_HOST");
  if (host !== undefined) options.host = host;
  const tinesApiKey = pick(values["tines-api-key"], "EMULATOR_TINES_API_KEY");
  if (tinesApiKey !== undefined) options.tinesApiKey = tinesApiKey;
  const sid = pick(values["twilio-account-sid"], "EMULATOR_TWILIO_ACCOUNT_SID");
  if (sid !== undefined) options.twilioAccountSid = sid;
  const token = pick(values["twilio-auth-token"], "EMULATOR_TWILIO_AUTH_TOKEN");
  if (token !== undefined) options.twilioAuthToken = token;
  const apiKey = pick(values["twilio-api-key"], "EMULATOR_TWILIO_API_KEY");
  if (apiKey !== undefined) options.twilioApiKey = apiKey;
  const apiSecret = pick(values["twilio-api-secret"], "EMULATOR_TWILIO_API_SECRET");
  if (apiSecret !== undefined) options.twilioApiSecret = apiSecret;
  if (values["twilio-subaccount"] !== undefined) options.twilioSubaccounts = values["twilio-subaccount"];
  const stateFile = pick(values["state-file"], "EMULATOR_STATE_FILE");
  if (stateFile !== undefined) options.stateFile = stateFile;
  const seed = pick(values.seed, "EMULATOR_SEED");
  if (seed !== undefined) options.seed = integer("--seed", seed);
  const tinesPut = pick(values["tines-put"], "EMULATOR_TINES_PUT");
  if (tinesPut !== undefined) {
    if (!(TINES_PUT_SEMANTICS as readonly string[]).includes(tinesPut)) {
      throw new Error(`--tines-put must be one of ${TINES_PUT_SEMANTICS.join(", ")}, got "${tinesPut}"`);
    }
    options.tinesPut = tinesPut as TinesPutSemantics;
  }
  const perMinute = pick(values["tines-requests-per-minute"], "EMULATOR_TINES_REQUESTS_PER_MINUTE");
  const burst = pick(values["tines-burst"], "EMULATOR_TINES_BURST");
  const maxConcurrent = pick(values["twilio-max-concurrent"], "EMULATOR_TWILIO_MAX_CONCURRENT");
  if (burst !== undefined && perMinute === undefined) {
    throw new Error("--tines-burst needs --tines-requests-per-minute");
  }
  if (perMinute !== undefined || maxConcurrent !== undefined) {
    options.rateLimits = {};
    if (perMinute !== undefined) {
      options.rateLimits.tines = { requestsPerMinute: positive("--tines-requests-per-minute", perMinute) };
      if (burst !== undefined) options.rateLimits.tines.burst = positive("--tines-burst", burst);
    }
    if (maxConcurrent !== undefined) {
      options.rateLimits.twilio = { maxConcurrent: positive("--twilio-max-concurrent", maxConcurrent) };
    }
  }
  const latencyMs = pick(values["latency-ms"], "EMULATOR_LATENCY_MS");
  if (latencyMs !== undefined) options.latencyMs = integer("--latency-ms", latencyMs);
  return { help: values.help === true, logRequests: values["log-requests"] === true, options };
}

/** Single-quotes a value for POSIX shells when it contains anything beyond a safe set. */
function shellQuote(v: string): string {
  return /^[A-Za-z0-9_./:@%+=,-]+$/.test(v) ? v : `'${v.replace(/'/g, `'\\''`)}'`;
}

function formatEntry(e: RequestLogEntry): string {
  const fault = e.fault === undefined ? "" : ` [fault ${e.fault}]`;
  return `${e.service.padEnd(7)} ${e.method.padEnd(6)} ${e.path} -> ${e.status}${fault} ${e.durationMs}ms`;
}

export async function main(argv: string[] = process.argv.slice(2)): Promise<void> {
  let config: CliConfig;
  try {
    config = parseCliArgs(argv);
  } catch (err) {
    process.stderr.write(`credentials-emulator: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  if (config.help) {
    process.stdout.write(USAGE);
    return;
  }
  const { options } = config;
  if (config.logRequests) options.onRequest = (e) => process.stdout.write(`${formatEntry(e)}\n`);
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  try {
    emulator = await startEmulator(options);
  } catch (err) {
    process.stderr.write(`credentials-emulator: cannot start: ${(err as Error).message}\n`);
    process.exitCode = 1;
    return;
  }
  const s = emulator.settings;
  const lines = [
    `credentials-emulator listening on ${emulator.url}`,
    `  Tines API:   ${emulator.url}/api/v1/user_credentials   (Authorization: Bearer ${s.tinesApiKey})`,
    `  Twilio API:  ${emulator.url}/v1/Credentials/AWS   (basic auth ${s.twilioAccountSid} / ${s.twilioAuthToken})`,
  ];
  if (s.twilioApiKey)
    lines.push(`               also basic auth with API key ${s.twilioApiKey} and its secret`);
  if (s.twilioSubaccounts && s.twilioSubaccounts.length > 0) {
    lines.push(`  Twilio subaccounts accepted as AccountSid: ${s.twilioSubaccounts.join(", ")}`);
  }
  lines.push(
    `  Tines PUT:   ${s.tinesPut} (fields a PUT leaves out ${s.tinesPut === "merge" ? "keep their value" : "go back to their default"})`,
  );
  const { limits } = emulator.rateLimits();
  if (limits.tines) {
    lines.push(
      `  Tines limit: ${limits.tines.requestsPerMinute} requests per minute per API key (burst ${limits.tines.burst}), then 429`,
    );
  }
  if (limits.twilio) {
    lines.push(
      `  Twilio limit: ${limits.twilio.maxConcurrent} requests in flight per credential, then 429 / 20429`,
    );
  }
  if (s.latencyMs)
    lines.push(`  Latency:     every API request is held ${s.latencyMs} ms before it is processed`);
  lines.push(`  Control API: ${emulator.url}/_emulator/state  (log, faults, limits, reset: see --help)`);
  if (s.stateFile) lines.push(`  State file:  ${s.stateFile}  (contains the stored secrets in clear)`);
  lines.push("", "# Point the providers at this emulator (paste into a POSIX shell):");
  for (const [k, v] of Object.entries(emulator.env())) lines.push(`export ${k}=${shellQuote(v)}`);
  lines.push("", "Press Ctrl+C to stop.", "");
  process.stdout.write(lines.join("\n"));

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      process.stderr.write(`credentials-emulator: ${signal} again, exiting now\n`);
      process.exit(1);
    }
    stopping = true;
    process.stdout.write(`credentials-emulator: ${signal} received, stopping\n`);
    emulator.stop().then(
      () => {
        process.stdout.write("credentials-emulator: stopped\n");
        process.exitCode = 0;
      },
      (err: unknown) => {
        process.stderr.write(`credentials-emulator: error while stopping: ${(err as Error).message}\n`);
        process.exitCode = 1;
      },
    );
  };
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
}

if (require.main === module) {
  void main();
}
