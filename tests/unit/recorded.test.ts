// Replays of Tines' recorded answers (create, get, update, list; see fixtures/tines-recorded.ts) and
// the lost-create lookup's paging against real and hostile list answers, for Tines and Twilio.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import {
  recordedCredential,
  recordedGet,
  recordedLastPage,
  recordedUpdate,
  RECORDED_CREATED_AT,
  RECORDED_EXTERNAL_ID,
  RECORDED_UPDATED_AT_AFTER_PUT,
} from "./fixtures/tines-recorded";
import {
  AWS_ACCESS_KEY_ID,
  jsonBody,
  netError,
  rejection,
  TENANT,
  TEXT_VALUE,
  TINES_AWS_SECRET,
  TINES_BASE,
  twilioCase,
  TWILIO_BASE,
  TWILIO_URL,
  twilioList,
  twilioRecord,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };
const text = providers.tinesTextCredential;
const aws = providers.tinesAwsCredential;
const TEXT_INPUTS = { name: "Test", teamId: 1, value: TEXT_VALUE };
const AWS_INPUTS = {
  name: "Test",
  teamId: 1,
  awsAuthenticationType: "KEY",
  awsAccessKey: AWS_ACCESS_KEY_ID,
  awsSecretKey: TINES_AWS_SECRET,
};
/** The documented page size the lookup asks for, and the most pages it reads. */
const PER_PAGE = 500;
const MAX_PAGES = 20;
const OLD = "2025-01-01T00:00:00Z";

/** Counts requests by method on one origin. */
function counting(origin: string): { scope: nock.Scope; count: (method: string) => number } {
  const counts = new Map<string, number>();
  const scope = nock(origin);
  scope.on("request", (req: { method: string }) => counts.set(req.method, (counts.get(req.method) ?? 0) + 1));
  return { scope, count: (method) => counts.get(method) ?? 0 };
}

/** The `page` a Tines list request asked for. */
const pageOf = (uri: string) => Number(new URL(uri, TENANT).searchParams.get("page"));

/** A Tines list page of a list with `pages` pages, as the API answers it (URLs in meta). */
function tinesPage(page: number, pages: number, items: Record<string, unknown>[]) {
  const url = (n: number) => `${TENANT}${TINES_BASE}?team_id=1&per_page=${PER_PAGE}&page=${n}`;
  return {
    user_credentials: items,
    meta: {
      current_page: url(page),
      previous_page: page > 1 ? url(page - 1) : null,
      next_page: page < pages ? url(page + 1) : null,
      next_page_number: page < pages ? page + 1 : 1,
      per_page: PER_PAGE,
      pages,
      count: pages * PER_PAGE,
    },
  };
}

/** A same-team TEXT credential of another name, created at `createdAt`. */
const other = (id: number, createdAt: string) =>
  recordedCredential("TEXT", { id, name: `other-${id}`, slug: `other_${id}`, created_at: createdAt });
/** The credential the lost create made: the recorded shape, created just now. */
const ours = (id: number) => recordedCredential("TEXT", { id, created_at: new Date().toISOString() });

async function diffAfter(provider: typeof text, id: string, outs: Record<string, unknown>, inputs: object) {
  const checked = await provider.check({}, { ...PROVIDER, ...inputs });
  expect(checked.failures ?? []).to.deep.equal([]);
  return provider.diff(id, { ...PROVIDER, ...outs }, checked.inputs as Record<string, unknown>);
}

describe("Tines recorded answers, replayed", () => {
  useHttpSandbox();

  for (const [title, provider, mode, inputs] of [
    ["TEXT", text, "TEXT", TEXT_INPUTS],
    ["AWS (KEY)", aws, "AWS", AWS_INPUTS],
  ] as const) {
    it(`create ${title} answered 200 with the recorded record: outputs mapped, no diff next time`, async () => {
      const { scope, count } = counting(TENANT);
      let sent: Record<string, unknown> = {};
      scope.post(TINES_BASE).reply(200, (_uri, body) => {
        sent = jsonBody(body);
        return recordedCredential(mode);
      });
      const { id, outs } = await provider.create({ ...PROVIDER, ...inputs });
      expect(count("POST")).to.equal(1);
      expect(sent).to.include({ name: "Test", team_id: 1, mode });
      expect(id).to.equal("1");
      expect(outs).to.include({
        credentialId: 1,
        slug: "test",
        mode,
        folderId: null,
        readAccess: "TEAM",
        restrictionType: "RESTRICTED",
        createdAt: RECORDED_CREATED_AT,
        testCredentialEnabled: false,
        testCredential: null,
      });
      if (mode === "AWS") {
        expect(outs).to.include({
          awsAuthenticationType: "KEY",
          awsAssumedRoleExternalId: RECORDED_EXTERNAL_ID,
        });
      }
      const diff = await diffAfter(provider, id, outs, inputs);
      expect(diff, JSON.stringify(diff)).to.deep.include({ changes: false, replaces: [] });
    });
  }

  it("get: the recorded answer (no test_credential key) reads back with the secret kept, no diff", async () => {
    const { scope, count } = counting(TENANT);
    scope.post(TINES_BASE).reply(200, recordedCredential("TEXT"));
    scope.get(`${TINES_BASE}/1`).reply(200, recordedGet("TEXT"));
    const { id, outs } = await text.create({ ...PROVIDER, ...TEXT_INPUTS });
    const read = await text.read(id, { ...PROVIDER, ...outs });
    expect(count("GET")).to.equal(1);
    expect(read.id).to.equal("1");
    expect(read.props).to.include({ value: TEXT_VALUE, updatedAt: RECORDED_CREATED_AT, slug: "test" });
    const diff = await diffAfter(text, id, read.props ?? {}, TEXT_INPUTS);
    expect(diff, JSON.stringify(diff)).to.deep.include({ changes: false, replaces: [] });
  });

  it("update: a new value is sent in one PUT; the recorded answer maps, and the next diff is empty", async () => {
    const { scope, count } = counting(TENANT);
    let sent: Record<string, unknown> = {};
    scope.post(TINES_BASE).reply(200, recordedCredential("TEXT"));
    scope.put(`${TINES_BASE}/1`).reply(200, (_uri, body) => {
      sent = jsonBody(body);
      return recordedUpdate("TEXT");
    });
    const created = await text.create({ ...PROVIDER, ...TEXT_INPUTS });
    const next = { ...TEXT_INPUTS, value: "new-text-secret-Pp4Qq" };
    const diff = await diffAfter(text, created.id, created.outs, next);
    expect(diff.changes).to.equal(true);
    const { outs } = await text.update(
      created.id,
      { ...PROVIDER, ...created.outs },
      { ...PROVIDER, ...next },
    );
    expect(count("PUT")).to.equal(1);
    expect(sent).to.include({ mode: "TEXT", value: "new-text-secret-Pp4Qq" });
    expect(outs).to.include({ updatedAt: RECORDED_UPDATED_AT_AFTER_PUT, value: "new-text-secret-Pp4Qq" });
    const after = await diffAfter(text, created.id, outs ?? {}, next);
    expect(after, JSON.stringify(after)).to.deep.include({ changes: false, replaces: [] });
  });

  it("list: a lost create looked up against the recorded last page makes exactly one list request", async () => {
    // Whatever page is asked for, this server answers the recorded single last page (as a replay
    // server or a server ignoring `page` would): next_page null, next_page_number 1.
    const { scope, count } = counting(TENANT);
    scope.post(TINES_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));
    scope
      .persist()
      .get(TINES_BASE)
      .query(true)
      .reply(200, () => recordedLastPage([ours(1)]));
    const { id } = await text.create({ ...PROVIDER, ...TEXT_INPUTS });
    expect(id).to.equal("1");
    expect(count("POST")).to.equal(1);
    expect(count("GET")).to.equal(1);
  });
});

describe("lost-create lookup paging", () => {
  useHttpSandbox();

  const lostCreate = (scope: nock.Scope) =>
    scope.post(TINES_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));

  it("Tines: a record seen on two pages (the list shifted between reads) counts once, not as two matches", async () => {
    const { scope, count } = counting(TENANT);
    lostCreate(scope);
    const pages: Record<number, Record<string, unknown>[]> = {
      1: [other(1, OLD), ours(7)],
      2: [ours(7), other(8, new Date().toISOString())],
    };
    scope
      .get(TINES_BASE)
      .query(true)
      .times(3)
      .reply(200, (uri) => tinesPage(pageOf(uri), 2, pages[pageOf(uri)]));
    const { id } = await text.create({ ...PROVIDER, ...TEXT_INPUTS });
    expect(id).to.equal("7");
    expect(count("POST")).to.equal(1);
    // Page 1, the last page, and page 1 again (a deletion during the walk moves records down a page).
    expect(count("GET")).to.equal(3);
  });

  it("Tines: reads page 1, then from the last page back, and stops once the created_at order proves the rest older", async () => {
    const { scope } = counting(TENANT);
    lostCreate(scope);
    const asked: number[] = [];
    scope
      .get(TINES_BASE)
      .query(true)
      .times(2)
      .reply(200, (uri) => {
        const page = pageOf(uri);
        asked.push(page);
        const items = page === 50 ? [other(24_501, OLD), ours(24_502)] : [other(1, OLD)];
        return tinesPage(page, 50, items);
      });
    const { id } = await text.create({ ...PROVIDER, ...TEXT_INPUTS });
    expect(id).to.equal("24502");
    expect(asked).to.deep.equal([1, 50]);
  });

  it(`Tines: more than ${MAX_PAGES} pages with nothing proving the rest older: an error naming the bound, no second create`, async () => {
    const { scope, count } = counting(TENANT);
    lostCreate(scope);
    const asked: number[] = [];
    scope
      .get(TINES_BASE)
      .query(true)
      .times(MAX_PAGES)
      .reply(200, (uri) => {
        const page = pageOf(uri);
        asked.push(page);
        // Recent records of other names everywhere: no page can be ruled out by age.
        return tinesPage(page, 50, [other(page, new Date().toISOString())]);
      });
    const error = await rejection(text.create({ ...PROVIDER, ...TEXT_INPUTS }));
    expect(error.message).to.include("may have been created");
    expect(error.message).to.include(`reads at most ${MAX_PAGES} pages`);
    expect(error.message).to.include("50 pages of 500");
    expect(error.message).to.include("pages 2 to 31 were not read");
    expect(count("POST")).to.equal(1);
    expect(asked).to.deep.equal([1, ...Array.from({ length: MAX_PAGES - 1 }, (_, i) => 50 - i)]);
  });

  it(`Tines: exactly ${MAX_PAGES} pages are all read and a match on page 2 is found`, async () => {
    const { scope, count } = counting(TENANT);
    lostCreate(scope);
    scope
      .get(TINES_BASE)
      .query(true)
      .times(MAX_PAGES + 1)
      .reply(200, (uri) => {
        const page = pageOf(uri);
        return tinesPage(page, MAX_PAGES, page === 2 ? [ours(2)] : [other(page, new Date().toISOString())]);
      });
    const { id } = await text.create({ ...PROVIDER, ...TEXT_INPUTS });
    expect(id).to.equal("2");
    expect(count("GET")).to.equal(MAX_PAGES + 1);
  });

  it("Tines: a server answering another page than asked for is a clear error, never 'nothing created'", async () => {
    const { scope, count } = counting(TENANT);
    lostCreate(scope);
    scope
      .get(TINES_BASE)
      .query(true)
      .times(2)
      .reply(200, () => tinesPage(1, 3, [other(1, OLD)]));
    const error = await rejection(text.create({ ...PROVIDER, ...TEXT_INPUTS }));
    expect(error.message).to.include("page 3 was answered with page 1");
    expect(count("POST")).to.equal(1);
  });

  it("Tines: an answer without meta is one page; a next page without a page count is an error", async () => {
    const first = counting(TENANT);
    lostCreate(first.scope);
    first.scope
      .get(TINES_BASE)
      .query(true)
      .reply(200, { user_credentials: [ours(5)] });
    expect((await text.create({ ...PROVIDER, ...TEXT_INPUTS })).id).to.equal("5");
    expect(first.count("GET")).to.equal(1);

    const second = counting(TENANT);
    lostCreate(second.scope);
    const page = tinesPage(1, 2, []);
    second.scope
      .get(TINES_BASE)
      .query(true)
      .reply(200, { ...page, meta: { ...page.meta, pages: "many" } });
    const error = await rejection(text.create({ ...PROVIDER, ...TEXT_INPUTS }));
    expect(error.message).to.include("meta.pages is not a whole number");
    expect(second.count("POST")).to.equal(1);
  });

  const twilioLost = (scope: nock.Scope) =>
    scope.post(TWILIO_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));
  const twilioPageUrl = (n: number) => `${TWILIO_URL}${TWILIO_BASE}?PageSize=1000&Page=${n}&PageToken=PA${n}`;

  it("Twilio: a next_page_url pointing back at a page already read ends the walk; a sid is counted once", async () => {
    const { scope, count } = counting(TWILIO_URL);
    twilioLost(scope);
    scope
      .get(TWILIO_BASE)
      .query({ PageSize: "1000", Page: "0" })
      .reply(200, twilioList([twilioRecord()], { next_page_url: twilioPageUrl(1) }));
    // Page 1 repeats our credential and points back at itself.
    scope
      .get(TWILIO_BASE)
      .query({ PageSize: "1000", Page: "1", PageToken: "PA1" })
      .reply(200, twilioList([twilioRecord()], { page: 1, next_page_url: twilioPageUrl(1) }));
    const { id } = await twilioCase.provider.create({ ...PROVIDER, ...twilioCase.inputs() });
    expect(id).to.equal(twilioCase.id);
    expect(count("GET")).to.equal(2);
    expect(count("POST")).to.equal(1);
  });

  it(`Twilio: more than ${MAX_PAGES} pages: an error naming the bound, no second create`, async () => {
    const { scope, count } = counting(TWILIO_URL);
    twilioLost(scope);
    scope
      .get(TWILIO_BASE)
      .query(true)
      .times(MAX_PAGES)
      .reply(200, (uri) => {
        const n = Number(new URL(uri, TWILIO_URL).searchParams.get("Page"));
        const sid = `CR${String(n).padStart(32, "0")}`;
        return twilioList([twilioRecord({ sid, friendly_name: `other-${n}` })], {
          page: n,
          next_page_url: twilioPageUrl(n + 1),
        });
      });
    const error = await rejection(twilioCase.provider.create({ ...PROVIDER, ...twilioCase.inputs() }));
    expect(error.message).to.include("may have been created");
    expect(error.message).to.include(`more than ${MAX_PAGES} pages of 1000`);
    expect(count("GET")).to.equal(MAX_PAGES);
    expect(count("POST")).to.equal(1);
  });
});
