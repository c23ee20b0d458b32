// Local emulator of the Tines user-credentials API and the Twilio Credentials/AWS API, with fault
// injection and a control API. Both APIs are served from one loopback origin. See emulator/README.md.
//
// Layout: options.ts checks the options; server.ts is the HTTP server (routing, faults, log);
// control.ts the control API; services/ binds each emulated API (tines/, twilio.ts) to the server.
// This file puts them together and is the package's "./emulator" export.
import { createControlApi, CONTROL_BASE_PATH } from "./control";
import { FaultInjector } from "./faults";
import { RateLimiter } from "./limits";
import { RequestLog } from "./log";
import { resolveOptions } from "./options";
import { EmulatorServer } from "./server";
import { TinesService } from "./services/tines";
import { TwilioService } from "./services/twilio";
import { loadStateFile, saveStateFile } from "./state";
import type { Emulator, EmulatorOptions } from "./types";

export type {
  Emulator,
  EmulatorOptions,
  EchoFaultKind,
  FaultKind,
  FaultRule,
  RequestLogEntry,
  TinesAwsAuthenticationType,
  TinesCredentialRequest,
  TinesMode,
  TinesOauthGrantType,
  TinesOauthPkceMethod,
  TinesOwner,
  TinesPutSemantics,
  TinesReadAccess,
  TinesRecord,
  TwilioRecord,
} from "./types";
export type { RateLimits, RateLimitStatus, TinesRateLimit, TwilioConcurrencyLimit } from "./limits";
export { TINES_BASE_PATH, TINES_MODES, TINES_PUT_SEMANTICS, TinesValidationError } from "./tines";
export { TWILIO_BASE_PATH, TwilioApiError } from "./twilio";
export { FAULT_KINDS, mulberry32 } from "./faults";
export { MAX_LOG_ENTRIES } from "./log";
export {
  DEFAULT_SEED,
  DEFAULT_TINES_API_KEY,
  DEFAULT_TWILIO_ACCOUNT_SID,
  DEFAULT_TWILIO_AUTH_TOKEN,
} from "./options";
export { CONTROL_BASE_PATH };

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const settings = resolveOptions(options);
  let baseUrl = "";
  const persist = () => {
    if (settings.stateFile) {
      saveStateFile(settings.stateFile, {
        version: 1,
        tines: tines.store.snapshot(),
        twilio: twilio.store.snapshot(),
      });
    }
  };
  const tines = new TinesService({
    apiKey: settings.tinesApiKey,
    putSemantics: settings.tinesPut,
    baseUrl: () => baseUrl,
    onChange: persist,
  });
  const twilio = new TwilioService({
    accountSid: settings.twilioAccountSid,
    authToken: settings.twilioAuthToken,
    subaccounts: settings.twilioSubaccounts ?? [],
    apiKey:
      settings.twilioApiKey !== undefined && settings.twilioApiSecret !== undefined
        ? { sid: settings.twilioApiKey, secret: settings.twilioApiSecret }
        : undefined,
    baseUrl: () => baseUrl,
    onChange: persist,
  });
  const services = [tines, twilio] as const;
  const faults = new FaultInjector(settings.seed);
  const log = new RequestLog(settings.onRequest);
  const limiter = new RateLimiter(settings.rateLimits);
  const reset = () => {
    for (const service of services) service.clear();
    faults.clear();
    faults.reseed();
    log.clear();
    limiter.set(settings.rateLimits);
    persist();
  };
  const control = createControlApi({ services, faults, limiter, log, baseUrl: () => baseUrl, reset });
  const server = new EmulatorServer({
    services,
    control,
    faults,
    limiter,
    log,
    latencyMs: settings.latencyMs,
  });

  const address = await server.listen(settings.port, settings.host);
  const hostForUrl =
    address.family === "IPv6" || address.address.includes(":") ? `[${address.address}]` : address.address;
  baseUrl = `http://${settings.host === "localhost" ? "localhost" : hostForUrl}:${address.port}`;
  settings.port = address.port;

  try {
    const loaded = settings.stateFile ? loadStateFile(settings.stateFile) : undefined;
    if (loaded) {
      tines.store.load(loaded.tines);
      twilio.store.load(loaded.twilio);
    }
  } catch (err) {
    await server.stop();
    throw err;
  }

  return {
    url: baseUrl,
    port: address.port,
    settings,
    env: () => ({
      TINES_TENANT: baseUrl,
      TINES_API_KEY: settings.tinesApiKey,
      TWILIO_ACCOUNTS_URL: baseUrl,
      TWILIO_ACCOUNT_SID: settings.twilioAccountSid,
      TWILIO_AUTH_TOKEN: settings.twilioAuthToken,
    }),
    log: log.entries,
    clearLog: () => log.clear(),
    tines: {
      list: () => tines.store.list(),
      get: (id) => tines.store.get(id),
      seed: (body) => tines.store.create(body),
      update: (id, patch) => tines.store.patch(id, patch),
      remove: (id) => tines.store.remove(id),
    },
    twilio: {
      list: () => twilio.store.list(),
      get: (sid) => twilio.store.get(sid),
      seed: (body) =>
        twilio.store.create({
          Credentials: body.Credentials,
          FriendlyName: body.FriendlyName,
          AccountSid: body.AccountSid,
        }),
      update: (sid, patch) => twilio.store.update(sid, patch.friendly_name),
      remove: (sid) => twilio.store.remove(sid),
    },
    injectFault: (rule) => {
      faults.add(rule);
    },
    clearFaults: () => faults.clear(),
    setRateLimits: (limits) => limiter.set(limits),
    rateLimits: () => limiter.status(),
    reset,
    stop: () => server.stop(),
  };
}
