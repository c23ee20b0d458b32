// The Pulumi programs the benchmark runs: one small runtime file (written into the program folder) that
// declares what a JSON spec lists, either with the package's four classes (installed from the tarball, or a
// local copy of dist/provider required by relative path) or with a local no-op dynamic provider.
import { generateKeyPairSync } from "crypto";
import { secretNames } from "../../provider/core/fields";
import { CredentialSpec } from "../../provider/core/spec";
import { tinesAwsSpec } from "../../provider/tines/aws";
import { tinesJwtSpec } from "../../provider/tines/jwt";
import { tinesTextSpec } from "../../provider/tines/text";
import { twilioAwsSpec } from "../../provider/twilio/aws";
import type { Secrets } from "./context";

export type Kind = "tinesText" | "tinesJwt" | "tinesAws" | "twilioAws";
export const KINDS: readonly Kind[] = ["tinesText", "tinesJwt", "tinesAws", "twilioAws"];

export const CLASS: Record<Kind, string> = {
  tinesText: "TinesTextCredential",
  tinesJwt: "TinesJwtCredential",
  tinesAws: "TinesAwsCredential",
  twilioAws: "TwilioAwsCredential",
};

export const TYPE: Record<Kind, string> = {
  tinesText: "pulumi-nodejs:dynamic/tines:TextCredential",
  tinesJwt: "pulumi-nodejs:dynamic/tines:JwtCredential",
  tinesAws: "pulumi-nodejs:dynamic/tines:AwsCredential",
  twilioAws: "pulumi-nodejs:dynamic/twilio:AwsCredential",
};

export const NOOP_TYPE = "pulumi-nodejs:dynamic/bench:Noop";

export const SPEC: Record<Kind, CredentialSpec> = {
  tinesText: tinesTextSpec,
  tinesJwt: tinesJwtSpec,
  tinesAws: tinesAwsSpec,
  twilioAws: twilioAwsSpec,
};

export function kindOfType(type: string): Kind | undefined {
  return KINDS.find((k) => TYPE[k] === type);
}

export const service = (kind: Kind): "tines" | "twilio" => (kind === "twilioAws" ? "twilio" : "tines");

/** The property bag a credential class builds, by name: outputs (unset), inputs, secret inputs. */
export interface Shape {
  outputs: string[];
  inputs: string[];
  secret: string[];
}

export function shapes(): Record<Kind, Shape> {
  const out = {} as Record<Kind, Shape>;
  for (const kind of KINDS) {
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

let ecKey: string | undefined;
/** One EC P-256 private key (PEM) per run, for an ES256 JWT credential. */
export function es256Key(): string {
  ecKey ??= generateKeyPairSync("ec", {
    namedCurve: "prime256v1",
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
    publicKeyEncoding: { type: "spki", format: "pem" },
  }).privateKey;
  return ecKey;
}

/**
 * One credential of `kind` with fresh secrets (registered for the leak scan). `pem` gives the JWT kind an
 * ES256 key instead of an HS256 shared secret.
 */
export function credential(kind: Kind, name: string, secrets: Secrets, i = 0, pem = false): Decl {
  const teamId = 1 + (i % 3);
  switch (kind) {
    case "tinesText":
      return {
        kind,
        name,
        args: { name, teamId, value: secrets.fresh(`${name}.value`), description: "bench" },
      };
    case "tinesJwt": {
      const key = pem ? es256Key() : secrets.fresh(`${name}.jwtPrivateKey`);
      if (pem) secrets.add(`${name}.jwtPrivateKey`, key);
      return {
        kind,
        name,
        args: {
          name,
          teamId,
          jwtAlgorithm: pem ? "ES256" : "HS256",
          jwtPrivateKey: key,
          jwtPayload: { iss: "bench" },
          description: "bench",
        },
      };
    }
    case "tinesAws":
      return {
        kind,
        name,
        args: {
          name,
          teamId,
          awsAuthenticationType: "KEY",
          awsAccessKey: `AKIABENCH${String(i).padStart(8, "0")}`,
          awsSecretKey: secrets.fresh(`${name}.awsSecretKey`),
          description: "bench",
        },
      };
    case "twilioAws": {
      const secret = secrets.fresh(`${name}.credentials`);
      return {
        kind,
        name,
        args: {
          friendlyName: name.slice(0, 64),
          credentials: `AKIABENCH${String(i).padStart(8, "0")}:${secret}`,
        },
      };
    }
  }
}

/** `count` credentials cycling through the four kinds. */
export function mixed(prefix: string, count: number, secrets: Secrets): Decl[] {
  return Array.from({ length: count }, (_, i) =>
    credential(KINDS[i % KINDS.length], `${prefix}-${i}`, secrets, i),
  );
}

/** The same declarations with an in-place change: a new description (Tines), a new friendly name (Twilio). */
export function changed(decls: Decl[], suffix = "changed"): Decl[] {
  return decls.map((d) =>
    d.kind === "twilioAws"
      ? { ...d, args: { ...d.args, friendlyName: `${d.name}-${suffix}`.slice(0, 64) } }
      : { ...d, args: { ...d.args, description: `bench ${suffix}` } },
  );
}
