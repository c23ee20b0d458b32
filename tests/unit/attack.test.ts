// Adversarial checks of the hardening of issue 9: a hostile server echoing secrets where the
// redaction did not look, answers too large to hold, hostile settings. Each test names the defect.
import { expect } from "chai";
import * as zlib from "zlib";
import nock from "nock";
import { showsSecretPiece } from "../../provider/core/http";
import {
  ALL_CASES,
  netError,
  rejection,
  TINES_API_KEY,
  TINES_BASE,
  TWILIO_AUTH_TOKEN,
  TWILIO_BASE,
  TWILIO_URL,
  twilioCase,
  twilioList,
  twilioRecord,
  textCase,
  useHttpSandbox,
  everything,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

/** Fails when `text` shows any secret, raw or in any spelling, or any 8-character piece of one. */
function expectNothingOf(text: string, secrets: string[]): void {
  for (const secret of secrets) expect(text, "a secret leaked").not.to.include(secret);
  expect(showsSecretPiece(text, secrets), `a piece of a secret leaked:\n${text}`).to.equal(false);
}

describe("attack: a hostile server echoing secrets", () => {
  useHttpSandbox();

  for (const c of ALL_CASES) {
    it(`${c.title}: a lost create whose lookup fails with a body quoting the secret does not show it`, async () => {
      const scope = nock(c.origin);
      // A 500 to a create is an uncertain outcome: the provider looks the credential up.
      scope.post(c.createPath).reply(500, "internal error");
      scope
        .get(c.createPath)
        .query(c.listQuery)
        .reply(500, `list failed while indexing the new record: ${c.secretValues().join(" ")}`);
      const error = await rejection(c.provider.create({ ...PROVIDER, ...c.inputs() }));
      expect(error.message).to.match(/looking it up failed/);
      expectNothingOf(everything(error), c.secretValues());
    });
  }

  it("Twilio: a next_page_url carrying the auth token is not shown in the lookup's error", async () => {
    const scope = nock(TWILIO_URL);
    scope.post(TWILIO_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));
    const next = `${TWILIO_BASE}?PageSize=1000&Page=1&PageToken=${TWILIO_AUTH_TOKEN}`;
    scope
      .get(TWILIO_BASE)
      .query({ PageSize: "1000", Page: "0" })
      .reply(200, twilioList([twilioRecord({ friendly_name: "other" })], { next_page_url: next }));
    scope
      .get(TWILIO_BASE)
      .query({ PageSize: "1000", Page: "1", PageToken: TWILIO_AUTH_TOKEN })
      .reply(403, { message: "forbidden" });
    const error = await rejection(twilioCase.provider.create({ ...PROVIDER, ...twilioCase.inputs() }));
    expect(error.message).to.match(/looking it up failed/);
    expectNothingOf(everything(error), [TWILIO_AUTH_TOKEN, ...twilioCase.secretValues()]);
  });

  it("an error body quoting the secret in upper case is withheld (hex and base32 secrets survive a case change)", async () => {
    nock(textCase.origin)
      .post(textCase.createPath)
      .reply(422, { message: `Value ${textCase.secretValues()[0].toUpperCase()} is not allowed` });
    const error = await rejection(textCase.provider.create({ ...PROVIDER, ...textCase.inputs() }));
    expect(error.message).to.include("HTTP 422");
    expect(error.message).not.to.include(textCase.secretValues()[0].toUpperCase().slice(0, 12));
  });

  it("a gzip bomb answering a read is refused at a bounded size, naming the limit", async function () {
    this.timeout(60_000);
    // 64 MB of spaces inside a valid JSON object, about 64 KB on the wire.
    const padding = Buffer.alloc(64 * 1024 * 1024, 0x20);
    const json = Buffer.concat([
      Buffer.from('{"id":101,"name":"ci-token","mode":"TEXT","x":"'),
      padding,
      Buffer.from('"}'),
    ]);
    const gzipped = zlib.gzipSync(json, { level: 9 });
    // Once: the same answer would come again, so it is not asked for again.
    nock(textCase.origin)
      .get(`${TINES_BASE}/101`)
      .reply(200, gzipped, { "Content-Encoding": "gzip", "Content-Type": "application/json" });
    const error = await rejection(textCase.provider.read("101", { ...PROVIDER, ...textCase.inputs() }));
    expect(error.message).to.match(/more than \d+ bytes \(MAX_RESPONSE_BYTES\)/);
    expect(error.message).not.to.include(TINES_API_KEY);
  });
});
