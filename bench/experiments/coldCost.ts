// An experiment, not a target: why the hooks' own work costs several times more in the overhead part's
// loop than in a tight loop. The TinesTextCredential create and read hooks run with the request answered
// at once in memory (their own work alone), each timed right after one of:
// - nothing but the other measured calls (warm);
// - fifty system calls (fstat of stdin);
// - a bare axios request to the emulator in a process of its own (what precedes a hook in the overhead part);
// - that request and unrelated JSON work (encode and parse a 3,000-object array), as a busy process does.
// A fixed pure-JavaScript workload (encode and parse the inputs' JSON) is timed the same way: code that is
// not the package's slows down by a like factor once other work has taken the CPU's caches.
// Run: npm run build:dev && node build/bench/experiments/coldCost.js [--n=2000]
import * as fs from "fs";
import { ApiRequest, ApiResponse, HttpClient } from "../../provider/core/http";
import { median } from "../lib/report";
import { bareClient } from "../parts/overhead";
import { inMemoryAnswers, option, run, textProviderOnEmulator } from "./common";

const PATH = "/api/v1/user_credentials";
const WARM_UP = 300;

async function main(): Promise<void> {
  const n = Number(option("n") ?? 2000);
  const { emulator, provider, inputs, headers } = await textProviderOnEmulator("cold-cost");
  const answer = inMemoryAnswers(inputs.name);
  // Every request the hooks make is answered at once in memory.
  HttpClient.prototype.send = async (request: ApiRequest): Promise<ApiResponse> => answer(request);
  const first = await provider.create(inputs);
  const bare = bareClient(emulator);
  const json = JSON.stringify(inputs);
  // The answer does not matter (the id is the in-memory create's): the request's work does.
  const request = () =>
    bare.request({ method: "GET", url: `${PATH}/${first.id}`, headers, validateStatus: () => true });
  const unrelated = Array.from({ length: 3_000 }, (_, i) => ({ id: i, name: `n${i}`, tags: [`a${i}`, "b"] }));

  const before: [string, () => Promise<unknown> | void][] = [
    ["nothing (warm)", () => undefined],
    [
      "fifty system calls",
      () => {
        for (let i = 0; i < 50; i++) fs.fstatSync(0);
      },
    ],
    ["a bare request", request],
    [
      "a bare request and unrelated JSON work",
      async () => {
        await request();
        JSON.parse(JSON.stringify(unrelated));
      },
    ],
  ];
  const measured: [string, () => Promise<unknown> | void][] = [
    ["create", () => provider.create(inputs)],
    ["read", () => provider.read(first.id, first.outs)],
    ["reference (JSON)", () => void JSON.parse(JSON.stringify(JSON.parse(json)))],
  ];
  for (const [what, prepare] of before) {
    const times = measured.map(() => [] as number[]);
    for (let i = 0; i < WARM_UP + n; i++) {
      for (const [k, [, call]] of measured.entries()) {
        await prepare();
        const started = performance.now();
        await call();
        if (i >= WARM_UP) times[k].push((performance.now() - started) * 1000);
      }
    }
    const shown = measured.map(([name], k) => `${name} ${median(times[k]).toFixed(1)} µs`).join(", ");
    console.log(`after ${what}: ${shown}`);
  }
  console.log(`${n} calls each after ${WARM_UP} warm-up; medians; requests answered in memory`);
  await emulator.stop();
}

run(main);
