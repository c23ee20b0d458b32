// Tines connection settings, named as in Tines' own Terraform provider so existing environments
// work unchanged: the tenant and API key, and the HTTP client's timeout and retries.
import { MAX_RETRIES_SETTING, origin, serviceSettings, TIMEOUT_MS_SETTING } from "../core/config";
import { HttpSettings } from "../core/http";

const settings = serviceSettings({
  settings: {
    tenant: { config: "tines:tenant", env: "TINES_TENANT" },
    apiKey: { config: "tines:apiKey", env: "TINES_API_KEY", secret: true },
    timeoutMs: { config: "tines:timeoutMs", env: "TINES_TIMEOUT_MS", ...TIMEOUT_MS_SETTING },
    maxRetries: { config: "tines:maxRetries", env: "TINES_MAX_RETRIES", ...MAX_RETRIES_SETTING },
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
  };
}
