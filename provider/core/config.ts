// Connection settings, read at run time inside the provider host (never captured into the
// serialized provider, which is stored in state). Each service declares its settings in a table
// (see serviceSettings); this file resolves them. Settings resolve in groups: a service's
// credentials, and its host, each come whole from the stack config (handed to the `configure`
// hook) when it sets any of them, else whole from the environment. Mixing places per setting let a
// key left in the environment (e.g. by a service's CLI) silently outrank the stack's own account.
import { HttpClient, HttpSettings, isLoopbackHost } from "./http";
import type { RateLimitSetting } from "./rateLimit";

/** What the dynamic provider host passes to `configure`: `config.get("<service>:<setting>")`. */
export interface ConfigureRequest {
  config: { get(key: string): string | undefined };
}

/** A whole number within bounds; unset means `whenUnset`. */
interface WholeNumber {
  min: number;
  max: number;
  /** Not named `default`: the SDK's closure serializer (a provider serialized by value) fails on it. */
  whenUnset: number;
  /** For the message: "milliseconds". */
  unit: string;
  /** What 0 means, when it is special (for the message): "no limit". */
  zero?: string;
}

/** One setting: where it is read, and what a value must be. */
interface Setting {
  /** The stack config key, `<service>:<name>`. */
  config: string;
  /** The environment variable. */
  env: string;
  /** Shown with `--secret` in the `pulumi config set` hint. */
  secret?: true;
  /** Why a set value is refused (the message starts with the setting's names), if it is. */
  rule?: (value: string) => string | undefined;
  /** Read as a whole number within bounds (see Resolved.wholeNumber). */
  wholeNumber?: WholeNumber;
}

/** Settings that only make sense together, so they come from one place. */
interface SettingGroup<Name extends string> {
  /** For messages: "<service> credentials", as in "... come from one place". */
  title: string;
  members: readonly Name[];
}

/** Limits agreed with the HTTP client: a timeout of 0 would mean "wait forever". */
export const TIMEOUT_MS_RANGE = { min: 1_000, max: 300_000 } as const;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const MAX_RETRIES_RANGE = { min: 0, max: 10 } as const;
export const DEFAULT_MAX_RETRIES = 4;

/** What a service's `timeoutMs` setting is: spread into its table entry. */
export const TIMEOUT_MS_SETTING = {
  wholeNumber: { ...TIMEOUT_MS_RANGE, whenUnset: DEFAULT_TIMEOUT_MS, unit: "milliseconds" },
} as const satisfies Partial<Setting>;
/**
 * What a credential setting (a key, token, secret or account id) is: spread into its table entry. It
 * goes into a request header, where Node refuses a line break; a value read from a file often ends
 * in one. Never quoted: the value is a secret.
 */
export const CREDENTIAL_SETTING = {
  rule: (value: string) =>
    /^[\x21-\x7e]+$/.test(value)
      ? undefined
      : "must be printable ASCII without spaces or line breaks (a value read from a file often ends in a line break).",
} as const satisfies Partial<Setting>;
/** What a service's `maxRetries` setting is: spread into its table entry. */
export const MAX_RETRIES_SETTING = {
  wholeNumber: { ...MAX_RETRIES_RANGE, whenUnset: DEFAULT_MAX_RETRIES, unit: "retries" },
} as const satisfies Partial<Setting>;

/** Rate limits (see rateLimit.ts); 0 turns the limit off. */
export const REQUESTS_PER_MINUTE_RANGE = { min: 0, max: 1_000_000 } as const;
export const MAX_CONCURRENT_REQUESTS_RANGE = { min: 0, max: 1_000 } as const;
/** A service's limit of requests started per minute, by default `whenUnset` (its documented limit). */
export const requestsPerMinuteSetting = (whenUnset: number) =>
  ({
    wholeNumber: { ...REQUESTS_PER_MINUTE_RANGE, whenUnset, unit: "requests per minute", zero: "no limit" },
  }) satisfies Partial<Setting>;
/** A service's limit of requests in flight at once, by default `whenUnset`. */
export const maxConcurrentRequestsSetting = (whenUnset: number) =>
  ({
    wholeNumber: {
      ...MAX_CONCURRENT_REQUESTS_RANGE,
      whenUnset,
      unit: "requests in flight",
      zero: "no limit",
    },
  }) satisfies Partial<Setting>;

type Source = "stack config" | "environment";

/**
 * The stack config of the last `configure`, read when a setting is resolved. In a Map, as the SDK's
 * closure serializer keeps none of its entries when it copies a provider by value: the config holds the
 * API key and auth token, which must never reach `__provider`.
 */
const stackConfigs = new Map<"last", ConfigureRequest["config"]>();

/** The provider's `configure` hook: remembers the stack config, for every service's settings. */
export function applyStackConfig(request: ConfigureRequest): void {
  stackConfigs.set("last", request.config);
}

/** A value counts as set when it is neither absent nor empty. */
const setValue = (value: unknown) => (value === undefined || value === "" ? undefined : String(value));

function fromStack(setting: Setting): string | undefined {
  return setValue(stackConfigs.get("last")?.get(setting.config));
}

function fromEnv(setting: Setting): string | undefined {
  return setValue(process.env[setting.env]);
}

function configHint({ config, secret }: Setting): string {
  return `\`pulumi config set ${config}${secret ? " --secret" : ""} <value>\``;
}

/** The values of one group (or one ungrouped setting), all taken from the same place. */
class Resolved<Name extends string> {
  private readonly values: Partial<Record<Name, string>> = {};
  readonly source: Source;

  constructor(
    private readonly table: Readonly<Record<Name, Setting>>,
    private readonly members: readonly Name[],
    private readonly title?: string,
  ) {
    const inStack = members.some((name) => fromStack(table[name]) !== undefined);
    for (const name of members) {
      const value = inStack ? fromStack(table[name]) : fromEnv(table[name]);
      if (value !== undefined) this.values[name] = value;
    }
    this.source = inStack ? "stack config" : "environment";
  }

  /** The value, checked against the setting's rule; undefined when unset. */
  get(name: Name): string | undefined {
    const value = this.values[name];
    const reason = value === undefined ? undefined : this.table[name].rule?.(value);
    if (reason !== undefined) throw new Error(`${this.label(name)} ${reason}`);
    return value;
  }

  /** Both names of a setting and where its value came from, for error messages. */
  label(name: Name): string {
    const { config, env } = this.table[name];
    return `${config} / ${env} (from the ${this.source})`;
  }

  require(name: Name, purpose: string): string {
    const value = this.get(name);
    if (value !== undefined) return value;
    const { env } = this.table[name];
    const configKeys = (names: readonly Name[]) => names.map((n) => this.table[n].config).join(", ");
    const hint = configHint(this.table[name]);
    if (this.source === "stack config") {
      const given = this.members.filter((n) => this.values[n] !== undefined);
      throw new Error(
        `Missing ${purpose}: the stack config sets ${configKeys(given)}, so ${this.title} all come from ` +
          `the stack config and the environment (${env}) is not consulted for them; set ${hint}.`,
      );
    }
    const together =
      this.members.length > 1
        ? ` (${this.title} come from one place: once the stack config sets any of ${configKeys(this.members)}, ` +
          `the environment is not consulted for them)`
        : "";
    throw new Error(
      `Missing ${purpose}: set the stack config ${hint} or the environment variable ${env}${together}.`,
    );
  }

  /** A setting declared `wholeNumber`: its value within bounds, or its default when unset. */
  wholeNumber(name: Name): number {
    const bounds = this.table[name].wholeNumber;
    if (bounds === undefined) throw new Error(`${this.table[name].config} is not a whole-number setting.`);
    const value = this.get(name);
    if (value === undefined) return bounds.whenUnset;
    const parsed = /^\d{1,9}$/.test(value) ? Number(value) : NaN;
    if (!(parsed >= bounds.min && parsed <= bounds.max)) {
      throw new Error(
        `${this.label(name)} must be a whole number of ${bounds.unit} from ${bounds.min} to ${bounds.max} ` +
          `(${bounds.zero ? `0: ${bounds.zero}; ` : ""}default ${bounds.whenUnset}).`,
      );
    }
    return parsed;
  }
}

/** One service's settings, resolved on demand from its declarative table. */
interface ServiceSettings<Name extends string, Group extends string> {
  /** The members of a group, all from the stack config or all from the environment. */
  group(group: Group): Resolved<Name>;
  /** A setting in no group, resolved on its own. */
  single(name: Name): Resolved<Name>;
  /** The HTTP client's deadline and retries: each setting is meaningful on its own. */
  tuning(timeoutMs: Name, maxRetries: Name): Pick<HttpSettings, "timeoutMs" | "maxRetries">;
  /** A rate limit setting as the limiter takes it: its value (0: off) and both of its names. */
  rateLimit(name: Name): RateLimitSetting;
  /**
   * `build` (which resolves these settings) run once per configuration: run again only when a value
   * in the stack config or the environment has changed since. Resolution is a function of those
   * values alone, and a hook called per resource would otherwise resolve, check and encode every
   * setting again. A failed build is not kept: the next call fails the same way.
   */
  perConfiguration<T>(build: () => T): () => T;
}

/**
 * A service's settings: every setting it reads (`settings`) and the groups that must come from one
 * place (`groups`). A setting in no group (tuning: timeout, retries) resolves on its own.
 */
export function serviceSettings<Name extends string, Group extends string>(declared: {
  settings: Readonly<Record<Name, Setting>>;
  groups: Readonly<Record<Group, SettingGroup<NoInfer<Name>>>>;
}): ServiceSettings<Name, Group> {
  const { settings, groups } = declared;
  const single = (name: Name) => new Resolved(settings, [name]);
  const table: readonly Setting[] = Object.values(settings);
  /**
   * Every value resolution can read, two per setting: its stack value, and its environment variable
   * when the stack does not set it (a group reads the environment only when the stack sets none of its
   * members, so never for a setting the stack sets).
   */
  const readValues = () => {
    const values: (string | undefined)[] = [];
    for (const s of table) {
      const stacked = fromStack(s);
      values.push(stacked, stacked === undefined ? fromEnv(s) : undefined);
    }
    return values;
  };
  const sameValues = (a: readonly (string | undefined)[], b: readonly (string | undefined)[]) =>
    a.length === b.length && a.every((value, i) => value === b[i]);
  return {
    group: (group) => new Resolved(settings, groups[group].members, groups[group].title),
    single,
    tuning: (timeoutMs, maxRetries) => ({
      timeoutMs: single(timeoutMs).wholeNumber(timeoutMs),
      maxRetries: single(maxRetries).wholeNumber(maxRetries),
    }),
    rateLimit: (name) => ({
      value: single(name).wholeNumber(name),
      setting: `${settings[name].config} / ${settings[name].env}`,
    }),
    perConfiguration<T>(build: () => T) {
      // The last build by the values it was built from: one entry. A Map, as the SDK's closure
      // serializer keeps none of its entries when it copies a provider by value: the connection
      // (its key or token) never reaches `__provider`.
      const last = new Map<"last", { values: readonly (string | undefined)[]; built: T }>();
      return () => {
        const values = readValues();
        const known = last.get("last");
        if (known && sameValues(known.values, values)) return known.built;
        const built = build();
        last.set("last", { values, built });
        return built;
      };
    },
  };
}

/**
 * The origin (scheme, host, port) a base-URL setting names, adding https:// to a bare host. The
 * clients append the API paths themselves, so anything else in the URL is refused rather than
 * guessed at: a path would be doubled (`/api/v1/api/v1/...` answers 404, which reads as "gone"),
 * and a query, fragment or user info can make a bare host name a different host
 * (`evil.example#.service.com`, `x.service.com@evil.example`). Plain http:// is refused unless the
 * host is loopback (the local emulator), so a credential never travels unencrypted. Messages never
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

const clients = new Map<string, HttpClient>();

/**
 * One client (and so one keep-alive pool) per distinct connection. The key leaves out the
 * error-body parser (a function), which the service name already determines.
 */
export function httpClient(settings: HttpSettings): HttpClient {
  const key = JSON.stringify(settings);
  let client = clients.get(key);
  if (!client) {
    client = new HttpClient(settings);
    clients.set(key, client);
  }
  return client;
}
