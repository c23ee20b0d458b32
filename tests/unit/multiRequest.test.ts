// TinesMultiRequestCredential's own behaviour: the two requests go out as documented items, the list
// rule, nested secrets never in a failure, and what an update sends when an item's secret is removed.
// The shared suites (lifecycle, diff, redaction with nested secrets, adoption, recovery) cover the
// rest through tests/kinds.ts.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import { MULTI_REQUESTS, MULTI_SECRET_1, MULTI_SECRET_2 } from "../kinds";
import { jsonBody, TENANT, TINES_BASE, tinesRecord, useHttpSandbox } from "./helpers";

const provider = providers.tinesMultiRequestCredential;
const PROVIDER = { __provider: "serialized-provider-module" };
const valid = (overrides: Record<string, unknown> = {}) => ({
  name: "vault token",
  teamId: 2,
  credentialRequests: MULTI_REQUESTS(),
  httpRequestLocationOfToken: "=response.body.token",
  ...overrides,
});
const sent = (requests: { options: unknown; httpRequestSecret?: string }[] = MULTI_REQUESTS()) =>
  requests.map((r) => ({
    options: r.options,
    ...(r.httpRequestSecret === undefined ? {} : { http_request_secret: r.httpRequestSecret }),
  }));

describe("TinesMultiRequestCredential", () => {
  const sandbox = useHttpSandbox();
  afterEach(() => expect(sandbox.unmatched).to.deep.equal([]));

  const refused: [title: string, requests: unknown, property: string, reason: RegExp][] = [
    ["one request", MULTI_REQUESTS().slice(0, 1), "credentialRequests", /exactly two/],
    [
      "three requests",
      [...MULTI_REQUESTS(), ...MULTI_REQUESTS().slice(0, 1)],
      "credentialRequests",
      /exactly two/,
    ],
    [
      "a request without options",
      [MULTI_REQUESTS()[0], { httpRequestSecret: MULTI_SECRET_2 }],
      "credentialRequests[1].options",
      /required/,
    ],
    [
      "options that are not an object",
      [MULTI_REQUESTS()[0], { options: "url" }],
      "credentialRequests[1].options",
      /must be an object/,
    ],
    [
      "an empty secret",
      [{ ...MULTI_REQUESTS()[0], httpRequestSecret: "" }, MULTI_REQUESTS()[1]],
      "credentialRequests[0].httpRequestSecret",
      /empty/,
    ],
    [
      "a secret that is not a string",
      [{ ...MULTI_REQUESTS()[0], httpRequestSecret: { s: MULTI_SECRET_1 } }, MULTI_REQUESTS()[1]],
      "credentialRequests[0].httpRequestSecret",
      /must be a string/,
    ],
  ];
  for (const [title, requests, property, reason] of refused) {
    it(`check refuses ${title}, naming ${property}, never quoting a nested secret`, async () => {
      const result = await provider.check({}, { ...PROVIDER, ...valid({ credentialRequests: requests }) });
      expect(result.failures).to.have.length(1);
      expect(result.failures![0]).to.deep.include({ property });
      expect(result.failures![0].reason).to.match(reason);
      for (const failure of result.failures!) {
        for (const secret of [MULTI_SECRET_1, MULTI_SECRET_2]) expect(failure.reason).not.to.include(secret);
      }
    });
  }

  it("check accepts requests without secrets and drops unknown item keys", async () => {
    const result = await provider.check(
      {},
      {
        ...PROVIDER,
        ...valid({ credentialRequests: [{ options: { url: "https://a" }, extra: 1 }, { options: {} }] }),
      },
    );
    expect(result.failures ?? []).to.deep.equal([]);
    expect(result.inputs!.credentialRequests).to.deep.equal([
      { options: { url: "https://a" } },
      { options: {} },
    ]);
  });

  it("creates with the documented items: { options, http_request_secret }, in order", async () => {
    let body: unknown;
    nock(TENANT)
      .post(TINES_BASE, (b) => ((body = b), true))
      .reply(201, tinesRecord("MULTI_REQUEST", { id: 504 }));
    await provider.create({ ...PROVIDER, ...valid({ httpRequestTtl: 300 }) });
    expect(jsonBody(body)).to.deep.equal({
      name: "vault token",
      team_id: 2,
      mode: "MULTI_REQUEST",
      credential_requests: sent(),
      http_request_location_of_token: "=response.body.token",
      http_request_ttl: 300,
    });
  });

  it("an update after an item's secret is removed sends that item without http_request_secret, and the TTL as null", async () => {
    // Tines documents no way to clear a stored request secret: under a merging PUT the old one may
    // stay (README: replace the credential to be sure). This pins down what is sent.
    const withoutSecond = [MULTI_REQUESTS()[0], { options: MULTI_REQUESTS()[1].options }];
    const olds = { ...PROVIDER, ...valid({ httpRequestTtl: 300 }), credentialId: 504 };
    const news = { ...PROVIDER, ...valid({ credentialRequests: withoutSecond }) };
    const diff = await provider.diff("504", olds, news);
    expect(diff.changes).to.equal(true);
    expect(diff.replaces ?? []).to.deep.equal([]);
    let body: unknown;
    nock(TENANT)
      .put(`${TINES_BASE}/504`, (b) => ((body = b), true))
      .reply(200, tinesRecord("MULTI_REQUEST", { id: 504 }));
    await provider.update("504", olds, news);
    const put = jsonBody(body);
    expect(put.credential_requests).to.deep.equal(sent(withoutSecond));
    expect(put.http_request_ttl).to.equal(null);
    expect(JSON.stringify(put)).not.to.include(MULTI_SECRET_2);
  });
});
