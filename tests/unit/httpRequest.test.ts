// TinesHttpRequestCredential's own behaviour: the options go out as an object with their `<<secret>>`
// and formula references untouched, the TTL rule on update (unset is sent as null), its check rules,
// and a removed secret replacing. The shared suites (lifecycle, diff rows, redaction, adoption,
// recovery, classes, fuzz) run every hook against it from its sample in tests/kinds.ts.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import { HTTP_REQUEST_OPTIONS, HTTP_REQUEST_SECRET, sampleOf } from "../kinds";
import { jsonBody, TENANT, TINES_BASE, tinesRecord, useHttpSandbox } from "./helpers";

const provider = providers.tinesHttpRequestCredential;
const PROVIDER = { __provider: "serialized-provider-module" };
const valid = (overrides: Record<string, unknown> = {}) => ({
  ...sampleOf("tinesHttpRequestCredential").inputs(),
  ...overrides,
});
const LOCATION = "=response.body.auth.client_token";

async function failures(inputs: Record<string, unknown>) {
  return (await provider.check({}, { ...PROVIDER, ...inputs })).failures ?? [];
}

/** Runs an update from `olds` to `news` and returns the PUT body. */
async function putBody(olds: Record<string, unknown>, news: Record<string, unknown>) {
  let body: unknown;
  nock(TENANT)
    .put(`${TINES_BASE}/503`, (b) => ((body = b), true))
    .reply(200, tinesRecord("HTTP_REQUEST_AGENT", { id: 503 }));
  await provider.update("503", { ...PROVIDER, ...olds, credentialId: 503 }, { ...PROVIDER, ...news });
  return jsonBody(body);
}

describe("TinesHttpRequestCredential", () => {
  const sandbox = useHttpSandbox();
  afterEach(() => expect(sandbox.unmatched).to.deep.equal([]));

  describe("check", () => {
    const refused: [title: string, overrides: Record<string, unknown>, property: string, reason: string][] = [
      [
        "options given as a JSON string (the oldest revision's form)",
        { httpRequestOptions: JSON.stringify(HTTP_REQUEST_OPTIONS()) },
        "httpRequestOptions",
        "must be an object, got a string",
      ],
      [
        "options given as a list",
        { httpRequestOptions: [] },
        "httpRequestOptions",
        "must be an object, got a list",
      ],
      ["no options", { httpRequestOptions: undefined }, "httpRequestOptions", "is required"],
      [
        "no location of token",
        { httpRequestLocationOfToken: undefined },
        "httpRequestLocationOfToken",
        "is required",
      ],
      [
        "an empty location of token",
        { httpRequestLocationOfToken: "" },
        "httpRequestLocationOfToken",
        "must not be empty",
      ],
      ["an empty secret", { httpRequestSecret: "" }, "httpRequestSecret", "must not be empty"],
      [
        "a TTL of zero",
        { httpRequestTtl: 0 },
        "httpRequestTtl",
        "must be at least 1 second (unset it for no limit)",
      ],
      ["a negative TTL", { httpRequestTtl: -5 }, "httpRequestTtl", "must be zero or more seconds"],
      [
        "a fractional TTL",
        { httpRequestTtl: 1.5 },
        "httpRequestTtl",
        "must be a whole number of seconds, got a number",
      ],
      ["an empty content type", { contentType: "" }, "contentType", "must not be empty"],
    ];
    for (const [title, overrides, property, reason] of refused) {
      it(`refuses ${title}, naming ${property}`, async () => {
        expect(await failures(valid(overrides))).to.deep.equal([{ property, reason }]);
      });
    }

    it("never quotes the secret or the options in a failure", async () => {
      const found = await failures(
        valid({
          httpRequestOptions: `{"token":"${HTTP_REQUEST_SECRET}"}`,
          httpRequestSecret: { s: HTTP_REQUEST_SECRET },
        }),
      );
      expect(found.map((f) => f.property)).to.deep.equal(["httpRequestOptions", "httpRequestSecret"]);
      expect(JSON.stringify(found)).not.to.include(HTTP_REQUEST_SECRET);
    });

    it("accepts no secret, a TTL as a numeric string (canonicalised) and a content type", async () => {
      const { httpRequestSecret: _omitted, ...rest } = valid();
      const result = await provider.check(
        {},
        { ...PROVIDER, ...rest, httpRequestTtl: "300", contentType: "json" },
      );
      expect(result.failures ?? []).to.deep.equal([]);
      expect(result.inputs).to.deep.include({ httpRequestTtl: 300, contentType: "json" });
      expect(result.inputs).not.to.have.property("httpRequestSecret");
    });

    it("leaves the options as given: references, formulas and unknown option keys included", async () => {
      const options = { ...HTTP_REQUEST_OPTIONS(), retry_on_status: ["429"], "odd key": { deep: [null] } };
      const result = await provider.check({}, { ...PROVIDER, ...valid({ httpRequestOptions: options }) });
      expect(result.failures ?? []).to.deep.equal([]);
      expect(result.inputs!.httpRequestOptions).to.deep.equal(options);
    });
  });

  describe("create", () => {
    it("sends the options as an object, `<<secret>>` and formulas untouched, and every declared field", async () => {
      let body: unknown;
      nock(TENANT)
        .post(TINES_BASE, (b) => ((body = b), true))
        .reply(201, tinesRecord("HTTP_REQUEST_AGENT", { id: 503 }));
      const { outs } = await provider.create({
        ...PROVIDER,
        ...valid({ httpRequestTtl: 60, contentType: "json", allowedHosts: ["vault.example.com"] }),
      });
      expect(jsonBody(body)).to.deep.equal({
        name: "ci-token",
        team_id: 2,
        mode: "HTTP_REQUEST_AGENT",
        http_request_options: HTTP_REQUEST_OPTIONS(),
        http_request_location_of_token: LOCATION,
        http_request_secret: HTTP_REQUEST_SECRET,
        http_request_ttl: 60,
        content_type: "json",
        allowed_hosts: ["vault.example.com"],
      });
      const options = (jsonBody(body).http_request_options as { payload: { secret_id: string } }).payload;
      expect(options.secret_id).to.equal("<<secret>>");
      // The answer carries none of the mode's fields (as the Go SDK's recordings): state keeps the declared ones.
      expect(outs).to.deep.include({
        httpRequestOptions: HTTP_REQUEST_OPTIONS(),
        httpRequestTtl: 60,
        credentialId: 503,
      });
    });

    it("sends no TTL, secret or content type when none is declared", async () => {
      let body: unknown;
      nock(TENANT)
        .post(TINES_BASE, (b) => ((body = b), true))
        .reply(201, tinesRecord("HTTP_REQUEST_AGENT", { id: 503 }));
      const { httpRequestSecret: _omitted, ...rest } = valid();
      await provider.create({ ...PROVIDER, ...rest });
      expect(Object.keys(jsonBody(body)).sort()).to.deep.equal(
        ["name", "team_id", "mode", "http_request_options", "http_request_location_of_token"].sort(),
      );
    });
  });

  describe("update", () => {
    it("sends the TTL as null when it is removed (Tines sets it to null when a PUT leaves it out)", async () => {
      const put = await putBody(valid({ httpRequestTtl: 300 }), valid());
      expect(put).to.have.property("http_request_ttl", null);
      expect(put).to.deep.include({
        mode: "HTTP_REQUEST_AGENT",
        http_request_options: HTTP_REQUEST_OPTIONS(),
        http_request_secret: HTTP_REQUEST_SECRET,
      });
    });

    it("sends the declared TTL on an update that changes something else", async () => {
      const put = await putBody(
        valid({ httpRequestTtl: 300 }),
        valid({ httpRequestTtl: 300, description: "x" }),
      );
      expect(put).to.include({ http_request_ttl: 300, description: "x" });
    });
  });

  describe("diff", () => {
    const diff = (olds: Record<string, unknown>, news: Record<string, unknown>) =>
      provider.diff("503", { ...PROVIDER, ...olds, credentialId: 503 }, { ...PROVIDER, ...news });

    it("removing the TTL is an in-place change (to null)", async () => {
      const d = await diff(valid({ httpRequestTtl: 300 }), valid());
      expect(d.changes).to.equal(true);
      expect(d.replaces ?? []).to.deep.equal([]);
    });

    it("removing the secret replaces: Tines documents no way to clear a stored one", async () => {
      const { httpRequestSecret: _omitted, ...rest } = valid();
      const d = await diff(valid(), rest);
      expect(d.replaces).to.deep.equal(["httpRequestSecret"]);
    });

    it("options with their keys in another order are no change", async () => {
      const reordered = Object.fromEntries(Object.entries(HTTP_REQUEST_OPTIONS()).reverse());
      const d = await diff(valid(), valid({ httpRequestOptions: reordered }));
      expect(d.changes).to.equal(false);
    });
  });
});
