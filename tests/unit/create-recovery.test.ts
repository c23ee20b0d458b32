// create when things go wrong: a lost answer is resolved by looking the credential up (never by a
// blind retry), throttling and refused connections are retried, client errors are not, and an
// answer of the wrong kind becomes a partially created resource instead of an orphan.
import { expect } from "chai";
import nock from "nock";
import { TIMEOUT_MS_RANGE } from "../../provider/core/config";
import { PartialCreateError } from "../../provider/core/lifecycle";
import {
  ALL_CASES,
  AWS_ACCESS_KEY_ID,
  expectNoSecrets,
  netError,
  rejection,
  ResourceCase,
  TENANT,
  TINES_BASE,
  tinesList,
  tinesRecord,
  TWILIO_BASE,
  TWILIO_URL,
  twilioList,
  twilioRecord,
  twilioCase,
  textCase,
  recordWithId,
  staleRecordWithId,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

/** A scope on the case's origin that counts the create requests it answers. */
function scopeFor(c: ResourceCase): { scope: nock.Scope; posts: () => number; gets: () => number } {
  let posts = 0;
  let gets = 0;
  const scope = nock(c.origin);
  scope.on("request", (req: { method: string }) => {
    if (req.method === "POST") posts++;
    if (req.method === "GET") gets++;
  });
  return { scope, posts: () => posts, gets: () => gets };
}

/** The shortest timeout the settings accept, so these tests wait as little as allowed. */
const SHORTEST_TIMEOUT_MS = TIMEOUT_MS_RANGE.min;

function timeoutVar(c: ResourceCase): "TINES_TIMEOUT_MS" | "TWILIO_TIMEOUT_MS" {
  return c.service === "Tines" ? "TINES_TIMEOUT_MS" : "TWILIO_TIMEOUT_MS";
}

describe("create: lost answers, retries and errors", () => {
  useHttpSandbox();

  for (const c of ALL_CASES) {
    describe(c.title, () => {
      const create = () => c.provider.create({ ...PROVIDER, ...c.inputs() });
      const found = (id: string, extra: Record<string, unknown> = {}) => recordWithId(c, id, extra);

      it("connection reset, the lookup finds one: it is adopted, exactly one POST", async () => {
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .reply(200, c.list([found(c.id)]));
        const result = await create();
        expect(result.id).to.equal(c.id);
        expect(result.outs).to.deep.include(c.inputs());
        expect(posts()).to.equal(1);
      });

      it("connection reset, the lookup finds none: the create is sent once more", async () => {
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope.get(c.createPath).query(c.listQuery).reply(200, c.list([]));
        scope.post(c.createPath).reply(201, found(c.otherId));
        const result = await create();
        expect(result.id).to.equal(c.otherId);
        expect(posts()).to.equal(2);
      });

      it("connection reset twice with nothing found: an error, not a third POST", async () => {
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).twice().replyWithError(netError("ECONNRESET", "socket hang up"));
        scope.get(c.createPath).query(c.listQuery).twice().reply(200, c.list([]));
        const error = await rejection(create());
        expect(error.message)
          .to.include(c.createPath)
          .and.match(/adoptId/);
        expect(posts()).to.equal(2);
      });

      it("connection reset, the lookup finds two: an error listing both ids", async () => {
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .reply(200, c.list([found(c.id), found(c.otherId)]));
        const error = await rejection(create());
        expect(error.message)
          .to.include(c.id)
          .and.include(c.otherId)
          .and.match(/adoptId/);
        expect(posts()).to.equal(1);
      });

      it("the lookup ignores credentials of another name or created long ago", async () => {
        const { scope, posts } = scopeFor(c);
        const old = new Date(Date.now() - 24 * 3600_000).toISOString();
        const decoys =
          c.service === "Tines"
            ? [
                found("900", { name: "another-name" }),
                found("901", { created_at: old }),
                found("902", { mode: c.key === "tinesTextCredential" ? "JWT" : "TEXT" }),
              ]
            : [
                found("CR9999999999999999999999999999999a", { friendly_name: "another-name" }),
                found("CR9999999999999999999999999999999b", { date_created: old }),
              ];
        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope.get(c.createPath).query(c.listQuery).reply(200, c.list(decoys));
        scope.post(c.createPath).reply(201, found(c.otherId));
        expect((await create()).id).to.equal(c.otherId);
        expect(posts()).to.equal(2);
      });

      it("no answer within the timeout: an error naming the path and adoption, no second POST", async () => {
        process.env[timeoutVar(c)] = String(SHORTEST_TIMEOUT_MS);
        const { scope, posts } = scopeFor(c);
        scope
          .post(c.createPath)
          .delay(SHORTEST_TIMEOUT_MS + 1000)
          .reply(201, found(c.id));
        scope.get(c.createPath).query(c.listQuery).reply(200, c.list([]));
        const error = await rejection(create());
        expect(error.message).to.include(`POST ${c.createPath}`).and.match(/adopt/);
        expect(error.message).to.include(`${SHORTEST_TIMEOUT_MS} ms`);
        expect(posts()).to.equal(1);
      });

      it("no answer within the timeout, but the lookup finds it: adopted", async () => {
        process.env[timeoutVar(c)] = String(SHORTEST_TIMEOUT_MS);
        const { scope, posts } = scopeFor(c);
        scope
          .post(c.createPath)
          .delay(SHORTEST_TIMEOUT_MS + 1000)
          .reply(201, found(c.id));
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .reply(200, c.list([found(c.id)]));
        expect((await create()).id).to.equal(c.id);
        expect(posts()).to.equal(1);
      });

      for (const [status, text] of [
        [502, "Bad Gateway"],
        [500, "Internal Server Error"],
      ] as const) {
        it(`${status} on create takes the lookup path (found: adopted, one POST)`, async () => {
          const { scope, posts } = scopeFor(c);
          scope.post(c.createPath).reply(status, text);
          scope
            .get(c.createPath)
            .query(c.listQuery)
            .reply(200, c.list([found(c.id)]));
          expect((await create()).id).to.equal(c.id);
          expect(posts()).to.equal(1);
        });
      }

      it("504 on create with nothing found yet is not re-sent (the server may still be creating it)", async () => {
        // A gateway timeout means the origin did not answer in time: like our own timeout, an
        // empty lookup proves nothing, and a second POST may create a duplicate.
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).reply(504, "Gateway Timeout");
        scope.get(c.createPath).query(c.listQuery).reply(200, c.list([]));
        scope.post(c.createPath).optionally().reply(201, found(c.otherId));
        const error = await rejection(create());
        expect(error.message).to.include(c.createPath).and.match(/504/).and.match(/adopt/);
        expect(posts()).to.equal(1);
      });

      it("ETIMEDOUT after sending, nothing found yet: not re-sent (the server may still be creating it)", async () => {
        // Keep-alive probes unanswered for about 11 s while the service worked: the connection is dead,
        // the request may still complete behind it, and an empty lookup proves nothing.
        const { scope, posts } = scopeFor(c);
        const probesUnanswered = Object.assign(netError("ETIMEDOUT", "read ETIMEDOUT"), { syscall: "read" });
        scope.post(c.createPath).replyWithError(probesUnanswered);
        scope.get(c.createPath).query(c.listQuery).reply(200, c.list([]));
        scope.post(c.createPath).optionally().reply(201, found(c.otherId));
        const error = await rejection(create());
        expect(error.message)
          .to.include("ETIMEDOUT")
          .and.match(/may still create it/)
          .and.match(/adopt/);
        expect(posts()).to.equal(1);
      });

      it("the lookup failing too: an error saying so, pointing at adoption", async () => {
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope.get(c.createPath).query(c.listQuery).reply(403, { message: "forbidden list" });
        const error = await rejection(create());
        expect(error.message)
          .to.match(/looking it up failed/)
          .and.match(/forbidden list/)
          .and.match(/adoptId/);
        expect(posts()).to.equal(1);
      });

      it("429 with Retry-After, then 201: retried, one credential, no lookup", async () => {
        const { scope, posts, gets } = scopeFor(c);
        scope
          .post(c.createPath)
          .reply(429, { code: 20429, message: "Too many requests" }, { "Retry-After": "0" });
        scope.post(c.createPath).reply(201, found(c.id));
        expect((await create()).id).to.equal(c.id);
        expect(posts()).to.equal(2);
        expect(gets()).to.equal(0);
      });

      it("503, then 201: retried", async () => {
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).reply(503, "Service Unavailable", { "Retry-After": "0" });
        scope.post(c.createPath).reply(201, found(c.id));
        expect((await create()).id).to.equal(c.id);
        expect(posts()).to.equal(2);
      });

      it("429 on every attempt: gives up after 1 + maxRetries attempts with a clear error", async () => {
        const { scope, posts } = scopeFor(c);
        scope.post(c.createPath).times(3).reply(429, { message: "slow down" }, { "Retry-After": "0" });
        const error = await rejection(create());
        expect(error.message)
          .to.include(`POST ${c.createPath}`)
          .and.match(/HTTP 429/)
          .and.match(/3 attempts/);
        expect(posts()).to.equal(3);
      });

      it("connection refused (never sent): retried", async () => {
        const { scope, posts, gets } = scopeFor(c);
        // Raised by connect() on a new socket (Node sets syscall), so the request was never written.
        scope
          .post(c.createPath)
          .replyWithError(
            Object.assign(netError("ECONNREFUSED", "connect ECONNREFUSED"), { syscall: "connect" }),
          );
        scope.post(c.createPath).reply(201, found(c.id));
        expect((await create()).id).to.equal(c.id);
        expect(posts()).to.equal(2);
        expect(gets()).to.equal(0);
      });

      it("400 and 422 are not retried", async () => {
        for (const status of [400, 422]) {
          const { scope, posts } = scopeFor(c);
          scope.post(c.createPath).reply(status, { message: "Invalid thing" });
          const error = await rejection(create());
          expect(error.message).to.include(`POST ${c.createPath}`).and.include(`HTTP ${status}`);
          expect(error.message).to.include("Invalid thing");
          expect(posts()).to.equal(1);
        }
      });

      it("an answer of the wrong kind: PartialCreateError carrying id and properties with __provider", async () => {
        nock(c.origin).post(c.createPath).reply(201, c.mismatchedRecord());
        const error = await rejection(c.provider.create({ ...PROVIDER, ...c.mismatchedInputs() }));
        expect(error).to.be.instanceOf(PartialCreateError);
        expect(error.id).to.equal(c.id);
        const properties = error.properties as Record<string, unknown>;
        expect(properties.__provider).to.equal(PROVIDER.__provider);
        // No secret: the next run sees it as a change and sends it (see create.test.ts).
        expect(properties).not.to.have.property(c.secretInputs[0]);
        expect(error.message).to.include(c.id);
      });
    });
  }

  describe("Tines error bodies: every form yields the API's own message", () => {
    const forms: [string, nock.Body, Record<string, string>][] = [
      ["{errors:[{message}]}", { errors: [{ message: "Name has already been taken" }] }, {}],
      ["a bare array", [{ message: "Name has already been taken" }], {}],
      ["{error}", { error: "Name has already been taken" }, {}],
      ["{message}", { message: "Name has already been taken" }, {}],
      ["text", "Name has already been taken", { "Content-Type": "text/plain" }],
    ];
    for (const [title, body, headers] of forms) {
      it(`${title}: method, path, status and message`, async () => {
        nock(TENANT).post(TINES_BASE).reply(422, body, headers);
        const error = await rejection(textCase.provider.create({ ...PROVIDER, ...textCase.inputs() }));
        expect(error.message).to.include(`POST ${TINES_BASE}`);
        expect(error.message).to.include("HTTP 422");
        expect(error.message).to.include("Name has already been taken");
        expect(error.message).to.match(/Tines/);
      });
    }

    it("errors with details keep the details", async () => {
      nock(TENANT)
        .post(TINES_BASE)
        .reply(400, { errors: [{ message: "Invalid", details: "team_id does not exist" }] });
      const error = await rejection(textCase.provider.create({ ...PROVIDER, ...textCase.inputs() }));
      expect(error.message).to.include("Invalid").and.include("team_id does not exist");
    });
  });

  describe("Twilio error body", () => {
    it("code, message and more_info, with method, path and status", async () => {
      nock(TWILIO_URL).post(TWILIO_BASE).reply(400, {
        code: 20001,
        message: "Invalid Credentials format",
        more_info: "https://www.twilio.com/docs/errors/20001",
        status: 400,
      });
      const error = await rejection(twilioCase.provider.create({ ...PROVIDER, ...twilioCase.inputs() }));
      expect(error.message).to.include(`POST ${TWILIO_BASE}`);
      expect(error.message).to.include("HTTP 400");
      expect(error.message).to.include("Invalid Credentials format");
      expect(error.message).to.include("20001");
      expect(error.message).to.include("https://www.twilio.com/docs/errors/20001");
    });
  });

  describe("retry timing and lookup scope", () => {
    it("honours Retry-After (the wait is the server's, not the shorter backoff)", async () => {
      const scope = nock(TENANT);
      scope.post(TINES_BASE).reply(429, { message: "slow down" }, { "Retry-After": "0.4" });
      scope.post(TINES_BASE).reply(201, tinesRecord("TEXT"));
      const started = Date.now();
      await textCase.provider.create({ ...PROVIDER, ...textCase.inputs() });
      // Backoff for a first retry is at most 200 ms; only the header explains 400 ms.
      expect(Date.now() - started).to.be.at.least(390);
    });

    it("Tines: without teamId (a test credential of liveCredentialId) the lookup is not team-scoped", async () => {
      const scope = nock(TENANT);
      scope.post(TINES_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));
      scope
        .get(TINES_BASE)
        .query({ per_page: "500", page: "1" })
        .reply(200, tinesList([tinesRecord("TEXT", { id: 444, team_id: 9 })]));
      const { id } = await textCase.provider.create({
        ...PROVIDER,
        name: "ci-token",
        value: "test-value-xyz",
        liveCredentialId: 7,
      });
      expect(id).to.equal("444");
    });
  });

  describe("lookup pagination", () => {
    it("Tines: follows the next page", async () => {
      const scope = nock(TENANT);
      scope.post(TINES_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));
      // Page 1 is read again after the walk back from the last page (see recorded.test.ts).
      scope
        .get(TINES_BASE)
        .query({ per_page: "500", page: "1", team_id: "2" })
        .twice()
        .reply(
          200,
          tinesList([tinesRecord("TEXT", { id: 1, name: "other" })], {
            next_page: `${TENANT}${TINES_BASE}?page=2&per_page=500`,
            next_page_number: 2,
            pages: 2,
          }),
        );
      scope
        .get(TINES_BASE)
        .query({ per_page: "500", page: "2", team_id: "2" })
        .reply(
          200,
          tinesList([tinesRecord("TEXT", { id: 333 })], {
            current_page: `${TENANT}${TINES_BASE}?page=2&per_page=500`,
          }),
        );
      const { id } = await textCase.provider.create({ ...PROVIDER, ...textCase.inputs() });
      expect(id).to.equal("333");
    });

    it("Twilio: follows meta.next_page_url (which carries the PageToken)", async () => {
      // Twilio pages by PageToken; a Page number alone does not select the next page.
      const scope = nock(TWILIO_URL);
      scope.post(TWILIO_BASE).replyWithError(netError("ECONNRESET", "socket hang up"));
      scope
        .get(TWILIO_BASE)
        .query({ PageSize: "1000", Page: "0" })
        .reply(
          200,
          twilioList([twilioRecord({ sid: "CR1111111111111111111111111111111a", friendly_name: "other" })], {
            next_page_url: `${TWILIO_URL}${TWILIO_BASE}?PageSize=1000&Page=1&PageToken=PAabc123`,
          }),
        );
      scope
        .get(TWILIO_BASE)
        .query({ PageSize: "1000", Page: "1", PageToken: "PAabc123" })
        .reply(200, twilioList([twilioRecord()], { page: 1 }));
      const { id } = await twilioCase.provider.create({ ...PROVIDER, ...twilioCase.inputs() });
      expect(id).to.equal(twilioCase.id);
    });
  });
});

describe("ids one run manages: lost creates of siblings, adoption", () => {
  useHttpSandbox();

  /** The request body as text, form values decoded, for matching on a secret. */
  const bodyText = (body: unknown) =>
    typeof body === "string" ? decodeURIComponent(body.replace(/\+/g, " ")) : JSON.stringify(body);
  const carrying = (secret: string) => (body: unknown) => bodyText(body).includes(secret);

  interface Sibling {
    title: string;
    c: ResourceCase;
    /** Inputs of one of two same-identity resources, told apart by their secret only. */
    inputs(secret: string): Record<string, unknown>;
    /** What the service stores for a create, as the lookup lists it. */
    stored(id: string): Record<string, unknown>;
    ids: [string, string, string];
  }
  const siblings: Sibling[] = [
    {
      title: "Tines TEXT, same name and team",
      c: textCase,
      inputs: (secret) => ({ name: "ci-token", teamId: 2, value: secret }),
      stored: (id) => tinesRecord("TEXT", { id: Number(id) }),
      ids: ["101", "202", "303"],
    },
    {
      title: "Twilio, no friendlyName",
      c: twilioCase,
      inputs: (secret) => ({ credentials: `${AWS_ACCESS_KEY_ID}:${secret}` }),
      stored: (id) => twilioRecord({ sid: id, friendly_name: null }),
      ids: [
        "CR1111111111111111111111111111111a",
        "CR2222222222222222222222222222222b",
        "CR3333333333333333333333333333333c",
      ],
    },
  ];
  const SECRET_A = "sibling-secret-A-1f2e3d4c";
  const SECRET_B = "sibling-secret-B-5a6b7c8d";

  for (const s of siblings) {
    const { c } = s;
    const create = (secret: string) => c.provider.create({ ...PROVIDER, ...s.inputs(secret) });
    const list = (ids: string[]) => c.list(ids.map((id) => s.stored(id)));

    describe(s.title, () => {
      it("a sibling sent after the lookup began, stored at once but answered late, keeps its id", async () => {
        // A's answer is lost before anything is stored; while A's lookup reads the list, B is sent,
        // stored at once (the list shows it) and answered 800 ms later.
        const [idB, idA] = s.ids;
        const createdBy = new Map([
          [idB, SECRET_B],
          [idA, SECRET_A],
        ]);
        const scope = nock(c.origin);
        let lookupStarted!: () => void;
        const lookingUp = new Promise<void>((resolve) => (lookupStarted = resolve));
        scope.on("request", (req: { method: string }) => req.method === "GET" && lookupStarted());
        scope.post(c.createPath, carrying(SECRET_A)).replyWithError(netError("ECONNRESET", "socket hang up"));
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .delay(300)
          .reply(200, list([idB]));
        scope.post(c.createPath, carrying(SECRET_B)).delay(800).reply(201, s.stored(idB));
        // After B's answer: B's record is known, so A's create is sent once more.
        scope
          .get(c.createPath)
          .query(c.listQuery)
          .optionally()
          .reply(200, list([idB]));
        scope.post(c.createPath, carrying(SECRET_A)).optionally().reply(201, s.stored(idA));

        const a = create(SECRET_A);
        await lookingUp;
        const b = create(SECRET_B);
        const results = await Promise.allSettled([a, b]);
        const ids = results.map((r) => (r.status === "fulfilled" ? r.value.id : undefined));
        expect(ids[0], "two resources share one id").not.to.equal(ids[1]);
        results.forEach((r, i) => {
          const own = [SECRET_A, SECRET_B][i];
          if (r.status === "fulfilled")
            expect(createdBy.get(r.value.id), "holds its own secret").to.equal(own);
          else expect(String(r.reason.message)).to.match(/may have been created/);
        });
        expect(ids).to.deep.equal([idA, idB]);
      });

      for (const storer of ["A", "B"] as const) {
        it(`two siblings both lose their answer, only ${storer}'s was stored: no one claims the record`, async () => {
          // One connection drops before the server stores anything, the other after it stored that
          // sibling's credential. The one record the lookups find may be either's: neither may take it.
          const [stored, retryA, retryB] = s.ids;
          const createdBy = new Map([
            [stored, storer === "A" ? SECRET_A : SECRET_B],
            [retryA, SECRET_A],
            [retryB, SECRET_B],
          ]);
          const scope = nock(c.origin);
          const reset = () => netError("ECONNRESET", "socket hang up");
          scope.post(c.createPath, carrying(SECRET_A)).replyWithError(reset());
          scope.post(c.createPath, carrying(SECRET_B)).replyWithError(reset());
          scope
            .get(c.createPath)
            .query(c.listQuery)
            .times(2)
            .reply(200, list([stored]));
          // Only after a lookup claimed the record would the other one send its create again.
          scope
            .get(c.createPath)
            .query(c.listQuery)
            .optionally()
            .reply(200, list([stored]));
          scope.post(c.createPath, carrying(SECRET_A)).optionally().reply(201, s.stored(retryA));
          scope.post(c.createPath, carrying(SECRET_B)).optionally().reply(201, s.stored(retryB));

          const results = await Promise.allSettled([create(SECRET_A), create(SECRET_B)]);
          results.forEach((r, i) => {
            const own = [SECRET_A, SECRET_B][i];
            if (r.status === "fulfilled") {
              expect(createdBy.get(r.value.id), `${"AB"[i]} holds its own secret`).to.equal(own);
            } else {
              expect(String(r.reason.message))
                .to.match(/may have been created/)
                .and.include(stored)
                .and.match(/adoptId/);
              expectNoSecrets(String(r.reason.message), [SECRET_A, SECRET_B]);
            }
          });
          expect(results.map((r) => r.status)).to.deep.equal(["rejected", "rejected"]);
        });
      }

      it("a create answered with an id another resource of this run holds is refused", async () => {
        const [held] = s.ids;
        await c.provider.diff(held, s.inputs(SECRET_B), s.inputs(SECRET_B)); // the engine hands it over
        nock(c.origin).post(c.createPath).reply(201, s.stored(held));
        const error = await rejection(create(SECRET_A));
        expect(error.message)
          .to.include(held)
          .and.match(/already manages/);
      });
    });
  }

  for (const c of ALL_CASES) {
    describe(`${c.title}: adoptId naming a credential another resource manages`, () => {
      /** Counts every request by method; none but the listed interceptors may answer. */
      const counting = () => {
        const seen: string[] = [];
        const scope = nock(c.origin);
        scope.on("request", (req: { method: string }) => seen.push(req.method));
        return { scope, seen };
      };

      it("one this run created: refused, naming the id; no GET, PUT or POST is sent", async () => {
        const { scope, seen } = counting();
        scope.post(c.createPath).reply(201, recordWithId(c, c.id));
        expect((await c.provider.create({ ...PROVIDER, ...c.inputs() })).id).to.equal(c.id);
        const error = await rejection(
          c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.rawId(c.id) }),
        );
        expect(error.message)
          .to.include(c.id)
          .and.match(/already managed by another resource/)
          .and.match(/adoptId/);
        expect(seen).to.deep.equal(["POST"]);
      });

      it("one the engine handed to another resource (diff or read): refused before any request", async () => {
        const { seen } = counting();
        await c.provider.diff(c.otherId, c.inputs(), c.inputs());
        const error = await rejection(
          c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.rawId(c.otherId) }),
        );
        expect(error.message)
          .to.include(c.otherId)
          .and.match(/already managed/);
        expect(seen).to.deep.equal([]);
      });

      it("two resources adopting one id at once: one adopts it, the other is refused", async () => {
        const { scope, seen } = counting();
        scope.get(c.itemPath(c.otherId)).reply(200, staleRecordWithId(c, c.otherId));
        scope
          .intercept(c.itemPath(c.otherId), c.updateMethod.toUpperCase())
          .reply(200, recordWithId(c, c.otherId));
        const adopt = () => c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.rawId(c.otherId) });
        const results = await Promise.allSettled([adopt(), adopt()]);
        expect(results.map((r) => r.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
        expect(seen).to.deep.equal(["GET", c.updateMethod.toUpperCase()]);
      });

      it("a failed adoption leaves the id free for another resource", async () => {
        const { scope } = counting();
        scope.get(c.itemPath(c.otherId)).reply(404, {});
        scope.get(c.itemPath(c.otherId)).reply(200, staleRecordWithId(c, c.otherId));
        scope
          .intercept(c.itemPath(c.otherId), c.updateMethod.toUpperCase())
          .reply(200, recordWithId(c, c.otherId));
        const adopt = () => c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.rawId(c.otherId) });
        expect((await rejection(adopt())).message).to.match(/there is no/);
        expect((await adopt()).id).to.equal(c.otherId);
      });
    });
  }
});
