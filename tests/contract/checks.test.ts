// The contract checks themselves: each kind of departure from Twilio's OpenAPI description that the
// provider and emulator suites rely on being caught is caught, so their empty problem lists mean
// something.
import { expect } from "chai";
import type { Exchange } from "./tap";
import { friendlyNameLimit, TwilioContract } from "./twilio-spec";

const SID = "CR0123456789abcdef0123456789abcdef";
const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const BASE = "/v1/Credentials/AWS";
const FORM = "application/x-www-form-urlencoded";
const AUTH = `Basic ${Buffer.from(`${ACCOUNT}:token`).toString("base64")}`;

const record = (overrides: Record<string, unknown> = {}) => ({
  sid: SID,
  account_sid: ACCOUNT,
  friendly_name: null,
  date_created: "2015-07-31T04:00:00Z",
  date_updated: "2015-07-31T04:00:00Z",
  url: `https://accounts.twilio.com${BASE}/${SID}`,
  ...overrides,
});
const meta = (overrides: Record<string, unknown> = {}) => ({
  page: 0,
  page_size: 50,
  first_page_url: `https://accounts.twilio.com${BASE}?PageSize=50&Page=0`,
  previous_page_url: null,
  next_page_url: null,
  url: `https://accounts.twilio.com${BASE}?PageSize=50&Page=0`,
  key: "credentials",
  ...overrides,
});

/** A well-formed create and its answer; each case changes one thing. */
function exchange(overrides: Partial<Exchange> = {}): Exchange {
  return {
    method: "POST",
    path: BASE,
    query: "",
    headers: { authorization: AUTH, "content-type": FORM },
    body: "Credentials=AKIA%3Asecret",
    status: 201,
    responseHeaders: { "content-type": "application/json; charset=utf-8" },
    responseBody: JSON.stringify(record()),
    ...overrides,
  };
}
const get = (path: string, query = "", overrides: Partial<Exchange> = {}) =>
  exchange({
    method: "GET",
    path,
    query,
    headers: { authorization: AUTH },
    body: "",
    status: 200,
    ...overrides,
  });

describe("contract checks catch departures from the spec", function () {
  let contract: TwilioContract;
  before(async function () {
    contract = await TwilioContract.load();
  });

  it("a well-formed create, fetch, list and delete pass", function () {
    const list = JSON.stringify({ credentials: [record()], meta: meta() });
    const deleted = { method: "DELETE", status: 204, responseHeaders: {}, responseBody: "" };
    for (const e of [exchange(), get(`${BASE}/${SID}`), get(BASE, "PageSize=1000", { responseBody: list })]) {
      expect([...contract.requestProblems(e), ...contract.responseProblems(e)]).to.deep.equal([]);
    }
    const e = get(`${BASE}/${SID}`, "", deleted);
    expect([...contract.requestProblems(e), ...contract.responseProblems(e)]).to.deep.equal([]);
  });

  const limit = friendlyNameLimit();
  const requests: Array<[string, Exchange, RegExp]> = [
    ["an undocumented path", get("/v1/Credentials/GCP"), /no operation in the spec/],
    [
      "an undocumented method",
      exchange({ method: "PUT", path: `${BASE}/${SID}` }),
      /no operation in the spec/,
    ],
    ["no basic auth", exchange({ headers: { "content-type": FORM } }), /no HTTP basic Authorization/],
    [
      "a JSON body",
      exchange({ headers: { authorization: AUTH, "content-type": "application/json" } }),
      /Content-Type application\/json is not one of application\/x-www-form-urlencoded/,
    ],
    [
      "a missing Credentials",
      exchange({ body: "FriendlyName=x" }),
      /must have required property 'Credentials'/,
    ],
    [
      "an undocumented parameter",
      exchange({ body: "Credentials=a%3Ab&Region=ie1" }),
      /must NOT have additional properties/,
    ],
    [
      "a parameter sent twice",
      exchange({ body: "Credentials=a%3Ab&Credentials=c%3Ad" }),
      /Credentials is sent more than once/,
    ],
    [
      "a malformed AccountSid",
      exchange({ body: "Credentials=a%3Ab&AccountSid=AC123" }),
      /AccountSid must NOT have fewer than 34/,
    ],
    [
      "an AccountSid of another kind",
      exchange({ body: `Credentials=a%3Ab&AccountSid=${SID}` }),
      /AccountSid must match pattern/,
    ],
    [
      `a FriendlyName of ${limit + 1} code points`,
      exchange({
        body: new URLSearchParams({ Credentials: "a:b", FriendlyName: "🔑".repeat(limit + 1) }).toString(),
      }),
      /FriendlyName must NOT have more than 64 characters/,
    ],
    [
      "a malformed Sid in the path",
      get(`${BASE}/CR0123456789abcdef0123456789abcdeZ`),
      /Sid must match pattern/,
    ],
    ["a PageSize above 1000", get(BASE, "PageSize=1001"), /PageSize must be <= 1000/],
    ["an undocumented query parameter", get(BASE, "Limit=5"), /must NOT have additional properties/],
    ["a body on a fetch", get(`${BASE}/${SID}`, "", { body: "x=1" }), /takes no request body/],
    [
      "an update with Credentials",
      exchange({ path: `${BASE}/${SID}`, body: "Credentials=a%3Ab" }),
      /must NOT have additional properties/,
    ],
  ];
  for (const [title, e, problem] of requests) {
    it(`request: ${title}`, function () {
      expect(contract.requestProblems(e).join("\n")).to.match(problem);
    });
  }

  const answers: Array<[string, Exchange, RegExp]> = [
    ["an undocumented status", exchange({ status: 200 }), /answered 200; the spec documents 201/],
    [
      "a missing field",
      exchange({ responseBody: JSON.stringify({ ...record(), url: undefined }) }),
      /must have required property 'url'/,
    ],
    [
      "an undocumented field",
      exchange({ responseBody: JSON.stringify(record({ credentials: "a:b" })) }),
      /must NOT have additional properties/,
    ],
    [
      "a date that is not a date-time",
      exchange({ responseBody: JSON.stringify(record({ date_created: "Fri, 31 Jul 2015 04:00:00 +0000" })) }),
      /date_created must match format "date-time"/,
    ],
    [
      "a malformed sid",
      exchange({ responseBody: JSON.stringify(record({ sid: "CR1" })) }),
      /sid must NOT have fewer than 34/,
    ],
    [
      "a text answer",
      exchange({ responseHeaders: { "content-type": "text/plain" } }),
      /answered as text\/plain/,
    ],
    [
      "a body on a 204",
      get(`${BASE}/${SID}`, "", { method: "DELETE", status: 204, responseBody: "{}" }),
      /204 should have no body/,
    ],
    [
      "list meta without next_page_url",
      get(BASE, "", {
        responseBody: JSON.stringify({ credentials: [], meta: { ...meta(), next_page_url: undefined } }),
      }),
      /must have required property 'next_page_url'/,
    ],
    [
      "list meta with a page that is not an integer",
      get(BASE, "", { responseBody: JSON.stringify({ credentials: [], meta: meta({ page: "0" }) }) }),
      /page must be integer/,
    ],
  ];
  for (const [title, e, problem] of answers) {
    it(`answer: ${title}`, function () {
      expect(contract.responseProblems(e).join("\n")).to.match(problem);
    });
  }
});
