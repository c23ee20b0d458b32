// Contract, emulator side: every answer the emulator gives to in-contract requests for the AWS
// credential operations (status code and body, list paging `meta` included) is what Twilio's
// OpenAPI description documents. Requests are recorded by a tap and checked against the spec too, so
// each case is known to be inside the contract. Where the spec leaves behaviour undefined the
// emulator keeps its own choice, and the cases below say so.
import axios, { type AxiosInstance } from "axios";
import { expect } from "chai";
import { twilioList, twilioRecord } from "../unit/helpers";
import { ACCOUNT, SUBACCOUNT, TOKEN, useContractStack } from "./stack";
import { type Exchange } from "./tap";
import { describeExchange, friendlyNameLimit, OPERATIONS, rawSpec } from "./twilio-spec";

const BASE = "/v1/Credentials/AWS";
const CREDENTIALS = "AKIAIOSFODNN7EXAMPLE:wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const LIMIT = friendlyNameLimit();

const form = (params: Record<string, string>) => new URLSearchParams(params);

describe("contract: the emulator's Twilio answers match Twilio's OpenAPI", function () {
  const stack = useContractStack();
  let api: AxiosInstance;

  before(function () {
    api = axios.create({
      baseURL: stack.tap.url,
      auth: { username: ACCOUNT, password: TOKEN },
      validateStatus: () => true,
    });
  });

  /** Every exchange so far: an in-contract request, answered as the spec documents. */
  function expectAllInContract(): Exchange[] {
    const exchanges = [...stack.tap.exchanges];
    expect(exchanges).to.have.length.above(0);
    for (const exchange of exchanges) {
      expect(stack.contract.requestProblems(exchange), `request ${describeExchange(exchange)}`).to.deep.equal(
        [],
      );
      expect(
        stack.contract.responseProblems(exchange),
        `answer to ${describeExchange(exchange)}`,
      ).to.deep.equal([]);
    }
    return exchanges;
  }

  const create = (params: Record<string, string>) => api.post(BASE, form(params));

  describe("answers to in-contract requests", function () {
    const creates: Array<[string, Record<string, string>]> = [
      ["Credentials only", { Credentials: CREDENTIALS }],
      ["every parameter", { Credentials: CREDENTIALS, FriendlyName: "ci", AccountSid: SUBACCOUNT }],
      ["an empty FriendlyName", { Credentials: CREDENTIALS, FriendlyName: "" }],
      [`a FriendlyName of ${LIMIT} emoji`, { Credentials: CREDENTIALS, FriendlyName: "🔑".repeat(LIMIT) }],
    ];
    for (const [title, params] of creates) {
      it(`create with ${title}, fetch, update, delete`, async function () {
        const sid = (await create(params)).data.sid as string;
        await api.get(`${BASE}/${sid}`);
        await api.post(`${BASE}/${sid}`, form({ FriendlyName: "renamed" }));
        await api.post(`${BASE}/${sid}`, form({ FriendlyName: "" }));
        await api.post(`${BASE}/${sid}`, form({}));
        await api.delete(`${BASE}/${sid}`);
        expect(expectAllInContract().map((e) => e.status)).to.deep.equal([201, 200, 200, 200, 200, 204]);
      });
    }

    it("list: empty, then every page of PageSize=1 by next_page_url, then PageSize 1000 with Page", async function () {
      await api.get(BASE);
      for (let i = 0; i < 3; i++) stack.emu.twilio.seed({ Credentials: CREDENTIALS, FriendlyName: `n${i}` });
      let next: string | null = `${BASE}?PageSize=1`;
      const pages: unknown[][] = [];
      while (next) {
        const { data } = await api.get(
          new URL(next, stack.tap.url).pathname + new URL(next, stack.tap.url).search,
        );
        pages.push(data.credentials as unknown[]);
        next = data.meta.next_page_url as string | null;
      }
      await api.get(`${BASE}?PageSize=1000&Page=0`);
      expect(pages.map((p) => p.length)).to.deep.equal([1, 1, 1]);
      expect(expectAllInContract()).to.have.length(5);
    });
  });

  describe("what the spec leaves undefined: the emulator keeps its choice", function () {
    it("documents no error answer for any AWS credential operation", function () {
      // So an error's body (the emulator's {code, message, more_info, status}) and status codes
      // other than these have no contract; tests/emulator covers the emulator's choices.
      const paths = rawSpec().paths as Record<string, Record<string, { responses: object }>>;
      const documented = Object.values(OPERATIONS).map((id) => {
        const op = Object.values(paths)
          .flatMap((item) => Object.values(item))
          .find((o) => (o as { operationId?: string }).operationId === id)!;
        return [id, Object.keys(op.responses)];
      });
      expect(Object.fromEntries(documented)).to.deep.equal({
        [OPERATIONS.list]: ["200"],
        [OPERATIONS.create]: ["201"],
        [OPERATIONS.fetch]: ["200"],
        [OPERATIONS.update]: ["200"],
        [OPERATIONS.delete]: ["204"],
      });
    });

    // The spec bounds PageSize to 1..1000 without saying what Twilio does outside; the emulator
    // clamps to 1000 and falls back to the default 50 (other-endpoints.md) for anything below 1.
    const pageSizes: Array<[string, number]> = [
      ["1001", 1000],
      ["0", 50],
      ["-1", 50],
      ["many", 50],
    ];
    for (const [sent, answered] of pageSizes) {
      it(`PageSize=${sent} is outside the spec; the emulator answers page_size ${answered}`, async function () {
        await api.get(`${BASE}?PageSize=${sent}`);
        const [exchange] = stack.tap.exchanges;
        expect(stack.contract.requestProblems(exchange)).to.have.length.above(0);
        expect(exchange.status).to.equal(200);
        expect(stack.contract.responseProblems(exchange)).to.deep.equal([]);
        expect(JSON.parse(exchange.responseBody).meta.page_size).to.equal(answered);
      });
    }

    it(`a FriendlyName over ${LIMIT} characters is outside the spec; the emulator refuses it`, async function () {
      const res = await create({ Credentials: CREDENTIALS, FriendlyName: "🔑".repeat(LIMIT + 1) });
      expect(stack.contract.requestProblems(stack.tap.exchanges[0])).to.deep.equal([
        `/requestBody/FriendlyName must NOT have more than ${LIMIT} characters`,
      ]);
      expect(res.status).to.equal(400);
    });
  });

  describe("no name is one value", function () {
    // The spec types friendly_name `string | null` and names no empty-string state. A client can
    // only remove a name by sending it empty (an update without FriendlyName keeps it), so an empty
    // FriendlyName means "no name", stored as what a create without one answers: null.
    const ways: Array<{ title: string; create: Record<string, string>; update?: Record<string, string> }> = [
      { title: "a create without FriendlyName", create: {} },
      { title: "a create with FriendlyName empty", create: { FriendlyName: "" } },
      {
        title: "an update with FriendlyName empty",
        create: { FriendlyName: "named" },
        update: { FriendlyName: "" },
      },
    ];
    for (const way of ways) {
      it(`${way.title} answers and stores friendly_name null`, async function () {
        const created = await create({ Credentials: CREDENTIALS, ...way.create });
        const sid = created.data.sid as string;
        const written = way.update ? await api.post(`${BASE}/${sid}`, form(way.update)) : created;
        const fetched = await api.get(`${BASE}/${sid}`);
        expect([written.data.friendly_name, fetched.data.friendly_name]).to.deep.equal([null, null]);
        expect(stack.emu.twilio.get(sid)?.friendly_name).to.equal(null);
        expectAllInContract();
      });
    }
  });

  describe("the unit tests' hand-written Twilio answers", function () {
    // tests/unit mocks Twilio with these (nock); they must be answers the spec allows.
    const fixtures: Array<[string, string, number, unknown]> = [
      ["twilioRecord()", `GET ${BASE}/CR0123456789abcdef0123456789abcdef`, 200, twilioRecord()],
      [
        "twilioRecord() with no name",
        `GET ${BASE}/CR0123456789abcdef0123456789abcdef`,
        200,
        twilioRecord({ friendly_name: null }),
      ],
      ["twilioList([twilioRecord()])", `GET ${BASE}`, 200, twilioList([twilioRecord()])],
    ];
    for (const [title, request, status, body] of fixtures) {
      it(`${title} is a documented answer`, function () {
        const [method, path] = request.split(" ");
        const exchange = {
          method,
          path,
          query: "",
          headers: {},
          body: "",
          status,
          responseHeaders: { "content-type": "application/json" },
          responseBody: JSON.stringify(body),
        };
        expect(stack.contract.responseProblems(exchange)).to.deep.equal([]);
      });
    }
  });
});
