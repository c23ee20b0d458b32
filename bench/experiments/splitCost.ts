// An experiment, not a target: where the package's in-process cost per call goes (the overhead part
// measures it; this splits it). Sides, run in a fresh seeded random order each iteration against the
// emulator in a process of its own:
// - bare create / read: a keep-alive axios request with the body and headers of a TEXT create (or a read);
// - create / read: the TinesTextCredential provider's hooks, each split into the time spent inside
//   HttpClient.send and outside it (the hooks' own work);
// - fake create / read: the same hooks with the request answered at once in memory (no I/O): the hooks'
//   own work alone, still interleaved with real requests;
// - with --pollute, a side that encodes and parses a 3,000-object JSON array: other work of a busy
//   process (the benchmark's also drives a provider host over gRPC), which leaves the hooks' code out
//   of the CPU's caches.
// Run: npm run build:dev && node build/bench/experiments/splitCost.js [--n=2000] [--seed=7] [--pollute]
import { mulberry32 } from "../../emulator";
import { ApiRequest, ApiResponse, HttpClient } from "../../provider/core/http";
import { median } from "../lib/report";
import { bareClient, interleave } from "../parts/overhead";
import { inMemoryAnswers, option, run, textProviderOnEmulator } from "./common";

const PATH = "/api/v1/user_credentials";
const WARM_UP = 300;

async function main(): Promise<void> {
  const n = Number(option("n") ?? 2000);
  const { emulator, provider, inputs, headers } = await textProviderOnEmulator("split-cost");

  // Time inside HttpClient.send during the current call; the in-memory answers of the fake sides.
  let insideSend = 0;
  let fake = false;
  const answer = inMemoryAnswers(inputs.name);
  const realSend = HttpClient.prototype.send;
  HttpClient.prototype.send = async function (this: HttpClient, request: ApiRequest): Promise<ApiResponse> {
    if (fake) return answer(request);
    const started = performance.now();
    try {
      return await realSend.call(this, request);
    } finally {
      insideSend += performance.now() - started;
    }
  };
  /** Inside-send time of each call of a hook, in call order. */
  const inside: Record<"create" | "read", number[]> = { create: [], read: [] };
  const split = (hook: "create" | "read", call: () => Promise<unknown>) => async () => {
    insideSend = 0;
    await call();
    inside[hook].push(insideSend);
  };
  const faked = (call: () => Promise<unknown>) => async () => {
    fake = true;
    try {
      await call();
    } finally {
      fake = false;
    }
  };

  const first = await provider.create(inputs);
  const bare = bareClient(emulator);
  const body = JSON.stringify({
    name: inputs.name,
    team_id: 1,
    mode: "TEXT",
    value: inputs.value,
    description: "d",
  });
  const big = Array.from({ length: 3_000 }, (_, i) => ({ id: i, name: `n${i}`, tags: [`a${i}`, "b"] }));
  const names = ["bare create", "bare read", "create", "read", "fake create", "fake read", "pollute"];
  const sides = [
    () => bare.request({ method: "POST", url: PATH, data: body, headers }),
    () => bare.request({ method: "GET", url: `${PATH}/${first.id}`, headers }),
    split("create", () => provider.create(inputs)),
    split("read", () => provider.read(first.id, first.outs)),
    faked(() => provider.create(inputs)),
    faked(() => provider.read(first.id, first.outs)),
    async () => JSON.parse(JSON.stringify(big)),
  ];
  if (!process.argv.includes("--pollute")) sides.pop();
  const random = mulberry32(Number(option("seed") ?? 7));
  await interleave(WARM_UP, sides, random);
  inside.create.length = inside.read.length = 0;
  const samples = await interleave(n, sides, random);
  const of = (name: string) => samples[names.indexOf(name)];
  const us = (valueMs: number) => `${(valueMs * 1000).toFixed(1)} µs`;
  for (const hook of ["create", "read"] as const) {
    const total = of(hook);
    const bareMedian = median(of(`bare ${hook}`));
    const outside = total.map((t, i) => t - inside[hook][i]);
    console.log(
      `${hook}: ${us(median(total))}, ${(median(total) / bareMedian).toFixed(3)}x of the bare request ` +
        `(${us(bareMedian)}); inside HttpClient.send ${us(median(inside[hook]))}, outside ${us(median(outside))}; ` +
        `with the request faked ${us(median(of(`fake ${hook}`)))}`,
    );
  }
  console.log(
    `${n} calls per side after ${WARM_UP} warm-up${sides.length === names.length ? ", with the polluting side" : ""}`,
  );
  await emulator.stop();
}

run(main);
