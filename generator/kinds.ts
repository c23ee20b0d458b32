// What the generator needs to know about each resource kind, and where it learns it. Until the
// package's registry of kinds (provider/kinds.ts) exists, a thin adapter over today's descriptors;
// every kind listed here is covered, so a new kind is one more line (or none, with the registry).
import { CheckFailure, FieldTable, Inputs } from "../provider/core/fields";
import { checkInputs, CredentialSpec } from "../provider/core/lifecycle";
import { tinesAwsSpec } from "../provider/tines/aws";
import { tinesJwtSpec } from "../provider/tines/jwt";
import { tinesTextSpec } from "../provider/tines/text";
import { twilioAwsSpec } from "../provider/twilio/aws";

export type GeneratorService = "tines" | "twilio";

export interface GeneratorKind {
  /** The class a program declares, exported by the package. */
  className: string;
  service: GeneratorService;
  /** The Tines `mode` this class manages (Tines kinds only). */
  tinesMode?: string;
  /** The input fields: API names, secret flags, documented defaults, inheritance by test credentials. */
  inputs: FieldTable;
  /**
   * The provider's own check of these inputs (no HTTP): what `pulumi preview` would refuse, and the
   * inputs in the canonical form the provider keeps.
   */
  check(inputs: Inputs): { inputs: Inputs; failures: CheckFailure[] };
}

function fromSpec(
  className: string,
  service: GeneratorService,
  spec: CredentialSpec,
  tinesMode?: string,
): GeneratorKind {
  return {
    className,
    service,
    tinesMode,
    inputs: spec.inputs,
    check: (inputs) => {
      const checked = checkInputs(spec, inputs);
      return { inputs: checked.inputs ?? {}, failures: checked.failures ?? [] };
    },
  };
}

export const GENERATOR_KINDS: readonly GeneratorKind[] = [
  fromSpec("TinesTextCredential", "tines", tinesTextSpec, "TEXT"),
  fromSpec("TinesJwtCredential", "tines", tinesJwtSpec, "JWT"),
  fromSpec("TinesAwsCredential", "tines", tinesAwsSpec, "AWS"),
  fromSpec("TwilioAwsCredential", "twilio", twilioAwsSpec),
];

/** The kind that manages Tines credentials of `mode`, if the package has one. */
export const tinesKindFor = (mode: unknown, kinds: readonly GeneratorKind[] = GENERATOR_KINDS) =>
  kinds.find((k) => k.service === "tines" && k.tinesMode === mode);

export const twilioKind = (kinds: readonly GeneratorKind[] = GENERATOR_KINDS) =>
  kinds.find((k) => k.service === "twilio");
