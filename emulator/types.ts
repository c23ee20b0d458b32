// Public types of the local Tines + Twilio credentials API emulator.
import type { RateLimitStatus, RateLimits } from "./limits";

export interface EmulatorOptions {
  /** TCP port; 0 (the default) picks an ephemeral port. */
  port?: number;
  /** Loopback address to bind; default "127.0.0.1". Non-loopback hosts are refused. */
  host?: string;
  /** The Tines API key accepted as `Authorization: Bearer <key>` or `X-User-Token: <key>`. */
  tinesApiKey?: string;
  /** The Twilio account SID (`^AC[0-9a-fA-F]{32}$`) accepted as basic-auth user with `twilioAuthToken`. */
  twilioAccountSid?: string;
  /** The Twilio auth token. */
  twilioAuthToken?: string;
  /** Optional Twilio API key SID (`^SK[0-9a-fA-F]{32}$`), accepted as basic-auth user with `twilioApiSecret`. */
  twilioApiKey?: string;
  /** The secret of `twilioApiKey`; both or neither must be given. */
  twilioApiSecret?: string;
  /** Optional JSON persistence: loaded at start, rewritten after every mutation. Holds secrets in clear. */
  stateFile?: string;
  /** Seed of the deterministic PRNG used by probabilistic faults; default 1. */
  seed?: number;
  /** Extra account SIDs accepted for the Twilio `AccountSid` parameter (subaccounts). */
  twilioSubaccounts?: string[];
  /**
   * What a Tines PUT does with the fields its body leaves out (the docs do not settle it):
   * "replace" (the default) puts each back to its documented default, "merge" keeps its value.
   * Secrets and fields without a default are kept either way.
   */
  tinesPut?: TinesPutSemantics;
  /** Called with a copy of each log entry as it is recorded (e.g. to print a request trace). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Rate limits to enforce, per credential, each answered as its service does (see README "Rate
   * limits"): `{ tines: { requestsPerMinute, burst? }, twilio: { maxConcurrent } }`. Default: none.
   */
  rateLimits?: RateLimits;
  /** Hold every API request this long before processing it (a service's own response time); default 0. */
  latencyMs?: number;
}

export interface RequestLogEntry {
  service: "tines" | "twilio" | "control";
  method: string;
  /** The URL path only (no query string). */
  path: string;
  /** The status sent, the status the request was processed with for "reset-after", 0 for "reset-before". */
  status: number;
  /** The fault kind applied to this request, if any. */
  fault?: string;
  /** Answered 429 by an enforced rate limit (`rateLimits`), not by a fault. */
  rateLimited?: true;
  durationMs: number;
}

export type FaultKind =
  "429" | "500" | "502" | "503" | "reset-before" | "reset-after" | "slow" | "late-answer" | EchoFaultKind;

/** A careless error answer that quotes the request's secret (see echoResponse in faults.ts). */
export type EchoFaultKind = "echo-text" | "echo-json" | "echo-form";

export interface FaultRule {
  service?: "tines" | "twilio";
  /** HTTP method, case-insensitive. */
  method?: string;
  /** Matched against the URL path (no query string). */
  pathPrefix?: string;
  fault: FaultKind;
  /** For "429" and "503": sets the `Retry-After` header (seconds). */
  retryAfterSeconds?: number;
  /** For "slow": process and answer after this delay. For "late-answer": process at once, answer after it. */
  delayMs?: number;
  /** Apply to the next N matching requests, then expire. */
  count?: number;
  /** Apply to this fraction (0..1) of matching requests, decided by the seeded PRNG. */
  probability?: number;
}

export type TinesMode = "TEXT" | "JWT" | "OAUTH" | "AWS" | "MTLS" | "HTTP_REQUEST_AGENT" | "MULTI_REQUEST";
export type TinesPutSemantics = "replace" | "merge";
export type TinesReadAccess = "TEAM" | "GLOBAL" | "SPECIFIC_TEAMS";
export type TinesAwsAuthenticationType = "KEY" | "ROLE" | "INSTANCE_PROFILE";
export type TinesOauthGrantType = "client_credentials" | "authorization_code";
export type TinesOauthPkceMethod = "S256" | "plain";

/** One of a MULTI_REQUEST credential's two requests, as sent. */
export interface TinesCredentialRequest {
  options: Record<string, unknown>;
  /** Secret. */
  http_request_secret?: string;
}

export interface TinesOwner {
  user_id: number;
  first_name: string;
  last_name: string;
  email: string;
}

/**
 * A stored Tines credential: the documented response object plus what the API never returns: the
 * secrets, `live_credential_id`, and every own field of OAUTH, MTLS, HTTP_REQUEST_AGENT and
 * MULTI_REQUEST (see tines/modes.ts).
 */
export interface TinesRecord {
  id: number;
  name: string;
  mode: TinesMode;
  team_id: number;
  folder_id: number | null;
  read_access: TinesReadAccess;
  shared_team_slugs: string[];
  slug: string;
  created_at: string;
  updated_at: string;
  description: string;
  allowed_hosts: string[];
  metadata: Record<string, unknown>;
  restriction_type: string;
  test_credential_enabled: boolean;
  owner: TinesOwner;
  expires_at: string | null;
  expiry_notifications_enabled: boolean;
  credential_notification_recipient_user_ids: number[];
  // JWT only
  jwt_algorithm?: string;
  jwt_payload?: Record<string, unknown>;
  jwt_auto_generate_time_claims?: boolean;
  // AWS only
  aws_authentication_type?: TinesAwsAuthenticationType;
  aws_access_key?: string | null;
  aws_assumed_role_arn?: string | null;
  use_static_external_id?: boolean;
  aws_assumed_role_external_id?: string;
  // OAUTH only, never returned
  oauth_grant_type?: TinesOauthGrantType;
  oauth_url?: string | null;
  oauth_token_url?: string;
  oauth_client_id?: string;
  oauth_scope?: string;
  /** The one camelCase request key, as documented. */
  oauthPkceCodeChallengeMethod?: TinesOauthPkceMethod | null;
  // MTLS only, never returned
  mtls_client_certificate?: string;
  mtls_root_certificate?: string;
  // HTTP_REQUEST_AGENT and MULTI_REQUEST only, never returned
  http_request_options?: Record<string, unknown>;
  credential_requests?: TinesCredentialRequest[];
  http_request_location_of_token?: string;
  /** Seconds; null when not set, and after a PUT that leaves it out. */
  http_request_ttl?: number | null;
  content_type?: string | null;
  // Secrets, never returned
  value?: string;
  jwt_private_key?: string;
  aws_secret_key?: string;
  oauth_client_secret?: string;
  mtls_client_private_key?: string;
  http_request_secret?: string;
  // Internal: never returned by the API
  live_credential_id?: number;
}

/** A stored Twilio AWS credential: the documented response object plus the secret `credentials`. */
export interface TwilioRecord {
  sid: string;
  account_sid: string;
  friendly_name: string | null;
  date_created: string;
  date_updated: string;
  url: string;
  /** Internal: the `Credentials` parameter (`KEY:SECRET`), never returned by the API. */
  credentials: string;
}

export interface Emulator {
  /** "http://127.0.0.1:<port>"; both APIs are served from this one origin. */
  readonly url: string;
  readonly port: number;
  readonly settings: Required<
    Pick<EmulatorOptions, "tinesApiKey" | "twilioAccountSid" | "twilioAuthToken" | "tinesPut">
  > &
    EmulatorOptions;
  /** TINES_TENANT, TINES_API_KEY, TWILIO_ACCOUNTS_URL, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN. */
  env(): Record<string, string>;
  /** Every request (API and control), never a secret, never a body. */
  readonly log: RequestLogEntry[];
  clearLog(): void;
  tines: {
    list(): TinesRecord[];
    get(id: number): TinesRecord | undefined;
    seed(body: Record<string, unknown>): TinesRecord;
    update(id: number, patch: Record<string, unknown>): TinesRecord;
    remove(id: number): boolean;
  };
  twilio: {
    list(): TwilioRecord[];
    get(sid: string): TwilioRecord | undefined;
    seed(body: { Credentials: string; FriendlyName?: string; AccountSid?: string }): TwilioRecord;
    update(sid: string, patch: { friendly_name?: string }): TwilioRecord;
    remove(sid: string): boolean;
  };
  injectFault(rule: FaultRule): void;
  clearFaults(): void;
  /** Replaces the enforced limits (a service left out has none) and starts afresh: full buckets, zero counts. */
  setRateLimits(limits: RateLimits): void;
  /** The limits in force and what they did: 429s answered and the most requests in flight, per service. */
  rateLimits(): RateLimitStatus;
  /** Empty both stores, the log and the faults; re-seed the fault PRNG; the rate limits back to the options', counts zeroed. */
  reset(): void;
  /** Close the server and every keep-alive socket. */
  stop(): Promise<void>;
}
