// What every part of the benchmark shares: the package installed from its tarball, a program folder of our
// own that links to that install, the emulator, the stack config pointing at it, and the evidence the leak
// scan (part 8) searches afterwards: host output, errors, the emulator's log, every captured `__provider`,
// every registration and every state snapshot.
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Emulator, RequestLogEntry, startEmulator } from "../../emulator";
import {
  EngineHarness,
  EngineOptions,
  installPackedPackage,
  InstalledProgram,
  ProviderHost,
  ProviderHostOptions,
  RefreshResult,
  DestroyResult,
  UpResult,
} from "../../tests/integration/harness";
import { credential, Kind, KIND_NAMES, kindOfType, NOOP_TYPE, ProgramSpec, RUNTIME_JS } from "./programs";

export const repoRoot = path.resolve(__dirname, "..", "..", "..");

export interface Evidence {
  hostOutputs: string[];
  errors: string[];
  programOutputs: string[];
  emulatorLogs: RequestLogEntry[];
  /** Every `__provider` string of every registration. */
  providers: string[];
  /** Registration objects as the SDK sent them (secret markers kept), `__provider` left out. */
  registrations: Record<string, unknown>[];
  snapshots: string[];
}

/** When the emulator logged a request (its answer, or its drop), on this process's performance.now() clock. */
export interface Arrival {
  at: number;
  service: RequestLogEntry["service"];
  status: number;
}

/** Every secret the run hands out, with the forms it could leak in. Labels are printed, values never. */
export class Secrets {
  private readonly needles = new Map<string, string>();

  /** A fresh random secret registered under `label`. */
  fresh(label: string, prefix = "bench-secret"): string {
    const value = `${prefix}-${randomBytes(12).toString("hex")}`;
    this.add(label, value);
    return value;
  }

  add(label: string, value: string): void {
    this.needles.set(value, label);
    // The secret half of KEY:SECRET, and each long line of a PEM key, are secrets of their own.
    const colon = value.indexOf(":");
    if (colon > 0 && value.length - colon > 8 && !value.includes("\n")) {
      this.needles.set(value.slice(colon + 1), `${label} (after the colon)`);
    }
    for (const line of value.split(/\r?\n/)) {
      if (line.length >= 24 && !line.startsWith("-----")) this.needles.set(line, `${label} (a line)`);
    }
  }

  list(): { needle: string; label: string }[] {
    return [...this.needles].map(([needle, label]) => ({ needle, label }));
  }
}

export interface BenchOptions {
  quick: boolean;
  seed: number;
  keep: boolean;
  /** Take CPU profiles where a part offers them (the overhead part), kept under .tmp/. */
  profile?: boolean;
}

export class BenchContext {
  readonly secrets = new Secrets();
  readonly evidence: Evidence = {
    hostOutputs: [],
    errors: [],
    programOutputs: [],
    emulatorLogs: [],
    providers: [],
    registrations: [],
    snapshots: [],
  };
  /** Stack config as the engine hands it to Configure (keys namespaced). */
  config: Record<string, string> = {};
  readonly secretConfigKeys = ["tines:apiKey", "twilio:authToken"];
  private readonly live = new Set<EngineHarness>();
  private readonly liveHosts = new Set<ProviderHost>();
  private programCount = 0;

  private constructor(
    readonly options: BenchOptions,
    readonly installed: InstalledProgram,
    /** Our program folder: package.json, node_modules -> the install, generated programs. */
    readonly dir: string,
    readonly emulator: Emulator,
    /** When each request was logged (performance.now()), since the last takeArrivals(). */
    private readonly arrivals: Arrival[],
  ) {}

  /** The times requests were logged since the last call (and forgets them). */
  takeArrivals(): Arrival[] {
    return this.arrivals.splice(0);
  }

  static async create(options: BenchOptions): Promise<BenchContext> {
    const installed = await installPackedPackage(repoRoot);
    const dir = path.join(repoRoot, ".tmp", `bench-${process.pid}`);
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // Our own package.json: without one, a program below the repository would resolve the package's
    // name to the source tree (Node's package self-reference) instead of the installed copy.
    fs.writeFileSync(
      path.join(dir, "package.json"),
      JSON.stringify({ name: "bench-program", private: true, version: "0.0.0" }, null, 2) + "\n",
    );
    fs.symlinkSync(path.join(installed.programDir, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.writeFileSync(path.join(dir, "bench-runtime.js"), RUNTIME_JS);

    const secrets = new Secrets();
    const tinesApiKey = secrets.fresh("tines:apiKey", "tines-key");
    const twilioAuthToken = secrets.fresh("twilio:authToken", "twilio-token");
    const arrivals: Arrival[] = [];
    const emulator = await startEmulator({
      port: 0,
      seed: options.seed,
      tinesApiKey,
      twilioAuthToken,
      onRequest: (e) => arrivals.push({ at: performance.now(), service: e.service, status: e.status }),
    });
    const ctx = new BenchContext(options, installed, dir, emulator, arrivals);
    for (const { needle, label } of secrets.list()) ctx.secrets.add(label, needle);
    const sid = emulator.settings.twilioAccountSid;
    ctx.secrets.add("twilio basic auth", Buffer.from(`${sid}:${twilioAuthToken}`).toString("base64"));
    ctx.config = {
      "tines:tenant": emulator.url,
      "tines:apiKey": tinesApiKey,
      "twilio:accountsUrl": emulator.url,
      "twilio:accountSid": sid,
      "twilio:authToken": twilioAuthToken,
    };
    return ctx;
  }

  /** Writes a program (and its spec) into the program folder; returns the file name to run. */
  writeProgram(spec: ProgramSpec): string {
    const tag = `p${++this.programCount}`;
    fs.writeFileSync(path.join(this.dir, `${tag}.json`), JSON.stringify(spec));
    fs.writeFileSync(
      path.join(this.dir, `${tag}.js`),
      `"use strict";\nrequire("./bench-runtime.js").declare(require("./${tag}.json"));\n`,
    );
    return `${tag}.js`;
  }

  async startHarness(options: Partial<EngineOptions> = {}): Promise<EngineHarness> {
    const harness = await EngineHarness.start({
      programDir: this.dir,
      secretConfigKeys: this.secretConfigKeys,
      upTimeoutMs: 300_000,
      ...options,
      config: { ...this.config, ...options.config },
    });
    this.live.add(harness);
    return harness;
  }

  /** Stops a harness after keeping its host output, registrations and a state snapshot as evidence. */
  async stopHarness(harness: EngineHarness): Promise<void> {
    if (!this.live.delete(harness)) return;
    this.evidence.snapshots.push(JSON.stringify(harness.stateSnapshot()));
    for (const reg of harness.registrations) {
      if (reg.provider) this.evidence.providers.push(reg.provider);
      const object = { ...reg.object };
      delete object.__provider;
      this.evidence.registrations.push({ ...reg, object, provider: undefined });
    }
    await harness.stop();
    this.evidence.hostOutputs.push(harness.hostOutput());
  }

  async up(harness: EngineHarness, program: string, preview = false): Promise<UpResult> {
    const result = await harness.up(program, { preview });
    this.evidence.errors.push(...result.errors, ...result.failures.map((f) => f.reason));
    this.evidence.programOutputs.push(result.programOutput);
    return result;
  }

  async refresh(harness: EngineHarness): Promise<RefreshResult> {
    const result = await harness.refresh();
    this.evidence.errors.push(...result.errors);
    return result;
  }

  async destroy(harness: EngineHarness): Promise<DestroyResult> {
    const result = await harness.destroy();
    this.evidence.errors.push(...result.errors);
    return result;
  }

  async startHost(options?: ProviderHostOptions): Promise<ProviderHost> {
    const host = await ProviderHost.start(this.dir, options);
    this.liveHosts.add(host);
    return host;
  }

  async stopHost(host: ProviderHost): Promise<void> {
    if (!this.liveHosts.delete(host)) return;
    await host.stop();
    this.evidence.hostOutputs.push(host.output);
  }

  /** Keeps the emulator's log as evidence and clears it. */
  takeLog(): RequestLogEntry[] {
    const entries = [...this.emulator.log];
    this.evidence.emulatorLogs.push(...entries);
    this.emulator.clearLog();
    return entries;
  }

  /** Empties the emulator (records, faults, log), keeping the log as evidence first. */
  resetEmulator(): void {
    this.takeLog();
    this.emulator.reset();
  }

  private captured?: Promise<Record<Kind | "noop", string>>;

  /**
   * The `__provider` the real SDK serializes for each kind (installed package) and for the local no-op
   * provider, from a preview through the harness (no request is made).
   */
  providerStrings(): Promise<Record<Kind | "noop", string>> {
    this.captured ??= (async () => {
      const harness = await this.startHarness();
      try {
        const decls = KIND_NAMES.map((kind) => credential(kind, `capture-${kind}`, this.secrets));
        const out = {} as Record<Kind | "noop", string>;
        for (const spec of [
          { mode: "credentials", resources: decls },
          { mode: "noop-bare", resources: [decls[0]] },
        ] as ProgramSpec[]) {
          const before = harness.registrations.length;
          const result = await this.up(harness, this.writeProgram(spec), true);
          if (!result.ok) throw new Error(`preview failed: ${result.errors.join("; ")}`);
          for (const reg of harness.registrations.slice(before)) {
            if (!reg.provider) continue;
            const kind = reg.type === NOOP_TYPE ? "noop" : kindOfType(reg.type);
            if (kind) out[kind] = reg.provider;
          }
        }
        for (const kind of [...KIND_NAMES, "noop"] as const) {
          if (!out[kind]) throw new Error(`no __provider captured for ${kind}`);
        }
        return out;
      } finally {
        await this.stopHarness(harness);
      }
    })();
    return this.captured;
  }

  async close(): Promise<void> {
    for (const h of [...this.live]) await this.stopHarness(h).catch(() => undefined);
    for (const h of [...this.liveHosts]) await this.stopHost(h).catch(() => undefined);
    this.takeLog();
    await this.emulator.stop();
    if (!this.options.keep) fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
