// The resource classes users declare. Each is a thin shell over its registry entry (kinds.ts: the
// provider, the fields, the type token), with typed arguments and outputs written out for users'
// editors. Their JSDoc is written from the fields' descriptions (`npm run docs`; a unit test fails
// when it differs), and the compile-time checks at the end fail `npm run build` when an Args
// interface or a class's outputs and the field tables disagree.
import * as pulumi from "@pulumi/pulumi";
import { secretNames } from "./core/fields";
import type {
  ArgsMatchFields,
  Assert,
  KeepingStoredSecrets,
  KeptFieldNames,
  OneOf,
  OutputsMatchFields,
} from "./core/fieldTypes";
import type { CredentialSpec } from "./core/spec";
import { CredentialKind, KindName, KINDS } from "./kinds";
import type { commonInputs } from "./tines/common";

type In<T> = pulumi.Input<T>;
type Out<T> = pulumi.Output<T>;
type Spec<K extends KindName> = (typeof KINDS)[K]["spec"];
/** A class's constructor arguments: its Args, whose required secret and write-only fields adoptId makes optional. */
type ArgsKeeping<Args extends { adoptId?: unknown }, K extends KindName> = KeepingStoredSecrets<
  Args,
  KeptFieldNames<Spec<K>["inputs"]> & keyof Args
>;

/** The values of the enumerated inputs, from their field tables. */
export type ReadAccess = OneOf<typeof commonInputs.readAccess>;
export type JwtAlgorithm = OneOf<Spec<"tinesJwtCredential">["inputs"]["jwtAlgorithm"]>;
export type AwsAuthenticationType = OneOf<Spec<"tinesAwsCredential">["inputs"]["awsAuthenticationType"]>;
export type OauthGrantType = OneOf<Spec<"tinesOauthCredential">["inputs"]["oauthGrantType"]>;
export type OauthPkceCodeChallengeMethod = OneOf<
  Spec<"tinesOauthCredential">["inputs"]["oauthPkceCodeChallengeMethod"]
>;

/**
 * A fresh props object for `dynamic.Resource` (which mutates what it is given): every input, with
 * secret ones wrapped so the engine keeps them encrypted, and every output name so the resource
 * exposes it.
 */
function credentialProps(spec: CredentialSpec, args: object): pulumi.Inputs {
  const values = args as Record<string, unknown>;
  const props: pulumi.Inputs = {};
  for (const name of Object.keys(spec.outputs)) props[name] = undefined;
  for (const [name, field] of Object.entries(spec.inputs)) {
    const value = values[name];
    props[name] = field.secret && value !== undefined ? pulumi.secret(value) : value;
  }
  return props;
}

function credentialOptions(spec: CredentialSpec, opts?: pulumi.CustomResourceOptions) {
  const secretOutputs = secretNames(spec.inputs);
  return {
    ...opts,
    additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), ...secretOutputs],
  };
}

/** A resource of one registry kind: its provider, its props and secret outputs, its type token. */
abstract class CredentialResource extends pulumi.dynamic.Resource {
  protected constructor(
    kind: CredentialKind,
    name: string,
    args: object,
    opts: pulumi.CustomResourceOptions | undefined,
  ) {
    const [service, type] = kind.token.split(":");
    super(
      kind.provider,
      name,
      credentialProps(kind.spec, args),
      credentialOptions(kind.spec, opts),
      service,
      type,
    );
  }
}

/** Fields every Tines credential mode accepts (camelCase of the documented request fields). */
export interface TinesCredentialArgs {
  /** Name of the credential. */
  name: In<string>;
  /** Team the credential lives in. Required unless `liveCredentialId` is set. Changing it replaces the credential. */
  teamId?: In<number>;
  /**
   * Folder the credential is filed in; unset, the team's root folder. Default: `null`. A test credential
   * inherits it from its live credential unless declared.
   */
  folderId?: In<number>;
  /**
   * Where the credential can be used: its team, every team, or the teams in `sharedTeamSlugs`. Default:
   * `TEAM`. A test credential inherits it from its live credential unless declared.
   */
  readAccess?: In<ReadAccess>;
  /**
   * Slugs of the teams that can use the credential: required (non-empty) with `readAccess` `SPECIFIC_TEAMS`,
   * not allowed otherwise. Default: `[]`. A test credential inherits it from its live credential unless
   * declared.
   */
  sharedTeamSlugs?: In<In<string>[]>;
  /**
   * Description of the credential. Default: `""`. A test credential inherits it from its live credential
   * unless declared.
   */
  description?: In<string>;
  /**
   * Key/value metadata, which actions can read through the credential's INFO path. Default: `{}`. A test
   * credential inherits it from its live credential unless declared.
   */
  metadata?: In<Record<string, In<unknown>>>;
  /**
   * Domains (wildcards allowed) where the credential may be used in HTTP requests; empty: anywhere. Default:
   * `[]`. A test credential inherits it from its live credential unless declared.
   */
  allowedHosts?: In<In<string>[]>;
  /**
   * Makes this the test credential of that live credential, from which it inherits unset fields. Changing it
   * replaces the credential.
   */
  liveCredentialId?: In<number>;
  /** When the credential expires, as an ISO 8601 date-time. Default: `null`. */
  expiresAt?: In<string>;
  /** Whether Tines emails reminders before the credential expires. Default: `false`. */
  expiryNotificationsEnabled?: In<boolean>;
  /** Ids of the users sent the credential's notifications (such as expiry reminders). Default: `[]`. */
  credentialNotificationRecipientUserIds?: In<In<number>[]>;
  /**
   * The id of an existing credential to manage instead of creating one (the import path). Read at create
   * only: removing it later changes nothing; pointing it at another id replaces.
   */
  adoptId?: In<number | string>;
}

export interface TinesTextCredentialArgs extends TinesCredentialArgs {
  /** The secret value. Secret: kept in state only encrypted, never read back from the service. */
  value: In<string>;
}

export interface TinesJwtCredentialArgs extends TinesCredentialArgs {
  /** The algorithm Tines signs each token with. */
  jwtAlgorithm: In<JwtAlgorithm>;
  /** Claims included in every token. Default: `{}`. */
  jwtPayload?: In<Record<string, In<unknown>>>;
  /** Whether Tines adds the `iat` and `exp` claims to each token. Default: `false`. */
  jwtAutoGenerateTimeClaims?: In<boolean>;
  /**
   * The key tokens are signed with: a PEM private key for `RS*`, `PS*` (RSA) and `ES*` (EC, on the
   * algorithm's curve), a shared secret for `HS*`. Secret: kept in state only encrypted, never read back from
   * the service.
   */
  jwtPrivateKey: In<string>;
}

export interface TinesAwsCredentialArgs extends TinesCredentialArgs {
  /**
   * How Tines reaches AWS: with an access key pair, by assuming a role, or as the instance profile. Changing
   * it replaces the credential.
   */
  awsAuthenticationType: In<AwsAuthenticationType>;
  /** The AWS access key id. Required with `KEY`. */
  awsAccessKey?: In<string>;
  /**
   * The AWS secret access key. Required with `KEY`. Secret: kept in state only encrypted, never read back
   * from the service.
   */
  awsSecretKey?: In<string>;
  /** The ARN of the IAM role to assume, like `arn:aws:iam::123456789012:role/name`. Required with `ROLE`. */
  awsAssumedRoleArn?: In<string>;
  /**
   * Whether the credential uses its team's static external ID instead of one of its own. Default: `false`.
   */
  useStaticExternalId?: In<boolean>;
}

export interface TinesOauthCredentialArgs extends TinesCredentialArgs {
  /**
   * The provider's authorization URL (`https://`). Required with `authorization_code`. Write-only: no answer
   * carries it, so state keeps the declared value.
   */
  oauthUrl?: In<string>;
  /**
   * The provider's token URL (`https://`). Write-only: no answer carries it, so state keeps the declared
   * value.
   */
  oauthTokenUrl: In<string>;
  /**
   * The client id of the app registered with the provider. Write-only: no answer carries it, so state keeps
   * the declared value.
   */
  oauthClientId: In<string>;
  /**
   * The client secret of that app. Secret: kept in state only encrypted, never read back from the service.
   */
  oauthClientSecret: In<string>;
  /**
   * The scope or scopes to request, as the provider expects them. Write-only: no answer carries it, so state
   * keeps the declared value.
   */
  oauthScope: In<string>;
  /**
   * `client_credentials` (unattended) or `authorization_code` (a person approves access at `redirectUrl`
   * after create). Write-only: no answer carries it, so state keeps the declared value.
   */
  oauthGrantType: In<OauthGrantType>;
  /**
   * The PKCE code challenge method, `S256` or `plain`; unset, no PKCE. Write-only: no answer carries it, so
   * state keeps the declared value. Default: `null`.
   */
  oauthPkceCodeChallengeMethod?: In<OauthPkceCodeChallengeMethod>;
}

export interface TwilioAwsCredentialArgs {
  /**
   * The AWS key pair as `AWS_ACCESS_KEY_ID:AWS_SECRET_ACCESS_KEY`. Give this, or `awsAccessKeyId` with
   * `awsSecretAccessKey`. Secret: kept in state only encrypted, never read back from the service. Changing it
   * replaces the credential.
   */
  credentials?: In<string>;
  /**
   * The AWS access key id, when the key pair is given as two inputs (with `awsSecretAccessKey`). Changing it
   * replaces the credential.
   */
  awsAccessKeyId?: In<string>;
  /**
   * The AWS secret access key, when the key pair is given as two inputs (with `awsAccessKeyId`). Secret: kept
   * in state only encrypted, never read back from the service. Changing it replaces the credential.
   */
  awsSecretAccessKey?: In<string>;
  /** A name for the credential, up to 64 characters. Default: `""`. */
  friendlyName?: In<string>;
  /**
   * The account (`AC...`) the credential belongs to: set it to create the credential in a subaccount; unset,
   * the connection's account. Changing it replaces the credential.
   */
  accountSid?: In<string>;
  /**
   * The sid (`CR...`) of an existing credential to manage instead of creating one (the import path). Read at
   * create only: removing it later changes nothing; pointing it at another sid replaces.
   */
  adoptId?: In<string>;
}

/** Outputs of every Tines credential: the declared inputs plus what Tines answers. */
abstract class TinesCredentialBase extends CredentialResource {
  /** The credential's id in Tines (also the resource id). */
  declare readonly credentialId: Out<number>;
  /** Name of the credential. */
  declare readonly name: Out<string>;
  /** The credential's mode, as Tines names it. */
  declare readonly mode: Out<string>;
  /**
   * Team the credential lives in. Required unless `liveCredentialId` is set. Changing it replaces the
   * credential.
   */
  declare readonly teamId: Out<number>;
  /**
   * Folder the credential is filed in; unset, the team's root folder. Default: `null`. A test credential
   * inherits it from its live credential unless declared.
   */
  declare readonly folderId: Out<number | null>;
  /**
   * Where the credential can be used: its team, every team, or the teams in `sharedTeamSlugs`. Default:
   * `TEAM`. A test credential inherits it from its live credential unless declared.
   */
  declare readonly readAccess: Out<string>;
  /**
   * Slugs of the teams that can use the credential: required (non-empty) with `readAccess` `SPECIFIC_TEAMS`,
   * not allowed otherwise. Default: `[]`. A test credential inherits it from its live credential unless
   * declared.
   */
  declare readonly sharedTeamSlugs: Out<string[]>;
  /**
   * Description of the credential. Default: `""`. A test credential inherits it from its live credential
   * unless declared.
   */
  declare readonly description: Out<string>;
  /**
   * Key/value metadata, which actions can read through the credential's INFO path. Default: `{}`. A test
   * credential inherits it from its live credential unless declared.
   */
  declare readonly metadata: Out<Record<string, unknown>>;
  /**
   * Domains (wildcards allowed) where the credential may be used in HTTP requests; empty: anywhere. Default:
   * `[]`. A test credential inherits it from its live credential unless declared.
   */
  declare readonly allowedHosts: Out<string[]>;
  /**
   * Makes this the test credential of that live credential, from which it inherits unset fields. Changing it
   * replaces the credential.
   */
  declare readonly liveCredentialId: Out<number | undefined>;
  /** When the credential expires, as an ISO 8601 date-time. Default: `null`. */
  declare readonly expiresAt: Out<string | null>;
  /** Whether Tines emails reminders before the credential expires. Default: `false`. */
  declare readonly expiryNotificationsEnabled: Out<boolean>;
  /** Ids of the users sent the credential's notifications (such as expiry reminders). Default: `[]`. */
  declare readonly credentialNotificationRecipientUserIds: Out<number[]>;
  /** The name in underscored form, as actions refer to the credential. */
  declare readonly slug: Out<string>;
  /** When the credential was created. */
  declare readonly createdAt: Out<string>;
  /** When the credential was last updated. */
  declare readonly updatedAt: Out<string>;
  /**
   * The user who owns the credential (by default its creator). Undefined on tenants that do not report it.
   */
  declare readonly owner: Out<
    { user_id: number; first_name: string; last_name: string; email: string } | undefined
  >;
  /**
   * The restriction on the credential's use (`RESTRICTED`, `RESTRICTED_TO_CREDENTIALS`, `UNRESTRICTED`).
   * Undefined on tenants that do not report it.
   */
  declare readonly restrictionType: Out<string | undefined>;
  /** Whether the credential has a test credential enabled. */
  declare readonly testCredentialEnabled: Out<boolean>;
  /** The test credential's own data (`created_at` and `updated_at`). */
  declare readonly testCredential: Out<Record<string, unknown> | undefined>;
  /**
   * The id of an existing credential to manage instead of creating one (the import path). Read at create
   * only: removing it later changes nothing; pointing it at another id replaces.
   */
  declare readonly adoptId: Out<number | string | undefined>;
}

export class TinesTextCredential extends TinesCredentialBase {
  /** The secret value. Secret: kept in state only encrypted, never read back from the service. */
  declare readonly value: Out<string>;

  constructor(
    name: string,
    args: ArgsKeeping<TinesTextCredentialArgs, "tinesTextCredential">,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(KINDS.tinesTextCredential, name, args, opts);
  }
}

export class TinesJwtCredential extends TinesCredentialBase {
  /** The algorithm Tines signs each token with. */
  declare readonly jwtAlgorithm: Out<string>;
  /** Claims included in every token. Default: `{}`. */
  declare readonly jwtPayload: Out<Record<string, unknown> | undefined>;
  /** Whether Tines adds the `iat` and `exp` claims to each token. Default: `false`. */
  declare readonly jwtAutoGenerateTimeClaims: Out<boolean | undefined>;
  /**
   * The key tokens are signed with: a PEM private key for `RS*`, `PS*` (RSA) and `ES*` (EC, on the
   * algorithm's curve), a shared secret for `HS*`. Secret: kept in state only encrypted, never read back from
   * the service.
   */
  declare readonly jwtPrivateKey: Out<string>;

  constructor(
    name: string,
    args: ArgsKeeping<TinesJwtCredentialArgs, "tinesJwtCredential">,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(KINDS.tinesJwtCredential, name, args, opts);
  }
}

export class TinesAwsCredential extends TinesCredentialBase {
  /**
   * How Tines reaches AWS: with an access key pair, by assuming a role, or as the instance profile. Changing
   * it replaces the credential.
   */
  declare readonly awsAuthenticationType: Out<string>;
  /** The AWS access key id. Required with `KEY`. */
  declare readonly awsAccessKey: Out<string | undefined>;
  /**
   * The AWS secret access key. Required with `KEY`. Secret: kept in state only encrypted, never read back
   * from the service.
   */
  declare readonly awsSecretKey: Out<string | undefined>;
  /** The ARN of the IAM role to assume, like `arn:aws:iam::123456789012:role/name`. Required with `ROLE`. */
  declare readonly awsAssumedRoleArn: Out<string | undefined>;
  /**
   * Whether the credential uses its team's static external ID instead of one of its own. Default: `false`.
   */
  declare readonly useStaticExternalId: Out<boolean>;
  /** The external ID Tines generated, for the role's trust policy. */
  declare readonly awsAssumedRoleExternalId: Out<string | undefined>;

  constructor(name: string, args: TinesAwsCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(KINDS.tinesAwsCredential, name, args, opts);
  }
}

export class TwilioAwsCredential extends CredentialResource {
  /** The credential's sid (`CR...`), also the resource id. */
  declare readonly sid: Out<string>;
  /**
   * The account (`AC...`) the credential belongs to: set it to create the credential in a subaccount; unset,
   * the connection's account. Changing it replaces the credential.
   */
  declare readonly accountSid: Out<string>;
  /** A name for the credential, up to 64 characters. Default: `""`. */
  declare readonly friendlyName: Out<string | null>;
  /** When the credential was created. */
  declare readonly dateCreated: Out<string>;
  /** When the credential was last updated. */
  declare readonly dateUpdated: Out<string>;
  /** The credential's URL in the Twilio API. */
  declare readonly url: Out<string>;
  /**
   * The AWS key pair as `AWS_ACCESS_KEY_ID:AWS_SECRET_ACCESS_KEY`. Give this, or `awsAccessKeyId` with
   * `awsSecretAccessKey`. Secret: kept in state only encrypted, never read back from the service. Changing it
   * replaces the credential.
   */
  declare readonly credentials: Out<string | undefined>;
  /**
   * The AWS access key id, when the key pair is given as two inputs (with `awsSecretAccessKey`). Changing it
   * replaces the credential.
   */
  declare readonly awsAccessKeyId: Out<string | undefined>;
  /**
   * The AWS secret access key, when the key pair is given as two inputs (with `awsAccessKeyId`). Secret: kept
   * in state only encrypted, never read back from the service. Changing it replaces the credential.
   */
  declare readonly awsSecretAccessKey: Out<string | undefined>;
  /**
   * The sid (`CR...`) of an existing credential to manage instead of creating one (the import path). Read at
   * create only: removing it later changes nothing; pointing it at another sid replaces.
   */
  declare readonly adoptId: Out<string | undefined>;

  constructor(name: string, args: TwilioAwsCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(KINDS.twilioAwsCredential, name, args, opts);
  }
}

export class TinesOauthCredential extends TinesCredentialBase {
  /**
   * The provider's authorization URL (`https://`). Required with `authorization_code`. Write-only: no answer
   * carries it, so state keeps the declared value.
   */
  declare readonly oauthUrl: Out<string | undefined>;
  /**
   * The provider's token URL (`https://`). Write-only: no answer carries it, so state keeps the declared
   * value.
   */
  declare readonly oauthTokenUrl: Out<string>;
  /**
   * The client id of the app registered with the provider. Write-only: no answer carries it, so state keeps
   * the declared value.
   */
  declare readonly oauthClientId: Out<string>;
  /**
   * The client secret of that app. Secret: kept in state only encrypted, never read back from the service.
   */
  declare readonly oauthClientSecret: Out<string>;
  /**
   * The scope or scopes to request, as the provider expects them. Write-only: no answer carries it, so state
   * keeps the declared value.
   */
  declare readonly oauthScope: Out<string>;
  /**
   * `client_credentials` (unattended) or `authorization_code` (a person approves access at `redirectUrl`
   * after create). Write-only: no answer carries it, so state keeps the declared value.
   */
  declare readonly oauthGrantType: Out<string>;
  /**
   * The PKCE code challenge method, `S256` or `plain`; unset, no PKCE. Write-only: no answer carries it, so
   * state keeps the declared value. Default: `null`.
   */
  declare readonly oauthPkceCodeChallengeMethod: Out<string | null | undefined>;
  /**
   * Where a person approves access for an `authorization_code` grant, when the create answers one; until then
   * the credential gets no token.
   */
  declare readonly redirectUrl: Out<string | undefined>;

  constructor(
    name: string,
    args: ArgsKeeping<TinesOauthCredentialArgs, "tinesOauthCredential">,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(KINDS.tinesOauthCredential, name, args, opts);
  }
}

export interface TinesMtlsCredentialArgs extends TinesCredentialArgs {
  /**
   * The client certificate (PEM) Tines presents, issued by the CA of `mtlsRootCertificate`; it may be
   * followed by its intermediate CA certificates. Write-only: no answer carries it, so state keeps the
   * declared value.
   */
  mtlsClientCertificate: In<string>;
  /**
   * The client certificate's private key, as an unencrypted PEM; it must match the certificate's public key.
   * Secret: kept in state only encrypted, never read back from the service.
   */
  mtlsClientPrivateKey: In<string>;
  /**
   * The root certificate (PEM) of the CA that issued the client certificate, or a bundle of the intermediate
   * CA certificates and the root: the client certificate must chain up to it. Write-only: no answer carries
   * it, so state keeps the declared value.
   */
  mtlsRootCertificate: In<string>;
}

export class TinesMtlsCredential extends TinesCredentialBase {
  /**
   * The client certificate (PEM) Tines presents, issued by the CA of `mtlsRootCertificate`; it may be
   * followed by its intermediate CA certificates. Write-only: no answer carries it, so state keeps the
   * declared value.
   */
  declare readonly mtlsClientCertificate: Out<string>;
  /**
   * The client certificate's private key, as an unencrypted PEM; it must match the certificate's public key.
   * Secret: kept in state only encrypted, never read back from the service.
   */
  declare readonly mtlsClientPrivateKey: Out<string>;
  /**
   * The root certificate (PEM) of the CA that issued the client certificate, or a bundle of the intermediate
   * CA certificates and the root: the client certificate must chain up to it. Write-only: no answer carries
   * it, so state keeps the declared value.
   */
  declare readonly mtlsRootCertificate: Out<string>;

  constructor(
    name: string,
    args: ArgsKeeping<TinesMtlsCredentialArgs, "tinesMtlsCredential">,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(KINDS.tinesMtlsCredential, name, args, opts);
  }
}

/** One request of a multi-request credential. */
export interface TinesCredentialRequest {
  options: In<Record<string, In<unknown>>>;
  httpRequestSecret?: In<string>;
}

export interface TinesMultiRequestCredentialArgs extends TinesCredentialArgs {
  /**
   * Exactly two requests `{ options, httpRequestSecret? }`, run in this order. Secret as a whole, since it
   * holds the requests' secrets. Removing an item's `httpRequestSecret` sends that item without
   * `http_request_secret`: Tines documents no way to clear a stored one, so if its PUT merges, the old secret
   * may stay; replace the credential to be sure it is gone. Secret: kept in state only encrypted, never read
   * back from the service.
   */
  credentialRequests: In<In<TinesCredentialRequest>[]>;
  /**
   * Where the token is in the second request's answer, as a formula path such as `=response.body.token`.
   * Write-only: no answer carries it, so state keeps the declared value.
   */
  httpRequestLocationOfToken: In<string>;
  /**
   * How long Tines reuses a fetched token, in seconds (at least 1); unset, no reuse limit is set. An update
   * always sends it, or null when unset, since Tines sets it to null when a PUT leaves it out. Write-only: no
   * answer carries it, so state keeps the declared value. Default: `null`.
   */
  httpRequestTtl?: In<number>;
  /**
   * The content type of the requests' payload, as the create page calls it. Write-only: no answer carries it,
   * so state keeps the declared value.
   */
  contentType?: In<string>;
}

export class TinesMultiRequestCredential extends TinesCredentialBase {
  /**
   * Exactly two requests `{ options, httpRequestSecret? }`, run in this order. Secret as a whole, since it
   * holds the requests' secrets. Removing an item's `httpRequestSecret` sends that item without
   * `http_request_secret`: Tines documents no way to clear a stored one, so if its PUT merges, the old secret
   * may stay; replace the credential to be sure it is gone. Secret: kept in state only encrypted, never read
   * back from the service.
   */
  declare readonly credentialRequests: Out<
    { options: Record<string, unknown>; httpRequestSecret?: string }[]
  >;
  /**
   * Where the token is in the second request's answer, as a formula path such as `=response.body.token`.
   * Write-only: no answer carries it, so state keeps the declared value.
   */
  declare readonly httpRequestLocationOfToken: Out<string>;
  /**
   * How long Tines reuses a fetched token, in seconds (at least 1); unset, no reuse limit is set. An update
   * always sends it, or null when unset, since Tines sets it to null when a PUT leaves it out. Write-only: no
   * answer carries it, so state keeps the declared value. Default: `null`.
   */
  declare readonly httpRequestTtl: Out<number | null>;
  /**
   * The content type of the requests' payload, as the create page calls it. Write-only: no answer carries it,
   * so state keeps the declared value.
   */
  declare readonly contentType: Out<string | undefined>;

  constructor(
    name: string,
    args: ArgsKeeping<TinesMultiRequestCredentialArgs, "tinesMultiRequestCredential">,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(KINDS.tinesMultiRequestCredential, name, args, opts);
  }
}

export interface TinesHttpRequestCredentialArgs extends TinesCredentialArgs {
  /**
   * The options of the request that fetches the token, as in an HTTP Request action (`url`, `method`,
   * `content_type`, `headers`, `payload`, ...), given as an object and sent as one (the oldest API revision
   * took a JSON-encoded string; the current one takes an object). `<<secret>>` in them stands for
   * `httpRequestSecret` and is sent as written. Kept in state in plain text: put secret values in
   * `httpRequestSecret`, not here. Write-only: no answer carries it, so state keeps the declared value.
   */
  httpRequestOptions: In<Record<string, In<unknown>>>;
  /**
   * Where the token is in the request's answer, as a formula path such as `=response.body.token`. Write-only:
   * no answer carries it, so state keeps the declared value.
   */
  httpRequestLocationOfToken: In<string>;
  /**
   * A secret stored with the credential, which the options refer to as `<<secret>>`. Removing it replaces the
   * credential: Tines documents no way to clear a stored secret. Secret: kept in state only encrypted, never
   * read back from the service.
   */
  httpRequestSecret?: In<string>;
  /**
   * How long Tines reuses a fetched token, in seconds (at least 1); unset, no reuse limit is set. An update
   * always sends it, or null when unset, since Tines sets it to null when a PUT leaves it out. Write-only: no
   * answer carries it, so state keeps the declared value. Default: `null`.
   */
  httpRequestTtl?: In<number>;
  /**
   * The content type of the request payload, as the create page calls it (how it relates to the options'
   * `content_type` is not documented). Write-only: no answer carries it, so state keeps the declared value.
   */
  contentType?: In<string>;
}

export class TinesHttpRequestCredential extends TinesCredentialBase {
  /**
   * The options of the request that fetches the token, as in an HTTP Request action (`url`, `method`,
   * `content_type`, `headers`, `payload`, ...), given as an object and sent as one (the oldest API revision
   * took a JSON-encoded string; the current one takes an object). `<<secret>>` in them stands for
   * `httpRequestSecret` and is sent as written. Kept in state in plain text: put secret values in
   * `httpRequestSecret`, not here. Write-only: no answer carries it, so state keeps the declared value.
   */
  declare readonly httpRequestOptions: Out<Record<string, unknown>>;
  /**
   * Where the token is in the request's answer, as a formula path such as `=response.body.token`. Write-only:
   * no answer carries it, so state keeps the declared value.
   */
  declare readonly httpRequestLocationOfToken: Out<string>;
  /**
   * A secret stored with the credential, which the options refer to as `<<secret>>`. Removing it replaces the
   * credential: Tines documents no way to clear a stored secret. Secret: kept in state only encrypted, never
   * read back from the service.
   */
  declare readonly httpRequestSecret: Out<string | undefined>;
  /**
   * How long Tines reuses a fetched token, in seconds (at least 1); unset, no reuse limit is set. An update
   * always sends it, or null when unset, since Tines sets it to null when a PUT leaves it out. Write-only: no
   * answer carries it, so state keeps the declared value. Default: `null`.
   */
  declare readonly httpRequestTtl: Out<number | null>;
  /**
   * The content type of the request payload, as the create page calls it (how it relates to the options'
   * `content_type` is not documented). Write-only: no answer carries it, so state keeps the declared value.
   */
  declare readonly contentType: Out<string | undefined>;

  constructor(
    name: string,
    args: ArgsKeeping<TinesHttpRequestCredentialArgs, "tinesHttpRequestCredential">,
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(KINDS.tinesHttpRequestCredential, name, args, opts);
  }
}

/** Each kind's class, for the checks below (the registry cannot hold the classes: they import it). */
interface Classes {
  tinesTextCredential: typeof TinesTextCredential;
  tinesJwtCredential: typeof TinesJwtCredential;
  tinesAwsCredential: typeof TinesAwsCredential;
  twilioAwsCredential: typeof TwilioAwsCredential;
  tinesOauthCredential: typeof TinesOauthCredential;
  tinesMtlsCredential: typeof TinesMtlsCredential;
  tinesMultiRequestCredential: typeof TinesMultiRequestCredential;
  tinesHttpRequestCredential: typeof TinesHttpRequestCredential;
}

/** Each kind's Args interface (the constructors also take it with adoptId and kept fields left out). */
interface ArgsByKind {
  tinesTextCredential: TinesTextCredentialArgs;
  tinesJwtCredential: TinesJwtCredentialArgs;
  tinesAwsCredential: TinesAwsCredentialArgs;
  twilioAwsCredential: TwilioAwsCredentialArgs;
  tinesOauthCredential: TinesOauthCredentialArgs;
  tinesMtlsCredential: TinesMtlsCredentialArgs;
  tinesMultiRequestCredential: TinesMultiRequestCredentialArgs;
  tinesHttpRequestCredential: TinesHttpRequestCredentialArgs;
}

type ArgsOf<K extends KindName> = ArgsByKind[K];
type OutputsOf<K extends KindName> = Omit<InstanceType<Classes[K]>, keyof pulumi.dynamic.Resource>;
type FieldNames<K extends KindName> = keyof Spec<K>["inputs"] | keyof Spec<K>["outputs"];
/** The kinds whose `Found` is not `true`, each with what was found. */
type Mismatches<Found extends Record<KindName, unknown>> = {
  [K in KindName as Found[K] extends true ? never : K]: Found[K];
};
type None<M> = keyof M extends never ? true : { [K in keyof M]: M[K] };

/**
 * Compile-time checks, which fail `npm run build` naming the kind and the difference: every kind has
 * a class; its Args has exactly the kind's inputs, optional exactly where the field is not required;
 * and the class declares exactly the kind's inputs and outputs.
 * @internal
 */
export type _ClassesMatchTheirFieldTables = [
  Assert<OutputsMatchFields<Classes, KindName>>,
  Assert<ArgsMatchFields<TinesCredentialArgs, typeof commonInputs>>,
  Assert<None<Mismatches<{ [K in KindName]: ArgsMatchFields<ArgsOf<K>, Spec<K>["inputs"]> }>>>,
  Assert<None<Mismatches<{ [K in KindName]: OutputsMatchFields<OutputsOf<K>, FieldNames<K>> }>>>,
];
