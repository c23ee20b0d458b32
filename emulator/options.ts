// EmulatorOptions: the defaults and the checks that refuse a bad option before anything listens.
import { isLoopbackHost } from "./http";
import { validateRateLimits } from "./limits";
import { TINES_PUT_SEMANTICS } from "./tines";
import { TWILIO_ACCOUNT_SID_RE, TWILIO_API_KEY_RE } from "./twilio";
import type { Emulator, EmulatorOptions } from "./types";

export const DEFAULT_TINES_API_KEY = "emulator-tines-key";
export const DEFAULT_TWILIO_ACCOUNT_SID = "AC00000000000000000000000000000001";
export const DEFAULT_TWILIO_AUTH_TOKEN = "emulator-twilio-token";
export const DEFAULT_SEED = 1;

export type ResolvedOptions = Emulator["settings"] & {
  port: number;
  host: string;
  seed: number;
  latencyMs: number;
};

export function resolveOptions(options: EmulatorOptions): ResolvedOptions {
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new RangeError(
      `emulator: port must be an integer between 0 and 65535, got ${String(options.port)}`,
    );
  }
  const host = options.host ?? "127.0.0.1";
  if (!isLoopbackHost(host)) {
    throw new Error(
      `emulator: refusing to listen on non-loopback host "${host}" (use 127.0.0.1, ::1 or localhost)`,
    );
  }
  const nonEmpty = (name: string, v: string | undefined, dflt: string) => {
    if (v === undefined) return dflt;
    if (typeof v !== "string" || v === "")
      throw new TypeError(`emulator: ${name} must be a non-empty string`);
    return v;
  };
  const tinesApiKey = nonEmpty("tinesApiKey", options.tinesApiKey, DEFAULT_TINES_API_KEY);
  const twilioAccountSid = options.twilioAccountSid ?? DEFAULT_TWILIO_ACCOUNT_SID;
  if (!TWILIO_ACCOUNT_SID_RE.test(twilioAccountSid)) {
    throw new TypeError("emulator: twilioAccountSid must match ^AC[0-9a-fA-F]{32}$");
  }
  const twilioAuthToken = nonEmpty("twilioAuthToken", options.twilioAuthToken, DEFAULT_TWILIO_AUTH_TOKEN);
  if ((options.twilioApiKey === undefined) !== (options.twilioApiSecret === undefined)) {
    throw new TypeError("emulator: twilioApiKey and twilioApiSecret must be given together");
  }
  if (options.twilioApiKey !== undefined && !TWILIO_API_KEY_RE.test(options.twilioApiKey)) {
    throw new TypeError("emulator: twilioApiKey must match ^SK[0-9a-fA-F]{32}$");
  }
  if (options.twilioApiSecret !== undefined) nonEmpty("twilioApiSecret", options.twilioApiSecret, "");
  const twilioSubaccounts = [...(options.twilioSubaccounts ?? [])];
  for (const sid of twilioSubaccounts) {
    if (!TWILIO_ACCOUNT_SID_RE.test(sid)) {
      throw new TypeError(`emulator: twilioSubaccounts entries must match ^AC[0-9a-fA-F]{32}$, got "${sid}"`);
    }
  }
  const tinesPut = options.tinesPut ?? "replace";
  if (!TINES_PUT_SEMANTICS.includes(tinesPut)) {
    throw new TypeError(`emulator: tinesPut must be one of ${TINES_PUT_SEMANTICS.join(", ")}`);
  }
  const seed = options.seed ?? DEFAULT_SEED;
  if (typeof seed !== "number" || !Number.isFinite(seed))
    throw new TypeError("emulator: seed must be a number");
  let rateLimits;
  try {
    rateLimits = validateRateLimits(options.rateLimits);
  } catch (err) {
    throw new TypeError(`emulator: ${(err as Error).message}`, { cause: err });
  }
  const latencyMs = options.latencyMs ?? 0;
  if (!Number.isInteger(latencyMs) || latencyMs < 0) {
    throw new TypeError("emulator: latencyMs must be a non-negative integer");
  }
  return {
    ...options,
    port,
    host,
    tinesApiKey,
    twilioAccountSid,
    twilioAuthToken,
    twilioSubaccounts,
    tinesPut,
    seed,
    rateLimits,
    latencyMs,
  };
}
