// TinesMultiRequestCredential through the engine path: the nested request secrets travel and are
// stored only as secrets (the registration carries the whole credentialRequests list secret), and
// no nested secret reaches state, `__provider`, the host's output or errors.
import { expect } from "chai";
import { MULTI_REQUESTS } from "../kinds";
import { leakPlaces, leaksIn, SIG_KEY, useKindStack } from "./harness";

const TINES_API_KEY = "tines-api-key-multi-harness-V6w1";
const TWILIO_AUTH_TOKEN = "twilio-auth-token-multi-harness-B8n3";
const FIRST = "nested-first-secret-harness-Ee4r";
const SECOND = "nested-second-secret-harness-Tt7y";
const ROTATED = "nested-rotated-secret-harness-Uu2i";

describe("TinesMultiRequestCredential through the engine path", function () {
  this.timeout(120_000);
  const stack = useKindStack("tinesMultiRequestCredential", {
    tinesApiKey: TINES_API_KEY,
    twilioAuthToken: TWILIO_AUTH_TOKEN,
  });
  const { up, texts } = stack;

  const declared = (requests: unknown): Record<string, unknown> => ({
    name: "vault_token",
    teamId: 2,
    credentialRequests: requests,
    httpRequestLocationOfToken: "=response.body.token",
    httpRequestTtl: 300,
  });
  const write = (requests: unknown, args = declared(requests)) => stack.write([{ name: "vault", args }]);
  const state = () => stack.state("vault")!;

  it("creates: the registration carries credentialRequests as a secret, state marks it secret", async () => {
    write(MULTI_REQUESTS(FIRST, SECOND));
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    const reg = stack.engine.registrations.find((g) => g.custom && g.name === "vault")!;
    expect(reg.object.credentialRequests).to.have.property(SIG_KEY);
    expect(reg.additionalSecretOutputs).to.include("credentialRequests");
    expect(reg.provider).to.match(/require\("pulumi-api-credentials\/engine\/tinesMultiRequest"\)/);
    expect(state().secretKeys).to.deep.equal(["credentialRequests"]);
    const record = stack.emulator.tines.get(Number(state().id))!;
    expect(record).to.deep.include({
      mode: "MULTI_REQUEST",
      credential_requests: MULTI_REQUESTS(FIRST, SECOND).map((q) => ({
        options: q.options,
        http_request_secret: q.httpRequestSecret,
      })),
      http_request_ttl: 300,
    });
  });

  it("updates in place: a rotated nested secret and a removed one, the TTL left out (sent as null)", async () => {
    const id = state().id;
    const requests = MULTI_REQUESTS(ROTATED, SECOND);
    const changed = [requests[0], { options: requests[1].options }];
    const { httpRequestTtl: _left, ...withoutTtl } = declared(changed);
    write(changed, withoutTtl);
    const r = await up();
    expect(r.errors).to.deep.equal([]);
    expect(r.steps.map((s) => s.op)).to.deep.equal(["update"]);
    expect(state().id).to.equal(id);
    const record = stack.emulator.tines.get(Number(id))!;
    expect(record.http_request_ttl).to.equal(null);
    const stored = record.credential_requests as { http_request_secret?: string }[];
    expect(stored[0].http_request_secret).to.equal(ROTATED);
  });

  it("destroys, and no nested secret reached state, __provider, the host's output or errors", async () => {
    const { state } = leakPlaces(stack.engine, texts);
    const r = await stack.engine.destroy();
    expect(r.errors).to.deep.equal([]);
    expect(stack.emulator.tines.list()).to.deep.equal([]);
    const secrets = { TINES_API_KEY, FIRST, SECOND, ROTATED };
    expect(leaksIn({ ...leakPlaces(stack.engine, texts), state }, secrets)).to.deep.equal({});
  });
});
