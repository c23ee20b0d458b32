// What the OAUTH mode adds to the shared suites (which run every hook against it from its sample in
// tests/kinds.ts): its check rules, the consent URL output, and its write-only fields.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import { OAUTH_CLIENT_SECRET, sampleOf } from "../kinds";
import { TENANT, TINES_BASE, tinesRecord, useHttpSandbox } from "./helpers";

const oauth = providers.tinesOauthCredential;
const PROVIDER = { __provider: "serialized-provider-module" };
const base = () => sampleOf("tinesOauthCredential").inputs();

async function failures(inputs: Record<string, unknown>) {
  return (await oauth.check({}, { ...PROVIDER, ...inputs })).failures ?? [];
}

describe("Tines OAUTH credential", () => {
  useHttpSandbox();

  describe("check", () => {
    it("authorization_code needs oauthUrl; client_credentials does not", async () => {
      expect(await failures(base())).to.deep.equal([]);
      expect(await failures({ ...base(), oauthGrantType: "authorization_code" })).to.deep.equal([
        { property: "oauthUrl", reason: "is required when oauthGrantType is authorization_code" },
      ]);
    });

    const urls: [string, string, boolean][] = [
      ["oauthTokenUrl", "https://login.example.com/token", true],
      ["oauthTokenUrl", "http://127.0.0.1:9000/token", true],
      ["oauthTokenUrl", "http://login.example.com/token", false],
      ["oauthTokenUrl", "login.example.com/token", false],
      ["oauthUrl", "https://login.example.com/authorize", true],
      ["oauthUrl", "javascript:alert(1)", false],
    ];
    for (const [property, url, ok] of urls) {
      it(`${property} ${url}: ${ok ? "accepted" : "refused, naming the rule"}`, async () => {
        const found = await failures({ ...base(), [property]: url });
        if (ok) expect(found).to.deep.equal([]);
        else {
          expect(found).to.have.length(1);
          expect(found[0].property).to.equal(property);
          expect(found[0].reason).to.match(/https:\/\/|absolute URL/);
        }
      });
    }

    it("the grant type and PKCE method are enumerations", async () => {
      expect(await failures({ ...base(), oauthGrantType: "password" })).to.deep.equal([
        { property: "oauthGrantType", reason: "must be one of client_credentials, authorization_code" },
      ]);
      expect(await failures({ ...base(), oauthPkceCodeChallengeMethod: "S512" })).to.deep.equal([
        { property: "oauthPkceCodeChallengeMethod", reason: "must be one of S256, plain" },
      ]);
    });

    it("the client secret is required and never quoted", async () => {
      const { oauthClientSecret: _omitted, ...rest } = base();
      expect(await failures(rest)).to.deep.equal([{ property: "oauthClientSecret", reason: "is required" }]);
      const found = await failures({ ...base(), oauthTokenUrl: OAUTH_CLIENT_SECRET });
      expect(JSON.stringify(found)).not.to.include(OAUTH_CLIENT_SECRET);
    });
  });

  describe("create", () => {
    it("sends the PKCE method under its documented camelCase key, and exposes redirect_url as redirectUrl", async () => {
      let sent: Record<string, unknown> = {};
      const consent = "https://tenant.example.test/oauth2/authorize?state=abc";
      nock(TENANT)
        .post(TINES_BASE, (body) => ((sent = body), true))
        .reply(201, tinesRecord("OAUTH", { redirect_url: consent }));
      const inputs = {
        ...base(),
        oauthGrantType: "authorization_code",
        oauthUrl: "https://login.example.com/authorize",
        oauthPkceCodeChallengeMethod: "S256",
      };
      const { outs } = await oauth.create({ ...PROVIDER, ...inputs });
      expect(sent).to.include({ mode: "OAUTH", oauthPkceCodeChallengeMethod: "S256" });
      expect(sent).not.to.have.property("oauth_pkce_code_challenge_method");
      expect(outs.redirectUrl).to.equal(consent);
    });

    it("an answer without the mode's fields or redirect_url keeps the declared values and has no redirectUrl", async () => {
      nock(TENANT).post(TINES_BASE).reply(201, tinesRecord("OAUTH"));
      const { outs } = await oauth.create({ ...PROVIDER, ...base() });
      expect(outs).to.include({ oauthTokenUrl: base().oauthTokenUrl, oauthClientId: "ci-client" });
      expect(outs).not.to.have.property("redirectUrl");
    });

    it("an answer that does carry the mode's fields does not replace the declared ones (write-only)", async () => {
      nock(TENANT)
        .post(TINES_BASE)
        .reply(201, tinesRecord("OAUTH", { oauth_token_url: "https://elsewhere.example.com/token" }));
      const { outs } = await oauth.create({ ...PROVIDER, ...base() });
      expect(outs.oauthTokenUrl).to.equal(base().oauthTokenUrl);
    });
  });

  describe("read", () => {
    it("an out-of-band change (updated_at moved) drops every write-only field, so the next up sends them again", async () => {
      const stored = { ...base(), credentialId: 101, updatedAt: "2030-01-01T00:00:00Z" };
      nock(TENANT)
        .get(`${TINES_BASE}/101`)
        .reply(200, tinesRecord("OAUTH", { updated_at: "2030-06-01T00:00:00Z" }));
      const { props } = await oauth.read!("101", { ...PROVIDER, ...stored });
      for (const name of [
        "oauthTokenUrl",
        "oauthClientId",
        "oauthClientSecret",
        "oauthScope",
        "oauthGrantType",
      ]) {
        expect(props, name).not.to.have.property(name);
      }
    });

    it("no change since our write: the write-only fields stay", async () => {
      const stored = { ...base(), credentialId: 101, updatedAt: "2030-01-01T00:00:00Z" };
      nock(TENANT)
        .get(`${TINES_BASE}/101`)
        .reply(200, tinesRecord("OAUTH", { updated_at: "2030-01-01T00:00:00Z" }));
      const { props } = await oauth.read!("101", { ...PROVIDER, ...stored });
      expect(props).to.include({
        oauthTokenUrl: base().oauthTokenUrl,
        oauthClientSecret: OAUTH_CLIENT_SECRET,
      });
    });
  });
});
