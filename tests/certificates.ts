// X.509 certificates for the tests and the bench, issued at run time, never committed. Node can
// check certificates but not build them, so they come from @peculiar/x509 (a dev dependency), whose
// API is async (WebCrypto). The suites' samples are synchronous, so `pki()` issues the set once per
// process in a child Node process (this module run as a script) and parses its JSON answer.
import type * as X509 from "@peculiar/x509";
import { execFileSync } from "child_process";
import type { webcrypto as WebCrypto } from "crypto";

/** Every PEM the mTLS tests use: two CA hierarchies and client certificates in each. */
export interface TestPki {
  /** Self-signed root CA. */
  root: string;
  /** An intermediate CA issued by `root`. */
  intermediate: string;
  /** A client certificate issued by `root`, and its key. */
  client: string;
  clientKey: string;
  /** A client certificate issued by `intermediate`, and its key. */
  chainedClient: string;
  chainedClientKey: string;
  /** Another root CA, unrelated to `root`, and a client certificate (with key) it issued. */
  otherRoot: string;
  otherClient: string;
  otherClientKey: string;
  /** A self-signed certificate that is not a CA (basicConstraints CA:FALSE). */
  notCa: string;
  /** A client certificate issued by `notCa` (which may not issue), and its key. */
  clientOfNotCa: string;
  clientOfNotCaKey: string;
}

async function issue(): Promise<TestPki> {
  // The library reads decorators' metadata: reflect-metadata must be loaded first.
  await import("reflect-metadata");
  const x509 = await import("@peculiar/x509");
  const { webcrypto } = await import("crypto");
  x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" };
  const notBefore = new Date(Date.now() - 60_000);
  const notAfter = new Date(Date.now() + 365 * 24 * 3600_000);
  let serial = 1;
  const keyPair = () =>
    webcrypto.subtle.generateKey(alg, true, ["sign", "verify"]) as Promise<WebCrypto.CryptoKeyPair>;
  const pemKey = async (keys: WebCrypto.CryptoKeyPair) =>
    x509.PemConverter.encode(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey), "PRIVATE KEY");
  const selfSigned = async (name: string, ca: boolean) => {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: String(serial++).padStart(2, "0"),
      name: `CN=${name}`,
      notBefore,
      notAfter,
      keys,
      signingAlgorithm: alg,
      extensions: [new x509.BasicConstraintsExtension(ca, undefined, true)],
    });
    return { cert, keys };
  };
  const issued = async (
    name: string,
    issuer: { cert: X509.X509Certificate; keys: WebCrypto.CryptoKeyPair },
    ca: boolean,
  ) => {
    const keys = await keyPair();
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: String(serial++).padStart(2, "0"),
      subject: `CN=${name}`,
      issuer: issuer.cert.subject,
      notBefore,
      notAfter,
      signingKey: issuer.keys.privateKey,
      publicKey: keys.publicKey,
      signingAlgorithm: alg,
      extensions: [new x509.BasicConstraintsExtension(ca, undefined, true)],
    });
    return { cert, keys };
  };
  const root = await selfSigned("test root CA", true);
  const intermediate = await issued("test intermediate CA", root, true);
  const client = await issued("test client", root, false);
  const chainedClient = await issued("test chained client", intermediate, false);
  const otherRoot = await selfSigned("other root CA", true);
  const otherClient = await issued("other client", otherRoot, false);
  const notCa = await selfSigned("not a CA", false);
  const clientOfNotCa = await issued("client of a non-CA", notCa, false);
  return {
    root: root.cert.toString("pem"),
    intermediate: intermediate.cert.toString("pem"),
    client: client.cert.toString("pem"),
    clientKey: await pemKey(client.keys),
    chainedClient: chainedClient.cert.toString("pem"),
    chainedClientKey: await pemKey(chainedClient.keys),
    otherRoot: otherRoot.cert.toString("pem"),
    otherClient: otherClient.cert.toString("pem"),
    otherClientKey: await pemKey(otherClient.keys),
    notCa: notCa.cert.toString("pem"),
    clientOfNotCa: clientOfNotCa.cert.toString("pem"),
    clientOfNotCaKey: await pemKey(clientOfNotCa.keys),
  };
}

let issuedPki: TestPki | undefined;

/** The run's certificates, issued on first use (about half a second, in a child process). */
export function pki(): TestPki {
  issuedPki ??= JSON.parse(execFileSync(process.execPath, [__filename], { encoding: "utf8" })) as TestPki;
  return issuedPki;
}

if (require.main === module) {
  issue().then(
    (set) => process.stdout.write(JSON.stringify(set)),
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exit(1);
    },
  );
}
