// Tines connection settings, named as in Tines' own Terraform provider so existing environments
// work unchanged: the tenant and API key, the HTTP client's timeout and retries, and the rate limit.
import {
  CREDENTIAL_SETTING,
  MAX_RETRIES_SETTING,
  origin,
  requestsPerMinuteSetting,
  serviceSettings,
  TIMEOUT_MS_SETTING,
} from "../core/config";
import { HttpSettings } from "../core/http";

/** Tines documents about 5,000 requests per minute per IP and API key. */
export const DEFAULT_TINES_REQUESTS_PER_MINUTE = 5_000;

const settings = serviceSettings({
  settings: {
    tenant: { config: "tines:tenant", env: "TINES_TENANT" },
    apiKey: { config: "tines:apiKey", env: "TINES_API_KEY", secret: true, ...CREDENTIAL_SETTING },
    timeoutMs: { config: "tines:timeoutMs", env: "TINES_TIMEOUT_MS", ...TIMEOUT_MS_SETTING },
    maxRetries: { config: "tines:maxRetries", env: "TINES_MAX_RETRIES", ...MAX_RETRIES_SETTING },
    requestsPerMinute: {
      config: "tines:requestsPerMinute",
      env: "TINES_REQUESTS_PER_MINUTE",
      ...requestsPerMinuteSetting(DEFAULT_TINES_REQUESTS_PER_MINUTE),
    },
  },
  groups: {
    credentials: { title: "Tines credentials", members: ["apiKey"] },
    host: { title: "the Tines host", members: ["tenant"] },
  },
});

export function tinesHttpSettings(): HttpSettings {
  const apiKey = settings.group("credentials").require("apiKey", "Tines API key");
  const host = settings.group("host");
  const tenant = host.require("tenant", "Tines tenant");
  return {
    service: "Tines",
    baseUrl: origin(tenant, host.label("tenant"), "https://<tenant>.tines.com"),
    headers: { Authorization: `Bearer ${apiKey}` },
    ...settings.tuning("timeoutMs", "maxRetries"),
    secrets: [apiKey],
    rateLimit: { requestsPerMinute: settings.rateLimit("requestsPerMinute") },
  };
}

/**
 * `build`, run once per configuration of the Tines settings (see perConfiguration): a connection
 * built from tinesHttpSettings is resolved, checked and encoded once, not on every hook.
 */
export function perTinesConfiguration<T>(build: () => T): () => T {
  return settings.perConfiguration(build);
}
