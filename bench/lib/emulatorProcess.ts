// The emulator in a process of its own, for timing: a bare request from the benchmark process and a request
// from the provider host process then both cross a process boundary to reach it, as they would a real API.
// Parent side: `startEmulatorProcess()`. Child side: this same file run with `--child` (options in the
// environment, so secrets never show in a process list), answering "log", "faults" and "stop" over IPC.
import { fork } from "child_process";
import type { FaultRule, RequestLogEntry } from "../../emulator";

export interface EmulatorProcess {
  url: string;
  /** The emulator process's id (for its CPU time). */
  pid: number | undefined;
  /** The log since the last call (and clears it). */
  takeLog(): Promise<RequestLogEntry[]>;
  /** Replaces the emulator's fault rules with these (none: no faults). */
  setFaults(rules: FaultRule[]): Promise<void>;
  stop(): Promise<void>;
}

type Reply =
  | { t: "url"; url: string }
  | { t: "log"; log: RequestLogEntry[] }
  | { t: "faults" }
  | { t: "error"; error: string };

export function startEmulatorProcess(options: {
  seed: number;
  tinesApiKey: string;
  twilioAuthToken: string;
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
  const emulator = await startEmulator(JSON.parse(process.env.BENCH_EMULATOR_OPTIONS ?? "{}"));
  process.on("message", async (m: { t: string; rules?: FaultRule[] }) => {
    if (m.t === "faults") {
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
