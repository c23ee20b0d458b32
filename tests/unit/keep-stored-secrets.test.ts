// An adopted credential (adoptId set) whose secret and write-only inputs (what no answer carries) are
// left unset keeps what the service stores: check does not require them, no request carries them, diff
// never reports them, and declaring one later starts managing it (in place, never a replacement).
// Adoption writes only when the declared state differs from the record or a declared secret must be sent.
import { expect } from "chai";
import nock from "nock";
import { requestBody } from "../../provider/core/mapping";
import { specOf } from "../../provider/kinds";
import {
  ALL_CASES,
  awsCase,
  formBody,
  jsonBody,
  recordWithId,
  ResourceCase,
  TINES_CASES,
  twilioCase,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

type Props = Record<string, unknown>;

/** Whether no answer carries this input of the case's kind (a secret or a write-only field). */
const neverAnswered = (c: ResourceCase, name: string) => {
  const field = specOf(c.key).inputs[name];
  return field?.secret === true || field?.writeOnly === true;
};

/** The API names of the inputs no answer carries: no request may hold one that is not declared. */
const neverAnsweredApiNames = (c: ResourceCase) =>
  Object.entries(specOf(c.key).inputs)
    .filter(([name, field]) => neverAnswered(c, name) && field.api !== undefined)
    .map(([, field]) => field.api!);

/** The case's inputs without what no answer carries (nor the Twilio key pair in either spelling). */
function withoutSecrets(c: ResourceCase): Props {
  const inputs = { ...c.inputs() };
  for (const name of Object.keys(inputs)) if (neverAnswered(c, name)) delete inputs[name];
  delete inputs.awsAccessKeyId;
  return inputs;
}

/** The record as the service stores a credential created with `c.inputs()`: every answered input, no secret. */
function storedRecord(c: ResourceCase, id: string, extra: Props = {}): Props {
  const spec = specOf(c.key);
  const stored: Props = {};
  for (const [name, value] of Object.entries(withoutSecrets(c))) {
    const field = spec.inputs[name];
    if (field?.api) stored[field.returnedAs ?? field.api] = value;
  }
  // The fixture's folder 1 would differ from the declared (unset: root folder) state; the JWT payload
  // and time-claims flag are at their defaults.
  const tines: Props = c.service === "Tines" ? { folder_id: null } : {};
  const jwt: Props =
    c.key === "tinesJwtCredential" ? { jwt_payload: {}, jwt_auto_generate_time_claims: false } : {};
  return recordWithId(c, id, { ...tines, ...jwt, ...stored, ...extra });
}

function captureWrites(c: ResourceCase, id: string, answer: Props) {
  const bodies: Props[] = [];
  nock(c.origin)
    .intercept(c.itemPath(id), c.updateMethod.toUpperCase())
    .reply(function (_uri, body) {
      bodies.push(c.service === "Tines" ? jsonBody(body) : formBody(body));
      return [200, answer];
    });
  return bodies;
}

async function diffOf(c: ResourceCase, olds: Props, news: Props) {
  return (await c.provider.diff(c.id, { ...PROVIDER, ...olds }, { ...PROVIDER, ...news })) as {
    changes: boolean;
    replaces?: string[];
  };
}

describe("keeping what the service stores for an adopted credential (secret and write-only inputs left unset)", () => {
  useHttpSandbox();

  for (const c of ALL_CASES) {
    describe(c.title, () => {
      const adopted = () => ({ ...withoutSecrets(c), adoptId: c.rawId(c.id) });

      it("check: the secret is not required once adoptId is set", async () => {
        const result = await c.provider.check({}, { ...PROVIDER, ...adopted() });
        expect(result.failures ?? []).to.deep.equal([]);
        for (const name of c.secretInputs) expect(result.inputs).not.to.have.property(name);
      });

      it("check: without adoptId the inputs no answer carries are still required", async () => {
        const result = await c.provider.check({}, { ...PROVIDER, ...withoutSecrets(c) });
        const properties = (result.failures ?? []).map((f) => f.property);
        // Those the table requires, and at least one (a secret may be required by a rule, as AWS KEY's,
        // or optional, as an HTTP-request credential's, whose options are then the one required).
        const required = Object.entries(specOf(c.key).inputs)
          .filter(([name, field]) => field.required && neverAnswered(c, name))
          .map(([name]) => name);
        expect(properties).to.include.members(required);
        expect(properties.filter((name) => neverAnswered(c, name))).not.to.deep.equal([]);
      });

      it("adoption of a record already in the declared state: one GET, no write", async () => {
        nock(c.origin).get(c.itemPath(c.id)).reply(200, storedRecord(c, c.id));
        // No write interceptor: a PUT/POST would be an unmatched request and fail the test.
        const result = await c.provider.create({ ...PROVIDER, ...adopted() });
        expect(result.id).to.equal(c.id);
        for (const name of c.secretInputs) expect(result.outs).not.to.have.property(name);
        expect(result.outs).to.deep.include(withoutSecrets(c));
      });

      it("adoption of a record that differs: one write, without the secret", async () => {
        const stale = c.service === "Tines" ? { name: "old-name" } : { friendly_name: "old-name" };
        nock(c.origin)
          .get(c.itemPath(c.id))
          .reply(200, storedRecord(c, c.id, stale));
        const bodies = captureWrites(c, c.id, storedRecord(c, c.id));
        await c.provider.create({ ...PROVIDER, ...adopted() });
        expect(bodies).to.have.length(1);
        for (const name of neverAnsweredApiNames(c)) expect(bodies[0]).not.to.have.property(name);
      });

      it("diff: an unset secret is never a change (nothing stored in state either)", async () => {
        const state = { ...adopted(), ...storedRecord(c, c.id) };
        expect(await diffOf(c, state, adopted())).to.deep.include({ changes: false });
      });

      it("diff: removing a declared secret stops managing it: no change, no replacement", async () => {
        const olds = { ...c.inputs(), adoptId: c.rawId(c.id) };
        const result = await diffOf(c, olds, adopted());
        expect(result.changes).to.equal(false);
        expect(result.replaces ?? []).to.deep.equal([]);
      });

      it("diff: declaring the secret later starts managing it: a change in place, never a replacement", async () => {
        const result = await diffOf(c, adopted(), { ...c.inputs(), adoptId: c.rawId(c.id) });
        expect(result.changes).to.equal(true);
        expect(result.replaces ?? []).to.deep.equal([]);
      });

      it("update with the secret unset sends no secret", async () => {
        const bodies = captureWrites(c, c.id, storedRecord(c, c.id));
        const news = {
          ...adopted(),
          ...(c.service === "Tines" ? { name: "renamed" } : { friendlyName: "x" }),
        };
        const result = await c.provider.update(c.id, { ...PROVIDER, ...adopted() }, { ...PROVIDER, ...news });
        expect(bodies).to.have.length(1);
        for (const name of neverAnsweredApiNames(c)) expect(bodies[0]).not.to.have.property(name);
        for (const name of c.secretInputs) expect(result.outs).not.to.have.property(name);
      });
    });
  }

  for (const c of TINES_CASES) {
    it(`${c.title}: adoption with the secret declared sends it with one PUT (a secret is never read back)`, async () => {
      nock(c.origin).get(c.itemPath(c.id)).reply(200, storedRecord(c, c.id));
      const bodies = captureWrites(c, c.id, storedRecord(c, c.id));
      await c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.rawId(c.id) });
      expect(bodies).to.have.length(1);
      const [secretName] = c.secretInputs;
      const field = specOf(c.key).inputs[secretName];
      // As sent: a nested list's items in their API names too.
      const sent = requestBody({ [secretName]: field }, c.inputs())[field.api!];
      expect(bodies[0][field.api!]).to.deep.equal(sent);
    });
  }

  it("adoption of a test credential in its declared state makes no write: liveCredentialId is never read back, and no update can change it", async () => {
    const c = TINES_CASES[0];
    nock(c.origin).get(c.itemPath(c.id)).reply(200, storedRecord(c, c.id));
    const result = await c.provider.create({
      ...PROVIDER,
      ...withoutSecrets(c),
      liveCredentialId: 7,
      adoptId: 101,
    });
    expect(result.outs).to.deep.include({ liveCredentialId: 7 });
  });

  it("Twilio: adoption with the key pair declared and the same friendly name makes no write (it cannot be sent)", async () => {
    const c = twilioCase;
    nock(c.origin).get(c.itemPath(c.id)).reply(200, storedRecord(c, c.id));
    const result = await c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.id });
    expect(result.outs).to.deep.include(c.inputs());
  });

  it("Twilio: half of the two-input key pair is still refused on an adopted credential", async () => {
    const result = await twilioCase.provider.check(
      {},
      { ...PROVIDER, awsAccessKeyId: "AKIAIOSFODNN7EXAMPLE", adoptId: twilioCase.id },
    );
    expect((result.failures ?? []).map((f) => f.property)).to.include("awsSecretAccessKey");
  });

  it("without adoptId, removing a declared secret still replaces (no update can clear it)", async () => {
    const c = awsCase;
    const result = await diffOf(c, c.inputs(), { ...withoutSecrets(c), awsAuthenticationType: "KEY" });
    expect(result.replaces).to.include("awsSecretKey");
  });
});
