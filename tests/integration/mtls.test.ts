// TinesMtlsCredential through the engine path (packed package, the SDK's serializer under mocks, the
// real provider host, the emulator): create, update, replace, refresh after an out-of-band change,
// adopt and destroy, with the client key never in plain text in state, `__provider`, errors or output.
import { expect } from "chai";
import { pki } from "../certificates";
import { keyLines } from "../unit/helpers";
import { leakPlaces, leaksIn, useKindStack } from "./harness";

const TINES_API_KEY = "tines-api-key-mtls-harness-R4t8";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-mtls-harness-K2p6";

describe("TinesMtlsCredential through the engine path", function () {
  this.timeout(120_000);
  const stack = useKindStack("tinesMtlsCredential", {
    tinesApiKey: TINES_API_KEY,
    twilioAuthToken: TWILIO_AUTH_TOKEN,
  });
  const { up, texts } = stack;

  /** The API key, and every client key by its base64 lines (a key may be cut or re-wrapped on its way). */
  const secrets = () => ({
    TINES_API_KEY,
    ...Object.fromEntries(
      [pki().clientKey, pki().chainedClientKey].flatMap((key, k) =>
        keyLines(key).map((line, i) => [`key ${k} line ${i}`, line]),
      ),
    ),
  });
  const { write } = stack;
  const state = () => stack.state("edge")!;
  const args = (overrides: Record<string, unknown> = {}) => ({
    name: "edge_mtls",
    teamId: 2,
    mtlsClientCertificate: pki().client,
    mtlsClientPrivateKey: pki().clientKey,
    mtlsRootCertificate: pki().root,
    ...overrides,
  });

  it("creates: the emulator holds the three PEMs, state holds the key only as a secret", async () => {
    write([{ name: "edge", args: args() }]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    const record = stack.emulator.tines.get(Number(state().id))!;
    expect(record).to.deep.include({
      mode: "MTLS",
      mtls_client_certificate: pki().client,
      mtls_client_private_key: pki().clientKey,
      mtls_root_certificate: pki().root,
    });
    expect(state().secretKeys).to.deep.equal(["mtlsClientPrivateKey"]);
    expect(state().outputs).to.include({
      mtlsClientCertificate: pki().client,
      mtlsRootCertificate: pki().root,
    });
    const reg = stack.engine.registrations.find((g) => g.custom && g.name === "edge")!;
    expect(reg.provider).to.match(/require\("pulumi-api-credentials\/engine\/tinesMtls"\)/);
    expect(reg.additionalSecretOutputs).to.include("mtlsClientPrivateKey");
    expect(Buffer.byteLength(reg.provider!)).to.be.below(400);
  });

  it("updates in place: a new certificate, key and root bundle go out in one PUT", async () => {
    const id = state().id;
    write([
      {
        name: "edge",
        args: args({
          mtlsClientCertificate: pki().chainedClient,
          mtlsClientPrivateKey: pki().chainedClientKey,
          mtlsRootCertificate: pki().intermediate + pki().root,
        }),
      },
    ]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(state().id).to.equal(id);
    expect(stack.emulator.tines.get(Number(id))).to.deep.include({
      mtls_client_certificate: pki().chainedClient,
      mtls_client_private_key: pki().chainedClientKey,
      mtls_root_certificate: pki().intermediate + pki().root,
    });
  });

  it("refresh after an out-of-band change drops the PEMs from state; the next up sends them again", async () => {
    const id = Number(state().id);
    stack.emulator.tines.update(id, { mtls_client_certificate: pki().otherClient, description: "by hand" });
    const refreshed = await stack.engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    expect(state().outputs).not.to.have.property("mtlsClientCertificate");
    expect(state().outputs).not.to.have.property("mtlsClientPrivateKey");
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(stack.emulator.tines.get(id)).to.deep.include({
      mtls_client_certificate: pki().chainedClient,
      mtls_client_private_key: pki().chainedClientKey,
      description: "",
    });
  });

  it("a bad key is refused at check, naming the property, before any request", async () => {
    const before = stack.emulator.log.length;
    write([{ name: "edge", args: args({ mtlsClientPrivateKey: pki().otherClientKey }) }]);
    const r = await up();
    expect(r.ok).to.equal(false);
    expect(r.failures.map((f) => f.property)).to.deep.equal(["mtlsClientPrivateKey"]);
    expect(stack.emulator.log.slice(before).filter((e) => e.method === "PUT")).to.deep.equal([]);
  });

  it("replaces on a team change, deleting the old credential", async () => {
    const old = Number(state().id);
    write([{ name: "edge", args: args({ teamId: 3 }) }]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps[0].op).to.equal("replace");
    expect(stack.emulator.tines.get(old)).to.equal(undefined);
    expect(stack.emulator.tines.get(Number(state().id))!.team_id).to.equal(3);
  });

  it("adopts a seeded MTLS credential: no create, one PUT with the declared PEMs", async () => {
    const seeded = stack.emulator.tines.seed({
      name: "seeded_mtls",
      mode: "MTLS",
      team_id: 2,
      mtls_client_certificate: pki().otherClient,
      mtls_client_private_key: pki().otherClientKey,
      mtls_root_certificate: pki().otherRoot,
    });
    write([
      { name: "edge", args: args({ teamId: 3 }) },
      { name: "adopted", args: args({ name: "adopted_mtls", adoptId: seeded.id }) },
    ]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(stack.state("adopted")!.id).to.equal(String(seeded.id));
    expect(stack.emulator.tines.get(seeded.id)).to.deep.include({
      name: "adopted_mtls",
      mtls_client_certificate: pki().client,
      mtls_client_private_key: pki().clientKey,
      mtls_root_certificate: pki().root,
    });
  });

  it("destroys every credential, and no key reached state, __provider, the host's output or errors", async () => {
    // The snapshot is what a checkpoint would hold: secret-marked values are encrypted there.
    const { state } = leakPlaces(stack.engine, texts);
    expect(state).to.include(pki().client.split("\n")[1]); // the certificates are there, in plain text
    const r = await stack.engine.destroy();
    expect(r.errors).to.deep.equal([]);
    expect(stack.emulator.tines.list()).to.deep.equal([]);
    expect(leaksIn({ ...leakPlaces(stack.engine, texts), state }, secrets())).to.deep.equal({});
  });
});
