// Second adversarial pass on item 14 and secrets: list walks fed lying paging metadata.
import { expect } from "chai";
import nock from "nock";
import {
  netError,
  rejection,
  TWILIO_AUTH_TOKEN,
  TWILIO_BASE,
  TWILIO_URL,
  twilioCase,
  twilioList,
  twilioRecord,
  useHttpSandbox,
  everything,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

describe("attack 2: lying paging metadata", () => {
  useHttpSandbox();

  it("Twilio: an unparseable next_page_url quoting the auth token is not kept anywhere in the error (cause included)", async () => {
    const scope = nock(TWILIO_URL);
    scope.post(TWILIO_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));
    scope
      .get(TWILIO_BASE)
      .query({ PageSize: "1000", Page: "0" })
      .reply(
        200,
        twilioList([twilioRecord({ friendly_name: "other" })], {
          next_page_url: `http://[${TWILIO_AUTH_TOKEN}/v1/Credentials/AWS?Page=1`,
        }),
      );
    const error = await rejection(twilioCase.provider.create({ ...PROVIDER, ...twilioCase.inputs() }));
    expect(error.message).to.match(/looking it up failed/);
    const text = everything(error);
    for (const secret of [TWILIO_AUTH_TOKEN, ...twilioCase.secretValues()]) {
      expect(text.includes(secret), "a secret in the inspected error").to.equal(false);
    }
  });
});
