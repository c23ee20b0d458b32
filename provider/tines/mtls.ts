// Tines mTLS credential: a client certificate, its private key and the CA's root certificate, which
// HTTP Request actions present for mutual TLS. `check` parses all three with node:crypto and verifies
// that the key belongs to the certificate and that the certificate chains up to the root.
import { createPrivateKey, KeyObject, X509Certificate } from "crypto";
import { CheckFailure, FieldTable, Inputs, known, nonEmpty } from "../core/fields";
import { tinesSpec } from "./common";

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/**
 * The certificates of a PEM text (one, or a bundle), or the reason it is not one. Reasons never
 * quote the text or the parser's message: a pasted key must not reach an error or a log.
 */
function certificates(text: string): { certs: X509Certificate[] } | { reason: string } {
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) {
    // Certificates are kept in state in plain text: a key pasted here would be stored unencrypted.
    return {
      reason:
        "must hold certificates only, but it contains a private key (that goes in mtlsClientPrivateKey)",
    };
  }
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  if (blocks.length === 0) return { reason: "must be a PEM certificate (-----BEGIN CERTIFICATE-----)" };
  const certs: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      certs.push(new X509Certificate(block));
    } catch {
      const which = blocks.length === 1 ? "it" : `certificate ${index + 1} of ${blocks.length}`;
      return { reason: `must be a PEM certificate; ${which} does not parse as an X.509 certificate` };
    }
  }
  return { certs };
}

/** The private key, or the reason it is not a usable one (never quoting it or the parser). */
function privateKey(text: string): { key: KeyObject } | { reason: string } {
  const expected = "must be an unencrypted PEM private key (-----BEGIN PRIVATE KEY-----)";
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(text)) return { reason: expected };
  if (text.includes("ENCRYPTED"))
    return { reason: `${expected}; it is encrypted, and Tines takes no passphrase` };
  try {
    return { key: createPrivateKey(text) };
  } catch {
    return { reason: `${expected}; it does not parse as a private key` };
  }
}

const signedBy = (cert: X509Certificate, issuer: X509Certificate) =>
  cert.checkIssued(issuer) && cert.verify(issuer.publicKey);

/**
 * Whether `leaf` chains up to one of `anchors` through `intermediates`: each step is a CA certificate
 * whose name is the issuer's and whose key verifies the signature. Cycles cannot loop (each
 * certificate is used once).
 */
function chainsTo(
  leaf: X509Certificate,
  intermediates: X509Certificate[],
  anchors: X509Certificate[],
): boolean {
  let current = leaf;
  const unused = [...intermediates];
  for (;;) {
    if (anchors.some((anchor) => anchor.ca && signedBy(current, anchor))) return true;
    const next = unused.findIndex((cert) => cert.ca && signedBy(current, cert));
    if (next < 0) return false;
    current = unused.splice(next, 1)[0];
  }
}

/**
 * The checks across the three PEMs. The client field may carry the leaf followed by its
 * intermediates; the root field may carry a bundle (intermediates and the root): a chain is accepted
 * when each link is signed by the next and it ends at a certificate of the root field.
 */
export function mtlsRules(inputs: Inputs): CheckFailure[] {
  const failures: CheckFailure[] = [];
  const { mtlsClientCertificate, mtlsClientPrivateKey, mtlsRootCertificate } = inputs;
  const client = known(mtlsClientCertificate) ? certificates(mtlsClientCertificate as string) : undefined;
  const root = known(mtlsRootCertificate) ? certificates(mtlsRootCertificate as string) : undefined;
  const key = known(mtlsClientPrivateKey) ? privateKey(mtlsClientPrivateKey as string) : undefined;
  if (client && "reason" in client)
    failures.push({ property: "mtlsClientCertificate", reason: client.reason });
  if (root && "reason" in root) failures.push({ property: "mtlsRootCertificate", reason: root.reason });
  if (key && "reason" in key) failures.push({ property: "mtlsClientPrivateKey", reason: key.reason });
  if (!client || !("certs" in client)) return failures;
  const [leaf, ...clientChain] = client.certs;
  if (key && "key" in key && !leaf.checkPrivateKey(key.key)) {
    failures.push({
      property: "mtlsClientPrivateKey",
      reason: "does not match the public key of mtlsClientCertificate (the first certificate there)",
    });
  }
  if (root && "certs" in root && !chainsTo(leaf, [...clientChain, ...root.certs], root.certs)) {
    failures.push({
      property: "mtlsClientCertificate",
      reason:
        "is not signed by a CA certificate of mtlsRootCertificate, directly or through the intermediates given (a bundle in either field)",
    });
  }
  return failures;
}

const inputs = {
  mtlsClientCertificate: {
    description:
      "The client certificate (PEM) Tines presents, issued by the CA of `mtlsRootCertificate`; it may be followed by its intermediate CA certificates.",
    api: "mtls_client_certificate",
    kind: "string",
    required: true,
    writeOnly: true,
    rule: nonEmpty,
  },
  mtlsClientPrivateKey: {
    description:
      "The client certificate's private key, as an unencrypted PEM; it must match the certificate's public key.",
    api: "mtls_client_private_key",
    kind: "string",
    required: true,
    secret: true,
    rule: nonEmpty,
  },
  mtlsRootCertificate: {
    description:
      "The root certificate (PEM) of the CA that issued the client certificate, or a bundle of the intermediate CA certificates and the root: the client certificate must chain up to it.",
    api: "mtls_root_certificate",
    kind: "string",
    required: true,
    writeOnly: true,
    rule: nonEmpty,
  },
} as const satisfies FieldTable;

export const tinesMtlsSpec = tinesSpec("MTLS", { inputs, rules: mtlsRules });
