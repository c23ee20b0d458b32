// An experiment, not a target: A/B of the HTTP client of two builds against a bare axios request. Three
// sides, run in a fresh seeded random order each iteration against the emulator in a process of its own:
// bare (a keep-alive axios request with the same body and headers), base (this build's HttpClient.send)
// and variant (HttpClient.send of another build, e.g. a copy of build/ with one change). Both clients have
// the Tines settings the provider uses, rate limiter included. Prints each side's median and its ratio to
// bare, and variant - base. Without --variant, both sides are this build (an A/A run shows the noise).
// Run: npm run build:dev && node build/bench/experiments/sendAb.js [--variant=<build dir>] [--n=4000] [--seed=7]
import axios from "axios";
import * as http from "http";
import * as path from "path";
import { mulberry32 } from "../../emulator";
import type { HttpSettings } from "../../provider/core/http";
import { HttpClient } from "../../provider/core/http";
import { startEmulatorProcess } from "../lib/emulatorProcess";
import { median } from "../lib/report";

const API_KEY = "tines-key-send-ab-0123456789abcdef";
const PATH = "/api/v1/user_credentials";

function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function main(): Promise<void> {
  const n = Number(option("n") ?? 4000);
  const warm = 300;
  const variantDir = option("variant");
  const Variant: typeof HttpClient = variantDir
    ? // eslint-disable-next-line @typescript-eslint/no-require-imports -- another build, chosen at run time
      require(path.resolve(variantDir, "provider/core/http.js")).HttpClient
    : HttpClient;
  const emulator = await startEmulatorProcess({
    seed: 1,
    tinesApiKey: API_KEY,
    twilioAuthToken: "twilio-token-send-ab-0123456789",
  });
  const settings: HttpSettings = {
    service: "Tines",
    baseUrl: emulator.url,
    headers: { Authorization: `Bearer ${API_KEY}` },
    timeoutMs: 30_000,
    maxRetries: 4,
    secrets: [API_KEY],
    rateLimit: { requestsPerMinute: { value: 1_000_000, setting: "tines:requestsPerMinute" } },
  };
  const base = new HttpClient(settings);
  const variant = new Variant(settings);
  const json = {
    name: "send-ab",
    team_id: 1,
    mode: "TEXT",
    value: "send-ab-secret-0123456789",
    description: "d",
  };
  const body = JSON.stringify(json);
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
  const send = (client: HttpClient) => () =>
    client.send({ method: "POST", path: PATH, json, idempotent: false, secrets: [json.value] });
  const sides: Record<string, () => Promise<unknown>> = {
    bare: () => bare.request({ method: "POST", url: PATH, data: body, headers }),
    base: send(base),
    variant: send(variant),
  };
  const names = Object.keys(sides);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((name) => [name, []]));
  const random = mulberry32(Number(option("seed") ?? 7));
  const order = [...names];
  for (let i = 0; i < warm + n; i++) {
    for (let j = order.length - 1; j > 0; j--) {
      const pick = Math.floor(random() * (j + 1));
      [order[j], order[pick]] = [order[pick], order[j]];
    }
    for (const name of order) {
      const started = performance.now();
      await sides[name]();
      if (i >= warm) samples[name].push(performance.now() - started);
    }
  }
  const of = (name: string) => median(samples[name]);
  console.log(
    names
      .map((name) => `${name} ${(of(name) * 1000).toFixed(0)} µs ${(of(name) / of("bare")).toFixed(3)}x`)
      .join("; ") +
      `; variant - base ${((of("variant") - of("base")) * 1000).toFixed(1)} µs (${n} creates per side)`,
  );
  await emulator.stop();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
