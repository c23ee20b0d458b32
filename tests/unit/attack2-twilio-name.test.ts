// Second adversarial pass on item 1, Twilio: an empty FriendlyName and none are one value to the
// provider (unset means "", the documented default it clears the name to), and Twilio documents
// friendly_name as `string | null` without saying which it stores for "". The lookup and the
// sibling key must then treat them as one too, or a lost create can miss its own credential (and
// send the create again) or take a sibling's.
import { expect } from "chai";
import nock from "nock";
import { twilioSiblingKey } from "../../provider/twilio/client";
import { netError, twilioCase as c, recordWithId, useHttpSandbox } from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

describe("attack 2: Twilio friendlyName empty vs unset", () => {
  useHttpSandbox();

  it("creates with friendlyName unset and empty are siblings", () => {
    expect(twilioSiblingKey({ friendlyName: "" })).to.equal(twilioSiblingKey({}));
  });

  for (const [declared, stored] of [
    ["", null],
    [undefined, ""],
  ] as const) {
    it(`a lost create with friendlyName ${JSON.stringify(declared)} finds its credential stored with ${JSON.stringify(stored)}: one POST`, async () => {
      let posts = 0;
      const scope = nock(c.origin);
      scope.on("request", (req: { method: string }) => {
        if (req.method === "POST") posts++;
      });
      scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
      scope
        .get(c.createPath)
        .query(c.listQuery)
        .reply(200, c.list([recordWithId(c, c.id, { friendly_name: stored })]));
      const { friendlyName: _name, ...rest } = c.inputs();
      const inputs = declared === undefined ? rest : { ...rest, friendlyName: declared };
      const result = await c.provider.create({ ...PROVIDER, ...inputs });
      expect(result.id).to.equal(c.id);
      expect(posts).to.equal(1);
    });
  }
});
