// Public surface: the resource classes with their argument types, and the provider objects behind
// them for driving the lifecycle directly (tests, scripts) with plain camelCase inputs.
import type { CredentialProvider } from "./core/lifecycle";
import { KIND_NAMES, KindName, KINDS } from "./kinds";

// The classes, their Args and the enumerated value types: a new kind's class needs no line here.
export * from "./resources";
export type { CredentialProvider } from "./core/lifecycle";
export type { ConfigureRequest } from "./core/config";

/** The `pulumi.dynamic.ResourceProvider` objects, one per resource kind (see kinds.ts). */
export const providers = Object.fromEntries(KIND_NAMES.map((kind) => [kind, KINDS[kind].provider])) as {
  readonly [K in KindName]: CredentialProvider;
};
