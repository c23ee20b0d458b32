// The real Pulumi CLI, when this machine has one: detection (on PATH and `pulumi version` answers), and
// running commands with a local file backend, a passphrase secrets provider and no update checks. Used by
// the demo and by the e2e suite (tests/e2e). Never logs in globally: PULUMI_BACKEND_URL points each
// command at the backend folder, so the user's own `pulumi login` is left alone.
import { execFile, spawn } from "child_process";
import { pathToFileURL } from "url";

export type PulumiCli = { available: true; version: string } | { available: false; reason: string };

let detected: Promise<PulumiCli> | undefined;

/** Whether `pulumi` is on PATH and works. Cached for the process. */
export function detectPulumiCli(): Promise<PulumiCli> {
  detected ??= new Promise((resolve) => {
    execFile(
      "pulumi",
      ["version"],
      { timeout: 30_000, env: { ...process.env, PULUMI_SKIP_UPDATE_CHECK: "true" } },
      (error, stdout, stderr) => {
        if (!error) {
          resolve({ available: true, version: stdout.trim() });
          return;
        }
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === "ENOENT"
            ? "`pulumi` is not on PATH"
            : `\`pulumi version\` failed: ${(stderr || error.message).trim().split("\n")[0]}`;
        resolve({ available: false, reason });
      },
    );
  });
  return detected;
}

export interface PulumiSession {
  /** Folder holding the file backend's state (created by the CLI). */
  backendDir: string;
  /** Passphrase of the stack's secrets provider. */
  passphrase: string;
  /** The program folder (Pulumi.yaml): the working directory of every command. */
  cwd: string;
}

/**
 * The environment of every CLI command: this process's, without TINES_* / TWILIO_* (connection settings
 * must come from the stack config) and without any other backend or passphrase source.
 */
export function pulumiEnv(session: PulumiSession): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(TINES_|TWILIO_)/.test(k)) continue;
    if (["PULUMI_ACCESS_TOKEN", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE_FILE"].includes(k)) continue;
    env[k] = v;
  }
  env.PULUMI_BACKEND_URL = pathToFileURL(session.backendDir).href;
  env.PULUMI_CONFIG_PASSPHRASE = session.passphrase;
  env.PULUMI_SKIP_UPDATE_CHECK = "true";
  env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION = "true";
  return env;
}

export interface PulumiResult {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

export class PulumiCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly result: PulumiResult,
  ) {
    super(
      `pulumi ${args.join(" ")} exited ${result.code}:\n${(result.stderr || result.stdout).trim().slice(-4000)}`,
    );
  }
}

/**
 * Runs `pulumi <args>` in the session's program folder. `echo` streams its output to this process's
 * output as it comes (progress for the demo); it is captured either way. Throws PulumiCommandError on a
 * non-zero exit unless `allowFailure`.
 */
export function runPulumi(
  session: PulumiSession,
  args: string[],
  opts: { echo?: boolean; allowFailure?: boolean; timeoutMs?: number } = {},
): Promise<PulumiResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn("pulumi", [...args, "--non-interactive"], {
      cwd: session.cwd,
      env: pulumiEnv(session),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c.toString("utf8");
      if (opts.echo) process.stdout.write(c);
    });
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString("utf8");
      if (opts.echo) process.stderr.write(c);
    });
    const timer = setTimeout(() => child.kill("SIGTERM"), opts.timeoutMs ?? 10 * 60_000);
    child.on("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const result = { code: code ?? (signal ? 128 : 1), stdout, stderr, ms: Date.now() - started };
      if (result.code !== 0 && !opts.allowFailure) reject(new PulumiCommandError(args, result));
      else resolve(result);
    });
  });
}

/** `pulumi config set-all` for plain and secret values in one command. */
export async function setConfig(
  session: PulumiSession,
  stack: string,
  config: Record<string, string>,
  secretKeys: string[],
): Promise<void> {
  const args = ["config", "set-all", "--stack", stack];
  for (const [k, v] of Object.entries(config)) {
    args.push(secretKeys.includes(k) ? "--secret" : "--plaintext", `${k}=${v}`);
  }
  await runPulumi(session, args);
}
