// A fetch or update of one Twilio credential must answer that credential: another sid's record would
// be recorded under this resource's id (found by the Twilio OpenAPI contract work, issue 13). The
// error names both sids, never a secret.
import { expect } from "chai";
import nock from "nock";
import {
  CREDENTIAL_SID,
  everything,
  OTHER_CREDENTIAL_SID,
  rejection,
  twilioCase as c,
  twilioRecord,
  useHttpSandbox,
  type Env,
  DEFAULT_ENV,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };
/** A real auth token is 32 hex digits, so a sid-shaped answer can carry one. */
const HEX_AUTH_TOKEN = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
const ENV: Env = { ...DEFAULT_ENV, TWILIO_AUTH_TOKEN: HEX_AUTH_TOKEN };

type Call = "read" | "adopt" | "update";
const calls: Record<Call, { mock: (answer: object) => void; run: () => Promise<unknown>; method: string }> = {
  read: {
    mock: (answer) => nock(c.origin).get(c.itemPath(c.id)).reply(200, answer),
    run: () => c.provider.read(c.id, { ...PROVIDER, ...c.inputs(), sid: c.id }),
    method: "GET",
  },
  // The GET's wrong answer stops the adoption before its update is sent.
  adopt: {
    mock: (answer) => nock(c.origin).get(c.itemPath(c.id)).reply(200, answer),
    run: () => c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.id }),
    method: "GET",
  },
  update: {
    mock: (answer) => nock(c.origin).post(c.itemPath(c.id)).reply(200, answer),
    run: () =>
      c.provider.update(c.id, { ...c.inputs(), sid: c.id }, { ...c.inputs(), friendlyName: "renamed" }),
    method: "POST",
  },
};

describe("Twilio: a fetch or update answering another credential is an error", () => {
  useHttpSandbox(ENV);

  for (const [call, { mock, run, method }] of Object.entries(calls)) {
    it(`${call}: another sid is refused, naming both`, async () => {
      mock(twilioRecord({ sid: OTHER_CREDENTIAL_SID }));
      const error = await rejection(run());
      expect(error.message).to.equal(
        `Twilio API ${method} ${c.itemPath(CREDENTIAL_SID)} answered credential ${OTHER_CREDENTIAL_SID}, ` +
          `not ${CREDENTIAL_SID}; the answer was not used`,
      );
    });

    it(`${call}: an answer without a sid is refused`, async () => {
      mock(twilioRecord({ sid: null }));
      expect((await rejection(run())).message).to.match(/answered credential \(no sid\), not CR0123/);
    });

    it(`${call}: a sid-shaped answer holding the auth token is refused without showing it`, async () => {
      mock(twilioRecord({ sid: `CR${HEX_AUTH_TOKEN}` }));
      const error = await rejection(run());
      expect(error.message).to.match(
        /answered credential \(not shown: not a credential sid or holds a secret\)/,
      );
      expect(everything(error)).not.to.include(HEX_AUTH_TOKEN);
    });
  }

  it("read: a sid-shaped answer holding a piece of the credential's own secret is not shown", async () => {
    const hexSecret = "0a1b2c3d4e5f60718293a4b5";
    const inputs = { ...c.inputs(), credentials: `AKIAIOSFODNN7EXAMPLE:${hexSecret}` };
    nock(c.origin)
      .get(c.itemPath(c.id))
      .reply(200, twilioRecord({ sid: `CR${hexSecret}ffffffff` }));
    const error = await rejection(c.provider.read(c.id, { ...PROVIDER, ...inputs, sid: c.id }));
    expect(error.message).to.match(/answered credential \(not shown/);
    expect(everything(error)).not.to.include(hexSecret.slice(0, 8));
  });

  it("read: the same sid with its hex in another case is the credential asked for", async () => {
    const upper = `CR${CREDENTIAL_SID.slice(2).toUpperCase()}`;
    nock(c.origin)
      .get(c.itemPath(upper))
      .reply(200, twilioRecord({ sid: CREDENTIAL_SID }));
    const result = await c.provider.read(upper, { ...PROVIDER, ...c.inputs(), sid: upper });
    expect(result.props?.sid).to.equal(CREDENTIAL_SID);
  });
});
