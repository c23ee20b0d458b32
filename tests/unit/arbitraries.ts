// fast-check arbitraries for provider inputs, shared by the short seeded fuzz test
// (tests/unit/check.fuzz.test.ts) and a long benchmark run. Values mix valid ones (so the
// cross-field rules are reached), unknowns, wrong types, huge strings and nested objects.
import fc from "fast-check";
import { generateKeyPairSync } from "crypto";
import { providers } from "../../provider";
import type { CredentialProvider } from "../../provider";
import { UNKNOWN } from "../../provider/core/fields";
import type { CredentialSpec } from "../../provider/core/spec";
import { KIND_NAMES, KINDS, specOf } from "../../provider/kinds";
import { sampleOf } from "../kinds";

/** The fixed seed of the short run; a failure prints the path to replay it. */
export const FUZZ_SEED = 20_240_611;
/** Runs per resource in the unit suite; a benchmark can raise it (e.g. 10,000). */
export const FUZZ_RUNS = 300;

export interface FuzzTarget {
  title: string;
  provider: CredentialProvider;
  spec: CredentialSpec;
  /** Every input name the resource declares: the only names a failure may point at. */
  inputNames: string[];
  /** A valid input bag, the starting point of the "mostly valid" inputs. */
  valid(): Record<string, unknown>;
}

/**
 * Whether a check failure names an input the resource declares: a top-level input, or a field of one
 * item of a list input as a property path (`credentialRequests[1].options`, how check names a bad item).
 */
export function namesDeclaredInput(spec: CredentialSpec, property: string): boolean {
  const path = /^(\w+)(?:\[\d+\]\.(\w+))?$/.exec(property);
  if (!path) return false;
  const field = spec.inputs[path[1]];
  if (!field) return false;
  return path[2] === undefined || field.items?.[path[2]] !== undefined;
}

/** One target per kind of the registry, starting from its sample (../kinds.ts). */
export const FUZZ_TARGETS: FuzzTarget[] = KIND_NAMES.map((kind) => ({
  title: KINDS[kind].className,
  provider: providers[kind],
  spec: specOf(kind),
  inputNames: Object.keys(specOf(kind).inputs),
  valid: sampleOf(kind).fuzzStart,
}));

let pems: string[] | undefined;
/** A few real private keys of different types, generated once. */
function realPems(): string[] {
  if (!pems) {
    const publicKeyEncoding = { type: "spki", format: "pem" } as const;
    const privateKeyEncoding = { type: "pkcs8", format: "pem" } as const;
    pems = [
      generateKeyPairSync("rsa", { modulusLength: 1024, publicKeyEncoding, privateKeyEncoding }).privateKey,
      generateKeyPairSync("ec", { namedCurve: "prime256v1", publicKeyEncoding, privateKeyEncoding })
        .privateKey,
      generateKeyPairSync("ec", { namedCurve: "secp384r1", publicKeyEncoding, privateKeyEncoding })
        .privateKey,
      generateKeyPairSync("ed25519", { publicKeyEncoding, privateKeyEncoding }).privateKey,
    ];
  }
  return pems;
}

/** Strings that look like PEM but are not (random base64 bodies, truncated keys). */
export const pemLike = (): fc.Arbitrary<string> =>
  fc.oneof(
    fc
      .tuple(
        fc.constantFrom(
          "PRIVATE KEY",
          "RSA PRIVATE KEY",
          "EC PRIVATE KEY",
          "PUBLIC KEY",
          "ENCRYPTED PRIVATE KEY",
        ),
        fc.base64String({ maxLength: 400 }),
      )
      .map(([label, body]) => `-----BEGIN ${label}-----\n${body}\n-----END ${label}-----\n`),
    fc.constantFrom(...realPems()),
    fc.constantFrom(...realPems()).chain((pem) => fc.nat(pem.length).map((n) => pem.slice(0, n))),
  );

/** Every value an enumerated field of some kind accepts (its `oneOf`), from the field tables. */
const ENUMERATED = [
  ...new Set(KIND_NAMES.flatMap((kind) => Object.values(specOf(kind).inputs).flatMap((f) => f.oneOf ?? []))),
];

/** Values that are valid for some field somewhere, so deeper rules are reached. */
const plausible = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    fc.constantFrom(
      ...ENUMERATED,
      "arn:aws:iam::123456789012:role/fuzz",
      "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
      "AC0123456789abcdef0123456789abcdef",
      "CR0123456789abcdef0123456789abcdef",
      "2030-01-31T12:00:00Z",
      "2030-02-30T25:61:00Z",
      "42",
      "-1",
      "",
      ":",
    ),
    fc.integer(),
    fc.array(fc.string({ maxLength: 20 }), { maxLength: 4 }),
    fc.array(fc.integer(), { maxLength: 4 }),
    fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  );

/** Anything at all, with a bias towards the awkward. */
export const anyValue = (): fc.Arbitrary<unknown> =>
  fc.oneof(
    { arbitrary: plausible(), weight: 4 },
    { arbitrary: fc.constant(UNKNOWN), weight: 2 },
    { arbitrary: fc.array(fc.oneof(fc.constant(UNKNOWN), fc.string()), { maxLength: 3 }), weight: 1 },
    { arbitrary: fc.record({ nested: fc.constant(UNKNOWN) }), weight: 1 },
    { arbitrary: fc.string(), weight: 2 },
    { arbitrary: fc.string({ unit: "grapheme", maxLength: 40 }), weight: 1 },
    { arbitrary: fc.nat(20).map((n) => "x".repeat(50_000 + n)), weight: 1 },
    { arbitrary: pemLike(), weight: 2 },
    { arbitrary: fc.double(), weight: 1 },
    { arbitrary: fc.bigInt().map((b) => Number(b)), weight: 1 },
    { arbitrary: fc.boolean(), weight: 1 },
    { arbitrary: fc.constantFrom(null, undefined, NaN, Infinity, -0), weight: 1 },
    { arbitrary: fc.object({ maxDepth: 3 }), weight: 2 },
    { arbitrary: fc.anything({ maxDepth: 2 }), weight: 2 },
  );

/**
 * Any input bag (see `randomInputsFor`) or, as often, a valid bag with up to three of its inputs
 * set to random values: the second kind reaches the per-field and cross-field rules.
 */
export function inputsFor(t: FuzzTarget): fc.Arbitrary<Record<string, unknown>> {
  const mutated = fc
    .dictionary(fc.constantFrom(...t.inputNames), anyValue(), { maxKeys: 3 })
    .map((changes) => ({ ...t.valid(), ...changes }));
  return fc.oneof(randomInputsFor(t), mutated);
}

/**
 * An input bag for a resource: a random subset of its own input names with random values, plus
 * sometimes names it does not know (and `__provider`, as the host sends it).
 */
export function randomInputsFor(t: FuzzTarget): fc.Arbitrary<Record<string, unknown>> {
  const own = fc.dictionary(fc.constantFrom(...t.inputNames), anyValue(), { maxKeys: t.inputNames.length });
  const stray = fc.dictionary(
    fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom("__provider", "mode", "id", "constructor")),
    anyValue(),
    { maxKeys: 3 },
  );
  return fc
    .tuple(own, fc.option(stray, { nil: undefined }))
    .map(([mine, extra]) => ({ ...(extra ?? {}), ...mine }));
}
