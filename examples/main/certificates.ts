// Two small local dynamic resources that issue X.509 certificates inside the program: a root
// `CertificateAuthority` and a `ClientCertificate` it signs. Each issues on create and keeps what it
// issued in the stack's state (the private keys as secrets), so later runs reuse the same
// certificates and the credentials fed from them stay unchanged. A new certificate is issued only when
// an input changes (`commonName`, `validityDays`, `rotation`, or, for a client, its CA) or on
// `pulumi up --replace`.
//
// In a real stack, use @pulumi/tls (tls.PrivateKey, tls.SelfSignedCert, tls.LocallySignedCert): a
// maintained provider that does the same and more (RSA or ECDSA, renewal ahead of expiry, CSRs). It is
// a Pulumi plugin binary, downloaded by the CLI from get.pulumi.com or GitHub, which the machines
// that run this repository's demo and tests cannot reach, and the demo's engine-path harness hosts
// dynamic providers only. So this example builds the certificates with @peculiar/x509, a TypeScript
// library on top of Node's WebCrypto (Node can verify certificates but not build them).
//
// The providers below are local code, so Pulumi serializes them by value into the state and runs that
// copy in its provider host, which requires packages by name from the program folder's node_modules.
// That is why they load @peculiar/x509 (and reflect-metadata, which it needs first) inside the
// functions: a module captured at the top would be required before reflect-metadata is.
import * as pulumi from "@pulumi/pulumi";
import { randomUUID, type webcrypto as WebCrypto } from "crypto";

/** ECDSA P-256 with SHA-256: small keys, fast to generate, accepted by TLS stacks and by Node. */
const ALGORITHM = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
const DAY_MS = 24 * 3600_000;
const MAX_VALIDITY_DAYS = 3650;

interface Issued {
  certificatePem: string;
  privateKeyPem: string;
  notAfter: string;
}

/**
 * Issues a certificate: self-signed (a root CA) when `issuer` is absent, else signed by the issuer's
 * key. Serialized with the providers, so it takes everything it uses as arguments or imports it here.
 */
async function issueCertificate(request: {
  commonName: string;
  validityDays: number;
  ca: boolean;
  issuer?: { certificatePem: string; privateKeyPem: string };
  algorithm: typeof ALGORITHM;
}): Promise<Issued> {
  await import("reflect-metadata"); // @peculiar/x509's dependency injection reads decorator metadata
  const x509 = await import("@peculiar/x509");
  const { webcrypto } = await import("crypto");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const { algorithm } = request;
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, [
    "sign",
    "verify",
  ])) as WebCrypto.CryptoKeyPair;
  const notBefore = new Date(Date.now() - 5 * 60_000); // a little clock skew on the verifying side
  const notAfter = new Date(notBefore.getTime() + request.validityDays * DAY_MS);
  const serialNumber = webcrypto.randomUUID().replace(/-/g, "");
  const extensions = [
    new x509.BasicConstraintsExtension(request.ca, request.ca ? 0 : undefined, true),
    new x509.KeyUsagesExtension(
      request.ca
        ? x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign
        : x509.KeyUsageFlags.digitalSignature,
      true,
    ),
    ...(request.ca ? [] : [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])]),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
  ];
  let certificate;
  if (request.issuer) {
    const issuerCert = new x509.X509Certificate(request.issuer.certificatePem);
    const issuerKey = await webcrypto.subtle.importKey(
      "pkcs8",
      x509.PemConverter.decodeFirst(request.issuer.privateKeyPem),
      algorithm,
      false,
      ["sign"],
    );
    certificate = await x509.X509CertificateGenerator.create({
      serialNumber,
      subject: `CN=${request.commonName}`,
      issuer: issuerCert.subject,
      notBefore,
      notAfter,
      signingKey: issuerKey,
      publicKey: keys.publicKey,
      signingAlgorithm: algorithm,
      extensions: [...extensions, await x509.AuthorityKeyIdentifierExtension.create(issuerCert.publicKey)],
    });
  } else {
    certificate = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber,
      name: `CN=${request.commonName}`,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: algorithm,
      extensions,
    });
  }
  return {
    certificatePem: certificate.toString("pem") + "\n",
    privateKeyPem: x509.PemConverter.encode(
      await webcrypto.subtle.exportKey("pkcs8", keys.privateKey),
      "PRIVATE KEY",
    ),
    notAfter: notAfter.toISOString(),
  };
}

/** check for both resources: defaults, and a clear failure per bad field. */
function checkCertificateInputs(news: pulumi.Inputs): pulumi.dynamic.CheckResult {
  const failures: pulumi.dynamic.CheckFailure[] = [];
  const commonName = news.commonName;
  if (typeof commonName === "string" && !/^[\w .-]{1,64}$/.test(commonName)) {
    failures.push({
      property: "commonName",
      reason: "must be 1 to 64 letters, digits, spaces, dots, hyphens or underscores",
    });
  }
  const validityDays = news.validityDays ?? 365;
  if (typeof validityDays === "number" && !(Number.isInteger(validityDays) && validityDays >= 1)) {
    failures.push({ property: "validityDays", reason: "must be a whole number of days, at least 1" });
  } else if (typeof validityDays === "number" && validityDays > MAX_VALIDITY_DAYS) {
    failures.push({ property: "validityDays", reason: `must be at most ${MAX_VALIDITY_DAYS} (ten years)` });
  }
  return { inputs: { ...news, validityDays, rotation: news.rotation ?? "" }, failures };
}

/** Any change of these inputs issues a new certificate (there is nothing to update in place). */
function replaceOnChange(keys: string[]) {
  return async (
    _id: string,
    olds: pulumi.Inputs,
    news: pulumi.Inputs,
  ): Promise<pulumi.dynamic.DiffResult> => {
    const replaces = keys.filter((k) => olds[k] !== news[k]);
    return { changes: replaces.length > 0, replaces, deleteBeforeReplace: false };
  };
}

// Serialized into the state by value (local code): self-contained, no secret captured.
const certificateAuthorityProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => checkCertificateInputs(news),
  diff: replaceOnChange(["commonName", "validityDays", "rotation"]),
  async create(inputs) {
    const issued = await issueCertificate({
      commonName: inputs.commonName,
      validityDays: inputs.validityDays,
      ca: true,
      algorithm: ALGORITHM,
    });
    return { id: randomUUID(), outs: { ...inputs, ...issued } };
  },
  // No read, update or delete: the certificate exists only in the state.
};

const clientCertificateProvider: pulumi.dynamic.ResourceProvider = {
  check: async (_olds, news) => checkCertificateInputs(news),
  // The CA's key never changes without its certificate, so the certificate stands for both.
  diff: replaceOnChange(["commonName", "validityDays", "rotation", "caCertificatePem"]),
  async create(inputs) {
    const { caPrivateKeyPem, ...kept } = inputs; // the CA key stays in the CA's state only
    const issued = await issueCertificate({
      commonName: inputs.commonName,
      validityDays: inputs.validityDays,
      ca: false,
      issuer: { certificatePem: inputs.caCertificatePem, privateKeyPem: caPrivateKeyPem },
      algorithm: ALGORITHM,
    });
    return { id: randomUUID(), outs: { ...kept, ...issued } };
  },
};

export interface CertificateArgs {
  /** The subject's common name (CN). */
  commonName: pulumi.Input<string>;
  /** Days the certificate is valid from its issue (default 365). Changing it issues a new one. */
  validityDays?: pulumi.Input<number>;
  /** Any value; changing it issues a new certificate and key (a simple rotation handle). */
  rotation?: pulumi.Input<string>;
}

/** A self-signed root CA (basicConstraints CA:TRUE, pathLen 0: it issues end-entity certificates only). */
export class CertificateAuthority extends pulumi.dynamic.Resource {
  declare readonly commonName: pulumi.Output<string>;
  /** The CA certificate (PEM): give it to the servers that verify the clients, and to Tines as the root. */
  declare readonly certificatePem: pulumi.Output<string>;
  /** The CA's PKCS#8 PEM key. A secret output. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  /** When the certificate expires (ISO 8601). */
  declare readonly notAfter: pulumi.Output<string>;

  constructor(name: string, args: CertificateArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      certificateAuthorityProvider,
      name,
      {
        commonName: args.commonName,
        validityDays: args.validityDays,
        rotation: args.rotation,
        certificatePem: undefined,
        privateKeyPem: undefined,
        notAfter: undefined,
      },
      { ...opts, additionalSecretOutputs: ["privateKeyPem"] },
      "examples",
      "CertificateAuthority",
    );
  }
}

/** A client certificate (extendedKeyUsage clientAuth) issued by `ca`, with its own key. */
export class ClientCertificate extends pulumi.dynamic.Resource {
  declare readonly commonName: pulumi.Output<string>;
  /** The client certificate (PEM). */
  declare readonly certificatePem: pulumi.Output<string>;
  /** Its PKCS#8 PEM key. A secret output. */
  declare readonly privateKeyPem: pulumi.Output<string>;
  /** The issuing CA's certificate (PEM). */
  declare readonly caCertificatePem: pulumi.Output<string>;
  /** When the certificate expires (ISO 8601). */
  declare readonly notAfter: pulumi.Output<string>;

  constructor(
    name: string,
    args: CertificateArgs & { ca: CertificateAuthority },
    opts?: pulumi.CustomResourceOptions,
  ) {
    super(
      clientCertificateProvider,
      name,
      {
        commonName: args.commonName,
        validityDays: args.validityDays,
        rotation: args.rotation,
        caCertificatePem: args.ca.certificatePem,
        // An input only (the create keeps it out of the outputs); secret because the CA's output is.
        caPrivateKeyPem: args.ca.privateKeyPem,
        certificatePem: undefined,
        privateKeyPem: undefined,
        notAfter: undefined,
      },
      { ...opts, additionalSecretOutputs: ["privateKeyPem"] },
      "examples",
      "ClientCertificate",
    );
  }
}
