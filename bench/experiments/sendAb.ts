// An experiment, not a target: A/B of the HTTP client of two builds against a bare axios request. Three
// sides, run in a fresh seeded random order each iteration against the emulator in a process of its own:
// bare (a keep-alive axios request with the same body and headers), base (this build's HttpClient.send)
// and variant (HttpClient.send of another build, e.g. a copy of build/ with one change). Both clients have
// the Tines settings the provider uses, rate limiter included. Prints each side's median and its ratio to
// bare, and variant - base. Without --variant, both sides are this build (an A/A run shows the noise).
// Run: npm run build:dev && node build/bench/experiments/sendAb.js [--variant=<build dir>] [--n=4000] [--seed=7]
import * as path from "path";
import { mulberry32 } from "../../emulator";
import { HttpClient } from "../../provider/core/http";
import { startEmulatorProcess } from "../lib/emulatorProcess";
import { median } from "../lib/report";
import { bareClient, interleave } from "../parts/overhead";
import { option, run, tinesJsonHeaders } from "./common";

const API_KEY = "tines-key-send-ab-0123456789abcdef";
const PATH = "/api/v1/user_credentials";
const WARM_UP = 300;

async function main(): Promise<void> {
  const n = Number(option("n") ?? 4000);
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
  const settings = {
    service: "Tines",
    baseUrl: emulator.url,
    headers: { Authorization: `Bearer ${API_KEY}` },
    timeoutMs: 30_000,
    maxRetries: 4,
    secrets: [API_KEY],
    rateLimit: { requestsPerMinute: { value: 1_000_000, setting: "tines:requestsPerMinute" } },
  };
  const json = { name: "send-ab", team_id: 1, mode: "TEXT", value: "send-ab-secret-0123456789" };
  const bare = bareClient(emulator);
  const headers = tinesJsonHeaders(API_KEY);
  const send = (client: HttpClient) => () =>
    client.send({ method: "POST", path: PATH, json, idempotent: false, secrets: [json.value] });
  const names = ["bare", "base", "variant"];
  const sides = [
    () => bare.request({ method: "POST", url: PATH, data: JSON.stringify(json), headers }),
    send(new HttpClient(settings)),
    send(new Variant(settings)),
  ];
  const random = mulberry32(Number(option("seed") ?? 7));
  await interleave(WARM_UP, sides, random);
  const medians = (await interleave(n, sides, random)).map(median);
  console.log(
    names
      .map((name, k) => `${name} ${medians[k].toFixed(3)} ms ${(medians[k] / medians[0]).toFixed(3)}x`)
      .join("; ") +
      `; variant - base ${((medians[2] - medians[1]) * 1000).toFixed(1)} µs (${n} creates per side)`,
  );
  await emulator.stop();
}

run(main);
