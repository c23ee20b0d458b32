// Tines JWT credential: Tines signs a JWT with the given key and algorithm on each use.
import { createPrivateKey } from "crypto";
import { CheckFailure, FieldTable, Inputs, known, nonEmpty } from "../core/fields";
import { tinesSpec } from "./common";

const EC_CURVES: Record<string, string> = { ES256: "prime256v1", ES384: "secp384r1", ES512: "secp521r1" };

/**
 * For asymmetric algorithms the key must be a PEM private key of the matching type. The reason
 * never quotes the key or the parser's message, which could echo key material.
 */
export function privateKeyProblem(algorithm: string, key: string): string | undefined {
  if (algorithm.startsWith("HS")) return undefined;
  const family = algorithm.startsWith("ES") ? "EC" : "RSA";
  const expected = `a PEM-encoded ${family} private key (-----BEGIN ... PRIVATE KEY-----) for ${algorithm}`;
  if (!key.includes("-----BEGIN")) return `must be ${expected}`;
  let parsed;
  try {
    parsed = createPrivateKey(key);
  } catch {
    return `must be ${expected}; it does not parse as a private key`;
  }
  const type = parsed.asymmetricKeyType;
  if (family === "RSA" && type !== "rsa" && type !== "rsa-pss")
    return `must be ${expected}, got a ${type} key`;
  if (family === "EC") {
    if (type !== "ec") return `must be ${expected}, got a ${type} key`;
    const curve = parsed.asymmetricKeyDetails?.namedCurve;
    if (curve !== EC_CURVES[algorithm])
      return `must be ${expected} on curve ${EC_CURVES[algorithm]}, got ${curve}`;
  }
  return undefined;
}

function jwtRules(inputs: Inputs): CheckFailure[] {
  const { jwtAlgorithm, jwtPrivateKey } = inputs;
  if (!known(jwtAlgorithm) || !known(jwtPrivateKey)) return [];
  const reason = privateKeyProblem(jwtAlgorithm as string, jwtPrivateKey as string);
  return reason ? [{ property: "jwtPrivateKey", reason }] : [];
}

const inputs = {
  jwtAlgorithm: {
    description: "The algorithm Tines signs each token with.",
    api: "jwt_algorithm",
    kind: "string",
    required: true,
    oneOf: [
      "HS256",
      "HS384",
      "HS512",
      "RS256",
      "RS384",
      "RS512",
      "PS256",
      "PS384",
      "PS512",
      "ES256",
      "ES384",
      "ES512",
    ],
  },
  // The create page states no default for these two; the neutral values (no claims, none
  // generated) are what a credential created without them holds.
  jwtPayload: {
    description: "Claims included in every token.",
    api: "jwt_payload",
    kind: "object",
    serverDefault: {},
  },
  jwtAutoGenerateTimeClaims: {
    description: "Whether Tines adds the `iat` and `exp` claims to each token.",
    api: "jwt_auto_generate_time_claims",
    kind: "boolean",
    serverDefault: false,
  },
  jwtPrivateKey: {
    description:
      "The key tokens are signed with: a PEM private key for `RS*`, `PS*` (RSA) and `ES*` (EC, on the algorithm's curve), a shared secret for `HS*`.",
    api: "jwt_private_key",
    kind: "string",
    required: true,
    secret: true,
    rule: nonEmpty,
  },
} as const satisfies FieldTable;

export const tinesJwtSpec = tinesSpec("JWT", { inputs, rules: jwtRules });
