// A get or update of one Tines credential must answer that credential: a record naming another id would
// be kept under this resource's id (Twilio has the same check on sids, tests/unit/twilio-sid.test.ts).
// The error names both ids, never a secret. An answer without an id is taken: Tines documents every
// response field as optional.
import { expect } from "chai";
import nock from "nock";
import {
  everything,
  recordWithId,
  rejection,
  ResourceCase,
  TINES_API_KEY,
  TINES_CASES,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

type Call = "read" | "adopt" | "update";
function calls(c: ResourceCase) {
  const stored = { ...PROVIDER, ...c.inputs(), id: c.rawId(c.id) };
  return {
    read: {
      mock: (answer: object) => nock(c.origin).get(c.itemPath(c.id)).reply(200, answer),
      run: () => c.provider.read(c.id, stored),
      method: "GET",
    },
    // The GET's wrong answer stops the adoption before its update is sent.
    adopt: {
      mock: (answer: object) => nock(c.origin).get(c.itemPath(c.id)).reply(200, answer),
      run: () => c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.id }),
      method: "GET",
    },
    update: {
      mock: (answer: object) => nock(c.origin).put(c.itemPath(c.id)).reply(200, answer),
      run: () => c.provider.update(c.id, stored, { ...c.inputs(), name: "renamed" }),
      method: "PUT",
    },
  } satisfies Record<Call, { mock: (answer: object) => void; run: () => Promise<unknown>; method: string }>;
}

describe("Tines: a get or update answering another credential is an error", () => {
  useHttpSandbox();

  for (const c of TINES_CASES) {
    for (const [call, { mock, run, method }] of Object.entries(calls(c))) {
      it(`${c.title} ${call}: another id is refused, naming both`, async () => {
        mock(recordWithId(c, c.otherId));
        const error = await rejection(run());
        expect(error.message).to.equal(
          `Tines API ${method} ${c.itemPath(c.id)} answered credential ${c.otherId}, not ${c.id}; ` +
            `the answer was not used`,
        );
      });
    }
  }

  const [c] = TINES_CASES;
  const { read, update } = calls(c);

  it("read: an id that is not an integer id, here the API key, is refused without showing it", async () => {
    read.mock(c.record({ id: TINES_API_KEY }));
    const error = await rejection(read.run());
    expect(error.message).to.match(/answered credential \(not shown: not a credential id\), not 101/);
    expect(everything(error)).not.to.include(TINES_API_KEY);
  });

  it("read and update: an answer without an id is the credential asked for", async () => {
    const { id: _id, ...withoutId } = c.record();
    read.mock(withoutId);
    const readBack = (await read.run()) as { id?: string; props?: Record<string, unknown> };
    expect(readBack.id).to.equal(c.id);
    update.mock(withoutId);
    const updated = (await update.run()) as { outs?: Record<string, unknown> };
    expect(updated.outs?.name).to.equal("ci-token");
  });

  it("read: the id answered as a string of the same digits is the credential asked for", async () => {
    read.mock(c.record({ id: c.id }));
    const readBack = (await read.run()) as { id?: string };
    expect(readBack.id).to.equal(c.id);
  });

  it("read: an id asked with leading zeros, answered without them, is the credential asked for", async () => {
    const padded = `00${c.id}`;
    nock(c.origin).get(c.itemPath(padded)).reply(200, c.record());
    const readBack = (await c.provider.read(padded, { ...PROVIDER, ...c.inputs(), id: c.rawId(c.id) })) as {
      id?: string;
    };
    expect(readBack.id).to.equal(padded);
  });
});
