// The registry of credential kinds: the one place a kind is declared. Everything that enumerates kinds
// reads this table: the `providers` export, the classes' type tokens and providers, the tests' per-kind
// suites, the bench, and the checks of the README and the examples.
//
// Why each provider is a module of its own (provider/providers/<module>.ts, `export = createProvider(spec)`):
// the engine stores every resource's provider in state (`__provider`), written by the SDK's closure
// serializer. An object that is the whole export of a module of an installed package is written as a
// one-line `require("pulumi-api-credentials/engine/<module>")` (about 280 bytes: no code, no secret,
// always the installed version). Any other object (an instance, a property of a larger export) is
// copied into state by value with all it reaches: about 50 kB per resource, and that copy never sees the
// stack config. The package's `exports` map publishes the folder twice: as `./engine/*`, the subpath
// existing state holds (the folder's former name; the engine deletes with the provider stored in the
// old state, so that path must keep working), listed first so the serializer keeps writing it and
// state stays byte for byte what it was; and as `./providers/*`, its name today.
import type { CredentialProvider } from "./core/lifecycle";
import type { CredentialSpec } from "./core/spec";
import tinesAwsProvider = require("./providers/tinesAws");
import tinesJwtProvider = require("./providers/tinesJwt");
import tinesOauthProvider = require("./providers/tinesOauth");
import tinesMtlsProvider = require("./providers/tinesMtls");
import tinesMultiRequestProvider = require("./providers/tinesMultiRequest");
import tinesHttpRequestProvider = require("./providers/tinesHttpRequest");
import tinesTextProvider = require("./providers/tinesText");
import twilioAwsProvider = require("./providers/twilioAws");
import { tinesAwsSpec } from "./tines/aws";
import { tinesJwtSpec } from "./tines/jwt";
import { tinesOauthSpec } from "./tines/oauth";
import { tinesMtlsSpec } from "./tines/mtls";
import { tinesMultiRequestSpec } from "./tines/multiRequest";
import { tinesHttpRequestSpec } from "./tines/httpRequest";
import { tinesTextSpec } from "./tines/text";
import { twilioAwsSpec } from "./twilio/aws";

/** The services a kind can belong to: the first part of its type token. */
export type Service = "tines" | "twilio";

export interface CredentialKind {
  /** The fields, rules and API mapping (see core/lifecycle.ts). */
  readonly spec: CredentialSpec;
  /** The provider module's whole export (see above). */
  readonly provider: CredentialProvider;
  /**
   * The provider module's file name: users' state requires `pulumi-api-credentials/engine/<module>`,
   * so a module is never renamed or removed.
   */
  readonly module: string;
  /** The class users declare, exported from the package index. */
  readonly className: string;
  /**
   * `<service>:<type>`: the class registers as `pulumi-nodejs:dynamic/<token>`. It is part of every
   * URN in users' state: changing it would replace their credentials, so it never changes.
   */
  readonly token: `${Service}:${string}`;
}

/** Every kind, keyed by its name in the `providers` export. */
export const KINDS = {
  tinesTextCredential: {
    spec: tinesTextSpec,
    provider: tinesTextProvider,
    module: "tinesText",
    className: "TinesTextCredential",
    token: "tines:TextCredential",
  },
  tinesJwtCredential: {
    spec: tinesJwtSpec,
    provider: tinesJwtProvider,
    module: "tinesJwt",
    className: "TinesJwtCredential",
    token: "tines:JwtCredential",
  },
  tinesAwsCredential: {
    spec: tinesAwsSpec,
    provider: tinesAwsProvider,
    module: "tinesAws",
    className: "TinesAwsCredential",
    token: "tines:AwsCredential",
  },
  tinesOauthCredential: {
    spec: tinesOauthSpec,
    provider: tinesOauthProvider,
    module: "tinesOauth",
    className: "TinesOauthCredential",
    token: "tines:OauthCredential",
  },
  tinesMtlsCredential: {
    spec: tinesMtlsSpec,
    provider: tinesMtlsProvider,
    module: "tinesMtls",
    className: "TinesMtlsCredential",
    token: "tines:MtlsCredential",
  },
  tinesMultiRequestCredential: {
    spec: tinesMultiRequestSpec,
    provider: tinesMultiRequestProvider,
    module: "tinesMultiRequest",
    className: "TinesMultiRequestCredential",
    token: "tines:MultiRequestCredential",
  },
  tinesHttpRequestCredential: {
    spec: tinesHttpRequestSpec,
    provider: tinesHttpRequestProvider,
    module: "tinesHttpRequest",
    className: "TinesHttpRequestCredential",
    token: "tines:HttpRequestCredential",
  },
  twilioAwsCredential: {
    spec: twilioAwsSpec,
    provider: twilioAwsProvider,
    module: "twilioAws",
    className: "TwilioAwsCredential",
    token: "twilio:AwsCredential",
  },
} as const satisfies Record<string, CredentialKind>;

export type KindName = keyof typeof KINDS;

/** The kinds in registry order. */
export const KIND_NAMES = Object.keys(KINDS) as KindName[];

/** A kind's descriptor as the lifecycle sees it (the registry's own type keeps the tables' literal types). */
export const specOf = (kind: KindName): CredentialSpec => KINDS[kind].spec;

/** The service a kind belongs to. */
export const serviceOf = (kind: KindName): Service => KINDS[kind].token.split(":")[0] as Service;

/** The resource type the engine sees (as in a URN): the SDK prefixes dynamic resources' tokens. */
export const resourceType = (kind: KindName): string => `pulumi-nodejs:dynamic/${KINDS[kind].token}`;

/** The kind registered under a resource type, if any. */
export const kindOfType = (type: string): KindName | undefined =>
  KIND_NAMES.find((kind) => resourceType(kind) === type);

/** The kind a class name stands for, if any. */
export const kindOfClass = (className: string): KindName | undefined =>
  KIND_NAMES.find((kind) => KINDS[kind].className === className);
