// A lost create's lookup must never claim a credential that belongs to another resource: one with
// the same name created earlier in this run (known to this provider process), one whose create was
// still in flight, or one created before our request by the server's own clock. And a resource
// adopted with adoptId refuses a replacement that would re-adopt and then delete its credential.
import { expect } from "chai";
import nock from "nock";
import { ALL_CASES, netError, recordWithId, rejection, startNewRun, useHttpSandbox } from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

describe("create: a lost answer never claims another resource's credential", () => {
  useHttpSandbox();

  for (const c of ALL_CASES) {
    describe(c.title, () => {
      const create = () => c.provider.create({ ...PROVIDER, ...c.inputs() });
      const found = (id: string, extra: Record<string, unknown> = {}) => recordWithId(c, id, extra);

      it("skips a same-named credential this process already created, and sends the create again", async () => {
        const scope = nock(c.origin);
        scope.post(c.createPath).reply(201, found(c.otherId));
        expect((await create()).id, "the twin").to.equal(c.otherId);

        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .reply(200, c.list([found(c.otherId)]));
        scope.post(c.createPath).reply(201, found(c.id));
        const result = await create();
        expect(result.id, "not the twin's id").to.equal(c.id);
      });

      it("waits for a sibling create in flight, then skips the credential it claimed", async () => {
        const scope = nock(c.origin);
        // The sibling's answer arrives late; our create is reset at once.
        scope.post(c.createPath).delay(150).reply(201, found(c.otherId));
        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .reply(200, c.list([found(c.otherId)]));
        scope.post(c.createPath).reply(201, found(c.id));
        const sibling = create();
        await new Promise((resolve) => setTimeout(resolve, 20));
        const ours = create();
        const [a, b] = await Promise.all([sibling, ours]);
        expect(a.id).to.equal(c.otherId);
        expect(b.id, "ours must not take the sibling's credential").to.equal(c.id);
      });

      it("ignores a credential created before the request by the server's clock (Date header)", async () => {
        const scope = nock(c.origin);
        const serverNow = new Date();
        const before = new Date(serverNow.getTime() - 60_000).toISOString();
        const createdField = c.service === "Tines" ? "created_at" : "date_created";
        // Any earlier answer teaches the provider the server's clock.
        scope.get(c.itemPath(c.otherId)).reply(200, found(c.otherId), { Date: serverNow.toUTCString() });
        await c.provider.read(c.otherId, { ...PROVIDER, ...c.inputs() });
        // forget the id read above: only the clock should exclude the older credential
        startNewRun();

        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .reply(200, c.list([found(c.otherId, { [createdField]: before })]), {
            Date: serverNow.toUTCString(),
          });
        scope.post(c.createPath).reply(201, found(c.id));
        expect((await create()).id).to.equal(c.id);
      });
    });
  }
});

describe("diff: an adopted credential cannot be replaced while adoptId names it", () => {
  for (const c of ALL_CASES) {
    it(`${c.title}: a replacing change with adoptId unchanged is refused with a clear error`, async () => {
      const adopted = { ...c.inputs(), adoptId: c.service === "Tines" ? Number(c.id) : c.id };
      const replacing =
        c.service === "Tines"
          ? { ...adopted, teamId: 3 }
          : { ...adopted, credentials: "AKIANEWKEYEXAMPLE0:new-secret-access-key" };
      const error = await rejection(Promise.resolve().then(() => c.provider.diff(c.id, adopted, replacing)));
      expect(error.message).to.match(/adoptId still names this one/);
      expect(error.message).to.include(c.service === "Tines" ? "teamId" : "credentials");
      expect(error.message, "no secret in the message").not.to.include("new-secret-access-key");
    });

    it(`${c.title}: an in-place change with adoptId unchanged is fine`, async () => {
      const adopted = { ...c.inputs(), adoptId: c.service === "Tines" ? Number(c.id) : c.id };
      const change = c.service === "Tines" ? { description: "new" } : { friendlyName: "renamed" };
      const result = await c.provider.diff(c.id, adopted, { ...adopted, ...change });
      expect(result).to.include({ changes: true });
      expect(result.replaces).to.deep.equal([]);
    });
  }
});
