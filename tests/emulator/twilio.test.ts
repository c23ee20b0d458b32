import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { expect } from "chai";
import { startEmulator, TwilioApiError, type Emulator } from "../../emulator";

const BASE = "/v1/Credentials/AWS";
const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
const SUBACCOUNT = "ACfedcba9876543210fedcba9876543210";
const API_KEY = "SK0123456789abcdef0123456789abcdef";
const API_SECRET = "api-key-secret";
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CR_SID = /^CR[0-9a-f]{32}$/;

const form = (params: Record<string, string>) => new URLSearchParams(params);

describe("emulator: Twilio Credentials/AWS", function () {
  let emu: Emulator;
  let api: AxiosInstance;
  const rawBodies: string[] = [];

  before(async function () {
    emu = await startEmulator({
      twilioAccountSid: ACCOUNT,
      twilioAuthToken: "tok",
      twilioApiKey: API_KEY,
      twilioApiSecret: API_SECRET,
      twilioSubaccounts: [SUBACCOUNT],
    });
    api = axios.create({
      baseURL: emu.url,
      auth: { username: ACCOUNT, password: "tok" },
      validateStatus: () => true,
      transformResponse: [
        (data: unknown) => {
          if (typeof data !== "string" || data === "") return data;
          rawBodies.push(data);
          return JSON.parse(data);
        },
      ],
    });
  });
  after(async function () {
    await emu.stop();
  });
  beforeEach(function () {
    emu.reset();
  });

  const create = (params: Record<string, string>): Promise<AxiosResponse> => api.post(BASE, form(params));

  function expectTwilioError(res: AxiosResponse, status: number, code: number, mentions?: string): void {
    expect(res.status, JSON.stringify(res.data)).to.equal(status);
    expect(res.data).to.have.keys("code", "message", "more_info", "status");
    expect(res.data.code).to.equal(code);
    expect(res.data.status).to.equal(status);
    expect(res.data.more_info).to.equal(`https://www.twilio.com/docs/errors/${code}`);
    if (mentions !== undefined) expect(res.data.message).to.contain(mentions);
  }

  describe("create", function () {
    it("answers 201 with the documented fields and never the Credentials", async function () {
      const res = await create({ Credentials: "AKIAEXAMPLE:wJalr/secret+key", FriendlyName: "my aws" });
      expect(res.status).to.equal(201);
      expect(res.data).to.have.keys(
        "sid",
        "account_sid",
        "friendly_name",
        "date_created",
        "date_updated",
        "url",
      );
      expect(res.data.sid).to.match(CR_SID);
      expect(res.data.account_sid).to.equal(ACCOUNT);
      expect(res.data.friendly_name).to.equal("my aws");
      expect(res.data.date_created).to.match(ISO_SECONDS);
      expect(res.data.date_updated).to.equal(res.data.date_created);
      expect(res.data.url).to.equal(`${emu.url}${BASE}/${res.data.sid}`);
      expect(emu.twilio.get(res.data.sid)?.credentials).to.equal("AKIAEXAMPLE:wJalr/secret+key");
    });

    it("friendly_name is null when FriendlyName is absent; 64 characters are accepted", async function () {
      const a = await create({ Credentials: "A:B" });
      expect(a.status).to.equal(201);
      expect(a.data.friendly_name).to.equal(null);
      const b = await create({ Credentials: "A:B", FriendlyName: "x".repeat(64) });
      expect(b.status).to.equal(201);
      expect(a.data.sid).not.to.equal(b.data.sid);
    });

    it("accepts a configured subaccount as AccountSid", async function () {
      const res = await create({ Credentials: "A:B", AccountSid: SUBACCOUNT });
      expect(res.status).to.equal(201);
      expect(res.data.account_sid).to.equal(SUBACCOUNT);
    });

    it("validates Credentials, FriendlyName and AccountSid, naming the parameter", async function () {
      expectTwilioError(await create({}), 400, 20001, "Credentials");
      for (const bad of ["nocolon", ":secret", "key:", ""]) {
        expectTwilioError(await create({ Credentials: bad }), 400, 20001, "Credentials");
      }
      expectTwilioError(
        await create({ Credentials: "A:B", FriendlyName: "x".repeat(65) }),
        400,
        20002,
        "FriendlyName",
      );
      expectTwilioError(await create({ Credentials: "A:B", AccountSid: "AC123" }), 400, 20001, "AccountSid");
      expectTwilioError(
        await create({ Credentials: "A:B", AccountSid: "AC" + "a".repeat(32) }),
        404,
        20404,
        "AccountSid",
      );
      expect(emu.twilio.list()).to.have.length(0);
    });

    it("reads form-encoded parameters only (a JSON body carries none)", async function () {
      const res = await api.post(BASE, { Credentials: "A:B" });
      expectTwilioError(res, 400, 20001, "Credentials");
    });

    it("a key pair containing ':' keeps everything after the first ':' as the secret", async function () {
      const res = await create({ Credentials: "AK:se:cret" });
      expect(res.status).to.equal(201);
      expect(emu.twilio.get(res.data.sid)?.credentials).to.equal("AK:se:cret");
    });
  });

  describe("fetch, update, delete", function () {
    it("fetches 200 and answers 20404 for unknown or malformed sids", async function () {
      const created = (await create({ Credentials: "A:B", FriendlyName: "f" })).data;
      const got = await api.get(`${BASE}/${created.sid}`);
      expect(got.status).to.equal(200);
      expect(got.data).to.deep.equal(created);
      const missing = "CR" + "0".repeat(32);
      const res = await api.get(`${BASE}/${missing}`);
      expectTwilioError(res, 404, 20404);
      expect(res.data.message).to.equal(`The requested resource /Credentials/AWS/${missing} was not found`);
      expectTwilioError(await api.get(`${BASE}/CRnot-a-sid`), 404, 20404);
      expectTwilioError(await api.get(`${BASE}/${created.sid}/extra`), 404, 20404);
    });

    it("update changes only FriendlyName and keeps date_created", async function () {
      const created = (await create({ Credentials: "A:B", FriendlyName: "before" })).data;
      const res = await api.post(
        `${BASE}/${created.sid}`,
        form({ FriendlyName: "after", Credentials: "X:Y", AccountSid: SUBACCOUNT }),
      );
      expect(res.status).to.equal(200);
      expect(res.data).to.include({ sid: created.sid, friendly_name: "after", account_sid: ACCOUNT });
      expect(res.data.date_created).to.equal(created.date_created);
      expect(res.data.date_updated).to.match(ISO_SECONDS);
      expect(Date.parse(res.data.date_updated)).to.be.at.least(Date.parse(created.date_created));
      expect(emu.twilio.get(created.sid)?.credentials).to.equal("A:B");
      expectTwilioError(
        await api.post(`${BASE}/${created.sid}`, form({ FriendlyName: "y".repeat(65) })),
        400,
        20002,
        "FriendlyName",
      );
      expectTwilioError(
        await api.post(`${BASE}/CR${"1".repeat(32)}`, form({ FriendlyName: "z" })),
        404,
        20404,
      );
    });

    it("deletes with 204 and no body, then 20404", async function () {
      const created = (await create({ Credentials: "A:B" })).data;
      const del = await api.delete(`${BASE}/${created.sid}`);
      expect(del.status).to.equal(204);
      expect(del.data === "" || del.data === undefined).to.equal(true);
      expectTwilioError(await api.get(`${BASE}/${created.sid}`), 404, 20404);
      expectTwilioError(await api.delete(`${BASE}/${created.sid}`), 404, 20404);
    });

    it("answers 405 (20004) for methods the API does not have", async function () {
      const created = (await create({ Credentials: "A:B" })).data;
      expectTwilioError(await api.put(`${BASE}/${created.sid}`, form({ FriendlyName: "x" })), 405, 20004);
    });
  });

  describe("list", function () {
    it("pages with PageSize and PageToken, following next_page_url to the end", async function () {
      const sids: string[] = [];
      for (let i = 0; i < 5; i++)
        sids.push(emu.twilio.seed({ Credentials: `K${i}:S${i}`, FriendlyName: `n${i}` }).sid);
      const first = await api.get(BASE, { params: { PageSize: 2 } });
      expect(first.status).to.equal(200);
      expect(first.data.meta).to.include({
        page: 0,
        page_size: 2,
        key: "credentials",
        previous_page_url: null,
      });
      expect(first.data.meta.first_page_url).to.equal(`${emu.url}${BASE}?PageSize=2&Page=0`);
      expect(first.data.meta.url).to.equal(`${emu.url}${BASE}?PageSize=2&Page=0`);
      expect(first.data.meta.next_page_url).to.match(/PageSize=2&Page=1&PageToken=PA\d+$/);
      const seen: string[] = [];
      let page: AxiosResponse = first;
      let pages = 1;
      for (;;) {
        seen.push(...page.data.credentials.map((c: { sid: string }) => c.sid));
        if (!page.data.meta.next_page_url) break;
        page = await api.get(page.data.meta.next_page_url);
        pages += 1;
      }
      expect(seen).to.deep.equal(sids);
      expect(pages).to.equal(3);
      expect(page.data.meta.page).to.equal(2);
      expect(page.data.meta.previous_page_url).to.equal(`${emu.url}${BASE}?PageSize=2&Page=1`);
      for (const c of first.data.credentials) expect(c).not.to.have.property("credentials");
    });

    it("PageToken stays correct when an earlier record is deleted between pages", async function () {
      const sids = [0, 1, 2, 3].map((i) => emu.twilio.seed({ Credentials: `K${i}:S` }).sid);
      const first = await api.get(BASE, { params: { PageSize: 2 } });
      emu.twilio.remove(sids[0]);
      const second = await api.get(first.data.meta.next_page_url);
      expect(second.data.credentials.map((c: { sid: string }) => c.sid)).to.deep.equal([sids[2], sids[3]]);
    });

    it("defaults PageSize to 50, caps it at 1000, rejects a malformed PageToken", async function () {
      const dflt = await api.get(BASE);
      expect(dflt.data.meta.page_size).to.equal(50);
      expect(dflt.data.credentials).to.deep.equal([]);
      expect(dflt.data.meta.next_page_url).to.equal(null);
      const capped = await api.get(BASE, { params: { PageSize: 5000 } });
      expect(capped.data.meta.page_size).to.equal(1000);
      expectTwilioError(await api.get(BASE, { params: { PageToken: "garbage" } }), 400, 20001, "PageToken");
    });

    it("Page without a token is an offset", async function () {
      const sids = [0, 1, 2].map((i) => emu.twilio.seed({ Credentials: `K${i}:S` }).sid);
      const res = await api.get(BASE, { params: { PageSize: 1, Page: 2 } });
      expect(res.data.credentials.map((c: { sid: string }) => c.sid)).to.deep.equal([sids[2]]);
      expect(res.data.meta.next_page_url).to.equal(null);
    });
  });

  describe("auth", function () {
    it("answers 401 (20003) without or with wrong basic auth", async function () {
      const none = await axios.post(`${emu.url}${BASE}`, form({ Credentials: "A:B" }), {
        validateStatus: () => true,
      });
      expect(none.status).to.equal(401);
      expect(none.data).to.deep.equal({
        code: 20003,
        message: "Authenticate",
        more_info: "https://www.twilio.com/docs/errors/20003",
        status: 401,
      });
      expect(none.headers["www-authenticate"]).to.match(/^Basic/);
      const wrong = await axios.get(`${emu.url}${BASE}`, {
        auth: { username: ACCOUNT, password: "wrong" },
        validateStatus: () => true,
      });
      expect(wrong.status).to.equal(401);
      const subaccountUser = await axios.get(`${emu.url}${BASE}`, {
        auth: { username: SUBACCOUNT, password: "tok" },
        validateStatus: () => true,
      });
      expect(subaccountUser.status).to.equal(401);
      expect(emu.twilio.list()).to.have.length(0);
    });

    it("accepts the API key and secret; the record belongs to the account", async function () {
      const res = await axios.post(`${emu.url}${BASE}`, form({ Credentials: "A:B" }), {
        auth: { username: API_KEY, password: API_SECRET },
        validateStatus: () => true,
      });
      expect(res.status).to.equal(201);
      expect(res.data.account_sid).to.equal(ACCOUNT);
      const wrong = await axios.get(`${emu.url}${BASE}`, {
        auth: { username: API_KEY, password: "tok" },
        validateStatus: () => true,
      });
      expect(wrong.status).to.equal(401);
    });
  });

  describe("out-of-band accessors and secrets", function () {
    it("seed validates; update is visible through the API; remove deletes", async function () {
      expect(() => emu.twilio.seed({ Credentials: "nope" })).to.throw(TwilioApiError, /Credentials/);
      const rec = emu.twilio.seed({ Credentials: "A:B", FriendlyName: "x" });
      const changed = emu.twilio.update(rec.sid, { friendly_name: "changed" });
      expect(changed.friendly_name).to.equal("changed");
      expect((await api.get(`${BASE}/${rec.sid}`)).data.friendly_name).to.equal("changed");
      expect(() => emu.twilio.update("CR" + "9".repeat(32), {})).to.throw(TwilioApiError);
      expect(emu.twilio.remove(rec.sid)).to.equal(true);
      expect(emu.twilio.remove(rec.sid)).to.equal(false);
    });

    it("Credentials never appear in a response body or in the log", async function () {
      rawBodies.length = 0;
      const secret = "AKIAONLYHERE:verysecretvalue";
      const c = await create({ Credentials: secret, FriendlyName: "s" });
      await api.post(`${BASE}/${c.data.sid}`, form({ FriendlyName: "t", Credentials: secret }));
      await api.get(`${BASE}/${c.data.sid}`);
      await api.get(BASE);
      await create({ Credentials: "verysecretvalue" }); // malformed: the error must not echo it
      await api.delete(`${BASE}/${c.data.sid}`);
      expect(rawBodies.length).to.equal(5);
      const everything = rawBodies.join("\n") + JSON.stringify(emu.log);
      expect(everything).not.to.contain("verysecretvalue");
      expect(everything).not.to.contain(API_SECRET);
    });
  });
});
