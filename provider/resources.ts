// The resource classes users declare. Each is a thin shell over its registry entry (kinds.ts: the
// provider, the fields, the type token), with typed arguments and outputs written out for users'
// editors. Their JSDoc is written from the fields' descriptions (`npm run docs`; a unit test fails
// when it differs), and the compile-time checks at the end fail `npm run build` when an Args
// interface or a class's outputs and the field tables disagree.
import * as pulumi from "@pulumi/pulumi";
import { secretNames } from "./core/fields";
import type { ArgsMatchFields, Assert, OneOf, OutputsMatchFields } from "./core/fieldTypes";
import type { CredentialSpec } from "./core/lifecycle";
import { CredentialKind, KindName, KINDS } from "./kinds";
import type { commonInputs } from "./tines/common";

type In<T> = pulumi.Input<T>;
type Out<T> = pulumi.Output<T>;
type Spec<K extends KindName> = (typeof KINDS)[K]["spec"];

/** The values of the enumerated inputs, from their field tables. */
export type ReadAccess = OneOf<typeof commonInputs.readAccess>;
export type JwtAlgorithm = OneOf<Spec<"tinesJwtCredential">["inputs"]["jwtAlgorithm"]>;
export type AwsAuthenticationType = OneOf<Spec<"tinesAwsCredential">["inputs"]["awsAuthenticationType"]>;

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
  folderId?: In<number>;
  /** TEAM (default), GLOBAL or SPECIFIC_TEAMS. */
  readAccess?: In<ReadAccess>;
  /** Required (non-empty) with readAccess SPECIFIC_TEAMS; not allowed otherwise. */
  sharedTeamSlugs?: In<In<string>[]>;
  description?: In<string>;
  metadata?: In<Record<string, In<unknown>>>;
  /** Domains (wildcards allowed) where the credential may be used in HTTP requests. */
  allowedHosts?: In<In<string>[]>;
  /** Makes this the test credential of that live credential. Changing it replaces the credential. */
  liveCredentialId?: In<number>;
  /** ISO 8601 date-time when the credential expires. */
  expiresAt?: In<string>;
  expiryNotificationsEnabled?: In<boolean>;
  credentialNotificationRecipientUserIds?: In<In<number>[]>;
  /**
   * Manage an existing credential instead of creating one (the import path for dynamic resources).
   * Read at create only: removing it later changes nothing; pointing it at another id replaces.
   */
  adoptId?: In<number | string>;
}

export interface TinesTextCredentialArgs extends TinesCredentialArgs {
  /** The secret value. Stored in state only as a Pulumi secret. */
  value: In<string>;
}

export interface TinesJwtCredentialArgs extends TinesCredentialArgs {
  jwtAlgorithm: In<JwtAlgorithm>;
  /** Claims included in every JWT. */
  jwtPayload?: In<Record<string, In<unknown>>>;
  /** Let Tines add `iat` and `exp`. */
  jwtAutoGenerateTimeClaims?: In<boolean>;
  /** PEM private key (RS/PS/ES) or shared secret (HS). Stored in state only as a Pulumi secret. */
  jwtPrivateKey: In<string>;
}

export interface TinesAwsCredentialArgs extends TinesCredentialArgs {
  awsAuthenticationType: In<AwsAuthenticationType>;
  /** Required with KEY. */
  awsAccessKey?: In<string>;
  /** Required with KEY. Stored in state only as a Pulumi secret. */
  awsSecretKey?: In<string>;
  /** Required with ROLE: arn:aws:iam::123456789012:role/name. */
  awsAssumedRoleArn?: In<string>;
  useStaticExternalId?: In<boolean>;
}

export interface TwilioAwsCredentialArgs {
  /** `AWS_ACCESS_KEY_ID:AWS_SECRET_ACCESS_KEY`. Give this, or the two keys below. Changing it replaces. */
  credentials?: In<string>;
  awsAccessKeyId?: In<string>;
  /** Stored in state only as a Pulumi secret. */
  awsSecretAccessKey?: In<string>;
  /** Up to 64 characters. Updated in place. */
  friendlyName?: In<string>;
  /** Subaccount to create the credential in (^AC[0-9a-fA-F]{32}$). Changing it replaces. */
  accountSid?: In<string>;
  /** Manage an existing credential (its CR... sid) instead of creating one. */
  adoptId?: In<string>;
}

/** Outputs of every Tines credential: the declared inputs plus what Tines answers. */
abstract class TinesCredentialBase extends CredentialResource {
  declare readonly credentialId: Out<number>;
  declare readonly name: Out<string>;
  declare readonly mode: Out<string>;
  declare readonly teamId: Out<number>;
  declare readonly folderId: Out<number | null>;
  declare readonly readAccess: Out<string>;
  declare readonly sharedTeamSlugs: Out<string[]>;
  declare readonly description: Out<string>;
  declare readonly metadata: Out<Record<string, unknown>>;
  declare readonly allowedHosts: Out<string[]>;
  declare readonly liveCredentialId: Out<number | undefined>;
  declare readonly expiresAt: Out<string | null>;
  declare readonly expiryNotificationsEnabled: Out<boolean>;
  declare readonly credentialNotificationRecipientUserIds: Out<number[]>;
  declare readonly slug: Out<string>;
  declare readonly createdAt: Out<string>;
  declare readonly updatedAt: Out<string>;
  /** Undefined on tenants that do not report it. */
  declare readonly owner: Out<
    { user_id: number; first_name: string; last_name: string; email: string } | undefined
  >;
  declare readonly restrictionType: Out<string | undefined>;
  declare readonly testCredentialEnabled: Out<boolean>;
  declare readonly testCredential: Out<Record<string, unknown> | undefined>;
  declare readonly adoptId: Out<number | string | undefined>;
}

export class TinesTextCredential extends TinesCredentialBase {
  declare readonly value: Out<string>;

  constructor(name: string, args: TinesTextCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(KINDS.tinesTextCredential, name, args, opts);
  }
}

export class TinesJwtCredential extends TinesCredentialBase {
  declare readonly jwtAlgorithm: Out<string>;
  declare readonly jwtPayload: Out<Record<string, unknown> | undefined>;
  declare readonly jwtAutoGenerateTimeClaims: Out<boolean | undefined>;
  declare readonly jwtPrivateKey: Out<string>;

  constructor(name: string, args: TinesJwtCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(KINDS.tinesJwtCredential, name, args, opts);
  }
}

export class TinesAwsCredential extends TinesCredentialBase {
  declare readonly awsAuthenticationType: Out<string>;
  declare readonly awsAccessKey: Out<string | undefined>;
  declare readonly awsSecretKey: Out<string | undefined>;
  declare readonly awsAssumedRoleArn: Out<string | undefined>;
  declare readonly useStaticExternalId: Out<boolean>;
  /** Generated by Tines for the role's trust policy. */
  declare readonly awsAssumedRoleExternalId: Out<string | undefined>;

  constructor(name: string, args: TinesAwsCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(KINDS.tinesAwsCredential, name, args, opts);
  }
}

export class TwilioAwsCredential extends CredentialResource {
  /** The credential's sid (also the resource id). */
  declare readonly sid: Out<string>;
  declare readonly accountSid: Out<string>;
  declare readonly friendlyName: Out<string | null>;
  declare readonly dateCreated: Out<string>;
  declare readonly dateUpdated: Out<string>;
  declare readonly url: Out<string>;
  declare readonly credentials: Out<string | undefined>;
  declare readonly awsAccessKeyId: Out<string | undefined>;
  declare readonly awsSecretAccessKey: Out<string | undefined>;
  declare readonly adoptId: Out<string | undefined>;

  constructor(name: string, args: TwilioAwsCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(KINDS.twilioAwsCredential, name, args, opts);
  }
}

/** Each kind's class, for the checks below (the registry cannot hold the classes: they import it). */
interface Classes {
  tinesTextCredential: typeof TinesTextCredential;
  tinesJwtCredential: typeof TinesJwtCredential;
  tinesAwsCredential: typeof TinesAwsCredential;
  twilioAwsCredential: typeof TwilioAwsCredential;
}

type ArgsOf<K extends KindName> = ConstructorParameters<Classes[K]>[1];
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
