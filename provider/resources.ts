// The four resource classes users declare. Each is a thin shell: a type token, typed arguments and
// outputs, and the provider module that does the work (see core/lifecycle.ts).
import * as pulumi from "@pulumi/pulumi";
import { CredentialSpec } from "./core/lifecycle";
import { secretNames } from "./core/fields";
import type { OneOf } from "./core/fieldTypes";
import { commonInputs } from "./tines/common";
import tinesAwsProvider = require("./providers/tinesAws");
import tinesJwtProvider = require("./providers/tinesJwt");
import tinesTextProvider = require("./providers/tinesText");
import twilioAwsProvider = require("./providers/twilioAws");
import { tinesAwsSpec } from "./tines/aws";
import { tinesJwtSpec } from "./tines/jwt";
import { tinesTextSpec } from "./tines/text";
import { twilioAwsSpec } from "./twilio/aws";

type In<T> = pulumi.Input<T>;

/** The values of the enumerated inputs, from their field tables. */
export type ReadAccess = OneOf<typeof commonInputs.readAccess>;
export type JwtAlgorithm = OneOf<typeof tinesJwtSpec.inputs.jwtAlgorithm>;
export type AwsAuthenticationType = OneOf<typeof tinesAwsSpec.inputs.awsAuthenticationType>;
type Out<T> = pulumi.Output<T>;

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
abstract class TinesCredentialBase extends pulumi.dynamic.Resource {
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
    super(
      tinesTextProvider,
      name,
      credentialProps(tinesTextSpec, args),
      credentialOptions(tinesTextSpec, opts),
      "tines",
      "TextCredential",
    );
  }
}

export class TinesJwtCredential extends TinesCredentialBase {
  declare readonly jwtAlgorithm: Out<string>;
  declare readonly jwtPayload: Out<Record<string, unknown> | undefined>;
  declare readonly jwtAutoGenerateTimeClaims: Out<boolean | undefined>;
  declare readonly jwtPrivateKey: Out<string>;

  constructor(name: string, args: TinesJwtCredentialArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      tinesJwtProvider,
      name,
      credentialProps(tinesJwtSpec, args),
      credentialOptions(tinesJwtSpec, opts),
      "tines",
      "JwtCredential",
    );
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
    super(
      tinesAwsProvider,
      name,
      credentialProps(tinesAwsSpec, args),
      credentialOptions(tinesAwsSpec, opts),
      "tines",
      "AwsCredential",
    );
  }
}

export class TwilioAwsCredential extends pulumi.dynamic.Resource {
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
    super(
      twilioAwsProvider,
      name,
      credentialProps(twilioAwsSpec, args),
      credentialOptions(twilioAwsSpec, opts),
      "twilio",
      "AwsCredential",
    );
  }
}
