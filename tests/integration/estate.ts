// An existing estate seeded straight into the emulator (no provider involved): all seven Tines modes,
// TEXT, JWT, AWS (every authentication type), OAUTH (with and without PKCE), MTLS, MULTI_REQUEST and
// HTTP_REQUEST_AGENT, across several teams, test credentials linked to live ones,
// SPECIFIC_TEAMS sharing, odd names (spaces, other scripts, emoji, duplicates across teams, reserved
// words, a leading digit), odd metadata keys (constructor, valueOf, other scripts), and Twilio
// credentials with and without friendly names, some in a subaccount. Used by the generator's engine-path test, the demo and the bench.
import { generateKeyPairSync, randomBytes } from "crypto";
import type { Emulator, TinesRecord } from "../../emulator";
import { FieldTable, isPlainObject } from "../../provider/core/fields";
import { requestBody } from "../../provider/core/mapping";
import { KindName, kindOfClass, specOf } from "../../provider/kinds";
import { pki } from "../certificates";

/** Names cycled through: every one a resource name or identifier must survive. */
export const ODD_NAMES = [
  "prod api token",
  "shared token",
  "日本語トークン",
  "Café Clé",
  "🔑 deploy key",
  "class",
  "delete",
  "constructor",
  "__proto__",
  "1password",
  "  spaced   out  ",
  "line\u2028separator */ end",
];

const TWILIO_NAMES = ["media bucket writer", "日本語", "dup", "dup", "default", "Ünïcödé 🔐"];

export interface PemPair {
  rsa: string;
  ec: string;
}

/** Two PEM private keys (RSA for RS256, P-256 for ES256), made once per run, never committed. */
export function pemKeys(): PemPair {
  const privateKeyEncoding = { type: "pkcs8", format: "pem" } as const;
  const publicKeyEncoding = { type: "spki", format: "pem" } as const;
  return {
    rsa: generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding, publicKeyEncoding })
      .privateKey,
    ec: generateKeyPairSync("ec", { namedCurve: "prime256v1", privateKeyEncoding, publicKeyEncoding })
      .privateKey,
  };
}

export interface Estate {
  /** Every secret the emulator now holds for these credentials (values, keys, key pairs). */
  secrets: string[];
  tinesIds: number[];
  twilioSids: string[];
  /** The test credentials seeded, test id -> live id. */
  testOf: Map<number, number>;
}

export interface EstateOptions {
  /** Live Tines credentials to seed (a test credential is added for every seventh: each variant in turn). */
  tines: number;
  twilio: number;
  /** A subaccount (one of the emulator's twilioSubaccounts) holding every sixth Twilio credential. */
  subaccount?: string;
  keys?: PemPair;
}

const unique = (label: string) => `${label}-${randomBytes(6).toString("hex")}`;

/** The kinds of record cycled through (see modeBody and commonBody). */
const VARIANTS = 15;

/** The mode-specific part of a Tines body, variant `v`, with a fresh secret recorded in `secrets`. */
function modeBody(v: number, keys: PemPair, secrets: string[]): Record<string, unknown> {
  const secret = (value: string) => (secrets.push(value), value);
  switch (v % VARIANTS) {
    case 3:
      return {
        mode: "JWT",
        jwt_algorithm: "HS256",
        jwt_payload: { iss: "estate", "odd key": [1, { deep: null }] },
        jwt_private_key: secret(unique("seeded-hs")),
      };
    case 4:
      return {
        mode: "JWT",
        jwt_algorithm: "RS256",
        jwt_auto_generate_time_claims: true,
        jwt_private_key: keys.rsa,
      };
    case 5:
      return { mode: "JWT", jwt_algorithm: "ES256", jwt_private_key: keys.ec };
    case 6:
      return {
        mode: "AWS",
        aws_authentication_type: "KEY",
        aws_access_key: `AKIAESTATE${String(v).padStart(6, "0")}`,
        aws_secret_key: secret(unique("seeded-aws")),
      };
    case 7:
      return {
        mode: "AWS",
        aws_authentication_type: "ROLE",
        aws_assumed_role_arn: `arn:aws:iam::123456789012:role/estate-${v}`,
        use_static_external_id: true,
      };
    case 8:
      return { mode: "AWS", aws_authentication_type: "INSTANCE_PROFILE" };
    case 10:
      return {
        mode: "OAUTH",
        oauth_grant_type: "client_credentials",
        oauth_token_url: "https://login.example.com/oauth/token",
        oauth_client_id: `estate-client-${v}`,
        oauth_client_secret: secret(unique("seeded-oauth")),
        oauth_scope: "read write",
      };
    case 11:
      return {
        mode: "OAUTH",
        oauth_grant_type: "authorization_code",
        oauth_url: "https://login.example.com/oauth/authorize",
        oauth_token_url: "https://login.example.com/oauth/token",
        oauth_client_id: `estate-consent-${v}`,
        oauth_client_secret: secret(unique("seeded-oauth")),
        oauth_scope: "profile",
        oauthPkceCodeChallengeMethod: "S256",
      };
    case 12:
      // One certificate set serves every MTLS record (issuing is the slow part); its key is a secret.
      return {
        mode: "MTLS",
        mtls_client_certificate: pki().client,
        mtls_client_private_key: secret(pki().clientKey),
        mtls_root_certificate: pki().root,
      };
    case 13:
      return {
        mode: "MULTI_REQUEST",
        credential_requests: [
          {
            options: { url: "https://idp.example.com/token", method: "post", payload: { s: "<<secret>>" } },
            http_request_secret: secret(unique("seeded-multi")),
          },
          { options: { url: "https://vault.example.com/v1/login", headers: { "X-Odd key": "ü" } } },
        ],
        http_request_location_of_token: "=response.body.token",
        http_request_ttl: 600,
      };
    case 14:
      return {
        mode: "HTTP_REQUEST_AGENT",
        http_request_options: {
          url: "https://vault.example.com/v1/auth/approle/login",
          method: "post",
          content_type: "json",
          payload: { role_id: `estate-${v}`, secret_id: "<<secret>>" },
        },
        http_request_location_of_token: "=response.body.auth.client_token",
        http_request_secret: secret(unique("seeded-http")),
        http_request_ttl: 300,
        content_type: "json",
      };
    default:
      return { mode: "TEXT", value: secret(unique("seeded-text")) };
  }
}

/** What the common fields of variant `v` hold: defaults, sharing, or every optional field set. */
function commonBody(v: number): Record<string, unknown> {
  switch (v % VARIANTS) {
    case 1:
      return {
        folder_id: 40 + v,
        description: "multi\nline\u2028description with \"quotes\" and 'ticks'",
        metadata: { "a b": [1, { c: null }], ключ: "значение", constructor: "x", valueOf: 1 },
        allowed_hosts: ["api.example.com", "*.example.org"],
        expires_at: "2031-05-04T03:02:01Z",
        expiry_notifications_enabled: true,
        credential_notification_recipient_user_ids: [7, 9],
      };
    case 2:
      return { read_access: "SPECIFIC_TEAMS", shared_team_slugs: ["team-a", "team-b"] };
    case 9:
      return { read_access: "GLOBAL", description: "visible everywhere" };
    default:
      return {};
  }
}

export function seedEstate(emulator: Emulator, options: EstateOptions): Estate {
  const keys = options.keys ?? pemKeys();
  const secrets = [keys.rsa, keys.ec];
  const estate: Estate = { secrets, tinesIds: [], twilioSids: [], testOf: new Map() };
  for (let i = 0; i < options.tines; i++) {
    const live: TinesRecord = emulator.tines.seed({
      name: ODD_NAMES[i % ODD_NAMES.length],
      team_id: 2 + (i % 4),
      ...commonBody(i),
      ...modeBody(i, keys, secrets),
    });
    estate.tinesIds.push(live.id);
    if (i % 7 === 6) {
      // Its test credential: its own secret, an own description on every other one, the rest inherited.
      const test = emulator.tines.seed({
        name: live.name,
        live_credential_id: live.id,
        ...(i % 14 === 6 ? { description: "the test one" } : {}),
        ...modeBody(i, keys, secrets),
      });
      estate.tinesIds.push(test.id);
      estate.testOf.set(test.id, live.id);
    }
  }
  for (let j = 0; j < options.twilio; j++) {
    const pair = `AKIATWILIO${String(j).padStart(6, "0")}:${unique("seeded-twilio")}`;
    secrets.push(pair, pair.slice(pair.indexOf(":") + 1));
    const record = emulator.twilio.seed({
      Credentials: pair,
      ...(j % 3 === 0 ? {} : { FriendlyName: TWILIO_NAMES[j % TWILIO_NAMES.length] }),
      ...(options.subaccount && j % 6 === 5 ? { AccountSid: options.subaccount } : {}),
    });
    estate.twilioSids.push(record.sid);
  }
  return estate;
}

/** One input a generated program reads from the stack config. */
export interface ConfigKey {
  key: string;
  /** The kind of the resource that reads it. */
  kind: KindName;
  /** The credential it belongs to (a Tines id, or a Twilio sid). */
  adoptId: string;
  /** The input and its API name. */
  field: string;
  api: string;
  secret: boolean;
  /** Read with `config.get*`: may be left unset. */
  optional: boolean;
}

/** The inputs a generated index.ts reads from the stack config, each with its credential and field. */
export function configKeys(indexTs: string): ConfigKey[] {
  const keys: ConfigKey[] = [];
  for (const block of indexTs.split(/\n}\);\n/)) {
    const adoptId = /^ {2}adoptId: "?([^",]+)"?,$/m.exec(block)?.[1];
    const className = /= new (\w+)\(/.exec(block)?.[1];
    for (const m of block.matchAll(/^ {2}(\w+): config\.(require|get)(Secret)?\w*(?:<.*?>)?\("(\w+)"/gm)) {
      const [, field, verb, secret, key] = m;
      const kind = kindOfClass(className!)!;
      const api = specOf(kind).inputs[field].api!;
      keys.push({ key, kind, adoptId: adoptId!, field, api, secret: !!secret, optional: verb === "get" });
    }
  }
  return keys;
}

/** A stored value as its input takes it: a list's items under their input names (the inverse of requestBody). */
function asInput(items: FieldTable | undefined, stored: unknown): unknown {
  if (!items || !Array.isArray(stored)) return stored;
  const inputName = (api: string) => Object.keys(items).find((name) => items[name].api === api) ?? api;
  return stored.map((item: unknown) =>
    isPlainObject(item) ? Object.fromEntries(Object.entries(item).map(([k, v]) => [inputName(k), v])) : item,
  );
}

/** A config value as the stack config holds it: text as is, anything else as the JSON `config.*Object` parses. */
const configText = (value: unknown) => (typeof value === "string" ? value : JSON.stringify(value));

/**
 * The value of each key as the emulator holds it, as a user who holds their secrets would set it:
 * Tines stored fields (secrets and write-only ones, an optional one only when set; objects and lists
 * as JSON, a list's items under their input names), Twilio key pairs.
 */
export function heldValues(emulator: Emulator, keys: ConfigKey[]): Map<string, string> {
  const values = new Map<string, string>();
  for (const { key, kind, adoptId, field, api } of keys) {
    const stored = adoptId.startsWith("CR")
      ? emulator.twilio.get(adoptId)?.credentials
      : (emulator.tines.get(Number(adoptId)) as unknown as Record<string, unknown> | undefined)?.[api];
    const items = specOf(kind).inputs[field].items;
    if (stored !== undefined && stored !== null) values.set(key, configText(asInput(items, stored)));
  }
  return values;
}

/** What a config value of this key is sent as (and so stored as): its API form. */
export function apiValue({ kind, field, api }: ConfigKey, text: string): unknown {
  const spec = specOf(kind).inputs[field];
  const value = spec.kind === "string" || spec.kind === "timestamp" ? text : (JSON.parse(text) as unknown);
  return requestBody({ [field]: spec }, { [field]: value })[api];
}
