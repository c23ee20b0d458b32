// Twilio AWS credential: an AWS key pair stored in Twilio (Credentials/AWS).
import { CheckFailure, FieldTable, given, Inputs, isUnknown, maxCharacters, nonEmpty } from "../core/fields";
import { requestBody, updateRequestBody } from "../core/mapping";
import { CredentialSpec, keepsStoredSecrets } from "../core/spec";
import { CREDENTIAL_SID, twilioApi } from "./client";

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;

/** `KEY:SECRET` with both parts non-empty around the first colon. Never quotes the value. */
function keyPairProblem(value: unknown): string | undefined {
  const text = value as string;
  const colon = text.indexOf(":");
  return colon > 0 && colon < text.length - 1
    ? undefined
    : "must be AWS_ACCESS_KEY_ID:AWS_SECRET_ACCESS_KEY with both parts non-empty";
}

// Only friendlyName can be updated; every other input replaces, so needs no default.
const inputs = {
  credentials: {
    description:
      "The AWS key pair as `AWS_ACCESS_KEY_ID:AWS_SECRET_ACCESS_KEY`. Give this, or `awsAccessKeyId` with `awsSecretAccessKey`.",
    api: "Credentials",
    kind: "string",
    secret: true,
    replaces: true,
    rule: keyPairProblem,
  },
  awsAccessKeyId: {
    description:
      "The AWS access key id, when the key pair is given as two inputs (with `awsSecretAccessKey`).",
    kind: "string",
    replaces: true,
    rule: nonEmpty,
  },
  awsSecretAccessKey: {
    description:
      "The AWS secret access key, when the key pair is given as two inputs (with `awsAccessKeyId`).",
    kind: "string",
    secret: true,
    replaces: true,
    rule: nonEmpty,
  },
  friendlyName: {
    description: "A name for the credential, up to 64 characters.",
    api: "FriendlyName",
    returnedAs: "friendly_name",
    kind: "string",
    serverDefault: "",
    rule: maxCharacters(64),
  },
  accountSid: {
    description:
      "The account (`AC...`) the credential belongs to: set it to create the credential in a subaccount; unset, the connection's account.",
    api: "AccountSid",
    returnedAs: "account_sid",
    kind: "string",
    replaces: true,
    rule: (v) => (ACCOUNT_SID.test(v as string) ? undefined : "must match ^AC[0-9a-fA-F]{32}$"),
  },
  adoptId: {
    description:
      "The sid (`CR...`) of an existing credential to manage instead of creating one (the import path). Read at create only: removing it later changes nothing; pointing it at another sid replaces.",
    kind: "string",
    rule: (v) =>
      CREDENTIAL_SID.test(v as string) ? undefined : "must be a credential sid matching ^CR[0-9a-fA-F]{32}$",
  },
} as const satisfies FieldTable;

const outputs = {
  sid: { description: "The credential's sid (`CR...`), also the resource id.", api: "sid", kind: "string" },
  dateCreated: { description: "When the credential was created.", api: "date_created", kind: "timestamp" },
  dateUpdated: {
    description: "When the credential was last updated.",
    api: "date_updated",
    kind: "timestamp",
  },
  url: { description: "The credential's URL in the Twilio API.", api: "url", kind: "string" },
} as const satisfies FieldTable;

function rules(values: Inputs): CheckFailure[] {
  const pair = given(values.awsAccessKeyId) || given(values.awsSecretAccessKey);
  if (given(values.credentials) && pair) {
    return [
      {
        property: "credentials",
        reason: "set either credentials or awsAccessKeyId + awsSecretAccessKey, not both",
      },
    ];
  }
  if (given(values.credentials)) return [];
  // An adopted credential may keep the key pair Twilio stores; half a pair is still an error.
  if (!pair && keepsStoredSecrets(values)) return [];
  if (!pair) {
    return [
      { property: "credentials", reason: "is required (or set awsAccessKeyId and awsSecretAccessKey)" },
    ];
  }
  return (["awsAccessKeyId", "awsSecretAccessKey"] as const)
    .filter((name) => !given(values[name]))
    .map((property) => ({ property, reason: "is required when the key pair is given as two inputs" }));
}

/** The one Credentials string, from either spelling. Unknown while either half is unknown. */
function joinedCredentials(values: Inputs): unknown {
  if (values.credentials !== undefined) return values.credentials;
  const { awsAccessKeyId: id, awsSecretAccessKey: secret } = values;
  if (id === undefined || secret === undefined) return undefined;
  return isUnknown(id) || isUnknown(secret) ? values.awsAccessKeyId : `${String(id)}:${String(secret)}`;
}

export const twilioAwsSpec = {
  label: "Twilio AWS credential",
  idSpace: "Twilio Credentials/AWS",
  inputs,
  outputs,
  idField: "sid",
  rules,
  connect: twilioApi,
  createBody: (values) => {
    // Set on the body, not spread into a new one: see withMode in tines/common.ts.
    const body = requestBody(inputs, values);
    body.Credentials = joinedCredentials(values);
    return body;
  },
  // The update endpoint takes FriendlyName only; an unset name is cleared.
  updateBody: (values) => updateRequestBody({ friendlyName: inputs.friendlyName }, values, false),
  mismatch: (record, values) =>
    values.accountSid !== undefined &&
    record.account_sid !== undefined &&
    record.account_sid !== values.accountSid
      ? `belongs to account ${String(record.account_sid)}, not ${String(values.accountSid)}`
      : undefined,
  // Both spellings of the key pair compare as the one string Twilio stores. No name, an empty one
  // and null are one value (unset): Twilio types friendly_name `string | null` and may answer an
  // empty FriendlyName with either.
  normalizeForDiff: (values) => {
    const { awsAccessKeyId: _id, awsSecretAccessKey: _secret, friendlyName, ...rest } = values;
    const named = friendlyName === "" || friendlyName === null ? rest : { ...rest, friendlyName };
    const credentials = joinedCredentials(values);
    return credentials === undefined ? named : { ...named, credentials };
  },
} satisfies CredentialSpec;
