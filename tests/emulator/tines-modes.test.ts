// The four newer Tines modes (OAUTH, MTLS, HTTP_REQUEST_AGENT, MULTI_REQUEST): required fields, enums,
// redirect_url, what is never returned, the TTL reset on PUT, and the control API, faults and list.
import * as http from "node:http";
import axios, { type AxiosInstance, type AxiosResponse } from "axios";
import { expect } from "chai";
import { startEmulator, TINES_MODES, TinesValidationError, type Emulator } from "../../emulator";

const BASE = "/api/v1/user_credentials";

/** Secrets: each must never leave the emulator (response bodies, state, log). */
const SECRET = {
  oauth: "oauth-client-secret-q1",
  mtlsKey: "-----BEGIN PRIVATE KEY-----\nmtls-key-q2\n-----END PRIVATE KEY-----\n",
  httpRequest: "http-request-secret-q3",
  first: "multi-first-secret-q4",
  second: "multi-second-secret-q5",
};
/** Not secret, but write-only: the docs show no response carrying them. */
const CLIENT_CERT = "-----BEGIN CERTIFICATE-----\nclient-cert-w1\n-----END CERTIFICATE-----\n";
const ROOT_CERT = "-----BEGIN CERTIFICATE-----\nroot-cert-w2\n-----END CERTIFICATE-----\n";

interface ModeCase {
  /** A valid create body. */
  body: Record<string, unknown>;
  /** Fields a create without them is refused for. */
  required: string[];
}

const MODES: Record<"OAUTH" | "MTLS" | "HTTP_REQUEST_AGENT" | "MULTI_REQUEST", ModeCase> = {
  OAUTH: {
    body: {
      name: "calendar oauth",
      mode: "OAUTH",
      team_id: 7,
      oauth_grant_type: "client_credentials",
      oauth_token_url: "https://login.example.net/token",
      oauth_client_id: "app-123",
      oauth_client_secret: SECRET.oauth,
      oauth_scope: "calendar.read",
    },
    required: [
      "oauth_grant_type",
      "oauth_token_url",
      "oauth_client_id",
      "oauth_client_secret",
      "oauth_scope",
    ],
  },
  MTLS: {
    body: {
      name: "internal mtls",
      mode: "MTLS",
      team_id: 7,
      mtls_client_certificate: CLIENT_CERT,
      mtls_client_private_key: SECRET.mtlsKey,
      mtls_root_certificate: ROOT_CERT,
    },
    required: ["mtls_client_certificate", "mtls_client_private_key", "mtls_root_certificate"],
  },
  HTTP_REQUEST_AGENT: {
    body: {
      name: "vault token",
      mode: "HTTP_REQUEST_AGENT",
      team_id: 7,
      http_request_options: {
        url: "https://vault.example.net/v1/auth/approle/login",
        method: "post",
        payload: { role_id: "ops", secret_id: "<<secret>>" },
      },
      http_request_location_of_token: "=response.body.auth.client_token",
      http_request_secret: SECRET.httpRequest,
      http_request_ttl: 60,
      content_type: "json",
    },
    required: ["http_request_options", "http_request_location_of_token"],
  },
  MULTI_REQUEST: {
    body: {
      name: "secrets hub token",
      mode: "MULTI_REQUEST",
      team_id: 7,
      credential_requests: [
        {
          options: { url: "https://idp.example.net/token", method: "post" },
          http_request_secret: SECRET.first,
        },
        {
          options: { url: "https://secrets.example.net/api/secrets/db", method: "get" },
          http_request_secret: SECRET.second,
        },
      ],
      http_request_location_of_token: "=credential_name.body.value",
      http_request_ttl: 300,
    },
    required: ["credential_requests", "http_request_location_of_token"],
  },
};
const MODE_NAMES = Object.keys(MODES) as Array<keyof typeof MODES>;
const COMMON_FIELDS = new Set(["name", "mode", "team_id"]);

/** The body's own mode fields: none of them may come back. */
const modeFields = (body: Record<string, unknown>) => Object.keys(body).filter((k) => !COMMON_FIELDS.has(k));
const without = (o: Record<string, unknown>, k: string) => {
  const copy = { ...o };
  delete copy[k];
  return copy;
};

describe("emulator: Tines OAUTH, MTLS, HTTP_REQUEST_AGENT and MULTI_REQUEST", function () {
  let emu: Emulator;
  let api: AxiosInstance;
  /** Every response body seen, to prove no secret or write-only field ever leaves the emulator. */
  const seenBodies: string[] = [];

  before(async function () {
    emu = await startEmulator();
    api = axios.create({
      baseURL: emu.url,
      validateStatus: () => true,
      headers: { Authorization: `Bearer ${emu.settings.tinesApiKey}` },
      // A fresh connection per request: a reset fault must not poison a pooled socket.
      httpAgent: new http.Agent({ keepAlive: false }),
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

  function expectFieldError(res: AxiosResponse, field: string, message?: RegExp): void {
    expect(res.status, JSON.stringify(res.data)).to.equal(422);
    const errors = (res.data as { errors: Array<{ message: string; details: string }> }).errors;
    const named = errors.filter(
      (e) => e.message.startsWith(field) && e.details === `Invalid parameter: ${field}`,
    );
    expect(named, `an error naming ${field} in ${JSON.stringify(errors)}`).to.have.length.greaterThan(0);
    if (message) expect(named.map((e) => e.message).join("; ")).to.match(message);
  }

  it("the emulator knows all seven documented modes", function () {
    expect([...TINES_MODES].sort()).to.deep.equal(
      ["AWS", "HTTP_REQUEST_AGENT", "JWT", "MTLS", "MULTI_REQUEST", "OAUTH", "TEXT"].sort(),
    );
  });

  for (const mode of MODE_NAMES) {
    const { body, required } = MODES[mode];

    describe(mode, function () {
      it("creates with the common fields only: no mode field, secret or not, comes back; the store keeps them", async function () {
        const res = await create(body);
        expect(res.status, JSON.stringify(res.data)).to.equal(201);
        expect(res.data).to.include({ id: 1, name: body.name, mode, team_id: 7, read_access: "TEAM" });
        for (const field of modeFields(body)) expect(res.data, field).not.to.have.property(field);
        const got = await api.get(`${BASE}/${res.data.id}`);
        expect(got.data).to.deep.equal(res.data);
        const stored = emu.tines.get(res.data.id) as unknown as Record<string, unknown>;
        for (const field of modeFields(body)) expect(stored[field], field).to.deep.equal(body[field]);
      });

      for (const field of required) {
        it(`refuses a create without ${field}, naming it`, async function () {
          expectFieldError(await create(without(body, field)), field, /is required/);
          expect(emu.tines.list()).to.have.length(0);
        });
      }

      it("a PUT that leaves out the required fields and secrets keeps them", async function () {
        const rec = emu.tines.seed(body);
        const res = await api.put(`${BASE}/${rec.id}`, { mode, description: "edited" });
        expect(res.status, JSON.stringify(res.data)).to.equal(200);
        const stored = emu.tines.get(rec.id) as unknown as Record<string, unknown>;
        expect(stored.description).to.equal("edited");
        for (const field of required) expect(stored[field], field).to.deep.equal(body[field]);
      });

      it("can be the test credential of a live credential of the same mode only", async function () {
        const live = emu.tines.seed(body);
        const test = await create({ ...without(body, "team_id"), live_credential_id: live.id });
        expect(test.status, JSON.stringify(test.data)).to.equal(201);
        expect(test.data.team_id).to.equal(7);
        const text = emu.tines.seed({ name: "t", mode: "TEXT", value: "v", team_id: 7 });
        expectFieldError(await create({ ...body, live_credential_id: text.id }), "live_credential_id");
      });
    });
  }

  describe("field rules (422 naming the field)", function () {
    const { OAUTH, MTLS, HTTP_REQUEST_AGENT, MULTI_REQUEST } = MODES;
    const requests = MULTI_REQUEST.body.credential_requests as Array<Record<string, unknown>>;
    const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
      [
        "OAUTH grant type outside the enum",
        { ...OAUTH.body, oauth_grant_type: "password" },
        "oauth_grant_type",
        /one of client_credentials, authorization_code/,
      ],
      [
        "OAUTH PKCE method outside the enum",
        { ...OAUTH.body, oauthPkceCodeChallengeMethod: "S512" },
        "oauthPkceCodeChallengeMethod",
        /one of S256, plain or null/,
      ],
      [
        "OAUTH authorization_code without oauth_url",
        { ...OAUTH.body, oauth_grant_type: "authorization_code" },
        "oauth_url",
        /required when oauth_grant_type is authorization_code/,
      ],
      [
        "OAUTH token URL that is not a URL",
        { ...OAUTH.body, oauth_token_url: "login.example.net/token" },
        "oauth_token_url",
        /absolute http or https URL/,
      ],
      [
        "OAUTH authorization URL with another scheme",
        { ...OAUTH.body, oauth_url: "ftp://login.example.net/authorize" },
        "oauth_url",
        /absolute http or https URL/,
      ],
      ["OAUTH blank client id", { ...OAUTH.body, oauth_client_id: " " }, "oauth_client_id", /non-empty/],
      [
        "MTLS empty private key",
        { ...MTLS.body, mtls_client_private_key: "" },
        "mtls_client_private_key",
        /non-empty/,
      ],
      [
        "HTTP request options sent as a JSON string (the oldest revision's form)",
        { ...HTTP_REQUEST_AGENT.body, http_request_options: '{"url":"https://vault.example.net"}' },
        "http_request_options",
        /JSON object/,
      ],
      [
        "TTL of zero",
        { ...HTTP_REQUEST_AGENT.body, http_request_ttl: 0 },
        "http_request_ttl",
        /positive integer/,
      ],
      [
        "TTL as a string",
        { ...MULTI_REQUEST.body, http_request_ttl: "60" },
        "http_request_ttl",
        /positive integer/,
      ],
      [
        "one credential request",
        { ...MULTI_REQUEST.body, credential_requests: [requests[0]] },
        "credential_requests",
        /exactly two/,
      ],
      [
        "three credential requests",
        { ...MULTI_REQUEST.body, credential_requests: [...requests, requests[0]] },
        "credential_requests",
        /exactly two/,
      ],
      [
        "a credential request without options",
        { ...MULTI_REQUEST.body, credential_requests: [requests[0], { http_request_secret: SECRET.second }] },
        "credential_requests",
        /^credential_requests\[1\]\.options must be a JSON object$/,
      ],
      [
        "a credential request whose secret is under a camelCase key",
        {
          ...MULTI_REQUEST.body,
          credential_requests: [requests[0], { options: {}, httpRequestSecret: SECRET.second }],
        },
        "credential_requests",
        /^credential_requests\[1\] has an unknown key "httpRequestSecret"/,
      ],
      [
        "a credential request with an empty secret",
        {
          ...MULTI_REQUEST.body,
          credential_requests: [{ options: {}, http_request_secret: "" }, requests[1]],
        },
        "credential_requests",
        /^credential_requests\[0\]\.http_request_secret must be a non-empty string$/,
      ],
    ];
    for (const [title, body, field, message] of cases) {
      it(`${title} -> ${field}`, async function () {
        expectFieldError(await create(body), field, message);
        expect(emu.tines.list()).to.have.length(0);
      });
    }

    it("accepts both grant types and both PKCE methods, under the documented camelCase key only", async function () {
      for (const grant of ["client_credentials", "authorization_code"]) {
        for (const pkce of ["S256", "plain", null]) {
          const res = await create({
            ...OAUTH.body,
            oauth_grant_type: grant,
            oauth_url: "https://login.example.net/authorize",
            oauthPkceCodeChallengeMethod: pkce,
          });
          expect(res.status, `${grant} ${pkce}`).to.equal(201);
          expect(emu.tines.get(res.data.id)).to.include({
            oauth_grant_type: grant,
            oauthPkceCodeChallengeMethod: pkce,
          });
        }
      }
      // The snake_case spelling is not the documented key: it is ignored like any unknown field.
      const snake = await create({ ...OAUTH.body, oauth_pkce_code_challenge_method: "S256" });
      expect(snake.status).to.equal(201);
      expect(emu.tines.get(snake.data.id)?.oauthPkceCodeChallengeMethod).to.equal(null);
    });

    it("a credential request may leave out its secret", async function () {
      const res = await create({
        ...MULTI_REQUEST.body,
        credential_requests: [{ options: { url: "https://a.example.net" } }, requests[1]],
      });
      expect(res.status, JSON.stringify(res.data)).to.equal(201);
      expect(emu.tines.get(res.data.id)?.credential_requests?.[0]).to.deep.equal({
        options: { url: "https://a.example.net" },
      });
    });
  });

  describe("OAUTH redirect_url", function () {
    const authorizationCode = {
      ...MODES.OAUTH.body,
      oauth_grant_type: "authorization_code",
      oauth_url: "https://login.example.net/authorize?tenant=ops",
      oauthPkceCodeChallengeMethod: "S256",
    };

    it("authorization_code answers a redirect_url to the provider's consent page, coming back to the tenant", async function () {
      const res = await create(authorizationCode);
      expect(res.status).to.equal(201);
      const url = new URL(res.data.redirect_url);
      expect(`${url.origin}${url.pathname}`).to.equal("https://login.example.net/authorize");
      expect(Object.fromEntries(url.searchParams)).to.include({
        tenant: "ops",
        response_type: "code",
        client_id: "app-123",
        redirect_uri: `${emu.url}/oauth2/callback`,
        scope: "calendar.read",
        code_challenge_method: "S256",
      });
      expect(url.searchParams.get("state")).to.match(/^[0-9a-f-]{36}$/);
      expect(res.data.redirect_url).not.to.contain(SECRET.oauth);
    });

    it("comes with the create answer only: GET, list and PUT answers have none", async function () {
      const created = await create(authorizationCode);
      const id = created.data.id;
      expect((await api.get(`${BASE}/${id}`)).data).not.to.have.property("redirect_url");
      expect((await api.get(BASE)).data.user_credentials[0]).not.to.have.property("redirect_url");
      expect((await api.put(`${BASE}/${id}`, { mode: "OAUTH" })).data).not.to.have.property("redirect_url");
      expect(emu.tines.get(id)).not.to.have.property("redirect_url");
    });

    it("client_credentials answers none", async function () {
      const res = await create(MODES.OAUTH.body);
      expect(res.status).to.equal(201);
      expect(res.data).not.to.have.property("redirect_url");
    });
  });

  describe("http_request_ttl on PUT", function () {
    for (const mode of ["HTTP_REQUEST_AGENT", "MULTI_REQUEST"] as const) {
      it(`${mode}: a PUT that leaves the TTL out sets it to null; one that sends it sets it`, async function () {
        const rec = emu.tines.seed(MODES[mode].body);
        expect(rec.http_request_ttl).to.be.a("number");
        expect((await api.put(`${BASE}/${rec.id}`, { mode, name: "renamed" })).status).to.equal(200);
        expect(emu.tines.get(rec.id)?.http_request_ttl).to.equal(null);
        expect((await api.put(`${BASE}/${rec.id}`, { mode, http_request_ttl: 120 })).status).to.equal(200);
        expect(emu.tines.get(rec.id)?.http_request_ttl).to.equal(120);
        // An out-of-band change is not a PUT: it keeps the TTL.
        emu.tines.update(rec.id, { description: "changed in the UI" });
        expect(emu.tines.get(rec.id)?.http_request_ttl).to.equal(120);
      });
    }

    it('resets it under tinesPut: "merge" too, where every other field left out keeps its value', async function () {
      const merging = await startEmulator({ tinesPut: "merge" });
      try {
        const rec = merging.tines.seed({ ...MODES.HTTP_REQUEST_AGENT.body, description: "kept" });
        const res = await axios.put(
          `${merging.url}${BASE}/${rec.id}`,
          { mode: "HTTP_REQUEST_AGENT", name: "renamed" },
          { headers: { Authorization: `Bearer ${merging.settings.tinesApiKey}` } },
        );
        expect(res.status).to.equal(200);
        expect(merging.tines.get(rec.id)).to.include({
          http_request_ttl: null,
          description: "kept",
          content_type: "json",
          http_request_secret: SECRET.httpRequest,
        });
      } finally {
        await merging.stop();
      }
    });
  });

  describe("MULTI_REQUEST credential_requests on PUT", function () {
    it("sent: replaces both requests, secrets included; left out: keeps both", async function () {
      const rec = emu.tines.seed(MODES.MULTI_REQUEST.body);
      const replacement = [
        { options: { url: "https://a.example.net" }, http_request_secret: "rotated" },
        { options: {} },
      ];
      const res = await api.put(`${BASE}/${rec.id}`, {
        mode: "MULTI_REQUEST",
        credential_requests: replacement,
      });
      expect(res.status, JSON.stringify(res.data)).to.equal(200);
      expect(emu.tines.get(rec.id)?.credential_requests).to.deep.equal(replacement);
      await api.put(`${BASE}/${rec.id}`, { mode: "MULTI_REQUEST", http_request_ttl: 5 });
      expect(emu.tines.get(rec.id)?.credential_requests).to.deep.equal(replacement);
    });
  });

  describe("list, control API, faults", function () {
    it("lists every mode without any mode field; filters apply", async function () {
      for (const mode of MODE_NAMES) emu.tines.seed(MODES[mode].body);
      emu.tines.seed({ ...MODES.MTLS.body, team_id: 8 });
      const res = await api.get(BASE, { params: { team_id: 7 } });
      expect(res.data.meta.count).to.equal(4);
      expect(res.data.user_credentials.map((r: { mode: string }) => r.mode)).to.deep.equal(MODE_NAMES);
      for (const rec of res.data.user_credentials) {
        for (const field of modeFields(MODES[rec.mode as keyof typeof MODES].body)) {
          expect(rec, `${rec.mode} ${field}`).not.to.have.property(field);
        }
      }
    });

    it("the control API seeds, changes and shows them, validating like the API", async function () {
      const control = axios.create({ baseURL: `${emu.url}/_emulator`, validateStatus: () => true });
      const seeded = await control.post("/tines/credentials", MODES.MULTI_REQUEST.body);
      expect(seeded.status, JSON.stringify(seeded.data)).to.equal(201);
      expect(seeded.data).not.to.have.property("credential_requests");
      const id = seeded.data.id;
      const patched = await control.patch(`/tines/credentials/${id}`, { http_request_ttl: 30 });
      expect(patched.status).to.equal(200);
      expect(emu.tines.get(id)?.http_request_ttl).to.equal(30);
      const bad = await control.patch(`/tines/credentials/${id}`, { credential_requests: [{ options: {} }] });
      expectFieldError(bad, "credential_requests", /exactly two/);
      expect(emu.tines.get(id)?.credential_requests).to.deep.equal(
        MODES.MULTI_REQUEST.body.credential_requests,
      );
      const oauth = await control.post(
        "/tines/credentials",
        without(MODES.OAUTH.body, "oauth_client_secret"),
      );
      expectFieldError(oauth, "oauth_client_secret", /is required/);
      const state = await control.get("/state");
      expect(state.data.tines.count).to.equal(1);
      expect(state.data.tines.records[0]).not.to.have.property("credential_requests");
      expect(() => emu.tines.seed(without(MODES.MTLS.body, "mtls_root_certificate"))).to.throw(
        TinesValidationError,
        /mtls_root_certificate is required/,
      );
    });

    it("echo faults quote the secret itself of the new modes, nested ones included", async function () {
      /** echo-json answers the request's secret as `{"token": secret}` JSON inside a JSON string. */
      const quoted = async (body: Record<string, unknown>) => {
        emu.injectFault({ service: "tines", fault: "echo-json", count: 1 });
        const res = await create(body);
        expect(res.status).to.equal(422);
        return (JSON.parse(res.data.value) as { token: string }).token;
      };
      expect(await quoted(MODES.OAUTH.body)).to.equal(SECRET.oauth);
      expect(await quoted(MODES.MTLS.body)).to.equal(SECRET.mtlsKey);
      expect(await quoted(MODES.HTTP_REQUEST_AGENT.body)).to.equal(SECRET.httpRequest);
      expect(await quoted(MODES.MULTI_REQUEST.body)).to.equal(SECRET.first);
      const secondOnly = {
        ...MODES.MULTI_REQUEST.body,
        credential_requests: [{ options: {} }, { options: {}, http_request_secret: SECRET.second }],
      };
      expect(await quoted(secondOnly)).to.equal(SECRET.second);
      expect(emu.tines.list()).to.have.length(0);
    });

    it("reset-after stores the credential without answering", async function () {
      emu.injectFault({ service: "tines", method: "POST", fault: "reset-after", count: 1 });
      const err = await create(MODES.MTLS.body).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(axios.isAxiosError(err)).to.equal(true);
      expect(emu.tines.list().map((r) => r.mode)).to.deep.equal(["MTLS"]);
      expect(emu.log.at(-1)).to.include({
        service: "tines",
        method: "POST",
        status: 201,
        fault: "reset-after",
      });
    });
  });

  it("no secret and no write-only certificate ever appears in a response body, the state or the log", async function () {
    seenBodies.length = 0;
    const ids = [];
    for (const mode of MODE_NAMES) ids.push((await create(MODES[mode].body)).data.id);
    await create({
      ...MODES.OAUTH.body,
      oauth_grant_type: "authorization_code",
      oauth_url: "https://login.example.net/authorize",
    });
    for (const [i, mode] of MODE_NAMES.entries()) {
      await api.get(`${BASE}/${ids[i]}`);
      await api.put(`${BASE}/${ids[i]}`, MODES[mode].body);
    }
    await api.get(BASE);
    // Refused bodies must not be quoted either.
    await create({
      ...MODES.MULTI_REQUEST.body,
      credential_requests: [{ options: {}, http_request_secret: SECRET.first }],
    });
    await create({ ...MODES.OAUTH.body, oauth_grant_type: "device_code" });
    await create({ ...MODES.MTLS.body, team_id: "7" });
    seenBodies.push(JSON.stringify((await axios.get(`${emu.url}/_emulator/state`)).data));
    expect(seenBodies.length).to.be.greaterThan(12);
    const everything = seenBodies.join("\n") + JSON.stringify(emu.log);
    for (const s of [
      ...Object.values(SECRET),
      "mtls-key-q2",
      CLIENT_CERT,
      ROOT_CERT,
      "client-cert-w1",
      "root-cert-w2",
    ]) {
      expect(everything).not.to.contain(s);
    }
  });
});
