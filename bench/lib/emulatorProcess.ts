// The emulator in a process of its own, for timing: a bare request from the benchmark process and a request
// from the provider host process then both cross a process boundary to reach it, as they would a real API.
// Parent side: `startEmulatorProcess()`. Child side: this same file run with `--child` (options in the
// environment, so secrets never show in a process list), answering "log", "faults" and "stop" over IPC.
import { fork } from "child_process";
import type {
  Emulator,
  FaultRule,
  RateLimits,
  RequestLogEntry,
  TinesRecord,
  TwilioRecord,
} from "../../emulator";
import type { EstateOptions } from "../../tests/integration/estate";

/** When the emulator logged a request, in ms since the epoch (performance.timeOrigin + now): any process can compare it. */
export interface RemoteArrival {
  at: number;
  service: RequestLogEntry["service"];
  status: number;
}

/** What the parent may ask of the child beyond the log and faults (the throughput part's needs). */
interface Calls {
  setRateLimits: [RateLimits, void];
  reset: [undefined, void];
  records: [undefined, { tines: TinesRecord[]; twilio: TwilioRecord[] }];
  seedEstate: [EstateOptions, void];
  takeArrivals: [undefined, RemoteArrival[]];
  settings: [undefined, Emulator["settings"]];
}
type CallName = keyof Calls;

export interface EmulatorProcess {
  url: string;
  /** The emulator process's id (for its CPU time). */
  pid: number | undefined;
  /** The log since the last call (and clears it). */
  takeLog(): Promise<RequestLogEntry[]>;
  /** Replaces the emulator's fault rules with these (none: no faults). */
  setFaults(rules: FaultRule[]): Promise<void>;
  /** Runs one of the emulator's own operations in the child (see Calls). */
  call<Name extends CallName>(name: Name, arg?: Calls[Name][0]): Promise<Calls[Name][1]>;
  stop(): Promise<void>;
}

type Reply =
  | { t: "url"; url: string }
  | { t: "log"; log: RequestLogEntry[] }
  | { t: "faults" }
  | { t: "called"; result: unknown }
  | { t: "error"; error: string };

export function startEmulatorProcess(options: {
  seed: number;
  tinesApiKey: string;
  twilioAuthToken: string;
  rateLimits?: RateLimits;
}): Promise<EmulatorProcess> {
  const child = fork(__filename, ["--child"], {
    env: { ...process.env, BENCH_EMULATOR_OPTIONS: JSON.stringify({ port: 0, ...options }) },
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    execArgv: [],
  });
  const next = () =>
    new Promise<Reply>((resolve, reject) => {
      const onExit = (code: number | null) => reject(new Error(`emulator process exited (${code})`));
      child.once("exit", onExit);
      child.once("message", (m: Reply) => {
        child.off("exit", onExit);
        if (m.t === "error") reject(new Error(m.error));
        else resolve(m);
      });
    });
  return next().then((first) => {
    if (first.t !== "url") throw new Error("emulator process: expected its url first");
    return {
      url: first.url,
      pid: child.pid,
      async takeLog() {
        const reply = next();
        child.send({ t: "log" });
        const m = await reply;
        return m.t === "log" ? m.log : [];
      },
      async setFaults(rules: FaultRule[]) {
        const reply = next();
        child.send({ t: "faults", rules });
        await reply;
      },
      async call<Name extends CallName>(name: Name, arg?: Calls[Name][0]) {
        const reply = next();
        child.send({ t: "call", name, arg });
        const m = await reply;
        return (m.t === "called" ? m.result : undefined) as Calls[Name][1];
      },
      async stop() {
        if (child.exitCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.send({ t: "stop" });
        await exited;
      },
    };
  });
}

async function childMain(): Promise<void> {
  const { startEmulator } = await import("../../emulator");
  const { seedEstate } = await import("../../tests/integration/estate");
  const arrivals: RemoteArrival[] = [];
  const emulator = await startEmulator({
    ...JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? "{}"),
    onRequest: (e: RequestLogEntry) =>
      arrivals.push({ at: performance.timeOrigin + performance.now(), service: e.service, status: e.status }),
  });
  const calls: { [Name in CallName]: (arg: Calls[Name][0]) => Calls[Name][1] } = {
    setRateLimits: (limits) => emulator.setRateLimits(limits),
    reset: () => emulator.reset(),
    records: () => ({ tines: emulator.tines.list(), twilio: emulator.twilio.list() }),
    seedEstate: (options) => void seedEstate(emulator, options),
    takeArrivals: () => arrivals.splice(0),
    settings: () => emulator.settings,
  };
  process.on("message", async (m: { t: string; rules?: FaultRule[]; name?: CallName; arg?: never }) => {
    if (m.t === "call") {
      try {
        process.send!({ t: "called", result: calls[m.name!](m.arg as never) });
      } catch (e) {
        process.send!({ t: "error", error: String(e) });
      }
    } else if (m.t === "faults") {
      emulator.clearFaults();
      for (const rule of m.rules ?? []) emulator.injectFault(rule);
      process.send!({ t: "faults" });
    } else if (m.t === "log") {
      const log = [...emulator.log];
      emulator.clearLog();
      process.send!({ t: "log", log });
    } else if (m.t === "stop") {
      await emulator.stop();
      process.disconnect();
      process.exit(0);
    }
  });
  process.on("disconnect", () => void emulator.stop().then(() => process.exit(0)));
  process.send!({ t: "url", url: emulator.url });
}

if (process.argv[2] === "--child") {
  childMain().catch((e: unknown) => {
    process.send!({ t: "error", error: String(e) });
    process.exit(1);
  });
}
