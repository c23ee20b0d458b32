// What the shared test suites and the bench need to know about each kind of the registry
// (provider/kinds.ts), and nothing more: sample inputs. The unit suites (every lifecycle scenario,
// the classes, the fuzz run), the registry test, the engine-path suite and the bench enumerate the
// registry and take each kind's samples from here; adding a kind means adding its entry below, and
// the compiler asks for it.
import { generateKeyPairSync } from "crypto";
import type { Inputs } from "../provider/core/fields";
import { KindName, Service, serviceOf } from "../provider/kinds";
import { pki } from "./certificates";
import { keys } from "./keys";

export const TEXT_VALUE = "text-secret-value-Zq8wXv3";
export const AWS_ACCESS_KEY_ID = "AKIAIOSFODNN7EXAMPLE";
export const AWS_SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
export const TINES_AWS_SECRET = "tines-aws-secret-key-Uu7Tt6Ss5";
export const OAUTH_CLIENT_SECRET = "oauth-client-secret-Pp4Oo3Nn2";
/** The two nested secrets of the multi-request sample, one per request. */
export const MULTI_SECRET_1 = "multi-request-secret-one-Hh3Jj4";
export const MULTI_SECRET_2 = "multi-request-secret-two-Kk5Ll6";

/** A multi-request credential's two requests, as declared (camelCase) and as sent (snake_case). */
export const MULTI_REQUESTS = (first = MULTI_SECRET_1, second = MULTI_SECRET_2) => [
  {
    options: {
      url: "https://idp.example.com/token",
      method: "post",
      payload: { client_secret: "<<secret>>" },
    },
    httpRequestSecret: first,
  },
  {
    options: {
      url: "https://vault.example.com/v1/secret",
      method: "get",
      headers: { Authorization: "Bearer <<PREVIOUS_STEP.body.access_token>>" },
    },
    httpRequestSecret: second,
  },
];
/** The HTTP-request sample's secret, and options that refer to it as Tines does: `<<secret>>`, sent as written. */
export const HTTP_REQUEST_SECRET = "http-request-secret-Vv8Ww9Xx";
export const HTTP_REQUEST_OPTIONS = (url = "https://vault.example.com/v1/auth/approle/login") => ({
  url,
  content_type: "json",
  method: "post",
  payload: { role_id: "tines", secret_id: "<<secret>>" },
  headers: { "X-Request-Id": "<<META.story.id>>" },
});

const sentRequests = () =>
  MULTI_REQUESTS().map((r) => ({ options: r.options, http_request_secret: r.httpRequestSecret }));

/**
 * Gives a declaration's secret input: `value` as is, or a fresh secret; either way registered (the
 * bench's leak scan, a suite's list of secrets to look for) under the field's name.
 */
export type BenchSecret = (field: string, value?: string) => string;

/** One diff scenario: the field, its value in state, its new declared value, and the effect. */
export type DiffRow = [field: string, before: unknown, after: unknown, effect: "in-place" | "replace"];

export interface KindSample {
  /**
   * Valid inputs, as check returns them, for the suites that run each scenario against every kind.
   * Secret values are fixed strings the suites look for in messages and state.
   */
  inputs(): Inputs;
  /** More valid declarations the class suite registers too: another spelling, optional fields. */
  alsoValid?(): Inputs[];
  /** Response fields the kind's answers add to its service's common ones (with documented values). */
  answer?: Record<string, unknown>;
  /**
   * The kind's own part of the update body `inputs()` must give, written out from the docs (the
   * suite adds the service's common part).
   */
  updateBody(): Record<string, unknown>;
  /** The kind's own fields in the diff table (the service's common ones are the suite's). */
  diffRows?: DiffRow[];
  /** Valid inputs the seeded fuzz run starts from and mutates. */
  fuzzStart(): Inputs;
  /**
   * The kind's own inputs in the engine-path suites and the bench (`declaration` adds the service's
   * common ones): resource number `i`, each secret from `secret`; `pem` asks for a PEM key where the
   * kind takes one.
   */
  ownInputs(secret: BenchSecret, i: number, pem: boolean): Inputs;
}

const benchKeyId = (i: number) => `AKIABENCH${String(i).padStart(8, "0")}`;

let es256: string | undefined;
/** One EC P-256 private key (PEM) per run, for an ES256 JWT credential in the bench. */
export function es256Key(): string {
  es256 ??= generateKeyPairSync("ec", {
    namedCurve: "prime256v1",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return es256;
}

let fuzzRsa: string | undefined;
/** A small RSA key for the fuzz run's JWT starting point (generated once, fast). */
function fuzzRsaKey(): string {
  fuzzRsa ??= generateKeyPairSync("rsa", {
    modulusLength: 1024,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  }).privateKey;
  return fuzzRsa;
}

export const SAMPLES = {
  tinesTextCredential: {
    inputs: () => ({ name: "ci-token", teamId: 2, value: TEXT_VALUE }),
    updateBody: () => ({ value: TEXT_VALUE, mode: "TEXT" }),
    diffRows: [["value", TEXT_VALUE, "rotated-secret-value", "in-place"]],
    fuzzStart: () => ({ name: "fuzz", teamId: 1, value: "fuzz-value" }),
    ownInputs: (secret) => ({ value: secret("value") }),
  },
  tinesJwtCredential: {
    inputs: () => ({ name: "ci-token", teamId: 2, jwtAlgorithm: "RS256", jwtPrivateKey: keys().rsa }),
    updateBody: () => ({
      jwt_algorithm: "RS256",
      jwt_private_key: keys().rsa,
      mode: "JWT",
      jwt_payload: {},
      jwt_auto_generate_time_claims: false,
    }),
    diffRows: [
      ["jwtAlgorithm", "RS256", "RS512", "in-place"],
      ["jwtPayload", { iss: "a" }, { iss: "b" }, "in-place"],
      ["jwtAutoGenerateTimeClaims", false, true, "in-place"],
      ["jwtPrivateKey", keys().rsa, keys().rsaPkcs1, "in-place"],
    ],
    alsoValid: () => [
      {
        name: "jwt",
        teamId: 2,
        jwtAlgorithm: "ES256",
        jwtPrivateKey: keys().ecP256,
        jwtPayload: { iss: "me" },
      },
    ],
    fuzzStart: () => ({ name: "fuzz", teamId: 1, jwtAlgorithm: "RS256", jwtPrivateKey: fuzzRsaKey() }),
    ownInputs: (secret, _i, pem) => ({
      jwtAlgorithm: pem ? "ES256" : "HS256",
      jwtPrivateKey: secret("jwtPrivateKey", pem ? es256Key() : undefined),
      jwtPayload: { iss: "bench" },
    }),
  },
  tinesAwsCredential: {
    inputs: () => ({
      name: "ci-token",
      teamId: 2,
      awsAuthenticationType: "KEY",
      awsAccessKey: AWS_ACCESS_KEY_ID,
      awsSecretKey: TINES_AWS_SECRET,
    }),
    updateBody: () => ({
      aws_authentication_type: "KEY",
      aws_access_key: AWS_ACCESS_KEY_ID,
      aws_secret_key: TINES_AWS_SECRET,
      mode: "AWS",
      use_static_external_id: false,
    }),
    diffRows: [
      ["awsAuthenticationType", "KEY", "INSTANCE_PROFILE", "replace"],
      ["awsAccessKey", AWS_ACCESS_KEY_ID, "AKIAOTHER0000000000", "in-place"],
      ["awsSecretKey", TINES_AWS_SECRET, "rotated-aws-secret", "in-place"],
      [
        "awsAssumedRoleArn",
        "arn:aws:iam::123456789012:role/a",
        "arn:aws:iam::123456789012:role/b",
        "in-place",
      ],
      ["useStaticExternalId", false, true, "in-place"],
    ],
    answer: {
      aws_assumed_role_external_id: "1e52dbcf-3621-4969-9bf6-3fd2699db84b",
      use_static_external_id: false,
      aws_authentication_type: "KEY",
    },
    fuzzStart: () => ({ name: "fuzz", teamId: 1, awsAuthenticationType: "INSTANCE_PROFILE" }),
    ownInputs: (secret, i) => ({
      awsAuthenticationType: "KEY",
      awsAccessKey: benchKeyId(i),
      awsSecretKey: secret("awsSecretKey"),
    }),
  },
  tinesOauthCredential: {
    inputs: () => ({
      name: "ci-token",
      teamId: 2,
      oauthGrantType: "client_credentials",
      oauthTokenUrl: "https://login.example.com/oauth/token",
      oauthClientId: "ci-client",
      oauthClientSecret: OAUTH_CLIENT_SECRET,
      oauthScope: "read",
    }),
    updateBody: () => ({
      oauth_grant_type: "client_credentials",
      oauth_token_url: "https://login.example.com/oauth/token",
      oauth_client_id: "ci-client",
      oauth_client_secret: OAUTH_CLIENT_SECRET,
      oauth_scope: "read",
      oauthPkceCodeChallengeMethod: null,
      mode: "OAUTH",
    }),
    diffRows: [
      ["oauthGrantType", "client_credentials", "authorization_code", "in-place"],
      [
        "oauthTokenUrl",
        "https://login.example.com/oauth/token",
        "https://login.example.com/v2/token",
        "in-place",
      ],
      ["oauthClientId", "ci-client", "ci-client-2", "in-place"],
      ["oauthClientSecret", OAUTH_CLIENT_SECRET, "rotated-client-secret", "in-place"],
      ["oauthScope", "read", "read write", "in-place"],
      ["oauthPkceCodeChallengeMethod", "S256", "plain", "in-place"],
    ],
    alsoValid: () => [
      {
        name: "consent",
        teamId: 2,
        oauthGrantType: "authorization_code",
        oauthUrl: "https://login.example.com/oauth/authorize",
        oauthTokenUrl: "https://login.example.com/oauth/token",
        oauthClientId: "ci-client",
        oauthClientSecret: OAUTH_CLIENT_SECRET,
        oauthScope: "read write",
        oauthPkceCodeChallengeMethod: "S256",
      },
    ],
    fuzzStart: () => ({
      name: "fuzz",
      teamId: 1,
      oauthGrantType: "client_credentials",
      oauthTokenUrl: "https://login.example.com/token",
      oauthClientId: "fuzz",
      oauthClientSecret: "fuzz-secret",
      oauthScope: "read",
    }),
    ownInputs: (secret, i) => ({
      oauthGrantType: "client_credentials",
      oauthTokenUrl: "https://login.example.com/oauth/token",
      oauthClientId: `bench-client-${i}`,
      oauthClientSecret: secret("oauthClientSecret"),
      oauthScope: "read",
    }),
  },
  twilioAwsCredential: {
    inputs: () => ({ credentials: `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`, friendlyName: "ci" }),
    updateBody: () => ({ FriendlyName: "ci" }),
    alsoValid: () => [
      { awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: AWS_SECRET, friendlyName: "ci" },
    ],
    fuzzStart: () => ({ credentials: "AKIAFUZZ:fuzz-secret" }),
    ownInputs: (secret, i) => ({ credentials: `${benchKeyId(i)}:${secret("credentials")}` }),
  },
  tinesMtlsCredential: {
    inputs: () => ({
      name: "ci-token",
      teamId: 2,
      mtlsClientCertificate: pki().client,
      mtlsClientPrivateKey: pki().clientKey,
      mtlsRootCertificate: pki().root,
    }),
    updateBody: () => ({
      mtls_client_certificate: pki().client,
      mtls_client_private_key: pki().clientKey,
      mtls_root_certificate: pki().root,
      mode: "MTLS",
    }),
    diffRows: [
      ["mtlsClientCertificate", pki().client, pki().chainedClient, "in-place"],
      ["mtlsClientPrivateKey", pki().clientKey, pki().chainedClientKey, "in-place"],
      ["mtlsRootCertificate", pki().root, pki().intermediate + pki().root, "in-place"],
    ],
    alsoValid: () => [
      {
        name: "mtls-chain",
        teamId: 2,
        mtlsClientCertificate: pki().chainedClient,
        mtlsClientPrivateKey: pki().chainedClientKey,
        mtlsRootCertificate: pki().intermediate + pki().root,
      },
    ],
    fuzzStart: () => ({
      name: "fuzz",
      teamId: 1,
      mtlsClientCertificate: pki().client,
      mtlsClientPrivateKey: pki().clientKey,
      mtlsRootCertificate: pki().root,
    }),
    // The key is the only secret; one key pair serves every bench resource (issuing is the slow part).
    ownInputs: (secret) => ({
      mtlsClientCertificate: pki().client,
      mtlsClientPrivateKey: secret("mtlsClientPrivateKey", pki().clientKey),
      mtlsRootCertificate: pki().root,
    }),
  },
  tinesMultiRequestCredential: {
    inputs: () => ({
      name: "ci-token",
      teamId: 2,
      credentialRequests: MULTI_REQUESTS(),
      httpRequestLocationOfToken: "=response.body.token",
    }),
    updateBody: () => ({
      credential_requests: sentRequests(),
      http_request_location_of_token: "=response.body.token",
      http_request_ttl: null,
      mode: "MULTI_REQUEST",
    }),
    diffRows: [
      ["credentialRequests", MULTI_REQUESTS(), MULTI_REQUESTS("rotated-first-secret"), "in-place"],
      ["httpRequestLocationOfToken", "=response.body.token", "=response.body.value", "in-place"],
      ["httpRequestTtl", 300, 600, "in-place"],
      ["contentType", "application/json", "application/x-www-form-urlencoded", "in-place"],
    ],
    alsoValid: () => [
      {
        name: "multi",
        teamId: 2,
        credentialRequests: [
          { options: { url: "https://a.example.com" } },
          { options: { url: "https://b.example.com" } },
        ],
        httpRequestLocationOfToken: "=response.body.token",
        httpRequestTtl: 300,
        contentType: "application/json",
      },
    ],
    fuzzStart: () => ({
      name: "fuzz",
      teamId: 1,
      credentialRequests: MULTI_REQUESTS("fuzz-one", "fuzz-two"),
      httpRequestLocationOfToken: "=response.body.token",
    }),
    ownInputs: (secret) => ({
      credentialRequests: MULTI_REQUESTS(
        secret("credentialRequests[0].httpRequestSecret"),
        secret("credentialRequests[1].httpRequestSecret"),
      ),
      httpRequestLocationOfToken: "=response.body.token",
      httpRequestTtl: 300,
    }),
  },
  tinesHttpRequestCredential: {
    inputs: () => ({
      name: "ci-token",
      teamId: 2,
      httpRequestOptions: HTTP_REQUEST_OPTIONS(),
      httpRequestLocationOfToken: "=response.body.auth.client_token",
      httpRequestSecret: HTTP_REQUEST_SECRET,
    }),
    updateBody: () => ({
      http_request_options: HTTP_REQUEST_OPTIONS(),
      http_request_location_of_token: "=response.body.auth.client_token",
      http_request_secret: HTTP_REQUEST_SECRET,
      http_request_ttl: null,
      mode: "HTTP_REQUEST_AGENT",
    }),
    diffRows: [
      [
        "httpRequestOptions",
        HTTP_REQUEST_OPTIONS(),
        HTTP_REQUEST_OPTIONS("https://vault.example.com/v2"),
        "in-place",
      ],
      ["httpRequestLocationOfToken", "=response.body.token", "=response.body.value", "in-place"],
      ["httpRequestSecret", HTTP_REQUEST_SECRET, "rotated-http-request-secret", "in-place"],
      ["httpRequestTtl", 300, 600, "in-place"],
      ["contentType", "json", "form", "in-place"],
    ],
    alsoValid: () => [
      {
        name: "http",
        teamId: 2,
        httpRequestOptions: { url: "https://login.example.com/token", method: "get" },
        httpRequestLocationOfToken: "=response.body.token",
        httpRequestSecret: "another-http-request-secret",
        httpRequestTtl: 300,
        contentType: "application/json",
      },
    ],
    fuzzStart: () => ({
      name: "fuzz",
      teamId: 1,
      httpRequestOptions: HTTP_REQUEST_OPTIONS(),
      httpRequestLocationOfToken: "=response.body.token",
      httpRequestSecret: "fuzz-secret",
    }),
    ownInputs: (secret, i) => ({
      httpRequestOptions: HTTP_REQUEST_OPTIONS(`https://vault.example.com/v1/login/${i}`),
      httpRequestLocationOfToken: "=response.body.auth.client_token",
      httpRequestSecret: secret("httpRequestSecret"),
      httpRequestTtl: 300,
    }),
  },
} satisfies Record<KindName, KindSample>;

/** A kind's sample, typed as the interface (optional parts included). */
export const sampleOf = (kind: KindName): KindSample => SAMPLES[kind];

/** What every credential of a service is declared with in the engine-path suites and the bench. */
const SERVICE_INPUTS: Record<Service, (name: string, i: number) => Inputs> = {
  tines: (name, i) => ({ name, teamId: 1 + (i % 3), description: "bench" }),
  twilio: (name) => ({ friendlyName: name.slice(0, 64) }),
};

/** A whole declaration of resource number `i` of a kind: its service's common inputs and its own. */
export function declaration(kind: KindName, name: string, secret: BenchSecret, i = 0, pem = false): Inputs {
  return { ...SERVICE_INPUTS[serviceOf(kind)](name, i), ...sampleOf(kind).ownInputs(secret, i, pem) };
}

/** The same declaration with a change every kind applies in place: Tines description, Twilio name. */
export function changedInPlace(kind: KindName, name: string, args: Inputs, suffix = "changed"): Inputs {
  return serviceOf(kind) === "twilio"
    ? { ...args, friendlyName: `${name}-${suffix}`.slice(0, 64) }
    : { ...args, description: `bench ${suffix}` };
}
