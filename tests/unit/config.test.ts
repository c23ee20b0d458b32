// Connection settings: stack config (configure) over environment, clear errors for missing
// settings, https only (except loopback), and the Twilio regional host.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import { forgetKnownIds } from "../../provider/core/lifecycle";
import {
  DEFAULT_ENV,
  Env,
  netError,
  rejection,
  setEnv,
  TEXT_VALUE,
  TINES_BASE,
  tinesRecord,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_BASE,
  twilioRecord,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };
const TEXT = { ...PROVIDER, name: "ci-token", teamId: 2, value: TEXT_VALUE };
const TWILIO = { ...PROVIDER, credentials: "AKIAIOSFODNN7EXAMPLE:secret-half-value", friendlyName: "ci" };

function stackConfig(values: Record<string, string>) {
  return { config: { get: (key: string) => values[key] } };
}

/** Answers one Tines create at `origin` and returns the headers it saw. */
function tinesCreateAt(origin: string) {
  const seen: { authorization?: string } = {};
  nock(origin)
    .post(TINES_BASE)
    .reply(function () {
      seen.authorization = this.req.headers.authorization as string;
      return [201, tinesRecord("TEXT")];
    });
  return seen;
}

function twilioCreateAt(origin: string) {
  const seen: { authorization?: string } = {};
  nock(origin)
    .post(TWILIO_BASE)
    .reply(function () {
      seen.authorization = this.req.headers.authorization as string;
      return [201, twilioRecord()];
    });
  return seen;
}

describe("connection settings", () => {
  const sandbox = useHttpSandbox();

  /** Replaces the sandbox's environment inside one test (the sandbox restores the original). */
  const env = (vars: Env) => {
    setEnv(vars);
  };

  describe("stack config via configure", () => {
    it("wins over the environment (Tines)", async () => {
      await providers.tinesTextCredential.configure(
        stackConfig({
          "tines:tenant": "https://config-tenant.example.test",
          "tines:apiKey": "config-api-key-000000",
        }),
      );
      const seen = tinesCreateAt("https://config-tenant.example.test");
      await providers.tinesTextCredential.create(TEXT);
      expect(seen.authorization).to.equal("Bearer config-api-key-000000");
    });

    it("is shared by every provider (configured once through any of them)", async () => {
      await providers.twilioAwsCredential.configure(
        stackConfig({
          "tines:tenant": "config-tenant.example.test",
          "tines:apiKey": "config-api-key-000000",
        }),
      );
      tinesCreateAt("https://config-tenant.example.test");
      const { id } = await providers.tinesTextCredential.create(TEXT);
      expect(id).to.equal("101");
    });

    it("falls back to the environment for keys the config does not set", async () => {
      await providers.tinesTextCredential.configure(stackConfig({ "tines:apiKey": "config-api-key-000000" }));
      const seen = tinesCreateAt(DEFAULT_ENV.TINES_TENANT!);
      await providers.tinesTextCredential.create(TEXT);
      expect(seen.authorization).to.equal("Bearer config-api-key-000000");
    });

    it("wins over the environment (Twilio), including accountsUrl and the API key pair", async () => {
      await providers.twilioAwsCredential.configure(
        stackConfig({
          "twilio:apiKey": "SKconfig000000000000000000000000000",
          "twilio:apiSecret": "config-api-secret-000000",
          "twilio:accountsUrl": "https://twilio-proxy.example.test",
        }),
      );
      const seen = twilioCreateAt("https://twilio-proxy.example.test");
      await providers.twilioAwsCredential.create(TWILIO);
      expect(seen.authorization).to.equal(
        `Basic ${Buffer.from("SKconfig000000000000000000000000000:config-api-secret-000000").toString("base64")}`,
      );
    });

    it("a later configure replaces the earlier one", async () => {
      await providers.tinesTextCredential.configure(
        stackConfig({ "tines:tenant": "https://config-tenant.example.test" }),
      );
      await providers.tinesTextCredential.configure(stackConfig({}));
      const seen = tinesCreateAt(DEFAULT_ENV.TINES_TENANT!);
      await providers.tinesTextCredential.create(TEXT);
      expect(seen.authorization).to.equal(`Bearer ${DEFAULT_ENV.TINES_API_KEY}`);
    });
  });

  describe("missing settings", () => {
    const cases: [string, Env, () => Promise<unknown>, string, string][] = [
      [
        "Tines tenant",
        { TINES_API_KEY: "k".repeat(20) },
        () => providers.tinesTextCredential.create(TEXT),
        "tines:tenant",
        "TINES_TENANT",
      ],
      [
        "Tines API key",
        { TINES_TENANT: "https://tenant.example.test" },
        () => providers.tinesJwtCredential.read("1", PROVIDER),
        "tines:apiKey",
        "TINES_API_KEY",
      ],
      [
        "Twilio account SID",
        { TWILIO_AUTH_TOKEN },
        () => providers.twilioAwsCredential.create(TWILIO),
        "twilio:accountSid",
        "TWILIO_ACCOUNT_SID",
      ],
      [
        "Twilio auth token",
        { TWILIO_ACCOUNT_SID },
        () => providers.twilioAwsCredential.delete("CR0123456789abcdef0123456789abcdef", PROVIDER),
        "twilio:authToken",
        "TWILIO_AUTH_TOKEN",
      ],
      [
        "Twilio API secret when an API key is set",
        { TWILIO_API_KEY: "SK0123456789abcdef0123456789abcdef" },
        () => providers.twilioAwsCredential.create(TWILIO),
        "twilio:apiSecret",
        "TWILIO_API_SECRET",
      ],
    ];
    for (const [title, vars, call, key, envName] of cases) {
      it(`${title}: an error naming the config key ${key} and ${envName}, before any request`, async () => {
        env(vars);
        const error = await rejection(call());
        expect(error.message).to.include(key).and.include(envName);
        expect(sandbox.unmatched).to.deep.equal([]);
      });
    }

    it("the API key's config hint says --secret", async () => {
      env({ TINES_TENANT: "https://tenant.example.test" });
      const error = await rejection(providers.tinesTextCredential.create(TEXT));
      expect(error.message).to.match(/pulumi config set tines:apiKey --secret/);
    });

    it("a non-numeric TINES_MAX_RETRIES is an error naming it", async () => {
      env({ ...DEFAULT_ENV, TINES_MAX_RETRIES: "many" });
      const error = await rejection(providers.tinesTextCredential.create(TEXT));
      expect(error.message)
        .to.include("TINES_MAX_RETRIES")
        .and.match(/whole number/);
    });

    it("check and diff need no settings at all", async () => {
      env({});
      const checked = await providers.tinesTextCredential.check({}, TEXT);
      expect(checked.failures).to.deep.equal([]);
      const diffed = await providers.twilioAwsCredential.diff("CR1", TWILIO, TWILIO);
      expect(diffed.changes).to.equal(false);
    });
  });

  describe("https only, except on loopback", () => {
    it("refuses http:// for a non-loopback tenant before any request", async () => {
      env({ ...DEFAULT_ENV, TINES_TENANT: "http://tenant.example.test" });
      const scope = nock("http://tenant.example.test").post(TINES_BASE).reply(201, tinesRecord("TEXT"));
      const error = await rejection(providers.tinesTextCredential.create(TEXT));
      expect(error.message)
        .to.match(/http:\/\/ is refused/)
        .and.include("tenant.example.test");
      expect(scope.isDone(), "a request was sent over plain http").to.equal(false);
      nock.cleanAll();
    });

    it("refuses http:// for a non-loopback Twilio accounts URL", async () => {
      env({ ...DEFAULT_ENV, TWILIO_ACCOUNTS_URL: "http://twilio-proxy.example.test" });
      const scope = nock("http://twilio-proxy.example.test").post(TWILIO_BASE).reply(201, twilioRecord());
      const error = await rejection(providers.twilioAwsCredential.create(TWILIO));
      expect(error.message).to.match(/http:\/\/ is refused/);
      expect(scope.isDone()).to.equal(false);
      nock.cleanAll();
    });

    for (const origin of ["http://127.0.0.1:18080", "http://localhost:18081", "http://[::1]:18082"]) {
      it(`allows ${origin}`, async () => {
        env({ ...DEFAULT_ENV, TINES_TENANT: origin, TWILIO_ACCOUNTS_URL: origin });
        tinesCreateAt(origin);
        expect((await providers.tinesTextCredential.create(TEXT)).id).to.equal("101");
        twilioCreateAt(origin);
        expect((await providers.twilioAwsCredential.create(TWILIO)).id).to.match(/^CR/);
      });
    }

    it("a bare host gets https://", async () => {
      env({ ...DEFAULT_ENV, TINES_TENANT: "bare-tenant.example.test" });
      tinesCreateAt("https://bare-tenant.example.test");
      expect((await providers.tinesTextCredential.create(TEXT)).id).to.equal("101");
    });

    it("a trailing slash on the tenant does not double the path", async () => {
      env({ ...DEFAULT_ENV, TINES_TENANT: "https://slash-tenant.example.test/" });
      tinesCreateAt("https://slash-tenant.example.test");
      expect((await providers.tinesTextCredential.create(TEXT)).id).to.equal("101");
    });

    it("an unparsable tenant is a clear error", async () => {
      env({ ...DEFAULT_ENV, TINES_TENANT: "https://exa mple" });
      const error = await rejection(providers.tinesTextCredential.create(TEXT));
      expect(error.message).to.include("tines:tenant");
    });
  });

  describe("Twilio host", () => {
    const cases: [string, Env, string][] = [
      ["default", {}, "https://accounts.twilio.com"],
      [
        "region and edge",
        { TWILIO_REGION: "ie1", TWILIO_EDGE: "dublin" },
        "https://accounts.dublin.ie1.twilio.com",
      ],
      ["edge only (region us1)", { TWILIO_EDGE: "sydney" }, "https://accounts.sydney.us1.twilio.com"],
      ["region only", { TWILIO_REGION: "au1" }, "https://accounts.au1.twilio.com"],
      [
        "TWILIO_ACCOUNTS_URL overrides region and edge",
        {
          TWILIO_REGION: "ie1",
          TWILIO_EDGE: "dublin",
          TWILIO_ACCOUNTS_URL: "https://twilio-proxy.example.test",
        },
        "https://twilio-proxy.example.test",
      ],
    ];
    for (const [title, vars, origin] of cases) {
      it(`${title}: ${origin}`, async () => {
        env({ ...DEFAULT_ENV, ...vars });
        const seen = twilioCreateAt(origin);
        await providers.twilioAwsCredential.create(TWILIO);
        expect(seen.authorization).to.equal(
          `Basic ${Buffer.from(`${TWILIO_ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`).toString("base64")}`,
        );
      });
    }

    it("region and edge from stack config", async () => {
      await providers.twilioAwsCredential.configure(
        stackConfig({ "twilio:region": "jp1", "twilio:edge": "tokyo" }),
      );
      twilioCreateAt("https://accounts.tokyo.jp1.twilio.com");
      expect((await providers.twilioAwsCredential.create(TWILIO)).id).to.match(/^CR/);
    });
  });

  describe("clients follow the settings", () => {
    it("a changed environment between calls reaches the new host", async () => {
      tinesCreateAt(DEFAULT_ENV.TINES_TENANT!);
      await providers.tinesTextCredential.create(TEXT);
      forgetKnownIds(); // both tenants answer id 101; as two runs, not one resource's id twice
      env({ ...DEFAULT_ENV, TINES_TENANT: "https://second-tenant.example.test" });
      tinesCreateAt("https://second-tenant.example.test");
      expect((await providers.tinesTextCredential.create(TEXT)).id).to.equal("101");
    });

    it("TINES_MAX_RETRIES=0 means a single attempt", async () => {
      env({ ...DEFAULT_ENV, TINES_MAX_RETRIES: "0" });
      nock(DEFAULT_ENV.TINES_TENANT!).get(`${TINES_BASE}/5`).replyWithError(netError("ECONNREFUSED"));
      const error = await rejection(providers.tinesTextCredential.read("5", PROVIDER));
      expect(error.message).to.include(`GET ${TINES_BASE}/5`).and.include("ECONNREFUSED");
    });
  });
});
