// Wire-level constants and value helpers shared by the engine harness, the provider host client and the
// program runner. The constants are the ones `@pulumi/pulumi` (runtime/rpc.js) and the Pulumi engine use.
import { UNKNOWN } from "../../../provider/core/fields";

/**
 * The engine's sentinel for a value not known yet (preview), sent as a plain string on the wire: the
 * provider's constant, which tests/unit/check.test.ts holds equal to the SDK's runtime.unknownValue.
 */
export { UNKNOWN };
/** Key that marks a special value (secret, resource reference, asset, output value) in a property map. */
export const SIG_KEY = "4dabf18193072939515e22adb298388d";
export const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
export const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
export const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
/** What a secret looks like in a state file; the harness never writes the ciphertext itself. */
export const REDACTED_SECRET = { [SIG_KEY]: SECRET_SIG, ciphertext: "<redacted>" } as const;

export type JsonObject = Record<string, unknown>;

/** Everything the runner captures from one RegisterResource call of the SDK (the request, not the mock's view). */
export interface RawRegistration {
  urn: string;
  type: string;
  name: string;
  custom: boolean;
  parent: string;
  /** The serialized property map exactly as the SDK sent it: secrets wrapped, unknowns as the sentinel. */
  object: JsonObject;
  additionalSecretOutputs: string[];
  dependencies: string[];
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  protect: boolean;
  retainOnDelete: boolean;
  importId: string;
}

/**
 * Written by the runner on stdout and on stderr after each run: that run's output is complete. `nonce` is
 * the runner's own (random), so that no program's output can end a run by printing a line like it.
 */
export const runEnd = (nonce: string) => `\u0000engine-harness: run ended ${nonce}\u0000`;

/** Messages the runner (child) sends to the harness (parent). */
export type ChildMessage =
  | { t: "register"; seq: number; reg: RawRegistration }
  | { t: "outputs"; urn: string; outputs: JsonObject }
  | { t: "done"; ok: boolean; errors: string[] };

/** What the runner needs to run one program (sent with the "run" message). */
export interface RunnerArgs {
  programDir: string;
  /** The program file, absolute or relative to programDir. */
  program: string;
  preview: boolean;
  project: string;
  stack: string;
}

/**
 * Messages the harness sends: "run" starts the program in a runner that has preloaded the SDK; "registered"
 * answers a registration, `state` in engine form: plain values plus the names of secret keys.
 */
export type ParentMessage =
  | { t: "run"; args: RunnerArgs }
  | { t: "registered"; seq: number; id: string; state: JsonObject; secretKeys: string[] }
  | { t: "registered"; seq: number; error: string };

export function isSecretValue(v: unknown): v is { [SIG_KEY]: string; value: unknown } {
  return typeof v === "object" && v !== null && (v as JsonObject)[SIG_KEY] === SECRET_SIG;
}

/**
 * Turns a property value as the SDK serialized it into what the engine hands a provider that does not
 * accept secrets or resource references (the dynamic provider host): secrets unwrapped, resource
 * references replaced by their id (or URN), unknowns kept as the sentinel string. Reports whether any
 * secret was found inside.
 */
export function toProviderValue(v: unknown): { value: unknown; secret: boolean } {
  if (Array.isArray(v)) {
    let secret = false;
    const value = v.map((e) => {
      const r = toProviderValue(e);
      secret = secret || r.secret;
      return r.value;
    });
    return { value, secret };
  }
  if (typeof v === "object" && v !== null) {
    const o = v as JsonObject;
    switch (o[SIG_KEY]) {
      case SECRET_SIG:
        return { value: toProviderValue(o.value).value, secret: true };
      case RESOURCE_SIG:
        return { value: o.id === "" ? UNKNOWN : (o.id ?? o.urn), secret: false };
      case OUTPUT_VALUE_SIG: {
        if (!("value" in o)) return { value: UNKNOWN, secret: o.secret === true };
        const inner = toProviderValue(o.value);
        return { value: inner.value, secret: inner.secret || o.secret === true };
      }
      default: {
        let secret = false;
        const value: JsonObject = {};
        for (const [k, e] of Object.entries(o)) {
          if (e === undefined) continue;
          const r = toProviderValue(e);
          secret = secret || r.secret;
          value[k] = r.value;
        }
        return { value, secret };
      }
    }
  }
  return { value: v, secret: false };
}

/** Applies {@link toProviderValue} to each top-level property; returns the top-level keys that held a secret. */
export function toProviderProps(obj: JsonObject): { props: JsonObject; secretKeys: string[] } {
  const props: JsonObject = {};
  const secretKeys: string[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const r = toProviderValue(v);
    props[k] = r.value;
    if (r.secret) secretKeys.push(k);
  }
  return { props, secretKeys };
}

/** True when the value is or contains the unknown sentinel. */
export function containsUnknown(v: unknown): boolean {
  if (v === UNKNOWN) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (typeof v === "object" && v !== null) return Object.values(v).some(containsUnknown);
  return false;
}

/** Structural equality of JSON values (key order ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== "object") return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((e, i) => deepEqual(e, bb[i]));
  }
  const ao = a as JsonObject;
  const bo = b as JsonObject;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => k in bo && deepEqual(ao[k], bo[k]));
}

/** Top-level keys whose values differ between two property maps. */
export function changedKeys(a: JsonObject, b: JsonObject): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => !deepEqual(a[k], b[k])).sort();
}

/** Removes `undefined` (which protobuf's Struct.fromJavaScript rejects) recursively. */
export function stripUndefined(v: unknown): unknown {
  if (Array.isArray(v)) return v.map((e) => (e === undefined ? null : stripUndefined(e)));
  if (typeof v === "object" && v !== null) {
    const out: JsonObject = {};
    for (const [k, e] of Object.entries(v)) if (e !== undefined) out[k] = stripUndefined(e);
    return out;
  }
  return v;
}

/** Parses `urn:pulumi:stack::project::qualifiedType::name`. */
export function parseUrn(urn: string): { type: string; name: string } {
  const parts = urn.split("::");
  const qualified = parts[2] ?? "";
  return { type: qualified.split("$").pop() ?? "", name: parts.slice(3).join("::") };
}
