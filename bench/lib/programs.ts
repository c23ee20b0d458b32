// The Pulumi programs the benchmark runs: one small runtime file (written into the program folder) that
// declares what a JSON spec lists, either with the package's classes (installed from the tarball, or a
// local copy of dist/provider required by relative path) or with a local no-op dynamic provider. Every kind
// of the registry (provider/kinds.ts) is covered, each declared from its bench sample (tests/kinds.ts).
import { secretNames } from "../../provider/core/fields";
import {
  KIND_NAMES,
  KindName,
  KINDS,
  kindOfType,
  resourceType,
  Service,
  serviceOf,
  specOf,
} from "../../provider/kinds";
import { changedInPlace, declaration } from "../../tests/kinds";
import type { Secrets } from "./context";

/** A resource kind: its name in the registry (and in the package's `providers` export). */
export type Kind = KindName;
export { KIND_NAMES, kindOfType };

/** The class a kind's resources are declared with, by kind. */
export const CLASS = Object.fromEntries(KIND_NAMES.map((k) => [k, KINDS[k].className])) as Record<
  Kind,
  string
>;

/** The resource type (as in a URN) of each kind. */
export const TYPE = Object.fromEntries(KIND_NAMES.map((k) => [k, resourceType(k)])) as Record<Kind, string>;

export const SPEC = Object.fromEntries(KIND_NAMES.map((k) => [k, specOf(k)])) as Record<
  Kind,
  ReturnType<typeof specOf>
>;

export const service = (kind: Kind): Service => serviceOf(kind);

/** The first kind of a service in the registry: the one a per-service measurement uses. */
export const firstKindOf = (svc: Service): Kind => KIND_NAMES.find((k) => serviceOf(k) === svc)!;

export const NOOP_TYPE = "pulumi-nodejs:dynamic/bench:Noop";

/** The property bag a credential class builds, by name: outputs (unset), inputs, secret inputs. */
export interface Shape {
  outputs: string[];
  inputs: string[];
  secret: string[];
}

export function shapes(): Record<Kind, Shape> {
  const out = {} as Record<Kind, Shape>;
  for (const kind of KIND_NAMES) {
    const spec = SPEC[kind];
    out[kind] = {
      outputs: Object.keys(spec.outputs),
      inputs: Object.keys(spec.inputs),
      secret: secretNames(spec.inputs),
    };
  }
  return out;
}

export interface Decl {
  kind: Kind;
  name: string;
  args: Record<string, unknown>;
}

export interface ProgramSpec {
  /**
   * credentials: the package's classes; noop: a local no-op dynamic provider behind the same property bag
   * (same outputs, inputs, secrets) as the credential it stands in for; noop-bare: a no-op resource with a
   * one-field bag (the smallest dynamic resource there is).
   */
  mode: "credentials" | "noop" | "noop-bare";
  /** package: `require("pulumi-api-credentials")` (installed); local: a copy under ./local required by path. */
  source?: "package" | "local";
  resources: Decl[];
  shapes?: Record<Kind, Shape>;
}

/** The program runtime. The no-op provider lives in this local file, so the SDK serializes it by value. */
export const RUNTIME_JS = `"use strict";
// Written by bench/lib/programs.ts.
const pulumi = require("@pulumi/pulumi");

let created = 0;
const noopProvider = {
  async create(inputs) {
    created += 1;
    return { id: "noop-" + Date.now().toString(36) + "-" + created + "-" + Math.random().toString(36).slice(2), outs: inputs };
  },
};

class NoopResource extends pulumi.dynamic.Resource {
  constructor(name, props, opts) {
    super(noopProvider, name, props, opts, "bench", "Noop");
  }
}

exports.declare = function declare(spec) {
  let lib;
  if (spec.mode === "credentials") {
    lib = spec.source === "local" ? require("./local/provider/index.js") : require("pulumi-api-credentials");
  }
  for (const r of spec.resources) {
    if (spec.mode === "credentials") {
      new lib[${JSON.stringify(CLASS)}[r.kind]](r.name, r.args);
    } else if (spec.mode === "noop-bare") {
      new NoopResource(r.name, { name: r.name });
    } else {
      const shape = spec.shapes[r.kind];
      const props = {};
      for (const name of shape.outputs) props[name] = undefined;
      for (const name of shape.inputs) {
        const value = r.args[name];
        props[name] = shape.secret.includes(name) && value !== undefined ? pulumi.secret(value) : value;
      }
      new NoopResource(r.name, props, { additionalSecretOutputs: [...shape.secret] });
    }
  }
};
`;

/**
 * One credential of `kind` with fresh secrets (registered for the leak scan). `pem` asks for a PEM key
 * where the kind takes one (the JWT kind: an ES256 key instead of an HS256 shared secret).
 */
export function credential(kind: Kind, name: string, secrets: Secrets, i = 0, pem = false): Decl {
  const secret = (field: string, value?: string) => {
    const label = `${name}.${field}`;
    if (value === undefined) return secrets.fresh(label);
    secrets.add(label, value);
    return value;
  };
  return { kind, name, args: declaration(kind, name, secret, i, pem) };
}

/** `count` credentials cycling through the kinds. */
export function mixed(prefix: string, count: number, secrets: Secrets): Decl[] {
  return Array.from({ length: count }, (_, i) =>
    credential(KIND_NAMES[i % KIND_NAMES.length], `${prefix}-${i}`, secrets, i),
  );
}

/** An in-place change of one declaration: a new description (Tines), a new friendly name (Twilio). */
export function changedDecl(d: Decl, suffix = "changed"): Decl {
  return { ...d, args: changedInPlace(d.kind, d.name, d.args, suffix) };
}

/** The same declarations with an in-place change each. */
export function changed(decls: Decl[], suffix = "changed"): Decl[] {
  return decls.map((d) => changedDecl(d, suffix));
}
