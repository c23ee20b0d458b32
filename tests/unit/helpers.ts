// Shared fixtures for the unit suite: connection settings in the environment, nock hygiene,
// generated PEM keys, documented API responses, and one "case" per kind of the registry (from its
// samples in ../kinds.ts) so that every lifecycle scenario runs against every credential.
import FakeTimers from "@sinonjs/fake-timers";
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import type { CredentialProvider } from "../../provider";
import { secretTexts } from "../../provider/core/fields";
import { Ownership, ownership } from "../../provider/core/ownership";
import { forgetRateLimiters } from "../../provider/core/rateLimit";
import { KIND_NAMES, KindName, KINDS, Service, serviceOf, specOf } from "../../provider/kinds";
import { sampleOf } from "../kinds";
import { inspect } from "util";

export const TENANT = "https://tenant.example.test";
export const TINES_API_KEY = "tines-api-key-6f0c1d2e3a4b5c6d7e8f";
export const TWILIO_URL = "https://accounts.twilio.com";
export const TWILIO_ACCOUNT_SID = "AC0123456789abcdef0123456789abcdef";
export const TWILIO_AUTH_TOKEN = "twilio-auth-token-9f8e7d6c5b4a39281706";
export const SUBACCOUNT_SID = "ACfedcba9876543210fedcba9876543210";

export const TINES_BASE = "/api/v1/user_credentials";
export const TWILIO_BASE = "/v1/Credentials/AWS";

/** Every environment variable the provider reads; cleared before each test, restored after. */
export const PROVIDER_ENV = [
  "TINES_TENANT",
  "TINES_API_KEY",
  "TINES_TIMEOUT_MS",
  "TINES_MAX_RETRIES",
  "TINES_REQUESTS_PER_MINUTE",
  "TWILIO_ACCOUNT_SID",
  "TWILIO_AUTH_TOKEN",
  "TWILIO_API_KEY",
  "TWILIO_API_SECRET",
  "TWILIO_REGION",
  "TWILIO_EDGE",
  "TWILIO_ACCOUNTS_URL",
  "TWILIO_TIMEOUT_MS",
  "TWILIO_MAX_RETRIES",
  "TWILIO_MAX_CONCURRENT_REQUESTS",
] as const;

export type Env = Partial<Record<(typeof PROVIDER_ENV)[number], string>>;

/** Connection settings for both services: fast timeouts, few retries. */
export const DEFAULT_ENV: Env = {
  TINES_TENANT: TENANT,
  TINES_API_KEY: TINES_API_KEY,
  TINES_TIMEOUT_MS: "2000",
  TINES_MAX_RETRIES: "2",
  TWILIO_ACCOUNT_SID: TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN: TWILIO_AUTH_TOKEN,
  TWILIO_TIMEOUT_MS: "2000",
  TWILIO_MAX_RETRIES: "2",
};

/**
 * Starts a new run, as a new provider process would: no credential is held by any resource yet.
 * Unit tests reuse ids and names across cases that stand for separate runs. The shipped provider
 * has no such reset (a process serves its run), so the test gives the process-wide record the
 * state of a new one.
 */
export function startNewRun(): void {
  Object.assign(ownership, new Ownership());
  forgetRateLimiters();
}

/** Forgets any stack config a test handed to `configure` (it is shared by every provider). */
export async function clearStackConfig(): Promise<void> {
  await providers.tinesTextCredential.configure({ config: { get: () => undefined } });
}

/** Replaces the provider's environment for the duration of one test. Returns the restore function. */
export function setEnv(env: Env): () => void {
  const saved = new Map<string, string | undefined>();
  for (const name of PROVIDER_ENV) {
    saved.set(name, process.env[name]);
    delete process.env[name];
  }
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined) process.env[name] = value;
  }
  return () => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
}

/**
 * Registers hooks for a describe block: the given environment (DEFAULT_ENV unless told), no real
 * network, and a check after each test that every interceptor was used and no request went
 * unmatched.
 */
export function useHttpSandbox(env: Env = DEFAULT_ENV): { unmatched: string[] } {
  const state = { unmatched: [] as string[] };
  let restore: () => void = () => undefined;
  const onNoMatch = (req: { method?: string; path?: string; href?: string }) => {
    state.unmatched.push(`${req.method ?? "?"} ${req.href ?? req.path ?? "?"}`);
  };
  before(() => {
    nock.disableNetConnect();
  });
  beforeEach(async () => {
    restore = setEnv(env);
    await clearStackConfig();
    // Each test stands for a separate provider process: ids from earlier tests are not "known".
    startNewRun();
    state.unmatched.length = 0;
    nock.emitter.on("no match", onNoMatch);
  });
  afterEach(async function () {
    nock.emitter.removeListener("no match", onNoMatch);
    const pending = nock.pendingMocks();
    const unmatched = [...state.unmatched];
    nock.abortPendingRequests();
    nock.cleanAll();
    restore();
    await clearStackConfig();
    // Only judge tests that otherwise passed, so a failure is reported once, for its real cause.
    // `this.test.error` fails that test; throwing here would fail the hook and skip the rest.
    if (this.currentTest?.state === "passed") {
      const problems = [
        ...pending.map((p) => `interceptor never used: ${p}`),
        ...unmatched.map((u) => `request no interceptor expected: ${u}`),
      ];
      if (problems.length > 0) (this.test as Mocha.Hook | undefined)?.error(new Error(problems.join("\n")));
    }
  });
  after(() => {
    nock.enableNetConnect();
  });
  return state;
}

/** A connection error the way a socket raises it (an Error with a code). */
export function netError(code: string, message = `${code} (simulated)`): Error {
  return Object.assign(new Error(message), { code });
}

/** Parses a request body nock hands to a reply function (JSON text, form text or an object). */
export function jsonBody(body: unknown): Record<string, unknown> {
  if (typeof body === "string") return JSON.parse(body) as Record<string, unknown>;
  return body as Record<string, unknown>;
}

export function formBody(body: unknown): Record<string, string> {
  const text = typeof body === "string" ? body : String(body);
  return Object.fromEntries(new URLSearchParams(text));
}

/** The headers of the request nock is answering (inside a reply function). */
export type Headers = Record<string, string | string[] | undefined>;

// ---------------------------------------------------------------------------------------------
// Keys (generated in ../keys.ts).

/** Lines of a PEM key long enough that redaction must hide them. */
export function keyLines(pem: string): string[] {
  return pem
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length >= 16 && !l.startsWith("-----"));
}

// ---------------------------------------------------------------------------------------------
// Documented responses.

/** A Tines mode (the `mode` field), as a Tines kind's spec names it. */
export type Mode = string;

/** The Tines mode of a Tines kind. */
const modeOf = (kind: KindName): Mode => (specOf(kind) as { mode?: Mode }).mode!;
const TINES_KINDS = KIND_NAMES.filter((k) => serviceOf(k) === "tines");

export const OWNER = { user_id: 1, first_name: "Jane", last_name: "Doe", email: "jane@tines.io" };

/** A Tines credential as the current docs' sample response shows it (every documented field). */
export function tinesRecord(mode: Mode, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString();
  const common: Record<string, unknown> = {
    id: 101,
    name: "ci-token",
    mode,
    team_id: 2,
    folder_id: 1,
    read_access: "TEAM",
    shared_team_slugs: [],
    slug: "ci_token",
    created_at: now,
    updated_at: now,
    description: "",
    allowed_hosts: [],
    metadata: {},
    restriction_type: "UNRESTRICTED",
    test_credential_enabled: false,
    test_credential: { created_at: now, updated_at: now },
    owner: OWNER,
    expires_at: null,
    expiry_notifications_enabled: false,
    credential_notification_recipient_user_ids: [],
  };
  // The mode's own response fields, as its kind's sample answers them.
  const kind = TINES_KINDS.find((k) => modeOf(k) === mode);
  const own = (kind && sampleOf(kind).answer) ?? {};
  return { ...common, ...own, ...overrides };
}

/** The older TEXT revision's sample response: no owner, no restriction_type, no expiry fields. */
export function olderTextRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString();
  return {
    id: 1,
    name: "tines_api_credential",
    mode: "TEXT",
    team_id: 2,
    folder_id: 1,
    read_access: "TEAM",
    shared_team_slugs: [],
    slug: "tines_api_credential",
    created_at: now,
    updated_at: now,
    description: "",
    allowed_hosts: [],
    metadata: {},
    test_credential_enabled: false,
    ...overrides,
  };
}

export const CREDENTIAL_SID = "CR0123456789abcdef0123456789abcdef";
export const OTHER_CREDENTIAL_SID = "CRaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";

/** A Twilio AWS credential as documented (create/fetch response). */
export function twilioRecord(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, "Z");
  const sid = (overrides.sid as string | undefined) ?? CREDENTIAL_SID;
  return {
    sid,
    url: `${TWILIO_URL}${TWILIO_BASE}/${sid}`,
    account_sid: TWILIO_ACCOUNT_SID,
    date_created: now,
    date_updated: now,
    friendly_name: "ci",
    ...overrides,
  };
}

export function tinesList(items: Record<string, unknown>[], meta: Record<string, unknown> = {}) {
  return {
    user_credentials: items,
    meta: {
      current_page: `${TENANT}${TINES_BASE}?page=1&per_page=500`,
      previous_page: null,
      next_page: null,
      next_page_number: null,
      per_page: 500,
      pages: 1,
      count: items.length,
      ...meta,
    },
  };
}

export function twilioList(items: Record<string, unknown>[], meta: Record<string, unknown> = {}) {
  return {
    credentials: items,
    meta: {
      page: 0,
      page_size: 1000,
      first_page_url: `${TWILIO_URL}${TWILIO_BASE}?PageSize=1000&Page=0`,
      previous_page_url: null,
      next_page_url: null,
      url: `${TWILIO_URL}${TWILIO_BASE}?PageSize=1000&Page=0`,
      key: "credentials",
      ...meta,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// One case per kind: enough to run a lifecycle scenario against any of them.

export { AWS_ACCESS_KEY_ID, AWS_SECRET, TEXT_VALUE, TINES_AWS_SECRET } from "../kinds";
export { keys, type PemKeys } from "../keys";

export interface ResourceCase {
  title: string;
  key: KindName;
  provider: CredentialProvider;
  service: "Tines" | "Twilio";
  origin: string;
  createPath: string;
  itemPath: (id: string) => string;
  /** Valid inputs, as check would return them. */
  inputs(): Record<string, unknown>;
  /** Names of the secret inputs in `inputs()`. */
  secretInputs: string[];
  /** The secret texts in `inputs()`, nested ones included. */
  secretValues(): string[];
  /** A create/get answer for `inputs()` (id `id`), optionally overridden. */
  record(overrides?: Record<string, unknown>): Record<string, unknown>;
  id: string;
  otherId: string;
  /** The id as the record spells it (Tines: a number). */
  rawId(id: string): unknown;
  /** The lookup the provider does after a lost create answer. */
  listQuery: Record<string, string>;
  list(items: Record<string, unknown>[]): nock.Body;
  /** An answer that is not the declared credential (Tines: another mode; Twilio: another account). */
  mismatchedRecord(): Record<string, unknown>;
  /** Inputs in which `mismatchedRecord` is wrong. */
  mismatchedInputs(): Record<string, unknown>;
  updateMethod: "put" | "post";
}

type ServiceCase = Omit<
  ResourceCase,
  "title" | "key" | "provider" | "inputs" | "secretInputs" | "secretValues"
>;

/** What a case takes from its service: where the API is, how its answers and ids look. */
const SERVICE_CASES: Record<Service, (kind: KindName) => ServiceCase> = {
  tines: (kind) => {
    const mode = modeOf(kind);
    return {
      service: "Tines",
      origin: TENANT,
      createPath: TINES_BASE,
      itemPath: (id) => `${TINES_BASE}/${id}`,
      record: (overrides = {}) => tinesRecord(mode, overrides),
      id: "101",
      otherId: "202",
      rawId: (id) => Number(id),
      listQuery: { per_page: "500", page: "1", team_id: "2" },
      list: (items) => tinesList(items),
      // Another mode: TEXT, or for the TEXT kind JWT.
      mismatchedRecord: () => tinesRecord(mode === "TEXT" ? "JWT" : "TEXT"),
      mismatchedInputs: sampleOf(kind).inputs,
      updateMethod: "put",
    };
  },
  twilio: (kind) => ({
    service: "Twilio",
    origin: TWILIO_URL,
    createPath: TWILIO_BASE,
    itemPath: (id) => `${TWILIO_BASE}/${id}`,
    record: (overrides = {}) => twilioRecord({ ...sampleOf(kind).answer, ...overrides }),
    id: CREDENTIAL_SID,
    otherId: OTHER_CREDENTIAL_SID,
    rawId: (id) => id,
    listQuery: { PageSize: "1000", Page: "0" },
    list: (items) => twilioList(items),
    mismatchedRecord: () => twilioRecord({ account_sid: TWILIO_ACCOUNT_SID }),
    mismatchedInputs: () => ({ ...sampleOf(kind).inputs(), accountSid: SUBACCOUNT_SID }),
    updateMethod: "post",
  }),
};

/** The case of a kind: its registry entry, its samples and its service's case. */
export function caseOf(kind: KindName): ResourceCase {
  const spec = specOf(kind);
  const inputs = sampleOf(kind).inputs;
  const secretInputs = Object.keys(inputs()).filter((name) => spec.inputs[name]?.secret);
  return {
    title: KINDS[kind].className,
    key: kind,
    provider: providers[kind],
    inputs,
    secretInputs,
    // Nested ones too (a secret inside the items of a list), as redaction finds them.
    secretValues: () => secretTexts(spec.inputs, inputs()),
    ...SERVICE_CASES[serviceOf(kind)](kind),
  };
}

export const ALL_CASES: ResourceCase[] = KIND_NAMES.map(caseOf);
export const TINES_CASES: ResourceCase[] = ALL_CASES.filter((c) => c.service === "Tines");

export const textCase = caseOf("tinesTextCredential");
export const jwtCase = caseOf("tinesJwtCredential");
export const awsCase = caseOf("tinesAwsCredential");
export const twilioCase = caseOf("twilioAwsCredential");

/** The case's answer for a credential with this id (Tines id / Twilio sid). */
export function recordWithId(c: ResourceCase, id: string, extra: Record<string, unknown> = {}) {
  return c.record({ ...(c.service === "Tines" ? { id: c.rawId(id) } : { sid: id }), ...extra });
}

/** A stored record whose name differs from the case's `inputs()`: adopting it must write (one update). */
export function staleRecordWithId(c: ResourceCase, id: string) {
  return recordWithId(c, id, c.service === "Tines" ? { name: "old-name" } : { friendly_name: "old-name" });
}

/** Awaits a promise that must reject; returns the error. */
export async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await promise;
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  expect.fail("expected the call to fail, but it succeeded");
}

/** Asserts that none of `secrets` (nor their base64 forms) appears in `text`. */
export function expectNoSecrets(text: string, secrets: string[]): void {
  for (const secret of secrets) {
    if (!secret) continue;
    expect(text, "a secret leaked into a message").not.to.include(secret);
    expect(text, "a base64-encoded secret leaked into a message").not.to.include(
      Buffer.from(secret).toString("base64"),
    );
  }
}

/** Everything about an error that could be shown or logged: message, stack, cause chain, properties. */
export const everything = (error: unknown) => inspect(error, { depth: 20, showHidden: true });

/** Fake setTimeout, Date and performance.now (for tests about time); promises and I/O run as usual. */
export function fakeClock(): FakeTimers.Clock {
  return FakeTimers.install({
    toFake: ["setTimeout", "clearTimeout", "setInterval", "clearInterval", "Date", "performance"],
    shouldClearNativeTimers: true,
  });
}
