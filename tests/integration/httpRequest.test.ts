// TinesHttpRequestCredential through the engine path (packed package, the SDK's serializer under mocks,
// the real provider host, the emulator): create, update (the TTL removed is sent as null), replace,
// refresh after an out-of-band change, adopt and destroy; the options reach Tines as an object with
// `<<secret>>` untouched, and httpRequestSecret never appears in plain text in state, `__provider`,
// errors or output.
import { expect } from "chai";
import { HTTP_REQUEST_OPTIONS } from "../kinds";
import { leakPlaces, leaksIn, SIG_KEY, useKindStack } from "./harness";

const TINES_API_KEY = "tines-api-key-http-harness-N3b7";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-http-harness-C5d1";
/** Secrets with characters JSON and URLs escape, so the scan also looks at the escaped spellings. */
const FIRST = 'http-first-secret-"harness"-Aa1/Zz';
const ROTATED = "http-rotated-secret-harness-Qq9&Ww";
const ADOPTED = "http-adopted-secret-harness-Mm4+Nn";
const SEEDED = "http-seeded-secret-harness-Ll2=Kk";
const SECRETS = { TINES_API_KEY, FIRST, ROTATED, ADOPTED, SEEDED };
const LOCATION = "=response.body.auth.client_token";

describe("TinesHttpRequestCredential through the engine path", function () {
  this.timeout(120_000);
  const stack = useKindStack("tinesHttpRequestCredential", {
    tinesApiKey: TINES_API_KEY,
    twilioAuthToken: TWILIO_AUTH_TOKEN,
  });
  const { up, texts, write } = stack;
  const state = (name = "vault") => stack.state(name)!;
  const args = (overrides: Record<string, unknown> = {}) => ({
    name: "vault_token",
    teamId: 2,
    httpRequestOptions: HTTP_REQUEST_OPTIONS(),
    httpRequestLocationOfToken: LOCATION,
    httpRequestSecret: FIRST,
    httpRequestTtl: 300,
    ...overrides,
  });

  it("creates: the options reach Tines as an object with <<secret>> untouched; the secret is a secret", async () => {
    write([{ name: "vault", args: args() }]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    const record = stack.emulator.tines.get(Number(state().id))!;
    expect(record).to.deep.include({
      mode: "HTTP_REQUEST_AGENT",
      http_request_options: HTTP_REQUEST_OPTIONS(),
      http_request_location_of_token: LOCATION,
      http_request_secret: FIRST,
      http_request_ttl: 300,
    });
    const reg = stack.engine.registrations.find((g) => g.custom && g.name === "vault")!;
    expect(reg.object.httpRequestSecret).to.have.property(SIG_KEY);
    expect(reg.additionalSecretOutputs).to.include("httpRequestSecret");
    expect(reg.provider).to.match(/require\("pulumi-api-credentials\/engine\/tinesHttpRequest"\)/);
    expect(Buffer.byteLength(reg.provider!)).to.be.below(400);
    expect(state().secretKeys).to.deep.equal(["httpRequestSecret"]);
    expect(state().outputs).to.deep.include({
      httpRequestOptions: HTTP_REQUEST_OPTIONS(),
      httpRequestLocationOfToken: LOCATION,
      httpRequestTtl: 300,
    });
  });

  it("a no-change up makes no request", async () => {
    const from = stack.emulator.log.length;
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(["same"]);
    expect(stack.emulator.log.slice(from).filter((e) => e.service !== "control")).to.deep.equal([]);
  });

  it("updates in place: new options and secret, the TTL left out is sent as null", async () => {
    const id = state().id;
    const { httpRequestTtl: _removed, ...withoutTtl } = args({
      httpRequestOptions: HTTP_REQUEST_OPTIONS("https://vault.example.com/v2/login"),
      httpRequestSecret: ROTATED,
    });
    write([{ name: "vault", args: withoutTtl }]);
    const from = stack.emulator.log.length;
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(state().id).to.equal(id);
    // One PUT; the null it carries is pinned by the unit test (the emulator's log has no bodies, and it
    // resets a TTL left out of a PUT to null as documented, so the record shows the result either way).
    expect(stack.emulator.log.slice(from).filter((e) => e.method === "PUT")).to.have.length(1);
    expect(stack.emulator.tines.get(Number(id))).to.deep.include({
      http_request_options: HTTP_REQUEST_OPTIONS("https://vault.example.com/v2/login"),
      http_request_secret: ROTATED,
      http_request_ttl: null,
    });
    expect(state().outputs).not.to.have.property("httpRequestTtl");
  });

  it("refresh after an out-of-band change drops the write-only fields from state; the next up sends them again", async () => {
    const id = Number(state().id);
    stack.emulator.tines.update(id, {
      http_request_location_of_token: "=response.body.changed",
      http_request_ttl: 5,
      description: "by hand",
    });
    const refreshed = await stack.engine.refresh();
    expect(refreshed.errors).to.deep.equal([]);
    for (const name of ["httpRequestOptions", "httpRequestLocationOfToken", "httpRequestSecret"]) {
      expect(state().outputs, name).not.to.have.property(name);
    }
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(stack.emulator.tines.get(id)).to.deep.include({
      http_request_options: HTTP_REQUEST_OPTIONS("https://vault.example.com/v2/login"),
      http_request_location_of_token: LOCATION,
      http_request_secret: ROTATED,
      http_request_ttl: null,
      description: "",
    });
  });

  it("options given as a JSON string are refused at check, naming the field, before any request", async () => {
    const from = stack.emulator.log.length;
    write([{ name: "vault", args: args({ httpRequestOptions: JSON.stringify(HTTP_REQUEST_OPTIONS()) }) }]);
    const r = await up();
    expect(r.ok).to.equal(false);
    expect(r.failures.map((f) => f.property)).to.deep.equal(["httpRequestOptions"]);
    expect(stack.emulator.log.slice(from).filter((e) => e.service !== "control")).to.deep.equal([]);
  });

  it("replaces on a team change, deleting the old credential", async () => {
    const old = Number(state().id);
    write([{ name: "vault", args: args({ teamId: 3, httpRequestSecret: ROTATED }) }]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps[0].op).to.equal("replace");
    expect(stack.emulator.tines.get(old)).to.equal(undefined);
    expect(stack.emulator.tines.get(Number(state().id))).to.deep.include({
      team_id: 3,
      http_request_secret: ROTATED,
    });
  });

  it("adopts a seeded HTTP_REQUEST_AGENT credential: no create, one PUT with the declared fields", async () => {
    const seeded = stack.emulator.tines.seed({
      name: "seeded_vault",
      mode: "HTTP_REQUEST_AGENT",
      team_id: 2,
      http_request_options: { url: "https://old.example.com/login", method: "get" },
      http_request_location_of_token: "=response.body.old",
      http_request_secret: SEEDED,
      http_request_ttl: 60,
    });
    const from = stack.emulator.log.length;
    write([
      { name: "vault", args: args({ teamId: 3, httpRequestSecret: ROTATED }) },
      {
        name: "adopted",
        args: args({ name: "adopted_vault", httpRequestSecret: ADOPTED, adoptId: seeded.id }),
      },
    ]);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(state("adopted").id).to.equal(String(seeded.id));
    const calls = stack.emulator.log.slice(from).filter((e) => e.service !== "control");
    expect(calls.map((e) => e.method).sort()).to.deep.equal(["GET", "PUT"]);
    expect(stack.emulator.tines.get(seeded.id)).to.deep.include({
      name: "adopted_vault",
      http_request_options: HTTP_REQUEST_OPTIONS(),
      http_request_location_of_token: LOCATION,
      http_request_secret: ADOPTED,
      http_request_ttl: 300,
    });
  });

  it("destroys every credential, and no secret reached state, __provider, the host's output or errors", async () => {
    // The snapshot is what a checkpoint would hold: secret-marked values are encrypted there.
    const { state } = leakPlaces(stack.engine, texts);
    expect(state).to.include("<<secret>>"); // the options are there, in plain text, as declared
    const r = await stack.engine.destroy();
    expect(r.errors).to.deep.equal([]);
    expect(stack.emulator.tines.list()).to.deep.equal([]);
    expect(leaksIn({ ...leakPlaces(stack.engine, texts), state }, SECRETS)).to.deep.equal({});
  });
});
