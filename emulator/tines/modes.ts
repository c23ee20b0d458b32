// The Tines credential modes as a table: each mode's own fields and the rules they follow. Adding a mode
// is one entry here (and its record fields in ../types.ts): validation, PUT semantics, what the API
// returns and what echo faults quote all follow from the entry.
import { randomBytes, randomUUID } from "node:crypto";
import type {
  TinesAwsAuthenticationType,
  TinesMode,
  TinesOauthGrantType,
  TinesOauthPkceMethod,
  TinesRecord,
} from "../types";
import {
  absoluteUrl,
  absoluteUrlOrNull,
  boolean,
  nonEmptyString,
  nonEmptyStringOrNull,
  object,
  oneOf,
  oneOfOrNull,
  positiveIntOrNull,
  twoCredentialRequests,
  type Rule,
} from "./rules";

/** What a mode field takes when a body leaves it out. */
export type WhenAbsent =
  /** Create: refused as missing. A PUT or an out-of-band change: keeps its value. */
  | { required: true }
  /** Create and a replacing PUT: this value (a merging PUT keeps the current one). */
  | { default: () => unknown }
  /** Keeps its value; on create this one (null, or undefined: not stored at all). */
  | { initially: null | undefined };

export interface ModeField {
  rule: Rule;
  absent: WhenAbsent;
  /** A write-only secret: never returned, kept when a PUT leaves it out, quoted by echo faults. */
  secret?: true;
  /** Not a secret, yet never returned either: no documented response carries it. */
  writeOnly?: true;
  /** A PUT that leaves it out sets it to null, whatever `tinesPut` says (documented for the TTL). */
  nullWhenLeftOutOfPut?: true;
  /** The secrets nested inside the value, for echo faults. */
  nestedSecrets?: (value: unknown) => string[];
}

export type FailField = (field: string, problem: string) => void;

export interface ModeRules {
  fields: Readonly<Record<string, ModeField>>;
  /** Rules across fields, checked after each field's own (`failed`: the fields whose own rule failed). */
  check?: (values: Readonly<Record<string, unknown>>, fail: FailField, failed: ReadonlySet<string>) => void;
  /** Fields the service makes itself, given the record being replaced (if any). */
  derived?: (existing: TinesRecord | undefined) => Partial<TinesRecord>;
  /** Extra fields of the create answer only: neither stored nor returned again. */
  createAnswer?: (rec: TinesRecord, baseUrl: string) => Record<string, unknown>;
}

export const TINES_JWT_ALGORITHMS: readonly string[] = [
  "HS256",
  "HS384",
  "HS512",
  "RS256",
  "RS384",
  "RS512",
  "ES256",
  "ES384",
  "ES512",
  "PS256",
  "PS384",
  "PS512",
];
export const TINES_AWS_AUTH_TYPES: readonly TinesAwsAuthenticationType[] = [
  "KEY",
  "ROLE",
  "INSTANCE_PROFILE",
];
export const TINES_OAUTH_GRANT_TYPES: readonly TinesOauthGrantType[] = [
  "client_credentials",
  "authorization_code",
];
export const TINES_OAUTH_PKCE_METHODS: readonly TinesOauthPkceMethod[] = ["S256", "plain"];

const required: WhenAbsent = { required: true };
const keptOrNull: WhenAbsent = { initially: null };
const keptIfSent: WhenAbsent = { initially: undefined };
const byDefault = (value: unknown): WhenAbsent => ({ default: () => structuredClone(value) });

const secretString: ModeField = { rule: nonEmptyString, absent: required, secret: true };

// OAUTH, MTLS, HTTP_REQUEST_AGENT and MULTI_REQUEST return none of their own fields, secret or not: no
// documented Create, Get or List response carries one, and the Go SDK's recorded HTTP_REQUEST_AGENT
// answers have none. The mTLS certificates are public material, but the docs give them no response
// field either, so they are write-only like the key. A provider that read any of them back would pass
// here and fail against Tines; with none returned, it must keep them from its inputs.
const writeOnly = (field: ModeField): ModeField => ({ ...field, writeOnly: true });

const locationOfToken = writeOnly({ rule: nonEmptyString, absent: required });
/** Documented on both HTTP request pages: "If an update (PUT) does not send this field, the TTL is set to null." */
const httpRequestTtl = writeOnly({
  rule: positiveIntOrNull,
  absent: byDefault(null),
  nullWhenLeftOutOfPut: true,
});
/** No documented default, so a PUT that leaves it out keeps it (as for the other fields without one). */
const contentType = writeOnly({ rule: nonEmptyStringOrNull, absent: keptOrNull });

/** Each `credential_requests[].http_request_secret` (the rule has checked the shape). */
function requestSecrets(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item: { http_request_secret?: unknown }) =>
    typeof item?.http_request_secret === "string" ? [item.http_request_secret] : [],
  );
}

/**
 * Where a person approves an `authorization_code` grant. The docs name `redirect_url` but not its
 * form; this is the provider's authorization URL as an OAuth client builds it (RFC 6749 4.1.1, with a
 * PKCE challenge when a method is set), coming back to Tines' documented callback. Never a secret.
 */
function authorizationUrl(rec: TinesRecord, baseUrl: string): string {
  const url = new URL(rec.oauth_url ?? `${baseUrl}/oauth2/authorize`);
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", rec.oauth_client_id ?? "");
  url.searchParams.set("redirect_uri", `${baseUrl}/oauth2/callback`);
  url.searchParams.set("scope", rec.oauth_scope ?? "");
  url.searchParams.set("state", randomUUID());
  if (rec.oauthPkceCodeChallengeMethod) {
    url.searchParams.set("code_challenge", randomBytes(32).toString("base64url"));
    url.searchParams.set("code_challenge_method", rec.oauthPkceCodeChallengeMethod);
  }
  return url.toString();
}

/** Every mode, in the order the Update page lists them. */
export const TINES_MODE_RULES: Readonly<Record<TinesMode, ModeRules>> = {
  TEXT: { fields: { value: secretString } },
  JWT: {
    fields: {
      jwt_algorithm: { rule: oneOf(TINES_JWT_ALGORITHMS), absent: required },
      jwt_payload: { rule: object, absent: byDefault({}) },
      jwt_auto_generate_time_claims: { rule: boolean, absent: byDefault(false) },
      jwt_private_key: secretString,
    },
  },
  OAUTH: {
    fields: {
      oauth_grant_type: writeOnly({ rule: oneOf(TINES_OAUTH_GRANT_TYPES), absent: required }),
      oauth_url: writeOnly({ rule: absoluteUrlOrNull, absent: keptOrNull }),
      oauth_token_url: writeOnly({ rule: absoluteUrl, absent: required }),
      oauth_client_id: writeOnly({ rule: nonEmptyString, absent: required }),
      oauth_client_secret: secretString,
      oauth_scope: writeOnly({ rule: nonEmptyString, absent: required }),
      // The one camelCase request key, spelt as documented (and as Tines' Go SDK sends it).
      oauthPkceCodeChallengeMethod: writeOnly({
        rule: oneOfOrNull(TINES_OAUTH_PKCE_METHODS),
        absent: byDefault(null),
      }),
    },
    check: (v, fail, failed) => {
      if (v.oauth_grant_type === "authorization_code" && v.oauth_url === null && !failed.has("oauth_url")) {
        fail("oauth_url", "is required when oauth_grant_type is authorization_code");
      }
    },
    createAnswer: (rec, baseUrl) =>
      rec.oauth_grant_type === "authorization_code" ? { redirect_url: authorizationUrl(rec, baseUrl) } : {},
  },
  AWS: {
    fields: {
      aws_authentication_type: { rule: oneOf(TINES_AWS_AUTH_TYPES), absent: required },
      aws_access_key: { rule: nonEmptyStringOrNull, absent: keptOrNull },
      aws_assumed_role_arn: { rule: nonEmptyStringOrNull, absent: keptOrNull },
      aws_secret_key: { rule: nonEmptyString, absent: keptIfSent, secret: true },
      use_static_external_id: { rule: boolean, absent: byDefault(false) },
    },
    check: (v, fail, failed) => {
      if (
        v.aws_authentication_type === "ROLE" &&
        v.aws_assumed_role_arn === null &&
        !failed.has("aws_assumed_role_arn")
      ) {
        fail("aws_assumed_role_arn", "is required when aws_authentication_type is ROLE");
      }
      if (v.aws_authentication_type === "KEY") {
        if (v.aws_access_key === null && !failed.has("aws_access_key")) {
          fail("aws_access_key", "is required when aws_authentication_type is KEY");
        }
        if (v.aws_secret_key === undefined && !failed.has("aws_secret_key")) {
          fail("aws_secret_key", "is required when aws_authentication_type is KEY");
        }
      }
    },
    // Generated for every AWS credential whatever the authentication type, stable across PUTs.
    derived: (existing) => ({
      aws_assumed_role_external_id: existing?.aws_assumed_role_external_id ?? randomUUID(),
    }),
  },
  MTLS: {
    fields: {
      // Any plain text is accepted: the docs give no format check for the three PEM files.
      mtls_client_certificate: writeOnly({ rule: nonEmptyString, absent: required }),
      mtls_client_private_key: secretString,
      mtls_root_certificate: writeOnly({ rule: nonEmptyString, absent: required }),
    },
  },
  HTTP_REQUEST_AGENT: {
    fields: {
      // An object: the current docs say so (the oldest revision sent a JSON string, refused here).
      http_request_options: writeOnly({ rule: object, absent: required }),
      http_request_location_of_token: locationOfToken,
      http_request_secret: { rule: nonEmptyString, absent: keptIfSent, secret: true },
      http_request_ttl: httpRequestTtl,
      content_type: contentType,
    },
  },
  MULTI_REQUEST: {
    fields: {
      // Sent whole: a PUT that sends it replaces both requests, their secrets included (an item
      // without `http_request_secret` has none); a PUT that leaves it out keeps both.
      credential_requests: writeOnly({
        rule: twoCredentialRequests,
        absent: required,
        nestedSecrets: requestSecrets,
      }),
      http_request_location_of_token: locationOfToken,
      http_request_ttl: httpRequestTtl,
      content_type: contentType,
    },
  },
};

export const TINES_MODES = Object.keys(TINES_MODE_RULES) as TinesMode[];

/** Every top-level secret field of every mode (nested ones: see `tinesSecretsIn`). */
export const TINES_SECRET_FIELDS: readonly string[] = [
  ...new Set(
    Object.values(TINES_MODE_RULES).flatMap((m) =>
      Object.entries(m.fields).flatMap(([name, f]) => (f.secret ? [name] : [])),
    ),
  ),
];

/** Whether the API view of a record of this mode leaves the field out. */
export function isHiddenField(mode: TinesMode, field: string): boolean {
  if (field === "live_credential_id") return true; // stored, never returned (documented as input only)
  const fields = TINES_MODE_RULES[mode]?.fields;
  const f = fields && Object.hasOwn(fields, field) ? fields[field] : undefined;
  return f !== undefined && (f.secret === true || f.writeOnly === true);
}

/** Every secret a request body carries, nested ones included: its own mode's first, then any other mode's. */
export function tinesSecretsIn(body: Record<string, unknown>): string[] {
  const own = typeof body.mode === "string" && Object.hasOwn(TINES_MODE_RULES, body.mode) ? body.mode : "";
  const modes = [...TINES_MODES].sort((a, b) => Number(b === own) - Number(a === own));
  const secrets = modes.flatMap((mode) =>
    Object.entries(TINES_MODE_RULES[mode].fields).flatMap(([name, f]) => {
      const v = body[name];
      if (f.secret && typeof v === "string") return [v];
      return f.nestedSecrets ? f.nestedSecrets(v) : [];
    }),
  );
  return [...new Set(secrets)];
}
