// Twilio connection settings, named as in Twilio's own Terraform provider so existing environments
// (and the Twilio CLI's) work unchanged: the account or API key credentials, the host (an explicit
// accounts URL, or a region and edge), the HTTP client's timeout and retries, and the rate limit.
import {
  maxConcurrentRequestsSetting,
  CREDENTIAL_SETTING,
  MAX_RETRIES_SETTING,
  origin,
  serviceSettings,
  TIMEOUT_MS_SETTING,
} from "../core/config";
import { HttpSettings } from "../core/http";

/** One DNS label of Twilio's regional host name (`ie1`, `dublin`), so nothing else can reach it. */
const HOST_LABEL = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const HOST_LABEL_MAX = 63;

function hostLabelProblem(value: string): string | undefined {
  return HOST_LABEL.test(value) && value.length <= HOST_LABEL_MAX
    ? undefined
    : `must be lowercase letters, digits and single dashes (at most ${HOST_LABEL_MAX} characters), like ie1 or dublin.`;
}

/**
 * Twilio answers 20429 when an account has too many requests in flight, without documenting how many;
 * accounts commonly get 100, shared by everything else that uses the account.
 */
export const DEFAULT_TWILIO_MAX_CONCURRENT_REQUESTS = 10;

const settings = serviceSettings({
  settings: {
    accountSid: { config: "twilio:accountSid", env: "TWILIO_ACCOUNT_SID", ...CREDENTIAL_SETTING },
    authToken: { config: "twilio:authToken", env: "TWILIO_AUTH_TOKEN", secret: true, ...CREDENTIAL_SETTING },
    apiKey: { config: "twilio:apiKey", env: "TWILIO_API_KEY", ...CREDENTIAL_SETTING },
    apiSecret: { config: "twilio:apiSecret", env: "TWILIO_API_SECRET", secret: true, ...CREDENTIAL_SETTING },
    region: { config: "twilio:region", env: "TWILIO_REGION", rule: hostLabelProblem },
    edge: { config: "twilio:edge", env: "TWILIO_EDGE", rule: hostLabelProblem },
    accountsUrl: { config: "twilio:accountsUrl", env: "TWILIO_ACCOUNTS_URL" },
    timeoutMs: { config: "twilio:timeoutMs", env: "TWILIO_TIMEOUT_MS", ...TIMEOUT_MS_SETTING },
    maxRetries: { config: "twilio:maxRetries", env: "TWILIO_MAX_RETRIES", ...MAX_RETRIES_SETTING },
    maxConcurrentRequests: {
      config: "twilio:maxConcurrentRequests",
      env: "TWILIO_MAX_CONCURRENT_REQUESTS",
      ...maxConcurrentRequestsSetting(DEFAULT_TWILIO_MAX_CONCURRENT_REQUESTS),
    },
  },
  groups: {
    credentials: { title: "Twilio credentials", members: ["accountSid", "authToken", "apiKey", "apiSecret"] },
    host: { title: "the Twilio host", members: ["accountsUrl", "region", "edge"] },
  },
});

/** The accounts origin: an explicit URL wins, else the regional host from region/edge. */
function accountsUrl(): string {
  const host = settings.group("host");
  // Checked even when the URL wins, so a bad value is never silently accepted.
  const edge = host.get("edge");
  const region = host.get("region") ?? (edge ? "us1" : undefined);
  const explicit = host.get("accountsUrl");
  if (explicit) return origin(explicit, host.label("accountsUrl"), "https://accounts.twilio.com");
  return `https://${["accounts", edge, region, "twilio.com"].filter(Boolean).join(".")}`;
}

/**
 * Basic-auth user and password. An API key pair wins over the account SID + auth token when both
 * are set in the same place (the Twilio CLI's recommended form; the Credentials API path has no
 * account in it, so the account SID is not needed then). A started pair must be complete.
 */
function basicAuth(): { user: string; password: string } {
  const credentials = settings.group("credentials");
  if (credentials.get("apiKey") !== undefined || credentials.get("apiSecret") !== undefined) {
    return {
      user: credentials.require("apiKey", "Twilio API key SID (an API secret is set)"),
      password: credentials.require("apiSecret", "Twilio API secret (an API key is set)"),
    };
  }
  return {
    user: credentials.require("accountSid", "Twilio account SID"),
    password: credentials.require("authToken", "Twilio auth token"),
  };
}

export function twilioHttpSettings(): HttpSettings {
  const { user, password } = basicAuth();
  const basic = Buffer.from(`${user}:${password}`).toString("base64");
  return {
    service: "Twilio",
    baseUrl: accountsUrl(),
    headers: { Authorization: `Basic ${basic}` },
    ...settings.tuning("timeoutMs", "maxRetries"),
    secrets: [password, basic],
    rateLimit: { maxConcurrentRequests: settings.rateLimit("maxConcurrentRequests") },
  };
}

/**
 * `build`, run once per configuration of the Twilio settings (see perConfiguration): a connection
 * built from twilioHttpSettings is resolved, checked and encoded once, not on every hook.
 */
export function perTwilioConfiguration<T>(build: () => T): () => T {
  return settings.perConfiguration(build);
}
