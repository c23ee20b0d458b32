import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { expect } from "chai";
import { startEmulator, TinesValidationError, type Emulator } from "../../emulator";
import { parseCliArgs } from "../../emulator/cli";
import { TinesStore } from "../../emulator/tines/store";

const BASE = "/api/v1/user_credentials";
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const SECRET_FIELDS = ["value", "jwt_private_key", "aws_secret_key", "live_credential_id"];

interface ErrorsBody {
  errors: Array<{ message: string; details: string }>;
}

describe("emulator: Tines user_credentials", function () {
  let emu: Emulator;
  let api: AxiosInstance;
  /** Every response body seen, to prove no secret ever leaves the emulator. */
  const seenBodies: string[] = [];

  before(async function () {
    emu = await startEmulator();
    api = axios.create({
      baseURL: emu.url,
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${emu.settings.tinesApiKey}` },
      transformResponse: [
        (data: unknown) => {
          if (typeof data === "string") seenBodies.push(data);
          try {
            return typeof data === "string" && data !== "" ? JSON.parse(data) : data;
          } catch {
            return data;
          }
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

  const create = (body: Record<string, unknown>): Promise<AxiosResponse> => api.post(BASE, body);

  function expectFieldError(res: AxiosResponse, field: string): void {
    expect(res.status, JSON.stringify(res.data)).to.equal(422);
    const body = res.data as ErrorsBody;
    expect(body.errors).to.be.an("array").with.length.greaterThan(0);
    const named = body.errors.filter((e) => e.message.includes(field) && e.details.includes(field));
    expect(named, `an error naming ${field} in ${JSON.stringify(body)}`).to.have.length.greaterThan(0);
  }

  describe("TEXT", function () {
    it("creates with documented defaults, never returns value, keeps it internally", async function () {
      const res = await create({
        name: "Text credential!",
        mode: "TEXT",
        value: "text-secret-1",
        team_id: 2,
      });
      expect(res.status).to.equal(201);
      const rec = res.data;
      expect(rec).to.include({
        id: 1,
        name: "Text credential!",
        mode: "TEXT",
        team_id: 2,
        folder_id: null,
        read_access: "TEAM",
        slug: "text_credential_",
        description: "",
        restriction_type: "UNRESTRICTED",
        test_credential_enabled: false,
        expires_at: null,
        expiry_notifications_enabled: false,
      });
      expect(rec.shared_team_slugs).to.deep.equal([]);
      expect(rec.allowed_hosts).to.deep.equal([]);
      expect(rec.metadata).to.deep.equal({});
      expect(rec.credential_notification_recipient_user_ids).to.deep.equal([]);
      expect(rec.owner).to.have.keys("user_id", "first_name", "last_name", "email");
      expect(rec.owner.user_id).to.equal(1);
      expect(rec.created_at).to.match(ISO_MS);
      expect(rec.updated_at).to.equal(rec.created_at);
      for (const f of SECRET_FIELDS) expect(rec).not.to.have.property(f);
      expect(rec).not.to.have.property("jwt_algorithm");
      expect(rec).not.to.have.property("aws_authentication_type");
      expect(emu.tines.get(1)?.value).to.equal("text-secret-1");
    });

    it("gets the same object, ids increment, unknown fields are ignored", async function () {
      const a = await create({ name: "a", mode: "TEXT", value: "v", team_id: 1, surprise: "ignored" });
      const b = await create({ name: "b", mode: "TEXT", value: "v", team_id: 1 });
      expect([a.data.id, b.data.id]).to.deep.equal([1, 2]);
      expect(a.data).not.to.have.property("surprise");
      const got = await api.get(`${BASE}/1`);
      expect(got.status).to.equal(200);
      expect(got.data).to.deep.equal(a.data);
    });

    it("accepts X-User-Token as well as Bearer", async function () {
      const res = await axios.post(
        `${emu.url}${BASE}`,
        { name: "x", mode: "TEXT", value: "v", team_id: 1 },
        { headers: { "X-User-Token": emu.settings.tinesApiKey }, validateStatus: () => true },
      );
      expect(res.status).to.equal(201);
    });

    it("echoes the optional fields and normalises expires_at to UTC milliseconds", async function () {
      const res = await create({
        name: "full",
        mode: "TEXT",
        value: "v",
        team_id: 3,
        folder_id: 9,
        read_access: "SPECIFIC_TEAMS",
        shared_team_slugs: ["blue", "red"],
        description: "desc",
        metadata: { owner: "ops", n: 1 },
        allowed_hosts: ["*.example.com"],
        expires_at: "2030-01-02T03:04:05+01:00",
        expiry_notifications_enabled: true,
        credential_notification_recipient_user_ids: [4, 5],
      });
      expect(res.status).to.equal(201);
      expect(res.data).to.deep.include({
        folder_id: 9,
        read_access: "SPECIFIC_TEAMS",
        shared_team_slugs: ["blue", "red"],
        description: "desc",
        metadata: { owner: "ops", n: 1 },
        allowed_hosts: ["*.example.com"],
        expires_at: "2030-01-02T02:04:05.000Z",
        expiry_notifications_enabled: true,
        credential_notification_recipient_user_ids: [4, 5],
      });
    });

    it("returns shared_team_slugs empty unless read_access is SPECIFIC_TEAMS", async function () {
      const res = await create({
        name: "g",
        mode: "TEXT",
        value: "v",
        team_id: 1,
        read_access: "GLOBAL",
        shared_team_slugs: ["blue"],
      });
      expect(res.status).to.equal(201);
      expect(res.data.read_access).to.equal("GLOBAL");
      expect(res.data.shared_team_slugs).to.deep.equal([]);
    });
  });

  describe("JWT", function () {
    it("creates with every documented algorithm, echoes payload, never returns the private key", async function () {
      const algorithms = ["HS256", "HS384", "HS512", "RS256", "RS384", "RS512"];
      algorithms.push("ES256", "ES384", "ES512", "PS256", "PS384", "PS512");
      for (const alg of algorithms) {
        const res = await create({
          name: `jwt ${alg}`,
          mode: "JWT",
          team_id: 2,
          jwt_algorithm: alg,
          jwt_payload: { iss: "me", aud: "you" },
          jwt_auto_generate_time_claims: true,
          jwt_private_key: "-----BEGIN PRIVATE KEY-----jwt-secret-----END PRIVATE KEY-----",
        });
        expect(res.status, alg).to.equal(201);
        expect(res.data).to.deep.include({
          mode: "JWT",
          jwt_algorithm: alg,
          jwt_payload: { iss: "me", aud: "you" },
          jwt_auto_generate_time_claims: true,
        });
        expect(res.data).not.to.have.property("jwt_private_key");
      }
      expect(emu.tines.list()).to.have.length(12);
      expect(emu.tines.get(1)?.jwt_private_key).to.contain("jwt-secret");
    });

    it("defaults jwt_payload to {} and jwt_auto_generate_time_claims to false", async function () {
      const res = await create({
        name: "j",
        mode: "JWT",
        team_id: 2,
        jwt_algorithm: "HS256",
        jwt_private_key: "k",
      });
      expect(res.status).to.equal(201);
      expect(res.data.jwt_payload).to.deep.equal({});
      expect(res.data.jwt_auto_generate_time_claims).to.equal(false);
    });
  });

  describe("AWS", function () {
    it("KEY: echoes the access key, hides the secret key, generates a stable external id", async function () {
      const res = await create({
        name: "aws key",
        mode: "AWS",
        team_id: 2,
        aws_authentication_type: "KEY",
        aws_access_key: "AKIAEXAMPLE",
        aws_secret_key: "aws-secret-1",
      });
      expect(res.status).to.equal(201);
      expect(res.data).to.include({
        aws_authentication_type: "KEY",
        aws_access_key: "AKIAEXAMPLE",
        aws_assumed_role_arn: null,
        use_static_external_id: false,
      });
      expect(res.data.aws_assumed_role_external_id).to.match(UUID);
      expect(res.data).not.to.have.property("aws_secret_key");
      const got = await api.get(`${BASE}/${res.data.id}`);
      expect(got.data.aws_assumed_role_external_id).to.equal(res.data.aws_assumed_role_external_id);
      const put = await api.put(`${BASE}/${res.data.id}`, {
        mode: "AWS",
        aws_authentication_type: "KEY",
        aws_access_key: "AKIAOTHER",
        description: "rotated",
      });
      expect(put.status).to.equal(200);
      expect(put.data.aws_assumed_role_external_id).to.equal(res.data.aws_assumed_role_external_id);
      expect(emu.tines.get(res.data.id)?.aws_secret_key).to.equal("aws-secret-1");
    });

    it("ROLE and INSTANCE_PROFILE", async function () {
      const role = await create({
        name: "role",
        mode: "AWS",
        team_id: 2,
        aws_authentication_type: "ROLE",
        aws_assumed_role_arn: "arn:aws:iam::123456789012:role/write-access-role",
        use_static_external_id: true,
      });
      expect(role.status).to.equal(201);
      expect(role.data).to.include({
        aws_authentication_type: "ROLE",
        aws_assumed_role_arn: "arn:aws:iam::123456789012:role/write-access-role",
        use_static_external_id: true,
        aws_access_key: null,
      });
      const profile = await create({
        name: "profile",
        mode: "AWS",
        team_id: 2,
        aws_authentication_type: "INSTANCE_PROFILE",
      });
      expect(profile.status).to.equal(201);
      expect(profile.data.aws_assumed_role_external_id).to.match(UUID);
      expect(profile.data.aws_assumed_role_external_id).not.to.equal(role.data.aws_assumed_role_external_id);
    });
  });

  describe("validation (422 naming the field)", function () {
    const text = { name: "n", mode: "TEXT", value: "v", team_id: 1 };
    const jwt = { name: "n", mode: "JWT", team_id: 1, jwt_algorithm: "RS256", jwt_private_key: "k" };
    const role = {
      name: "n",
      mode: "AWS",
      team_id: 1,
      aws_authentication_type: "ROLE",
      aws_assumed_role_arn: "a",
    };
    const without = (o: Record<string, unknown>, k: string) => {
      const copy = { ...o };
      delete copy[k];
      return copy;
    };
    const cases: Array<[string, Record<string, unknown>, string]> = [
      ["missing name", without(text, "name"), "name"],
      ["blank name", { ...text, name: "  " }, "name"],
      ["missing mode", without(text, "mode"), "mode"],
      ["unknown mode", { ...text, mode: "SAML" }, "mode"],
      ["missing team_id", without(text, "team_id"), "team_id"],
      ["string team_id", { ...text, team_id: "2" }, "team_id"],
      ["TEXT without value", without(text, "value"), "value"],
      ["JWT without algorithm", without(jwt, "jwt_algorithm"), "jwt_algorithm"],
      ["JWT with unknown algorithm", { ...jwt, jwt_algorithm: "none" }, "jwt_algorithm"],
      ["JWT without private key", without(jwt, "jwt_private_key"), "jwt_private_key"],
      ["JWT payload not an object", { ...jwt, jwt_payload: [1] }, "jwt_payload"],
      [
        "JWT time claims not boolean",
        { ...jwt, jwt_auto_generate_time_claims: "yes" },
        "jwt_auto_generate_time_claims",
      ],
      ["AWS without type", without(role, "aws_authentication_type"), "aws_authentication_type"],
      ["AWS unknown type", { ...role, aws_authentication_type: "SSO" }, "aws_authentication_type"],
      ["ROLE without arn", without(role, "aws_assumed_role_arn"), "aws_assumed_role_arn"],
      [
        "KEY without access key",
        { ...role, aws_authentication_type: "KEY", aws_secret_key: "s" },
        "aws_access_key",
      ],
      [
        "KEY without secret key",
        { ...role, aws_authentication_type: "KEY", aws_access_key: "a" },
        "aws_secret_key",
      ],
      [
        "use_static_external_id not boolean",
        { ...role, use_static_external_id: 1 },
        "use_static_external_id",
      ],
      ["unknown read_access", { ...text, read_access: "PUBLIC" }, "read_access"],
      ["SPECIFIC_TEAMS without slugs", { ...text, read_access: "SPECIFIC_TEAMS" }, "shared_team_slugs"],
      [
        "SPECIFIC_TEAMS with []",
        { ...text, read_access: "SPECIFIC_TEAMS", shared_team_slugs: [] },
        "shared_team_slugs",
      ],
      ["expires_at not ISO 8601", { ...text, expires_at: "tomorrow" }, "expires_at"],
      ["expires_at impossible date", { ...text, expires_at: "2026-02-30T00:00:00Z" }, "expires_at"],
      ["folder_id not integer", { ...text, folder_id: "x" }, "folder_id"],
      ["metadata not object", { ...text, metadata: ["a"] }, "metadata"],
      ["allowed_hosts not strings", { ...text, allowed_hosts: [1] }, "allowed_hosts"],
      ["description not string", { ...text, description: 5 }, "description"],
      [
        "expiry flag not boolean",
        { ...text, expiry_notifications_enabled: "yes" },
        "expiry_notifications_enabled",
      ],
      [
        "recipients not integers",
        { ...text, credential_notification_recipient_user_ids: ["a"] },
        "credential_notification_recipient_user_ids",
      ],
      [
        "unknown live credential",
        { ...without(text, "team_id"), live_credential_id: 999 },
        "live_credential_id",
      ],
    ];
    for (const [title, body, field] of cases) {
      it(`${title} -> ${field}`, async function () {
        expectFieldError(await create(body), field);
        expect(emu.tines.list()).to.have.length(0);
      });
    }

    it("reports every failing field at once", async function () {
      const res = await create({ mode: "TEXT", read_access: "NOPE" });
      for (const field of ["name", "team_id", "read_access", "value"]) expectFieldError(res, field);
    });

    it("rejects non-JSON bodies", async function () {
      const bad = await api.post(BASE, "{not json", {
        headers: { "Content-Type": "application/json" },
        transformRequest: [(d: unknown) => d],
      });
      expect(bad.status).to.equal(400);
      expect(bad.data).to.have.property("error");
      const form = await api.post(BASE, "name=a", {
        headers: { "Content-Type": "application/x-www-form-urlencoded" },
      });
      expect(form.status).to.equal(415);
      const arr = await api.post(BASE, [1, 2]);
      expect(arr.status).to.equal(422);
    });
  });

  describe("live_credential_id (test credentials)", function () {
    it("takes team, folder, read access and description from the live credential", async function () {
      const live = await create({
        name: "live",
        mode: "TEXT",
        value: "v",
        team_id: 7,
        folder_id: 3,
        read_access: "GLOBAL",
        description: "the live one",
      });
      const test = await create({ name: "test", mode: "TEXT", value: "t", live_credential_id: live.data.id });
      expect(test.status).to.equal(201);
      expect(test.data).to.include({
        team_id: 7,
        folder_id: 3,
        read_access: "GLOBAL",
        description: "the live one",
      });
      expect(test.data).not.to.have.property("live_credential_id");
      expect(emu.tines.get(test.data.id)?.live_credential_id).to.equal(live.data.id);
    });

    it("the live credential's answers carry its test credential's timestamps; the live record does not change", async function () {
      const live = await create({ name: "live", mode: "TEXT", value: "v", team_id: 7 });
      expect(live.data).not.to.have.property("test_credential");
      const test = await create({ name: "test", mode: "TEXT", value: "t", live_credential_id: live.data.id });
      const stamps = { created_at: test.data.created_at, updated_at: test.data.updated_at };
      const got = await api.get(`${BASE}/${live.data.id}`);
      expect(got.data.test_credential).to.deep.equal(stamps);
      expect(got.data.updated_at, "the live record itself is unchanged").to.equal(live.data.updated_at);
      const listed = await api.get(`${BASE}?per_page=500`);
      const items = listed.data.user_credentials as Record<string, unknown>[];
      expect(items.find((c) => c.id === live.data.id)?.test_credential).to.deep.equal(stamps);
      expect(items.find((c) => c.id === test.data.id)).not.to.have.property("test_credential");
      // An update of the test credential shows in the live one's next answer.
      const put = await api.put(`${BASE}/${test.data.id}`, { mode: "TEXT", description: "moved" });
      const again = await api.get(`${BASE}/${live.data.id}`);
      expect(again.data.test_credential).to.deep.equal({
        created_at: test.data.created_at,
        updated_at: put.data.updated_at,
      });
    });

    it("shows the first test credential still stored, through deletes, a snapshot load and a reset", async function () {
      const live = await create({ name: "live", mode: "TEXT", value: "v", team_id: 7 });
      const other = await create({ name: "other", mode: "TEXT", value: "v", team_id: 7 });
      const first = await create({ name: "t1", mode: "TEXT", value: "t", live_credential_id: live.data.id });
      const second = await create({ name: "t2", mode: "TEXT", value: "t", live_credential_id: live.data.id });
      const stampsOf = (rec: AxiosResponse) => ({
        created_at: rec.data.created_at,
        updated_at: rec.data.updated_at,
      });
      const shown = async (id: number) => (await api.get(`${BASE}/${id}`)).data.test_credential;
      expect(await shown(live.data.id)).to.deep.equal(stampsOf(first));
      expect(await shown(other.data.id), "another live credential has none").to.equal(undefined);
      await api.delete(`${BASE}/${first.data.id}`);
      expect(await shown(live.data.id)).to.deep.equal(stampsOf(second));
      // A store loaded from a snapshot (the emulator's state file) knows the same test credentials.
      const store = new TinesStore(() => undefined);
      store.load({ nextId: 100, records: emu.tines.list() });
      expect(store.testCredentialOf(live.data.id)?.id).to.equal(second.data.id);
      await api.delete(`${BASE}/${second.data.id}`);
      expect(await shown(live.data.id)).to.equal(undefined);
      emu.reset();
      const again = await create({ name: "live", mode: "TEXT", value: "v", team_id: 7 });
      expect(again.data.id, "ids start over after a reset").to.equal(live.data.id);
      expect(await shown(again.data.id), "nothing carried over a reset").to.equal(undefined);
    });

    it("requires the live credential to have the same mode", async function () {
      const live = await create({ name: "live", mode: "TEXT", value: "v", team_id: 7 });
      const res = await create({
        name: "t",
        mode: "JWT",
        jwt_algorithm: "HS256",
        jwt_private_key: "k",
        live_credential_id: live.data.id,
      });
      expectFieldError(res, "live_credential_id");
    });
  });

  describe("PUT (whole-record replace)", function () {
    async function seedFull() {
      const res = await create({
        name: "orig",
        mode: "TEXT",
        value: "text-secret-put",
        team_id: 4,
        folder_id: 2,
        read_access: "SPECIFIC_TEAMS",
        shared_team_slugs: ["a"],
        description: "d",
        metadata: { k: "v" },
        allowed_hosts: ["h"],
        expires_at: "2031-01-01T00:00:00.000Z",
        expiry_notifications_enabled: true,
        credential_notification_recipient_user_ids: [1],
      });
      expect(res.status).to.equal(201);
      return res.data;
    }

    it("resets absent fields to their defaults, keeps the secret, bumps updated_at only", async function () {
      const before = await seedFull();
      const res = await api.put(`${BASE}/${before.id}`, { mode: "TEXT", name: "Renamed Cred" });
      expect(res.status).to.equal(200);
      expect(res.data).to.deep.include({
        id: before.id,
        name: "Renamed Cred",
        slug: "renamed_cred",
        team_id: 4,
        folder_id: null,
        read_access: "TEAM",
        shared_team_slugs: [],
        description: "",
        metadata: {},
        allowed_hosts: [],
        expires_at: null,
        expiry_notifications_enabled: false,
        credential_notification_recipient_user_ids: [],
        created_at: before.created_at,
      });
      expect(Date.parse(res.data.updated_at)).to.be.greaterThan(Date.parse(before.updated_at));
      expect(res.data).not.to.have.property("value");
      expect(emu.tines.get(before.id)?.value).to.equal("text-secret-put");
      const got = await api.get(`${BASE}/${before.id}`);
      expect(got.data).to.deep.equal(res.data);
    });

    it("keeps the name when absent and replaces the secret when sent", async function () {
      const before = await seedFull();
      const res = await api.put(`${BASE}/${before.id}`, { mode: "TEXT", value: "new-secret", team_id: 4 });
      expect(res.status).to.equal(200);
      expect(res.data.name).to.equal("orig");
      expect(emu.tines.get(before.id)?.value).to.equal("new-secret");
    });

    it("requires mode, refuses a mode or team change, validates the result", async function () {
      const before = await seedFull();
      expectFieldError(await api.put(`${BASE}/${before.id}`, { name: "x" }), "mode");
      expectFieldError(
        await api.put(`${BASE}/${before.id}`, { mode: "JWT", jwt_algorithm: "HS256", jwt_private_key: "k" }),
        "mode",
      );
      expectFieldError(await api.put(`${BASE}/${before.id}`, { mode: "TEXT", team_id: 5 }), "team_id");
      expectFieldError(
        await api.put(`${BASE}/${before.id}`, { mode: "TEXT", read_access: "SPECIFIC_TEAMS" }),
        "shared_team_slugs",
      );
      expect(emu.tines.get(before.id)?.updated_at).to.equal(before.updated_at);
    });

    it("answers 404 for an unknown id", async function () {
      const res = await api.put(`${BASE}/42`, { mode: "TEXT" });
      expect(res.status).to.equal(404);
      expect(res.data).to.deep.equal({ error: "Not Found" });
    });
  });

  describe('PUT with tinesPut: "merge" (fields left out keep their value)', function () {
    let merging: Emulator;
    let put: AxiosInstance;
    before(async function () {
      merging = await startEmulator({ tinesPut: "merge", tinesApiKey: "merge-key" });
      put = axios.create({
        baseURL: merging.url,
        validateStatus: () => true,
        headers: { Authorization: "Bearer merge-key" },
      });
    });
    after(async function () {
      await merging.stop();
    });

    it("keeps every field the body leaves out, changes the ones it sends", async function () {
      const before = merging.tines.seed({
        name: "orig",
        mode: "JWT",
        team_id: 4,
        jwt_algorithm: "HS256",
        jwt_private_key: "jwt-secret-merge",
        jwt_payload: { iss: "a" },
        jwt_auto_generate_time_claims: true,
        folder_id: 2,
        read_access: "SPECIFIC_TEAMS",
        shared_team_slugs: ["a"],
        description: "d",
        metadata: { k: "v" },
        expires_at: "2031-01-01T00:00:00.000Z",
      });
      const res = await put.put(`${BASE}/${before.id}`, { mode: "JWT", description: "d2", jwt_payload: {} });
      expect(res.status).to.equal(200);
      expect(res.data).to.deep.include({
        name: "orig",
        description: "d2",
        jwt_payload: {},
        jwt_auto_generate_time_claims: true,
        folder_id: 2,
        read_access: "SPECIFIC_TEAMS",
        shared_team_slugs: ["a"],
        metadata: { k: "v" },
        expires_at: "2031-01-01T00:00:00.000Z",
      });
      expect(merging.tines.get(before.id)?.jwt_private_key).to.equal("jwt-secret-merge");
    });

    it("still requires mode and refuses a mode or team change", async function () {
      const before = merging.tines.seed({ name: "n", mode: "TEXT", team_id: 4, value: "v-merge" });
      expectFieldError(await put.put(`${BASE}/${before.id}`, { name: "x" }), "mode");
      expectFieldError(await put.put(`${BASE}/${before.id}`, { mode: "TEXT", team_id: 5 }), "team_id");
    });

    it("the option is checked: anything but replace or merge is refused", async function () {
      let error: unknown;
      try {
        await startEmulator({ tinesPut: "patch" as "merge" });
      } catch (e) {
        error = e;
      }
      expect(String(error)).to.match(/tinesPut must be one of replace, merge/);
      expect(emu.settings.tinesPut).to.equal("replace");
      expect(merging.settings.tinesPut).to.equal("merge");
    });

    it("the CLI takes --tines-put and EMULATOR_TINES_PUT", function () {
      expect(parseCliArgs(["--tines-put", "merge"], {}).options.tinesPut).to.equal("merge");
      expect(parseCliArgs([], { EMULATOR_TINES_PUT: "merge" }).options.tinesPut).to.equal("merge");
      expect(parseCliArgs([], {}).options.tinesPut).to.equal(undefined);
      expect(() => parseCliArgs(["--tines-put", "patch"], {})).to.throw(/--tines-put must be one of/);
    });
  });

  describe("DELETE and GET 404", function () {
    it("deletes with 204 and no body, then answers 404", async function () {
      const rec = (await create({ name: "d", mode: "TEXT", value: "v", team_id: 1 })).data;
      const del = await api.delete(`${BASE}/${rec.id}`);
      expect(del.status).to.equal(204);
      expect(del.data === "" || del.data === undefined).to.equal(true);
      const got = await api.get(`${BASE}/${rec.id}`);
      expect(got.status).to.equal(404);
      expect(got.data).to.deep.equal({ error: "Not Found" });
      expect((await api.delete(`${BASE}/${rec.id}`)).status).to.equal(404);
      expect((await api.get(`${BASE}/not-a-number`)).status).to.equal(404);
    });
  });

  describe("list", function () {
    it("paginates with per_page (default 20), URLs in meta, filters by team and folder", async function () {
      for (let i = 0; i < 25; i++) {
        emu.tines.seed({
          name: `c${i}`,
          mode: "TEXT",
          value: "v",
          team_id: i % 2 === 0 ? 1 : 2,
          folder_id: i < 5 ? 9 : null,
        });
      }
      const p1 = await api.get(BASE);
      expect(p1.status).to.equal(200);
      expect(p1.data.user_credentials).to.have.length(20);
      expect(p1.data.user_credentials[0].id).to.equal(1);
      expect(p1.data.meta).to.include({
        per_page: 20,
        pages: 2,
        count: 25,
        next_page_number: 2,
        previous_page: null,
      });
      expect(p1.data.meta.current_page).to.equal(`${emu.url}${BASE}?per_page=20&page=1`);
      expect(p1.data.meta.next_page).to.equal(`${emu.url}${BASE}?per_page=20&page=2`);
      const p2 = await api.get(p1.data.meta.next_page);
      expect(p2.data.user_credentials.map((r: { id: number }) => r.id)).to.deep.equal([21, 22, 23, 24, 25]);
      // As recorded by Tines' own SDK: the last page still carries a next_page_number (1).
      expect(p2.data.meta).to.include({ next_page: null, next_page_number: 1 });
      expect(p2.data.meta.previous_page).to.equal(`${emu.url}${BASE}?per_page=20&page=1`);

      const team2 = await api.get(BASE, { params: { team_id: 2, per_page: 5 } });
      expect(team2.data.meta).to.include({ count: 12, pages: 3, per_page: 5 });
      expect(team2.data.user_credentials.every((r: { team_id: number }) => r.team_id === 2)).to.equal(true);
      expect(team2.data.meta.next_page).to.contain("team_id=2");
      const folder = await api.get(BASE, { params: { folder_id: 9 } });
      expect(folder.data.meta.count).to.equal(5);
      const capped = await api.get(BASE, { params: { per_page: 100000 } });
      expect(capped.data.meta.per_page).to.equal(500);
      expect(capped.data.user_credentials).to.have.length(25);
      expect((await api.get(BASE, { params: { team_id: "abc" } })).status).to.equal(422);
      for (const rec of p1.data.user_credentials)
        for (const f of SECRET_FIELDS) expect(rec).not.to.have.property(f);
    });

    it("answers an empty list with zero pages", async function () {
      const res = await api.get(BASE);
      expect(res.data.user_credentials).to.deep.equal([]);
      expect(res.data.meta).to.include({ count: 0, pages: 0, next_page: null, next_page_number: 1 });
    });

    it("answers a one-page list in the shape Tines' SDK recorded (next_page null, next_page_number 1)", async function () {
      emu.tines.seed({ name: "only", mode: "TEXT", value: "v", team_id: 1 });
      const res = await api.get(BASE, { params: { per_page: 1, page: 1 } });
      expect(Object.keys(res.data)).to.have.members(["user_credentials", "meta"]);
      expect(res.data.meta).to.deep.equal({
        current_page: `${emu.url}${BASE}?per_page=1&page=1`,
        previous_page: null,
        next_page: null,
        next_page_number: 1,
        per_page: 1,
        pages: 1,
        count: 1,
      });
      // Past the end: no records and still no next page.
      const past = await api.get(BASE, { params: { per_page: 1, page: 3 } });
      expect(past.data.user_credentials).to.deep.equal([]);
      expect(past.data.meta).to.include({ next_page: null, next_page_number: 1, pages: 1 });
    });
  });

  describe("auth", function () {
    it("answers 401 without a key or with a wrong one, and creates nothing", async function () {
      const body = { name: "x", mode: "TEXT", value: "v", team_id: 1 };
      const none = await axios.post(`${emu.url}${BASE}`, body, { validateStatus: () => true });
      expect(none.status).to.equal(401);
      expect(none.data).to.have.property("error").that.is.a("string");
      const wrong = await axios.get(`${emu.url}${BASE}`, {
        headers: { Authorization: "Bearer nope" },
        validateStatus: () => true,
      });
      expect(wrong.status).to.equal(401);
      const wrongToken = await axios.get(`${emu.url}${BASE}/1`, {
        headers: { "X-User-Token": "nope" },
        validateStatus: () => true,
      });
      expect(wrongToken.status).to.equal(401);
      expect(emu.tines.list()).to.have.length(0);
    });
  });

  describe("out-of-band accessors", function () {
    it("seed validates like POST; update bumps updated_at; remove deletes", async function () {
      expect(() => emu.tines.seed({ name: "x", mode: "TEXT", team_id: 1 })).to.throw(
        TinesValidationError,
        /value/,
      );
      const rec = emu.tines.seed({ name: "x", mode: "TEXT", value: "v", team_id: 1 });
      const changed = emu.tines.update(rec.id, { description: "changed elsewhere" });
      expect(changed.description).to.equal("changed elsewhere");
      expect(changed.value).to.equal("v");
      expect(Date.parse(changed.updated_at)).to.be.greaterThan(Date.parse(rec.updated_at));
      const got = await api.get(`${BASE}/${rec.id}`);
      expect(got.data.description).to.equal("changed elsewhere");
      expect(got.data.updated_at).to.equal(changed.updated_at);
      expect(() => emu.tines.update(999, {})).to.throw(/999/);
      expect(emu.tines.remove(rec.id)).to.equal(true);
      expect(emu.tines.remove(rec.id)).to.equal(false);
      expect((await api.get(`${BASE}/${rec.id}`)).status).to.equal(404);
    });

    it("returns copies: mutating a returned record does not change the store", function () {
      const rec = emu.tines.seed({ name: "x", mode: "TEXT", value: "v", team_id: 1 });
      rec.name = "mutated";
      expect(emu.tines.get(rec.id)?.name).to.equal("x");
    });
  });

  describe("secrets", function () {
    it("never appear in any response body or in the log", async function () {
      const secrets = ["text-secret-zz", "jwt-secret-zz", "aws-secret-zz"];
      seenBodies.length = 0;
      const t = await create({ name: "s1", mode: "TEXT", value: secrets[0], team_id: 1 });
      const j = await create({
        name: "s2",
        mode: "JWT",
        team_id: 1,
        jwt_algorithm: "HS256",
        jwt_private_key: secrets[1],
      });
      const a = await create({
        name: "s3",
        mode: "AWS",
        team_id: 1,
        aws_authentication_type: "KEY",
        aws_access_key: "AK",
        aws_secret_key: secrets[2],
      });
      await api.put(`${BASE}/${t.data.id}`, { mode: "TEXT", value: secrets[0] });
      await api.get(`${BASE}/${j.data.id}`);
      await api.get(BASE);
      await create({ name: "bad", mode: "TEXT", value: secrets[0] }); // 422 must not echo the value
      await create({
        name: "bad",
        mode: "AWS",
        team_id: 1,
        aws_authentication_type: "KEY",
        aws_secret_key: secrets[2],
      });
      await api.delete(`${BASE}/${a.data.id}`);
      const state = await axios.get(`${emu.url}/_emulator/state`);
      seenBodies.push(JSON.stringify(state.data));
      expect(seenBodies.length).to.be.greaterThan(8);
      const everything = seenBodies.join("\n") + JSON.stringify(emu.log);
      for (const s of secrets) expect(everything).not.to.contain(s);
      expect(emu.log.filter((e) => e.service === "tines").length).to.be.greaterThan(8);
    });
  });
});
