// The program side of the engine harness: a child process (forked by EngineHarness.up) that runs one Pulumi
// program under `pulumi.runtime.setMocks`, with @pulumi/pulumi loaded from the program folder. The SDK's real
// serializer produces every RegisterResource request (including the serialized `__provider`); the runner
// captures each request as sent and forwards it to the parent, which plays the engine and answers with the
// resource's id and outputs. Stack outputs are captured from RegisterResourceOutputs of the Stack resource.
//
// argv[2]: JSON { programDir }. The runner preloads the SDK, then runs a program for each { t: "run", args }
// it gets, one at a time, and ends each with { t: "done" }. Talks to the parent over the IPC channel
// (ChildMessage / ParentMessage). A runner serves the successive runs of one EngineHarness: the SDK and the
// installed package stay loaded, the program's own files are loaded afresh each run (as the Automation API
// runs inline programs, one after another in one process); the harness retires a runner after a failed run.
import { createRequire } from "module";
import * as path from "path";
import type * as pulumiTypes from "@pulumi/pulumi";
import { ChildMessage, JsonObject, ParentMessage, RawRegistration, runEnd, RunnerArgs } from "./protocol";

interface PbStruct {
  toJavaScript(): JsonObject;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getObject(): PbStruct | undefined;
  getAdditionalsecretoutputsList(): string[];
  getDependenciesList(): string[];
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getImportid(): string;
}
interface OutputsRequest {
  getUrn(): string;
  getOutputs(): PbStruct | undefined;
}
type Callback = (err: unknown, resp?: unknown) => void;
interface MockMonitorLike {
  newUrn(parent: string, type: string, name: string): string;
  registerResource(req: RegisterRequest, cb: Callback): Promise<void>;
  registerResourceOutputs(req: OutputsRequest, cb: Callback): void;
}

function send(msg: ChildMessage): void {
  process.send!(msg);
}

function describe(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Files the next run must load afresh: the program and its own modules, everything outside node_modules. */
function forgetProgramModules(): void {
  const installed = `${path.sep}node_modules${path.sep}`;
  for (const file of Object.keys(require.cache)) if (!file.includes(installed)) delete require.cache[file];
}

async function main(): Promise<void> {
  // Warm-up: load the SDK and its closure serializer (the slow part) before the program is known.
  const boot = JSON.parse(process.argv[2]) as { programDir: string; runEndNonce: string };
  const runEndLine = `${runEnd(boot.runEndNonce)}\n`;
  const programRequire = createRequire(path.join(boot.programDir, "/"));
  const pulumi = programRequire("@pulumi/pulumi") as typeof pulumiTypes;
  await pulumi.runtime.serializeFunction(() => 0); // loads what the closure serializer loads lazily

  // Errors of the run in progress. One arriving between runs belongs to a finished run: the runner exits,
  // so that no later run is blamed for it and the harness starts a fresh runner.
  let addError: ((e: unknown) => void) | undefined;
  const onStray = (e: unknown) => {
    if (addError) addError(e);
    else process.exit(3);
  };
  process.on("unhandledRejection", onStray);
  process.on("uncaughtException", onStray);
  process.on("disconnect", () => process.exit(0)); // the harness went away

  type Answer = Extract<ParentMessage, { t: "registered" }>;
  let pending = new Map<number, (m: Answer) => void>();
  let running = false;
  process.on("message", (m: ParentMessage) => {
    if (m.t === "registered") {
      const resolve = pending.get(m.seq);
      pending.delete(m.seq);
      resolve?.(m);
    } else if (m.t === "run" && !running) {
      running = true;
      void runProgram(m.args).finally(() => (running = false));
    }
  });

  async function runProgram(args: RunnerArgs): Promise<void> {
    const errors: string[] = [];
    addError = (e: unknown) => {
      const m = describe(e);
      if (!errors.includes(m)) errors.push(m);
    };
    pending = new Map();
    let seq = 0;

    // Set synchronously by the wrapped registerResource right before the mock monitor calls newResource.
    let current: RawRegistration | undefined;
    const mocks: pulumiTypes.runtime.Mocks = {
      call: async () => ({}),
      newResource: async () => {
        const reg = current;
        current = undefined;
        if (!reg) throw new Error("harness runner: registration not captured");
        const n = ++seq;
        const answer = await new Promise<Answer>((resolve) => {
          pending.set(n, resolve);
          send({ t: "register", seq: n, reg });
        });
        if ("error" in answer) throw new Error(answer.error);
        const state: Record<string, unknown> = { ...answer.state };
        for (const k of answer.secretKeys) if (k in state) state[k] = pulumi.secret(state[k]);
        return { id: answer.id, state };
      },
    };
    // setMocks resets the SDK's per-run state (monitor, stack resource, settings), as between the
    // programs of one mocha process or the inline programs of one Automation API process.
    await pulumi.runtime.setMocks(mocks, args.project, args.stack, args.preview);

    const monitor = (pulumi.runtime as unknown as { getMonitor(): MockMonitorLike }).getMonitor();
    // URNs as the engine makes them: the parent's type qualifies a child's type unless the parent is the
    // root Stack (the mock monitor always qualifies).
    monitor.newUrn = (parent, type, name) => {
      const parentType = parent ? parent.split("::")[2] : "";
      const qualified = parentType && parentType !== "pulumi:pulumi:Stack" ? `${parentType}$${type}` : type;
      return `urn:pulumi:${args.stack}::${args.project}::${qualified}::${name}`;
    };
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, cb) => {
      current = {
        urn: monitor.newUrn(req.getParent(), req.getType(), req.getName()),
        type: req.getType(),
        name: req.getName(),
        custom: req.getCustom(),
        parent: req.getParent(),
        object: req.getObject()?.toJavaScript() ?? {},
        additionalSecretOutputs: req.getAdditionalsecretoutputsList(),
        dependencies: req.getDependenciesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        protect: req.getProtect() === true,
        retainOnDelete: req.getRetainondelete() === true,
        importId: req.getImportid(),
      };
      return register(req, cb);
    };
    const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
    monitor.registerResourceOutputs = (req, cb) => {
      send({ t: "outputs", urn: req.getUrn(), outputs: req.getOutputs()?.toJavaScript() ?? {} });
      return registerOutputs(req, cb);
    };

    // What the nodejs language host does (cmd/run/run.js): run the program inside the Stack component; a
    // exported function is called and awaited; the exports become the stack outputs.
    try {
      forgetProgramModules();
      await pulumi.runtime.runInPulumiStack(async () => {
        const mod = programRequire(path.resolve(args.programDir, args.program)) as unknown;
        const exp =
          mod && typeof mod === "object" && "default" in mod && Object.keys(mod).length === 1
            ? (mod as { default: unknown }).default
            : mod;
        return typeof exp === "function" ? await (exp as () => unknown)() : exp;
      });
    } catch (e) {
      addError(e);
    }
    try {
      await pulumi.runtime.disconnect();
    } catch (e) {
      addError(e);
    }
    // Let late rejections of outputs surface before reporting.
    await new Promise((r) => setImmediate(r));
    addError = undefined;
    // The end of this run's output on each stream (pipes keep order), so the harness has all of it.
    process.stdout.write(runEndLine);
    process.stderr.write(runEndLine);
    send({ t: "done", ok: errors.length === 0, errors });
  }
}

main().catch((e) => {
  send({
    t: "done",
    ok: false,
    errors: [`harness runner crashed: ${e instanceof Error ? e.stack : String(e)}`],
  });
  process.disconnect();
});
