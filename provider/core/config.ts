// Connection settings, read at run time inside the provider host (never captured into the
// serialized provider, which is stored in state): stack config handed to the `configure` hook
// first, then environment variables, otherwise an error naming both ways to set the value.
// Names follow the services' own Terraform providers so existing environments work unchanged.
import { HttpClient, HttpSettings } from "./http";

/** What the dynamic provider host passes to `configure`: `config.get("tines:tenant")`. */
export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

interface Setting {
  config: string;
  env: string;
}

const SETTINGS = {
  tinesTenant: { config: "tines:tenant", env: "TINES_TENANT" },
  tinesApiKey: { config: "tines:apiKey", env: "TINES_API_KEY" },
  tinesTimeoutMs: { config: "tines:timeoutMs", env: "TINES_TIMEOUT_MS" },
  tinesMaxRetries: { config: "tines:maxRetries", env: "TINES_MAX_RETRIES" },
  twilioAccountSid: { config: "twilio:accountSid", env: "TWILIO_ACCOUNT_SID" },
  twilioAuthToken: { config: "twilio:authToken", env: "TWILIO_AUTH_TOKEN" },
  twilioApiKey: { config: "twilio:apiKey", env: "TWILIO_API_KEY" },
  twilioApiSecret: { config: "twilio:apiSecret", env: "TWILIO_API_SECRET" },
  twilioRegion: { config: "twilio:region", env: "TWILIO_REGION" },
  twilioEdge: { config: "twilio:edge", env: "TWILIO_EDGE" },
  twilioAccountsUrl: { config: "twilio:accountsUrl", env: "TWILIO_ACCOUNTS_URL" },
  twilioTimeoutMs: { config: "twilio:timeoutMs", env: "TWILIO_TIMEOUT_MS" },
  twilioMaxRetries: { config: "twilio:maxRetries", env: "TWILIO_MAX_RETRIES" },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

const DEFAULT_TIMEOUT_MS = 30_000;
/**
 * timeoutMs must be at least 1 ms (0 would abort every request at once) and at most 300 s, which
 * bounds one request's wait (README, "Maximum wait") and stays far below Node's timer limit.
 */
const TIMEOUT_RANGE_MS = { min: 1, max: 300_000 };
const DEFAULT_MAX_RETRIES = 4;

let stackConfig: Partial<Record<SettingName, string>> = {};

/** The provider's `configure` hook: remembers the stack config values this package reads. */
export function applyStackConfig(request: ConfigureRequest): void {
  const next: Partial<Record<SettingName, string>> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const value = request.config.get(setting.config);
    if (value !== undefined && value !== "") next[name] = String(value);
  }
  stackConfig = next;
}

function lookup(name: SettingName): string | undefined {
  const value = stackConfig[name] ?? process.env[SETTINGS[name].env];
  return value === undefined || value === "" ? undefined : value;
}

function requireSetting(name: SettingName, purpose: string): string {
  const value = lookup(name);
  if (value === undefined) {
    const { config, env } = SETTINGS[name];
    throw new Error(
      `Missing ${purpose}: set the stack config \`pulumi config set ${config}${
        name.endsWith("Key") || name.endsWith("Token") || name.endsWith("Secret") ? " --secret" : ""
      } <value>\` or the environment variable ${env}.`,
    );
  }
  return value;
}

function wholeNumber(name: SettingName, fallback: number, range?: { min: number; max: number }): number {
  const value = lookup(name);
  if (value === undefined) return fallback;
  const number = /^\d{1,15}$/.test(value) ? Number(value) : NaN;
  if (Number.isNaN(number) || (range && (number < range.min || number > range.max))) {
    throw new Error(
      `${SETTINGS[name].config} (or ${SETTINGS[name].env}) must be a whole number` +
        `${range ? ` between ${range.min} and ${range.max}` : ""}.`,
    );
  }
  return number;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/**
 * Parses a base URL, adding https:// to a bare host. Plain http:// is refused unless the host is
 * loopback (the local emulator), so a credential never travels unencrypted.
 */
export function baseUrl(raw: string, settingName: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${settingName} is not a valid URL or host name.`);
  }
  if (url.protocol === "http:" && !LOOPBACK.test(url.hostname)) {
    throw new Error(
      `${settingName}: plain http:// is refused for ${url.hostname}; use https:// (http is allowed only on loopback).`,
    );
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${settingName} must be an http(s) URL.`);
  }
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, "")}`;
}

/** The Twilio accounts origin: explicit URL, else the regional host from region/edge. */
function twilioAccountsUrl(): string {
  const explicit = lookup("twilioAccountsUrl");
  if (explicit) return baseUrl(explicit, "twilio:accountsUrl");
  const edge = lookup("twilioEdge");
  const region = lookup("twilioRegion") ?? (edge ? "us1" : undefined);
  const host = ["accounts", edge, region, "twilio.com"].filter(Boolean).join(".");
  return `https://${host}`;
}

export function tinesHttpSettings(): HttpSettings {
  const apiKey = requireSetting("tinesApiKey", "Tines API key");
  return {
    service: "Tines",
    baseUrl: baseUrl(requireSetting("tinesTenant", "Tines tenant"), "tines:tenant"),
    headers: { Authorization: `Bearer ${apiKey}` },
    timeoutMs: wholeNumber("tinesTimeoutMs", DEFAULT_TIMEOUT_MS, TIMEOUT_RANGE_MS),
    maxRetries: wholeNumber("tinesMaxRetries", DEFAULT_MAX_RETRIES),
    secrets: [apiKey],
  };
}

export function twilioHttpSettings(): HttpSettings {
  const apiKey = lookup("twilioApiKey");
  let user: string;
  let password: string;
  if (apiKey) {
    user = apiKey;
    password = requireSetting("twilioApiSecret", "Twilio API secret (twilio:apiKey is set)");
  } else {
    user = requireSetting("twilioAccountSid", "Twilio account SID");
    password = requireSetting("twilioAuthToken", "Twilio auth token");
  }
  return {
    service: "Twilio",
    baseUrl: twilioAccountsUrl(),
    headers: { Authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` },
    timeoutMs: wholeNumber("twilioTimeoutMs", DEFAULT_TIMEOUT_MS, TIMEOUT_RANGE_MS),
    maxRetries: wholeNumber("twilioMaxRetries", DEFAULT_MAX_RETRIES),
    secrets: [password, Buffer.from(`${user}:${password}`).toString("base64")],
  };
}

const clients = new Map<string, HttpClient>();

/** One client (and so one keep-alive pool) per distinct connection. */
export function httpClient(settings: HttpSettings): HttpClient {
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (!client) {
    client = new HttpClient(settings);
    clients.set(key, client);
  }
  return client;
}
