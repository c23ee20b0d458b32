// What the generator needs to know about each resource kind, read from the package's registry of kinds
// (provider/kinds.ts): every kind there is covered, so a new kind needs no line here. Records of a
// Tines mode no kind manages are left out with the reason.
import { CheckFailure, FieldTable, Inputs } from "../provider/core/fields";
import { checkInputs } from "../provider/core/lifecycle";
import { KIND_NAMES, KINDS, serviceOf, type Service } from "../provider/kinds";

export type GeneratorService = Service;

export interface GeneratorKind {
  /** The class a program declares, exported by the package. */
  className: string;
  service: GeneratorService;
  /** The Tines `mode` this class manages (Tines kinds only). */
  tinesMode?: string;
  /** The input fields: API names, secret and write-only flags, defaults, inheritance by test credentials. */
  inputs: FieldTable;
  /**
   * The provider's own check of these inputs (no HTTP): what `pulumi preview` would refuse, and the
   * inputs in the canonical form the provider keeps.
   */
  check(inputs: Inputs): { inputs: Inputs; failures: CheckFailure[] };
}

export const GENERATOR_KINDS: readonly GeneratorKind[] = KIND_NAMES.map((name) => {
  const { spec, className } = KINDS[name];
  return {
    className,
    service: serviceOf(name),
    tinesMode: "mode" in spec ? spec.mode : undefined,
    inputs: spec.inputs,
    check: (inputs: Inputs) => {
      const checked = checkInputs(spec, inputs);
      return { inputs: checked.inputs ?? {}, failures: checked.failures ?? [] };
    },
  };
});

/** The kind that manages Tines credentials of `mode`, if the package has one. */
export const tinesKindFor = (mode: unknown, kinds: readonly GeneratorKind[] = GENERATOR_KINDS) =>
  kinds.find((k) => k.service === "tines" && k.tinesMode === mode);

export const twilioKind = (kinds: readonly GeneratorKind[] = GENERATOR_KINDS) =>
  kinds.find((k) => k.service === "twilio");
