// EngineHarness: a small stand-in for the Pulumi engine's deployment loop, driving @pulumi/pulumi's real
// dynamic provider host (ProviderHost) with registrations produced by the real SDK running a program under
// setMocks (runner.ts, in a child process). It keeps a state like a stack's checkpoint and implements the
// parts of `pulumi up / preview / refresh / destroy` that dynamic resources exercise:
//
//   new resource       Check({}, news) -> Create            (preview: Check only; outputs = checked inputs)
//   existing resource  Check(oldInputs, news) -> Diff(id, oldOutputs, checked)
//                        none -> same (outputs kept, inputs replaced by the checked ones)
//                        some -> Update(id, oldOutputs, checked)
//                        replaces / replaceOnChanges -> Create new then Delete old at the end of the run
//                                 (create-before-delete), or Delete first when deleteBeforeReplace
//                        unknown -> the engine's legacy diff: old inputs vs checked inputs
//   not registered     Delete, after the program finished, reverse creation order
//
// Like the engine: inputs reach the host with secrets unwrapped (it does not accept secrets) and unknowns as
// the sentinel string; an output is secret when the same-named input was secret or it is listed in
// additionalSecretOutputs; preview makes no Create/Update/Delete call (the host does not support preview);
// a failed step stops further steps (unless continueOnError) and skips the delete phase; a Create/Update
// error carrying ErrorResourceInitFailed records the resource with the id and properties it names.
// Parallelism defaults to 4 x CPUs, the CLI's `--parallel` default (pulumi/pulumi#15016).
import { ChildProcess, fork } from "child_process";
import { randomBytes } from "crypto";
import * as os from "os";
import * as path from "path";
import { ProviderHost, ProviderHostOptions, ProviderRpcError } from "./host";
import {
  ChildMessage,
  JsonObject,
  ParentMessage,
  RawRegistration,
  REDACTED_SECRET,
  runEnd,
  RunnerArgs,
  UNKNOWN,
  changedKeys,
  deepEqual,
  toProviderProps,
} from "./protocol";

const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";
const STACK_TYPE = "pulumi:pulumi:Stack";

export interface EngineOptions {
  /** Folder holding node_modules/@pulumi/pulumi (and the package under test); cwd of host and program. */
  programDir: string;
  /** Stack config, keys namespaced ("tines:tenant"); sent to the host's Configure and to the program. */
  config?: Record<string, string>;
  /** Config keys that are secret (sent secret-wrapped in Configure, listed in PULUMI_CONFIG_SECRET_KEYS). */
  secretConfigKeys?: string[];
  project?: string;
  stack?: string;
  /** Resource operations in flight at once. Default 4 x CPUs like `pulumi up --parallel`. */
  parallel?: number;
  /** Keep going after a failed step, like `pulumi up --continue-on-error` (deletes still skipped). */
  continueOnError?: boolean;
  /**
   * Delete up to `parallel` resources at once, each after the resources that depend on it or are its
   * children, as `pulumi destroy` does. Off by default: one at a time in reverse creation order.
   */
  parallelDeletes?: boolean;
  /** Kill the program after this long (default 120 000 ms). */
  upTimeoutMs?: number;
  host?: ProviderHostOptions;
}

export interface ResourceState {
  urn: string;
  type: string;
  name: string;
  id: string;
  /** Checked inputs as last sent to the provider (plain values, `__provider` included). */
  inputs: JsonObject;
  outputs: JsonObject;
  /** Top-level keys the engine marks secret: inputs that arrived secret + additionalSecretOutputs present. */
  secretKeys: string[];
  parent: string;
  dependencies: string[];
  additionalSecretOutputs: string[];
  protect: boolean;
  retainOnDelete: boolean;
}

export type StepOp = "create" | "update" | "replace" | "same" | "delete" | "import";
export interface Step {
  urn: string;
  op: StepOp;
  id: string;
  /** For replace: the id of the resource that was replaced. */
  oldId?: string;
  /** Set when the step failed. */
  error?: string;
}
export interface Failure {
  urn: string;
  property?: string;
  reason: string;
}
export interface UpResult {
  ok: boolean;
  preview: boolean;
  steps: Step[];
  /** Check failures (with property) and failed provider operations. Resources skipped after one are not. */
  failures: Failure[];
  /** Program errors, step errors, skipped registrations and harness errors, as messages. */
  errors: string[];
  /** Stack outputs (the program's exports) with secrets unwrapped; unknowns are UNKNOWN in a preview. */
  outputs: JsonObject;
  secretOutputs: string[];
  /** RPCs this run sent to the host. */
  hostCalls: ProviderHost["calls"];
  /** The program's stdout and stderr. */
  programOutput: string;
  /** The process that ran the program (the runner, kept across runs while they succeed). */
  programPid: number;
  ms: number;
}
export interface RefreshStep {
  urn: string;
  op: "same" | "update" | "delete";
  changedKeys: string[];
  error?: string;
}
export interface RefreshResult {
  ok: boolean;
  steps: RefreshStep[];
  errors: string[];
}
export interface DestroyResult {
  ok: boolean;
  steps: Step[];
  errors: string[];
}
/** A RegisterResource request as the SDK sent it, plus the serialized provider found in it. */
export interface Registration extends RawRegistration {
  run: number;
  preview: boolean;
  /** The `__provider` string (unwrapped if it was sent secret). */
  provider?: string;
  providerIsSecret: boolean;
}

interface RunContext {
  preview: boolean;
  steps: Step[];
  failures: Failure[];
  errors: string[];
  registered: Set<string>;
  /** Resources replaced create-before-delete this run, to delete in the delete phase. */
  replaced: ResourceState[];
  stopped: boolean;
  stackOutputs?: JsonObject;
}

/** A program runner process (runner.ts): it serves the successive runs of one engine. */
interface Runner {
  child: ChildProcess;
  /** The run in progress: its stdout and stderr as they arrive, end-of-run lines removed. */
  output: string;
  /** Runs started, and per stream the runs whose end marker has arrived. */
  runs: number;
  ends: Record<OutputStream, number>;
  /** Per stream: the start of a marker cut off by the end of a chunk, held back until the next one. */
  held: Record<OutputStream, string>;
  /** Called when an end marker arrives. */
  onEnd?: () => void;
}
type OutputStream = "stdout" | "stderr";

/** How many characters at the end of `text` could begin `marker`. */
function heldBack(text: string, marker: string): number {
  for (let k = Math.min(text.length, marker.length - 1); k > 0; k--) {
    if (text.endsWith(marker.slice(0, k))) return k;
  }
  return 0;
}

function setRef(runner: Runner, ref: boolean): void {
  const { child } = runner;
  const handles = [child, child.channel, child.stdout, child.stderr] as ({
    ref(): void;
    unref(): void;
  } | null)[];
  for (const h of handles) {
    if (ref) h?.ref?.();
    else h?.unref?.();
  }
}

class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  maxActive = 0;
  constructor(private readonly limit: number) {}
  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      return await fn();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function uniq(xs: string[]): string[] {
  return [...new Set(xs)];
}

export class EngineHarness {
  /** The stack's resources by URN, in creation order. */
  readonly state = new Map<string, ResourceState>();
  /** Replaced resources whose delete has not happened yet (shown with `delete: true` in the snapshot). */
  readonly pendingDeletes: ResourceState[] = [];
  /** Every registration of every run, in arrival order. */
  readonly registrations: Registration[] = [];
  /** Stack outputs of the last successful update, as registered (secret markers kept). */
  stackOutputs: JsonObject = {};
  /** Highest number of resource operations seen in flight at once. */
  maxConcurrentSteps = 0;

  private runs = 0;
  /** The runner for the next run: started with the engine, kept after each run that succeeds. */
  private runner?: Runner;
  private stopped = false;
  private readonly project: string;
  private readonly stack: string;
  private readonly parallel: number;

  private constructor(
    readonly host: ProviderHost,
    private readonly options: EngineOptions,
  ) {
    this.project = options.project ?? "project";
    this.stack = options.stack ?? "stack";
    this.parallel = options.parallel ?? 4 * os.availableParallelism();
  }

  /** Starts the provider host in the program folder and sends Configure with the stack config. */
  static async start(options: EngineOptions): Promise<EngineHarness> {
    const host = await ProviderHost.start(options.programDir, options.host);
    try {
      await host.configure(options.config ?? {}, options.secretConfigKeys ?? []);
    } catch (e) {
      await host.stop();
      throw e;
    }
    const engine = new EngineHarness(host, options);
    engine.runner = engine.spawnRunner();
    return engine;
  }

  urn(type: string, name: string): string {
    return `urn:pulumi:${this.stack}::${this.project}::${type}::${name}`;
  }

  hostOutput(): string {
    return this.host.output;
  }

  /** Stops the provider host and the program runner. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.runner?.child.kill("SIGKILL");
    this.runner = undefined;
    await this.host.stop();
  }

  /** Runs the program (a file, relative to programDir or absolute) as `pulumi up`, or `pulumi preview`. */
  async up(program: string, opts: { preview?: boolean } = {}): Promise<UpResult> {
    const started = Date.now();
    const preview = opts.preview === true;
    const run = ++this.runs;
    const callsBefore = this.host.calls.length;
    const ctx: RunContext = {
      preview,
      steps: [],
      failures: [],
      errors: [],
      registered: new Set(),
      replaced: [],
      stopped: false,
    };
    const sem = new Semaphore(this.parallel);

    // Deletes left over from an earlier run that failed go first, as the engine does.
    if (!preview) await this.deleteAll([...this.pendingDeletes].reverse(), ctx.steps, ctx.errors, true);

    const { programOutput, programErrors, programPid } = await this.runProgram(program, preview, (msg) => {
      if (msg.t === "outputs") {
        if (msg.urn.split("::")[2] === STACK_TYPE) ctx.stackOutputs = msg.outputs;
        return undefined;
      }
      if (msg.t !== "register") return undefined;
      return this.register(ctx, sem, run, msg.reg).then((a): ParentMessage => ({
        t: "registered",
        seq: msg.seq,
        ...a,
      }));
    });
    ctx.errors.push(...programErrors);

    const ok = () => ctx.errors.length === 0 && ctx.failures.length === 0;
    // Delete phase: replaced resources and resources the program no longer declares.
    const unregistered = [...this.state.values()].filter((r) => !ctx.registered.has(r.urn)).reverse();
    if (preview) {
      for (const r of unregistered) ctx.steps.push({ urn: r.urn, op: "delete", id: r.id });
    } else if (ok()) {
      await this.deleteAll(ctx.replaced.reverse(), ctx.steps, ctx.errors, true);
      await this.deleteAll(unregistered, ctx.steps, ctx.errors, false);
    }
    if (!preview && ok() && ctx.stackOutputs) this.stackOutputs = ctx.stackOutputs;

    const { props, secretKeys } = toProviderProps(ctx.stackOutputs ?? {});
    return {
      ok: ok(),
      preview,
      steps: ctx.steps,
      failures: ctx.failures,
      errors: ctx.errors,
      outputs: props,
      secretOutputs: secretKeys,
      hostCalls: this.host.calls.slice(callsBefore),
      programOutput,
      programPid,
      ms: Date.now() - started,
    };
  }

  /** `pulumi refresh`: Read each resource; no id back means gone (removed from state). */
  async refresh(): Promise<RefreshResult> {
    const sem = new Semaphore(this.parallel);
    const errors: string[] = [];
    const steps = await Promise.all(
      [...this.state.values()].map((r) =>
        sem.run(async (): Promise<RefreshStep> => {
          try {
            const read = await this.host.read(r.id, r.urn, r.outputs, r.inputs);
            if (!read.id) {
              this.state.delete(r.urn);
              return { urn: r.urn, op: "delete", changedKeys: [] };
            }
            const inputs = read.inputs ?? r.inputs;
            const changed = uniq([
              ...changedKeys(r.outputs, read.properties),
              ...changedKeys(r.inputs, inputs),
            ]);
            Object.assign(r, { id: read.id, outputs: read.properties, inputs });
            return { urn: r.urn, op: changed.length ? "update" : "same", changedKeys: changed.sort() };
          } catch (e) {
            errors.push(`${r.urn}: ${message(e)}`);
            return { urn: r.urn, op: "same", changedKeys: [], error: message(e) };
          }
        }),
      ),
    );
    this.maxConcurrentSteps = Math.max(this.maxConcurrentSteps, sem.maxActive);
    return { ok: errors.length === 0, steps, errors };
  }

  /** `pulumi destroy`: Delete every resource, reverse creation order; stops at the first failure. */
  async destroy(): Promise<DestroyResult> {
    const steps: Step[] = [];
    const errors: string[] = [];
    await this.deleteAll([...this.pendingDeletes].reverse(), steps, errors, true);
    if (errors.length === 0) await this.deleteAll([...this.state.values()].reverse(), steps, errors, false);
    if (errors.length === 0) this.stackOutputs = {};
    return { ok: errors.length === 0, steps, errors };
  }

  /** The state as a JSON-able deployment (like `pulumi stack export`), secret values replaced by ciphertext. */
  stateSnapshot(): JsonObject {
    const redact = (props: JsonObject, secretKeys: string[]) => {
      const out: JsonObject = {};
      for (const [k, v] of Object.entries(props))
        out[k] = secretKeys.includes(k) ? { ...REDACTED_SECRET } : v;
      return out;
    };
    const resource = (r: ResourceState, deleted: boolean) => ({
      urn: r.urn,
      custom: true,
      ...(deleted ? { delete: true } : {}),
      id: r.id,
      type: r.type,
      inputs: redact(r.inputs, r.secretKeys),
      outputs: redact(r.outputs, r.secretKeys),
      parent: r.parent,
      dependencies: r.dependencies,
      ...(r.additionalSecretOutputs.length ? { additionalSecretOutputs: r.additionalSecretOutputs } : {}),
      ...(r.protect ? { protect: true } : {}),
      ...(r.retainOnDelete ? { retainOnDelete: true } : {}),
    });
    const { props, secretKeys } = toProviderProps(this.stackOutputs);
    const stackUrn = this.urn(STACK_TYPE, `${this.project}-${this.stack}`);
    return {
      version: 3,
      deployment: {
        manifest: { time: new Date().toISOString(), magic: "", version: "engine-harness" },
        secrets_providers: { type: "engine-harness-redacted" },
        resources: [
          { urn: stackUrn, custom: false, type: STACK_TYPE, outputs: redact(props, secretKeys) },
          ...[...this.state.values()].map((r) => resource(r, false)),
          ...this.pendingDeletes.map((r) => resource(r, true)),
        ],
      },
    };
  }

  // ---------------------------------------------------------------------------------------------------------

  /**
   * A runner process that loads @pulumi/pulumi (and its closure serializer) and then waits for a "run"
   * message. It is started with the engine, so the first `up` does not wait for the SDK to load, and kept for
   * the engine's next `up` while its runs succeed: that saves a process start (about a second of CPU) per run.
   */
  private spawnRunner(): Runner {
    const runEndNonce = randomBytes(12).toString("hex");
    const env: NodeJS.ProcessEnv = {};
    for (const [k, v] of Object.entries(process.env)) if (!/^(TINES_|TWILIO_|PULUMI_)/.test(k)) env[k] = v;
    env.PULUMI_CONFIG = JSON.stringify(this.options.config ?? {});
    env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(this.options.secretConfigKeys ?? []);
    const child = fork(
      path.join(__dirname, "runner.js"),
      [JSON.stringify({ programDir: this.options.programDir, runEndNonce })],
      {
        cwd: this.options.programDir,
        env,
        execArgv: [],
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      },
    );
    const runner: Runner = {
      child,
      output: "",
      runs: 0,
      ends: { stdout: 0, stderr: 0 },
      held: { stdout: "", stderr: "" },
    };
    const marker = `${runEnd(runEndNonce)}\n`;
    for (const stream of ["stdout", "stderr"] as const) {
      child[stream]!.setEncoding("utf8");
      child[stream]!.on("data", (chunk: string) => {
        let text = runner.held[stream] + chunk;
        let ended = false;
        for (let i = text.indexOf(marker); i >= 0; i = text.indexOf(marker)) {
          runner.output += text.slice(0, i);
          text = text.slice(i + marker.length);
          runner.ends[stream]++;
          ended = true;
        }
        const keep = heldBack(text, marker);
        runner.output += text.slice(0, text.length - keep);
        runner.held[stream] = text.slice(text.length - keep);
        if (ended) runner.onEnd?.();
      });
    }
    child.on("error", () => undefined); // reported through "exit"
    // An idle runner must not keep this process alive (e.g. a test that forgets stop()).
    setRef(runner, false);
    return runner;
  }

  private takeRunner(): Runner {
    let runner = this.runner;
    this.runner = undefined;
    if (
      !runner ||
      runner.child.exitCode !== null ||
      runner.child.signalCode !== null ||
      !runner.child.connected
    ) {
      if (runner) runner.child.kill("SIGKILL");
      runner = this.spawnRunner();
    }
    setRef(runner, true);
    return runner;
  }

  /** Keeps a runner whose run succeeded for the next run; ends any other. */
  private releaseRunner(runner: Runner, reusable: boolean): void {
    if (reusable && !this.stopped && !this.runner && runner.child.connected) {
      setRef(runner, false);
      this.runner = runner;
    } else {
      runner.child.kill("SIGKILL");
    }
  }

  private runProgram(
    program: string,
    preview: boolean,
    onMessage: (m: ChildMessage) => Promise<ParentMessage> | undefined,
  ): Promise<{ programOutput: string; programErrors: string[]; programPid: number }> {
    const args: RunnerArgs = {
      programDir: this.options.programDir,
      program,
      preview,
      project: this.project,
      stack: this.stack,
    };
    const runner = this.takeRunner();
    const { child } = runner;
    const run = ++runner.runs;
    runner.output = "";

    return new Promise((resolve) => {
      let done: Extract<ChildMessage, { t: "done" }> | undefined;
      let finished = false;
      const inflight: Promise<unknown>[] = [];
      const timeoutMs = this.options.upTimeoutMs ?? 120_000;
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      const finish = async (programErrors: string[], reusable: boolean) => {
        if (finished) return;
        finished = true;
        clearTimeout(timer);
        child.off("message", onChildMessage);
        child.off("exit", onExit);
        runner.onEnd = undefined;
        await Promise.allSettled(inflight);
        const programOutput = runner.output;
        this.releaseRunner(runner, reusable);
        resolve({ programOutput, programErrors, programPid: child.pid ?? 0 });
      };
      // Done once the runner said so and its output up to the run's end marker has arrived on both streams.
      const settled = () => {
        if (done && runner.ends.stdout >= run && runner.ends.stderr >= run) {
          void finish([...done.errors], done.ok);
        }
      };
      runner.onEnd = settled;
      const onChildMessage = (m: ChildMessage) => {
        if (m.t === "done") {
          done = m;
          settled();
          return;
        }
        const answer = onMessage(m);
        if (answer) {
          inflight.push(
            answer.then((a) => {
              if (child.connected) child.send(a);
            }),
          );
        }
      };
      const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
        const programErrors = done ? [...done.errors] : [];
        if (!done) {
          programErrors.push(
            signal === "SIGKILL"
              ? `program timed out after ${timeoutMs} ms`
              : `program runner exited (${code ?? signal}) without finishing:\n${runner.output}`,
          );
        }
        void finish(programErrors, false);
      };
      child.on("message", onChildMessage);
      child.on("exit", onExit);
      child.send({ t: "run", args } satisfies ParentMessage);
    });
  }

  /** Handles one RegisterResource: the engine's step generation and execution for that resource. */
  private async register(
    ctx: RunContext,
    sem: Semaphore,
    run: number,
    reg: RawRegistration,
  ): Promise<{ id: string; state: JsonObject; secretKeys: string[] } | { error: string }> {
    const { props: news0, secretKeys: inputSecretKeys } = toProviderProps(reg.object);
    const provider = typeof news0.__provider === "string" ? news0.__provider : undefined;
    this.registrations.push({
      ...reg,
      run,
      preview: ctx.preview,
      provider,
      providerIsSecret: inputSecretKeys.includes("__provider"),
    });
    if (!reg.custom) return { id: "", state: {}, secretKeys: [] };
    if (!reg.type.startsWith(DYNAMIC_PREFIX)) {
      return this.fail(ctx, reg.urn, `engine harness: no provider for resource type ${reg.type}`);
    }
    if (ctx.registered.has(reg.urn)) return this.fail(ctx, reg.urn, `Duplicate resource URN '${reg.urn}'`);
    ctx.registered.add(reg.urn);

    return sem.run(async () => {
      this.maxConcurrentSteps = Math.max(this.maxConcurrentSteps, sem.maxActive);
      if (ctx.stopped)
        return this.fail(ctx, reg.urn, "skipped: the update stopped after an earlier failure", false);
      const old = this.state.get(reg.urn);
      const news: JsonObject = { ...news0 };
      if (old) {
        for (const k of reg.ignoreChanges) {
          if (k in old.inputs) news[k] = old.inputs[k];
          else delete news[k];
        }
      }
      const base = {
        urn: reg.urn,
        type: reg.type,
        name: reg.name,
        parent: reg.parent,
        dependencies: reg.dependencies,
        additionalSecretOutputs: reg.additionalSecretOutputs,
        protect: reg.protect,
        retainOnDelete: reg.retainOnDelete,
      };
      const secretKeysFor = (outputs: JsonObject) =>
        uniq([...inputSecretKeys, ...reg.additionalSecretOutputs.filter((k) => k in outputs)]);

      try {
        const checked = await this.host.check(reg.urn, old ? old.inputs : {}, news);
        if (checked.failures.length) {
          for (const f of checked.failures)
            ctx.failures.push({ urn: reg.urn, property: f.property, reason: f.reason });
          const text = checked.failures.map((f) => `${f.property}: ${f.reason}`).join("; ");
          return this.fail(ctx, reg.urn, `${reg.type} resource '${reg.name}' failed check: ${text}`, false);
        }
        const inputs = checked.inputs;

        if (!old) {
          if (reg.importId) return await this.importResource(ctx, reg, base, inputs, secretKeysFor);
          if (ctx.preview) {
            ctx.steps.push({ urn: reg.urn, op: "create", id: "" });
            return { id: "", state: inputs, secretKeys: secretKeysFor(inputs) };
          }
          const created = await this.createResource(ctx, reg.urn, inputs, base, secretKeysFor);
          ctx.steps.push({ urn: reg.urn, op: "create", id: created.id });
          return { id: created.id, state: created.outputs, secretKeys: created.secretKeys };
        }

        const diff = await this.host.diff(old.id, reg.urn, old.outputs, inputs, old.inputs);
        let changes = diff.changes;
        if (changes === "unknown") changes = deepEqual(old.inputs, inputs) ? "none" : "some";
        const replaceKeys = [
          ...diff.replaces,
          ...(changes === "some"
            ? changedKeys(old.inputs, inputs).filter((k) => reg.replaceOnChanges.includes(k))
            : []),
        ];

        if (changes === "none" && replaceKeys.length === 0) {
          ctx.steps.push({ urn: reg.urn, op: "same", id: old.id });
          if (!ctx.preview) Object.assign(old, base, { inputs, secretKeys: secretKeysFor(old.outputs) });
          return { id: old.id, state: old.outputs, secretKeys: secretKeysFor(old.outputs) };
        }

        if (replaceKeys.length === 0) {
          if (ctx.preview) {
            ctx.steps.push({ urn: reg.urn, op: "update", id: old.id });
            return { id: old.id, state: inputs, secretKeys: secretKeysFor(inputs) };
          }
          let outputs: JsonObject;
          try {
            outputs = await this.host.update(old.id, reg.urn, old.outputs, inputs, old.inputs);
          } catch (e) {
            if (e instanceof ProviderRpcError && e.initFailure) {
              Object.assign(old, base, { inputs, outputs: e.initFailure.properties });
              old.secretKeys = secretKeysFor(old.outputs);
            }
            throw e;
          }
          Object.assign(old, base, { inputs, outputs, secretKeys: secretKeysFor(outputs) });
          ctx.steps.push({ urn: reg.urn, op: "update", id: old.id });
          return { id: old.id, state: outputs, secretKeys: old.secretKeys };
        }

        // Replacement.
        if (ctx.preview) {
          ctx.steps.push({ urn: reg.urn, op: "replace", id: "", oldId: old.id });
          return { id: "", state: inputs, secretKeys: secretKeysFor(inputs) };
        }
        if (old.protect) throw new Error(`unable to replace protected resource '${reg.urn}'`);
        const deleteFirst = diff.deleteBeforeReplace || reg.deleteBeforeReplace;
        if (deleteFirst) {
          if (!old.retainOnDelete) await this.host.delete(old.id, old.urn, old.outputs, old.inputs);
          this.state.delete(reg.urn);
        }
        const retire = () => {
          // Create-before-delete: the old resource is deleted in the delete phase (or by a later run).
          if (deleteFirst || this.state.get(reg.urn) === old) return;
          this.pendingDeletes.push(old);
          ctx.replaced.push(old);
        };
        let created: ResourceState;
        try {
          created = await this.createResource(ctx, reg.urn, inputs, base, secretKeysFor);
        } finally {
          retire();
        }
        ctx.steps.push({ urn: reg.urn, op: "replace", id: created.id, oldId: old.id });
        return { id: created.id, state: created.outputs, secretKeys: created.secretKeys };
      } catch (e) {
        return this.fail(ctx, reg.urn, message(e));
      }
    });
  }

  private async createResource(
    ctx: RunContext,
    urn: string,
    inputs: JsonObject,
    base: Omit<ResourceState, "id" | "inputs" | "outputs" | "secretKeys">,
    secretKeysFor: (outputs: JsonObject) => string[],
  ): Promise<ResourceState> {
    try {
      const created = await this.host.create(urn, inputs);
      const r: ResourceState = {
        ...base,
        id: created.id,
        inputs,
        outputs: created.properties,
        secretKeys: secretKeysFor(created.properties),
      };
      this.state.delete(urn); // a replacement moves to the end of the creation order
      this.state.set(urn, r);
      return r;
    } catch (e) {
      if (e instanceof ProviderRpcError && e.initFailure) {
        // The resource exists though the operation failed: record it, as the engine does.
        const props = e.initFailure.properties;
        this.state.delete(urn);
        this.state.set(urn, {
          ...base,
          id: e.initFailure.id,
          inputs,
          outputs: props,
          secretKeys: secretKeysFor(props),
        });
        ctx.steps.push({ urn, op: "create", id: e.initFailure.id, error: e.message });
      }
      throw e;
    }
  }

  /** The engine's import step: Read(id) with no inputs or state (what breaks dynamic imports, #16175). */
  private async importResource(
    ctx: RunContext,
    reg: RawRegistration,
    base: Omit<ResourceState, "id" | "inputs" | "outputs" | "secretKeys">,
    inputs: JsonObject,
    secretKeysFor: (outputs: JsonObject) => string[],
  ): Promise<{ id: string; state: JsonObject; secretKeys: string[] }> {
    const read = await this.host.read(reg.importId, reg.urn, {});
    if (!read.id) throw new Error(`resource '${reg.importId}' does not exist`);
    const r: ResourceState = { ...base, id: read.id, inputs, outputs: read.properties, secretKeys: [] };
    r.secretKeys = secretKeysFor(r.outputs);
    if (!ctx.preview) this.state.set(reg.urn, r);
    ctx.steps.push({ urn: reg.urn, op: "import", id: read.id });
    return { id: r.id, state: r.outputs, secretKeys: r.secretKeys };
  }

  private fail(ctx: RunContext, urn: string, error: string, record = true): { error: string } {
    if (record) ctx.failures.push({ urn, reason: error });
    if (!this.options.continueOnError) ctx.stopped = true;
    const text = `${urn}: ${error}`;
    if (!ctx.errors.includes(text)) ctx.errors.push(text);
    return { error };
  }

  private async deleteAll(resources: ResourceState[], steps: Step[], errors: string[], pending: boolean) {
    if (this.options.parallelDeletes) return this.deleteInParallel(resources, steps, errors, pending);
    for (const r of resources) {
      if (errors.length && !this.options.continueOnError) return;
      await this.deleteOne(r, steps, errors, pending);
    }
  }

  /** Deletes each resource once every resource among them that depends on it (or is its child) is gone. */
  private async deleteInParallel(
    resources: ResourceState[],
    steps: Step[],
    errors: string[],
    pending: boolean,
  ) {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    /** What must be gone before r is deleted: r's dependencies and its parent go after r. */
    const before = (r: ResourceState) =>
      uniq([...r.dependencies, r.parent]).flatMap((urn) => (urn !== r.urn && byUrn.get(urn)) || []);
    const waitingFor = new Map<ResourceState, number>(resources.map((r) => [r, 0]));
    for (const r of resources)
      for (const target of before(r)) waitingFor.set(target, waitingFor.get(target)! + 1);
    const sem = new Semaphore(this.parallel);
    const running = new Set<Promise<void>>();
    const start = (r: ResourceState) => {
      const run = sem
        .run(async () => {
          if (errors.length && !this.options.continueOnError) return;
          // A resource whose dependent could not be deleted stays, as in `pulumi destroy`.
          if (!(await this.deleteOne(r, steps, errors, pending))) return;
          for (const target of before(r)) {
            waitingFor.set(target, waitingFor.get(target)! - 1);
            if (waitingFor.get(target) === 0) start(target);
          }
        })
        .finally(() => running.delete(run));
      running.add(run);
    };
    for (const r of resources) if (waitingFor.get(r) === 0) start(r);
    while (running.size > 0) await Promise.all([...running]);
  }

  /** Deletes one resource; false when that failed (the error is recorded). */
  private async deleteOne(
    r: ResourceState,
    steps: Step[],
    errors: string[],
    pending: boolean,
  ): Promise<boolean> {
    try {
      if (r.protect) throw new Error(`unable to delete protected resource '${r.urn}'`);
      if (!r.retainOnDelete) await this.host.delete(r.id, r.urn, r.outputs, r.inputs);
      if (pending) this.pendingDeletes.splice(this.pendingDeletes.indexOf(r), 1);
      else this.state.delete(r.urn);
      steps.push({ urn: r.urn, op: "delete", id: r.id });
      return true;
    } catch (e) {
      steps.push({ urn: r.urn, op: "delete", id: r.id, error: message(e) });
      errors.push(`${r.urn}: ${message(e)}`);
      return false;
    }
  }
}

export { UNKNOWN };
