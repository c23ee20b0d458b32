// Tines AWS credential: key-based, role-based or instance-profile access to AWS.
import { CheckFailure, given, Inputs, keepsStoredSecrets, nonEmpty } from "../core/fields";
import { tinesSpec } from "./common";

export const AWS_AUTHENTICATION_TYPES = ["KEY", "ROLE", "INSTANCE_PROFILE"] as const;

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
    // An adopted credential may keep the secret key Tines stores.
    const required = keepsStoredSecrets(inputs) ? ["awsAccessKey"] : ["awsAccessKey", "awsSecretKey"];
    for (const property of required) {
      if (!given(inputs[property])) {
        failures.push({ property, reason: "is required when awsAuthenticationType is KEY" });
      }
    }
  }
  return failures;
}

export const tinesAwsSpec = tinesSpec("AWS", {
  inputs: {
    // No documented way clears a stored key pair, so leaving KEY (or coming to it) makes a new
    // credential: no key the user dropped stays usable in Tines.
    awsAuthenticationType: {
      api: "aws_authentication_type",
      kind: "string",
      required: true,
      replaces: true,
      oneOf: AWS_AUTHENTICATION_TYPES,
    },
    /** No default (none documented, and no way to clear one): required for KEY. */
    awsAccessKey: { api: "aws_access_key", kind: "string" },
    /** A secret: never read back, so no default to compare with. */
    awsSecretKey: { api: "aws_secret_key", kind: "string", secret: true, rule: nonEmpty },
    /** No default (none documented): required for ROLE. */
    awsAssumedRoleArn: {
      api: "aws_assumed_role_arn",
      kind: "string",
      rule: (v) =>
        ROLE_ARN.test(v as string)
          ? undefined
          : "must be an IAM role ARN like arn:aws:iam::123456789012:role/name",
    },
    useStaticExternalId: { api: "use_static_external_id", kind: "boolean", serverDefault: false },
  },
  outputs: {
    awsAssumedRoleExternalId: { api: "aws_assumed_role_external_id", kind: "string" },
  },
  rules: awsRules,
});
