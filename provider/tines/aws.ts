// Tines AWS credential: key-based, role-based or instance-profile access to AWS.
import { CheckFailure, FieldTable, given, Inputs, nonEmpty } from "../core/fields";
import { tinesSpec } from "./common";

const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

function awsRules(inputs: Inputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  if (inputs.awsAuthenticationType === "ROLE" && !given(inputs.awsAssumedRoleArn)) {
    failures.push({
      property: "awsAssumedRoleArn",
      reason: "is required when awsAuthenticationType is ROLE",
    });
  }
  if (inputs.awsAuthenticationType === "KEY") {
    for (const property of ["awsAccessKey", "awsSecretKey"]) {
      if (!given(inputs[property])) {
        failures.push({ property, reason: "is required when awsAuthenticationType is KEY" });
      }
    }
  }
  return failures;
}

const inputs = {
  // No documented way clears a stored key pair, so leaving KEY (or coming to it) makes a new
  // credential: no key the user dropped stays usable in Tines.
  awsAuthenticationType: {
    description:
      "How Tines reaches AWS: with an access key pair, by assuming a role, or as the instance profile.",
    api: "aws_authentication_type",
    kind: "string",
    required: true,
    replaces: true,
    oneOf: ["KEY", "ROLE", "INSTANCE_PROFILE"],
  },
  /** No default (none documented, and no way to clear one): required for KEY. */
  awsAccessKey: {
    description: "The AWS access key id. Required with `KEY`.",
    api: "aws_access_key",
    kind: "string",
  },
  /** A secret: never read back, so no default to compare with. */
  awsSecretKey: {
    description: "The AWS secret access key. Required with `KEY`.",
    api: "aws_secret_key",
    kind: "string",
    secret: true,
    rule: nonEmpty,
  },
  /** No default (none documented): required for ROLE. */
  awsAssumedRoleArn: {
    description:
      "The ARN of the IAM role to assume, like `arn:aws:iam::123456789012:role/name`. Required with `ROLE`.",
    api: "aws_assumed_role_arn",
    kind: "string",
    rule: (v) =>
      ROLE_ARN.test(v as string)
        ? undefined
        : "must be an IAM role ARN like arn:aws:iam::123456789012:role/name",
  },
  useStaticExternalId: {
    description: "Whether the credential uses its team's static external ID instead of one of its own.",
    api: "use_static_external_id",
    kind: "boolean",
    serverDefault: false,
  },
} as const satisfies FieldTable;

const outputs = {
  awsAssumedRoleExternalId: {
    description: "The external ID Tines generated, for the role's trust policy.",
    api: "aws_assumed_role_external_id",
    kind: "string",
  },
} as const satisfies FieldTable;

export const tinesAwsSpec = tinesSpec("AWS", { inputs, outputs, rules: awsRules });
