// A small local dynamic resource: an RSA key pair generated once, on create, and kept in the stack's
// state (the private key as a secret). Later runs reuse it, so the JWT credential fed from it stays
// unchanged until you ask for a new key (change `modulusLength` or `rotation`, or `pulumi up
// --replace` this resource).
import * as pulumi from "@pulumi/pulumi";
import { generateKeyPairSync, randomUUID } from "crypto";

export interface RsaPrivateKeyArgs {
  /** Key size in bits: 2048 (default), 3072 or 4096. Changing it generates a new key. */
  modulusLength?: pulumi.Input<number>;
  /** Any value; changing it generates a new key (a simple rotation handle). */
  rotation?: pulumi.Input<string>;
}

const SIZES = [2048, 3072, 4096];

// Serialized into the state by value (it is local code): keep it self-contained and free of secrets.
const rsaPrivateKeyProvider: pulumi.dynamic.ResourceProvider = {
  async check(_olds, news) {
    const size = news.modulusLength ?? 2048;
    const unknown = typeof size === "string"; // not known yet during preview
    const failures =
      unknown || SIZES.includes(size)
        ? []
        : [{ property: "modulusLength", reason: `must be one of ${SIZES.join(", ")}` }];
    return { inputs: { modulusLength: size, rotation: news.rotation ?? "" }, failures };
  },
  async diff(_id, olds, news) {
    const replaces = ["modulusLength", "rotation"].filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  },
  async create(inputs) {
    const { privateKey, publicKey } = generateKeyPairSync("rsa", {
      modulusLength: inputs.modulusLength,
      publicKeyEncoding: { type: "spki", format: "pem" },
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
    });
    return {
      id: randomUUID(),
      outs: { ...inputs, privateKeyPem: privateKey, publicKeyPem: publicKey },
    };
  },
  // No read, update or delete: the key exists only in the state.
};

export class RsaPrivateKey extends pulumi.dynamic.Resource {
  declare readonly modulusLength: pulumi.Output<number>;
  declare readonly rotation: pulumi.Output<string>;
  /** PKCS#8 PEM. A secret output. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  /** SPKI PEM: give it to whoever verifies the JWTs. */
  declare readonly publicKeyPem: pulumi.Output<string>;

  constructor(name: string, args: RsaPrivateKeyArgs = {}, opts?: pulumi.CustomResourceOptions) {
    super(
      rsaPrivateKeyProvider,
      name,
      {
        modulusLength: args.modulusLength,
        rotation: args.rotation,
        privateKeyPem: undefined,
        publicKeyPem: undefined,
      },
      { ...opts, additionalSecretOutputs: ["privateKeyPem"] },
      "examples",
      "RsaPrivateKey",
    );
  }
}
