// Connection settings, read at run time inside the provider host (never captured into the
// serialized provider, which is stored in state). Settings resolve in groups: a service's
// credentials, and its host, each come whole from the stack config (handed to the `configure`
// hook) when it sets any of them, else whole from the environment. Mixing places per setting let a
// key left in the environment (e.g. by the Twilio CLI) silently outrank the stack's own account.
// Names follow the services' own Terraform providers so existing environments work unchanged.
import { HttpClient, HttpSettings, isLoopbackHost } from "./http";

/** What the dynamic provider host passes to `configure`: `config.get("tines:tenant")`. */
export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

interface Setting {
  config: string;
  env: string;
  /** Shown with `--secret` in the `pulumi config set` hint. */
  secret?: true;
}

const SETTINGS = {
  tinesTenant: { config: "tines:tenant", env: "TINES_TENANT" },
  tinesApiKey: { config: "tines:apiKey", env: "TINES_API_KEY", secret: true },
  tinesTimeoutMs: { config: "tines:timeoutMs", env: "TINES_TIMEOUT_MS" },
  tinesMaxRetries: { config: "tines:maxRetries", env: "TINES_MAX_RETRIES" },
  twilioAccountSid: { config: "twilio:accountSid", env: "TWILIO_ACCOUNT_SID" },
  twilioAuthToken: { config: "twilio:authToken", env: "TWILIO_AUTH_TOKEN", secret: true },
  twilioApiKey: { config: "twilio:apiKey", env: "TWILIO_API_KEY" },
  twilioApiSecret: { config: "twilio:apiSecret", env: "TWILIO_API_SECRET", secret: true },
  twilioRegion: { config: "twilio:region", env: "TWILIO_REGION" },
  twilioEdge: { config: "twilio:edge", env: "TWILIO_EDGE" },
  twilioAccountsUrl: { config: "twilio:accountsUrl", env: "TWILIO_ACCOUNTS_URL" },
  twilioTimeoutMs: { config: "twilio:timeoutMs", env: "TWILIO_TIMEOUT_MS" },
  twilioMaxRetries: { config: "twilio:maxRetries", env: "TWILIO_MAX_RETRIES" },
} as const satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

/**
 * Settings that only make sense together, so they come from one place. Tuning settings (timeout,
 * retries) are in no group: each resolves on its own.
 */
const GROUPS = {
  tinesCredentials: { title: "Tines credentials", members: ["tinesApiKey"] },
  tinesHost: { title: "the Tines host", members: ["tinesTenant"] },
  twilioCredentials: {
    title: "Twilio credentials",
    members: ["twilioAccountSid", "twilioAuthToken", "twilioApiKey", "twilioApiSecret"],
  },
  twilioHost: { title: "the Twilio host", members: ["twilioAccountsUrl", "twilioRegion", "twilioEdge"] },
} as const satisfies Record<string, { title: string; members: readonly SettingName[] }>;

type GroupName = keyof typeof GROUPS;

/** Limits agreed with the HTTP client: a timeout of 0 would mean "wait forever". */
export const TIMEOUT_MS_RANGE = { min: 1_000, max: 300_000 } as const;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_RETRIES_RANGE = { min: 0, max: 10 } as const;
export const DEFAULT_MAX_RETRIES = 4;

type Source = "stack config" | "environment";

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

function fromEnv(name: SettingName): string | undefined {
  const value = process.env[SETTINGS[name].env];
  return value === undefined || value === "" ? undefined : value;
}

/** Both names of a setting and where its value came from, for error messages. */
function settingLabel(name: SettingName, source: Source): string {
  return `${SETTINGS[name].config} / ${SETTINGS[name].env} (from the ${source})`;
}

function configHint(name: SettingName): string {
  const { config, secret }: Setting = SETTINGS[name];
  return `\`pulumi config set ${config}${secret ? " --secret" : ""} <value>\``;
}

/** The values of one group (or one ungrouped setting), all taken from the same place. */
class Resolved {
  private constructor(
    readonly source: Source,
    private readonly members: readonly SettingName[],
    private readonly values: Partial<Record<SettingName, string>>,
    private readonly title?: string,
  ) {}

  static group(group: GroupName): Resolved {
    const { members, title } = GROUPS[group];
    return Resolved.of(members, title);
  }

  static single(name: SettingName): Resolved {
    return Resolved.of([name]);
  }

  private static of(members: readonly SettingName[], title?: string): Resolved {
    const inStack = members.some((name) => stackConfig[name] !== undefined);
    const values: Partial<Record<SettingName, string>> = {};
    for (const name of members) {
      const value = inStack ? stackConfig[name] : fromEnv(name);
      if (value !== undefined) values[name] = value;
    }
    return new Resolved(inStack ? "stack config" : "environment", members, values, title);
  }

  get(name: SettingName): string | undefined {
    return this.values[name];
  }

  label(name: SettingName): string {
    return settingLabel(name, this.source);
  }

  require(name: SettingName, purpose: string): string {
    const value = this.get(name);
    if (value !== undefined) return value;
    const { env } = SETTINGS[name];
    const configKeys = (names: readonly SettingName[]) => names.map((n) => SETTINGS[n].config).join(", ");
    if (this.source === "stack config") {
      const given = this.members.filter((n) => this.values[n] !== undefined);
      throw new Error(
        `Missing ${purpose}: the stack config sets ${configKeys(given)}, so ${this.title} all come from ` +
          `the stack config and the environment (${env}) is not consulted for them; set ${configHint(name)}.`,
      );
    }
    const together =
      this.members.length > 1
        ? ` (${this.title} come from one place: once the stack config sets any of ${configKeys(this.members)}, ` +
          `the environment is not consulted for them)`
        : "";
    throw new Error(
      `Missing ${purpose}: set the stack config ${configHint(name)} or the environment variable ${env}${together}.`,
    );
  }

  /** A whole number within `range`, or `fallback` when unset. */
  integer(name: SettingName, range: { min: number; max: number }, fallback: number, unit: string): number {
    const value = this.get(name);
    if (value === undefined) return fallback;
    const parsed = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (!(parsed >= range.min && parsed <= range.max)) {
      throw new Error(
        `${this.label(name)} must be a whole number of ${unit} from ${range.min} to ${range.max} ` +
          `(default ${fallback}).`,
      );
    }
    return parsed;
  }
}

/**
 * The origin (scheme, host, port) a base-URL setting names, adding https:// to a bare host. The
 * clients append the API paths themselves, so anything else in the URL is refused rather than
 * guessed at: a path would be doubled (`/api/v1/api/v1/...` answers 404, which reads as "gone"),
 * and a query, fragment or user info can make a bare host name a different host
 * (`evil.example#.tines.com`, `x.tines.com@evil.example`). Plain http:// is refused unless the host
 * is loopback (the local emulator), so a credential never travels unencrypted. Messages never
 * quote the value: it may hold a password.
 */
export function origin(raw: string, setting: string, example: string): string {
  const expected = `${setting} must be an origin like ${example}`;
  if (raw.includes("@")) throw new Error(`${expected}, without user info (user:password@).`);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${setting} is not a valid URL or host name; expected an origin like ${example}.`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new Error(`${setting} must be an http(s) URL, like ${example}.`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new Error(`${expected}, without user info (user:password@).`);
  }
  if (url.search !== "" || url.hash !== "" || /[?#]/.test(raw)) {
    throw new Error(`${expected}, without a query (?) or fragment (#).`);
  }
  if (url.pathname !== "/") {
    throw new Error(`${expected}, without a path: the provider adds the API path itself.`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname)) {
    throw new Error(
      `${setting}: plain http:// is refused for ${url.hostname}; use https:// (http is allowed only on loopback).`,
    );
  }
  return `${url.protocol}//${url.host}`;
}

/** One DNS label of Twilio's regional host name (`ie1`, `dublin`), so nothing else can reach it. */
const HOST_LABEL = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const HOST_LABEL_MAX = 63;

function hostLabel(host: Resolved, name: SettingName): string | undefined {
  const value = host.get(name);
  if (value !== undefined && (!HOST_LABEL.test(value) || value.length > HOST_LABEL_MAX)) {
    throw new Error(
      `${host.label(name)} must be lowercase letters, digits and single dashes ` +
        `(at most ${HOST_LABEL_MAX} characters), like ie1 or dublin.`,
    );
  }
  return value;
}

/** The Twilio accounts origin: an explicit URL wins, else the regional host from region/edge. */
function twilioAccountsUrl(): string {
  const host = Resolved.group("twilioHost");
  // Checked even when the URL wins, so a bad value is never silently accepted.
  const edge = hostLabel(host, "twilioEdge");
  const region = hostLabel(host, "twilioRegion") ?? (edge ? "us1" : undefined);
  const explicit = host.get("twilioAccountsUrl");
  if (explicit) return origin(explicit, host.label("twilioAccountsUrl"), "https://accounts.twilio.com");
  return `https://${["accounts", edge, region, "twilio.com"].filter(Boolean).join(".")}`;
}

/**
 * Twilio basic-auth user and password. An API key pair wins over the account SID + auth token when
 * both are set in the same place (the Twilio CLI's recommended form; the Credentials API path has
 * no account in it, so the account SID is not needed then). A started pair must be complete.
 */
function twilioAuth(): { user: string; password: string } {
  const credentials = Resolved.group("twilioCredentials");
  if (credentials.get("twilioApiKey") !== undefined || credentials.get("twilioApiSecret") !== undefined) {
    return {
      user: credentials.require("twilioApiKey", "Twilio API key SID (an API secret is set)"),
      password: credentials.require("twilioApiSecret", "Twilio API secret (an API key is set)"),
    };
  }
  return {
    user: credentials.require("twilioAccountSid", "Twilio account SID"),
    password: credentials.require("twilioAuthToken", "Twilio auth token"),
  };
}

/** Timeout and retries resolve setting by setting: each is meaningful on its own. */
function tuning(
  timeoutMs: SettingName,
  maxRetries: SettingName,
): Pick<HttpSettings, "timeoutMs" | "maxRetries"> {
  const timeout = Resolved.single(timeoutMs);
  const retries = Resolved.single(maxRetries);
  return {
    timeoutMs: timeout.integer(timeoutMs, TIMEOUT_MS_RANGE, DEFAULT_TIMEOUT_MS, "milliseconds"),
    maxRetries: retries.integer(maxRetries, MAX_RETRIES_RANGE, DEFAULT_MAX_RETRIES, "retries"),
  };
}

export function tinesHttpSettings(): HttpSettings {
  const apiKey = Resolved.group("tinesCredentials").require("tinesApiKey", "Tines API key");
  const host = Resolved.group("tinesHost");
  const tenant = host.require("tinesTenant", "Tines tenant");
  return {
    service: "Tines",
    baseUrl: origin(tenant, host.label("tinesTenant"), "https://<tenant>.tines.com"),
    headers: { Authorization: `Bearer ${apiKey}` },
    ...tuning("tinesTimeoutMs", "tinesMaxRetries"),
    secrets: [apiKey],
  };
}

export function twilioHttpSettings(): HttpSettings {
  const { user, password } = twilioAuth();
  const basic = Buffer.from(`${user}:${password}`).toString("base64");
  return {
    service: "Twilio",
    baseUrl: twilioAccountsUrl(),
    headers: { Authorization: `Basic ${basic}` },
    ...tuning("twilioTimeoutMs", "twilioMaxRetries"),
    secrets: [password, basic],
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
