// An experiment, not a target: where the package's in-process cost per call goes (the overhead part
// measures it; this splits it). Sides, run in a fresh seeded random order each iteration against the
// emulator in a process of its own:
// - bare: a keep-alive axios request with the body and headers of a TEXT create (or a read);
// - create / read: the TinesTextCredential provider's hooks, each split into the time spent inside
//   HttpClient.send and outside it (the hooks' own work);
// - fakeCreate / fakeRead: the same hooks with the request answered at once in memory (no I/O): the
//   hooks' own work alone, still interleaved with real requests;
// - with --pollute, a side that encodes and parses a 3,000-object JSON array: other work of a busy
//   process (the benchmark's also drives a provider host over gRPC), which leaves the hooks' code out
//   of the CPU's caches.
// Run: npm run build:dev && node build/bench/experiments/splitCost.js [--n=2000] [--seed=7] [--pollute]
import axios from "axios";
import * as http from "http";
import { mulberry32 } from "../../emulator";
import { ApiRequest, ApiResponse, HttpClient } from "../../provider/core/http";
import { providers } from "../../provider/index";
import { startEmulatorProcess } from "../lib/emulatorProcess";
import { median } from "../lib/report";

const API_KEY = "tines-key-split-cost-0123456789abcdef";
const PATH = "/api/v1/user_credentials";

function option(name: string, fallback: number): number {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? Number(arg.slice(name.length + 3)) : fallback;
}

async function main(): Promise<void> {
  const n = option("n", 2000);
  const warm = 300;
  const emulator = await startEmulatorProcess({
    seed: 1,
    tinesApiKey: API_KEY,
    twilioAuthToken: "twilio-token-split-cost-0123456789",
  });
  const config: Record<string, string> = {
    "tines:tenant": emulator.url,
    "tines:apiKey": API_KEY,
    // As the overhead part sets it: the limiter runs on every call and never waits.
    "tines:requestsPerMinute": "1000000",
  };
  const provider = providers.tinesTextCredential;
  await provider.configure({ config: { get: (key: string) => config[key] } });
  const inputs = { name: "split-cost", teamId: 1, value: "split-cost-secret-0123456789", description: "d" };

  // Time inside HttpClient.send, per hook call; and the in-memory answer of the fake sides.
  let insideSend = 0;
  let fake = false;
  let nextId = 1_000_000_000;
  const record = (id: number) => ({
    id,
    name: inputs.name,
    team_id: 1,
    mode: "TEXT",
    description: "d",
    read_access: "TEAM",
    created_at: "2026-11-28T00:00:00Z",
    updated_at: "2026-11-28T00:00:00Z",
  });
  const realSend = HttpClient.prototype.send;
  HttpClient.prototype.send = async function (this: HttpClient, request: ApiRequest): Promise<ApiResponse> {
    if (fake) {
      const get = request.method === "GET";
      return {
        status: get ? 200 : 201,
        data: record(get ? Number(request.path.split("/").pop()) : nextId++),
      };
    }
    const started = performance.now();
    try {
      return await realSend.call(this, request);
    } finally {
      insideSend += performance.now() - started;
    }
  };
  const faked = async (call: () => Promise<unknown>) => {
    fake = true;
    try {
      await call();
    } finally {
      fake = false;
    }
  };

  const first = await provider.create(inputs);
  const bare = axios.create({
    baseURL: emulator.url,
    httpAgent: new http.Agent({ keepAlive: true }),
    validateStatus: () => true,
    maxRedirects: 0,
    proxy: false,
  });
  const headers = {
    Authorization: `Bearer ${API_KEY}`,
    Accept: "application/json",
    "Content-Type": "application/json",
  };
  const body = JSON.stringify({
    name: inputs.name,
    team_id: 1,
    mode: "TEXT",
    value: inputs.value,
    description: "d",
  });
  const big = Array.from({ length: 3_000 }, (_, i) => ({ id: i, name: `n${i}`, tags: [`a${i}`, "b"] }));
  const sides: Record<string, () => Promise<unknown>> = {
    bareCreate: () => bare.request({ method: "POST", url: PATH, data: body, headers }),
    bareRead: () => bare.request({ method: "GET", url: `${PATH}/${first.id}`, headers }),
    create: () => provider.create(inputs),
    read: () => provider.read(first.id, first.outs),
    fakeCreate: () => faked(() => provider.create(inputs)),
    fakeRead: () => faked(() => provider.read(first.id, first.outs)),
  };
  if (process.argv.includes("--pollute")) {
    sides.pollute = async () => JSON.parse(JSON.stringify(big));
  }
  const names = Object.keys(sides);
  const total: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const inside: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const random = mulberry32(option("seed", 7));
  const order = [...names];
  for (let i = 0; i < warm + n; i++) {
    for (let j = order.length - 1; j > 0; j--) {
      const pick = Math.floor(random() * (j + 1));
      [order[j], order[pick]] = [order[pick], order[j]];
    }
    for (const name of order) {
      insideSend = 0;
      const started = performance.now();
      await sides[name]();
      if (i < warm) continue;
      total[name].push(performance.now() - started);
      inside[name].push(insideSend);
    }
  }
  const us = (value: number) => `${(value * 1000).toFixed(1)} µs`;
  for (const [hook, versus] of [
    ["create", "bareCreate"],
    ["read", "bareRead"],
  ]) {
    const outside = total[hook].map((t, i) => t - inside[hook][i]);
    console.log(
      `${hook}: ${us(median(total[hook]))}, ${(median(total[hook]) / median(total[versus])).toFixed(3)}x of ` +
        `${versus} (${us(median(total[versus]))}); inside HttpClient.send ${us(median(inside[hook]))}, ` +
        `outside ${us(median(outside))}; with the request faked ${us(median(total[`fake${hook[0].toUpperCase()}${hook.slice(1)}`]))}`,
    );
  }
  console.log(`${n} calls per side after ${warm} warm-up${sides.pollute ? ", with the polluting side" : ""}`);
  await emulator.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
