// examples/main (the demo's composed stack) through the engine path, as `npm run demo` runs it: compiled
// against the built package, installed from the tarball with the example's own dependencies (the
// certificate library), its local certificate providers serialized by value and run by the real provider
// host. The point here is the in-program PKI: the mTLS credential gets a client certificate that chains to
// the issued CA and matches its key, the certificates stay the same across runs (no churn of the
// credential), and no private key reaches state in plain text, `__provider`, the host's output or errors.
import { expect } from "chai";
import { createPrivateKey, X509Certificate } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { Emulator, startEmulator } from "../../emulator";
import { resourceType } from "../../provider/kinds";
import { compileExamples, PROJECT, prepareProgram, repoRoot } from "../../scripts/demoProgram";
import { keyLines } from "../unit/helpers";
import { EngineHarness, type JsonObject, type ResourceState } from "./harness";

const TINES_API_KEY = "tines-api-key-examples-main-W3e5";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-examples-main-Q7r1";
const AWS = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const CA_TYPE = "pulumi-nodejs:dynamic/examples:CertificateAuthority";
const CLIENT_TYPE = "pulumi-nodejs:dynamic/examples:ClientCertificate";

describe("examples/main through the engine path: the mTLS credential from certificates issued in the program", function () {
  this.timeout(180_000);
  let work: string;
  let emulator: Emulator;
  let engine: EngineHarness;
  const texts: string[] = [];

  const byType = (type: string): ResourceState => {
    const found = [...engine.state.values()].filter((r) => r.type === type);
    expect(found, type).to.have.length(1);
    return found[0];
  };
  const mtlsRecords = () => emulator.tines.list().filter((r) => r.mode === "MTLS");
  const apiRequests = (from: number) => emulator.log.slice(from).filter((e) => e.service !== "control");
  const up = async () => {
    const r = await engine.up("index.js");
    texts.push(r.programOutput, ...r.errors);
    expect(r.errors).to.deep.equal([]);
    return r;
  };

  before(async function () {
    this.timeout(600_000);
    fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
    work = fs.mkdtempSync(path.join(repoRoot, ".tmp", "examples-main-"));
    await compileExamples(path.join(work, "build"));
    const program = await prepareProgram(path.join(work, "program"), path.join(work, "build", "main"));
    emulator = await startEmulator({
      port: 0,
      tinesApiKey: TINES_API_KEY,
      twilioAuthToken: TWILIO_AUTH_TOKEN,
    });
    engine = await EngineHarness.start({
      programDir: program.dir,
      project: PROJECT,
      stack: "examples",
      config: {
        "tines:tenant": emulator.url,
        "tines:apiKey": TINES_API_KEY,
        "twilio:accountSid": emulator.settings.twilioAccountSid,
        "twilio:authToken": TWILIO_AUTH_TOKEN,
        "twilio:accountsUrl": emulator.url,
        [`${PROJECT}:tinesTeamId`]: "1",
        [`${PROJECT}:awsAccessKeyId`]: AWS.id,
        [`${PROJECT}:awsSecretAccessKey`]: AWS.secret,
      },
      secretConfigKeys: [
        "tines:apiKey",
        "twilio:authToken",
        `${PROJECT}:awsAccessKeyId`,
        `${PROJECT}:awsSecretAccessKey`,
      ],
    });
  });

  after(async () => {
    await engine?.stop();
    await emulator?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it("up: the credential holds the issued client certificate, its key and the CA, which check out with node:crypto", async () => {
    const r = await up();
    expect(r.steps.every((s) => s.op === "create")).to.equal(true);
    const [record] = mtlsRecords();
    expect(mtlsRecords()).to.have.length(1);
    const ca = byType(CA_TYPE).outputs;
    const client = byType(CLIENT_TYPE).outputs;
    expect(record.mtls_root_certificate).to.equal(ca.certificatePem);
    expect(record.mtls_client_certificate).to.equal(client.certificatePem);
    expect(record.mtls_client_private_key).to.equal(client.privateKeyPem);

    const root = new X509Certificate(String(record.mtls_root_certificate));
    const leaf = new X509Certificate(String(record.mtls_client_certificate));
    expect(root.ca, "the root is a CA").to.equal(true);
    expect(leaf.ca, "the client certificate is not").to.equal(false);
    expect(leaf.checkIssued(root) && leaf.verify(root.publicKey), "signed by the CA").to.equal(true);
    expect(leaf.checkPrivateKey(createPrivateKey(String(record.mtls_client_private_key)))).to.equal(true);
    expect(leaf.keyUsage, "extendedKeyUsage clientAuth").to.include("1.3.6.1.5.5.7.3.2");

    expect(r.outputs.internalCaCertificatePem).to.equal(ca.certificatePem);
    expect((r.outputs.tinesCredentialIds as JsonObject).mtls).to.equal(record.id);
  });

  it("the private keys are secrets: the CA's and the client's outputs, and the CA key the client takes as input", () => {
    expect(byType(CA_TYPE).secretKeys).to.include("privateKeyPem");
    expect(byType(CLIENT_TYPE).secretKeys).to.include.members(["privateKeyPem", "caPrivateKeyPem"]);
    expect(byType(CLIENT_TYPE).outputs, "the CA key stays out of the client's outputs").not.to.have.property(
      "caPrivateKeyPem",
    );
    const mtls = byType(resourceType("tinesMtlsCredential"));
    expect(mtls.secretKeys).to.include("mtlsClientPrivateKey");
  });

  it("a second up and a refresh keep the same certificates: nothing changes, no write request", async () => {
    const before = {
      ca: byType(CA_TYPE).outputs.certificatePem,
      client: byType(CLIENT_TYPE).outputs.certificatePem,
    };
    const from = emulator.log.length;
    const again = await up();
    expect(again.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
    const refreshed = await engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    const third = await up();
    expect(third.steps.filter((s) => s.op !== "same")).to.deep.equal([]);
    expect({
      ca: byType(CA_TYPE).outputs.certificatePem,
      client: byType(CLIENT_TYPE).outputs.certificatePem,
    }).to.deep.equal(before);
    // The refresh reads each credential once; the ups send nothing.
    expect(apiRequests(from).filter((e) => e.method !== "GET")).to.deep.equal([]);
  });

  it("destroy empties the emulator, and no private key reached state, __provider, the host's output or errors", async () => {
    const keys = {
      ca: String(byType(CA_TYPE).outputs.privateKeyPem),
      client: String(byType(CLIENT_TYPE).outputs.privateKeyPem),
    };
    const certificates = [byType(CA_TYPE), byType(CLIENT_TYPE)].map((r) => String(r.outputs.certificatePem));
    const snapshot = JSON.stringify(engine.stateSnapshot());
    const providers = engine.registrations.map((g) => g.provider ?? "").join("\n");
    const r = await engine.destroy();
    expect(r.errors).to.deep.equal([]);
    expect(emulator.tines.list().length + emulator.twilio.list().length).to.equal(0);
    // A PKCS#8 EC key ends with its public point, which the certificate carries too: a base64 line of
    // the key that also occurs in a certificate is public, so only the others are looked for.
    const privateLines = (pem: string) =>
      keyLines(pem).filter((line) => !certificates.some((cert) => cert.includes(line)));
    const leaks = (text: string) =>
      Object.entries(keys).flatMap(([name, pem]) =>
        privateLines(pem)
          .filter((line) => text.includes(line))
          .map(() => name),
      );
    for (const pem of Object.values(keys)) {
      expect(privateLines(pem).length, "private key lines to look for").to.be.greaterThan(0);
    }
    expect(leaks(snapshot), "state").to.deep.equal([]);
    expect(leaks(providers), "__provider").to.deep.equal([]);
    // The certificate providers are serialized by value: they must not name this machine's folders.
    expect(providers.includes(repoRoot), "__provider names the checkout").to.equal(false);
    expect(providers).to.include('require("@peculiar/x509")');
    expect(leaks(engine.hostOutput()), "host output").to.deep.equal([]);
    expect(leaks(texts.join("\n")), "program output and errors").to.deep.equal([]);
  });
});
