// Connection settings: stack config (configure) over environment by group, clear errors for
// missing and malformed settings, https only (except loopback), base URLs that are origins only,
// the Twilio regional host from checked labels, and bounded timeout and retries.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import {
  DEFAULT_MAX_RETRIES,
  DEFAULT_TIMEOUT_MS,
  MAX_RETRIES_RANGE,
  TIMEOUT_MS_RANGE,
} from "../../provider/core/config";
import { tinesTextSpec } from "../../provider/tines/text";
import { twilioAwsSpec } from "../../provider/twilio/aws";
import {
  DEFAULT_ENV,
  Env,
  netError,
  rejection,
  setEnv,
  startNewRun,
  TEXT_VALUE,
  TINES_BASE,
  tinesRecord,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_BASE,
  TWILIO_URL,
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

/** Basic auth as Twilio expects it. */
function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
}

/**
 * Answers anything at `origin` and records every path asked for, so a test can show that no
 * request reached a host (or a doubled path) at all. Removed by the sandbox after the test.
 */
function recordAllAt(origin: string): string[] {
  const paths: string[] = [];
  const record = (path: string) => {
    paths.push(path);
    return [404, { error: "not found" }] as [number, object];
  };
  for (const method of ["get", "post", "put", "delete"] as const) {
    nock(origin).persist()[method](/.*/).optionally().reply(record);
  }
  return paths;
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
      startNewRun(); // both tenants answer id 101; as two runs, not one resource's id twice
      env({ ...DEFAULT_ENV, TINES_TENANT: "https://second-tenant.example.test" });
      tinesCreateAt("https://second-tenant.example.test");
      expect((await providers.tinesTextCredential.create(TEXT)).id).to.equal("101");
    });

    it("the same settings give the same connection: resolved once, not on every hook", () => {
      for (const spec of [twilioAwsSpec, tinesTextSpec]) expect(spec.connect()).to.equal(spec.connect());
    });

    it("a value changed inside the same stack config object reaches the new host", async () => {
      const values: Record<string, string> = { "tines:tenant": "https://config-tenant.example.test" };
      await providers.tinesTextCredential.configure(stackConfig(values));
      const before = tinesTextSpec.connect();
      tinesCreateAt("https://config-tenant.example.test");
      await providers.tinesTextCredential.create(TEXT);
      startNewRun();
      values["tines:tenant"] = "https://second-tenant.example.test";
      expect(tinesTextSpec.connect()).not.to.equal(before);
      tinesCreateAt("https://second-tenant.example.test");
      expect((await providers.tinesTextCredential.create(TEXT)).id).to.equal("101");
    });

    it("a changed Twilio auth token in the environment is the one sent next", async () => {
      twilioCreateAt(TWILIO_URL);
      await providers.twilioAwsCredential.create(TWILIO);
      startNewRun();
      env({ ...DEFAULT_ENV, TWILIO_AUTH_TOKEN: "rotated-auth-token-0000000000000" });
      const seen = twilioCreateAt(TWILIO_URL);
      await providers.twilioAwsCredential.create(TWILIO);
      expect(seen.authorization).to.equal(basic(TWILIO_ACCOUNT_SID, "rotated-auth-token-0000000000000"));
    });

    it("a bad setting fails every call until it is fixed (a failed resolution is not kept)", async () => {
      env({ ...DEFAULT_ENV, TINES_MAX_RETRIES: "many" });
      for (let call = 0; call < 2; call++) {
        const error = await rejection(providers.tinesTextCredential.read("5", PROVIDER));
        expect(error.message).to.include("TINES_MAX_RETRIES");
      }
      env(DEFAULT_ENV);
      nock(DEFAULT_ENV.TINES_TENANT!)
        .get(`${TINES_BASE}/5`)
        .reply(200, tinesRecord("TEXT", { id: 5 }));
      expect((await providers.tinesTextCredential.read("5", PROVIDER)).id).to.equal("5");
    });

    it("TINES_MAX_RETRIES=0 means a single attempt", async () => {
      env({ ...DEFAULT_ENV, TINES_MAX_RETRIES: "0" });
      nock(DEFAULT_ENV.TINES_TENANT!).get(`${TINES_BASE}/5`).replyWithError(netError("ECONNREFUSED"));
      const error = await rejection(providers.tinesTextCredential.read("5", PROVIDER));
      expect(error.message).to.include(`GET ${TINES_BASE}/5`).and.include("ECONNREFUSED");
    });
  });

  describe("precedence by group (item 5)", () => {
    const CLI_KEY = "SKcli00000000000000000000000000000";
    const CLI_SECRET = "cli-api-secret-left-in-the-env-0000";
    const STACK_SID = "ACstack0000000000000000000000000000";
    const STACK_TOKEN = "stack-auth-token-0000000000000000";

    it("the stack's account SID + auth token beat an API key pair left in the environment", async () => {
      env({ ...DEFAULT_ENV, TWILIO_API_KEY: CLI_KEY, TWILIO_API_SECRET: CLI_SECRET });
      await providers.twilioAwsCredential.configure(
        stackConfig({ "twilio:accountSid": STACK_SID, "twilio:authToken": STACK_TOKEN }),
      );
      const seen = twilioCreateAt(TWILIO_URL);
      await providers.twilioAwsCredential.create(TWILIO);
      expect(seen.authorization).to.equal(basic(STACK_SID, STACK_TOKEN));
    });

    it("the stack's region and edge beat TWILIO_ACCOUNTS_URL in the environment", async () => {
      env({ ...DEFAULT_ENV, TWILIO_ACCOUNTS_URL: "https://twilio-proxy.example.test" });
      await providers.twilioAwsCredential.configure(
        stackConfig({ "twilio:region": "ie1", "twilio:edge": "dublin" }),
      );
      const reached = recordAllAt("https://twilio-proxy.example.test");
      twilioCreateAt("https://accounts.dublin.ie1.twilio.com");
      await providers.twilioAwsCredential.create(TWILIO);
      expect(reached).to.deep.equal([]);
    });

    it("the stack's accountsUrl beats TWILIO_REGION / TWILIO_EDGE in the environment", async () => {
      env({ ...DEFAULT_ENV, TWILIO_REGION: "ie1", TWILIO_EDGE: "dublin" });
      await providers.twilioAwsCredential.configure(
        stackConfig({ "twilio:accountsUrl": "https://twilio-proxy.example.test" }),
      );
      twilioCreateAt("https://twilio-proxy.example.test");
      expect((await providers.twilioAwsCredential.create(TWILIO)).id).to.match(/^CR/);
    });

    it("the stack's tines:apiKey beats TINES_API_KEY, and the tenant may still come from the environment", async () => {
      await providers.tinesTextCredential.configure(stackConfig({ "tines:apiKey": "config-api-key-000000" }));
      const seen = tinesCreateAt(DEFAULT_ENV.TINES_TENANT!);
      await providers.tinesTextCredential.create(TEXT);
      expect(seen.authorization).to.equal("Bearer config-api-key-000000");
    });

    const incomplete: [string, Record<string, string>, Env, string][] = [
      [
        "twilio:apiKey without twilio:apiSecret",
        { "twilio:apiKey": "SKconfig000000000000000000000000000" },
        { TWILIO_API_SECRET: CLI_SECRET },
        "twilio:apiSecret",
      ],
      [
        "twilio:apiSecret without twilio:apiKey",
        { "twilio:apiSecret": "config-api-secret-000000" },
        { TWILIO_API_KEY: CLI_KEY },
        "twilio:apiKey",
      ],
      [
        "twilio:accountSid without twilio:authToken",
        { "twilio:accountSid": STACK_SID },
        {},
        "twilio:authToken",
      ],
      [
        "twilio:authToken without twilio:accountSid",
        { "twilio:authToken": STACK_TOKEN },
        {},
        "twilio:accountSid",
      ],
    ];
    for (const [title, config, extraEnv, missing] of incomplete) {
      it(`stack config with ${title}: an error naming ${missing}, the environment not consulted, no request`, async () => {
        env({ ...DEFAULT_ENV, ...extraEnv });
        await providers.twilioAwsCredential.configure(stackConfig(config));
        const reached = recordAllAt(TWILIO_URL);
        const error = await rejection(providers.twilioAwsCredential.create(TWILIO));
        expect(error.message)
          .to.include(missing)
          .and.match(/environment .* is not consulted/)
          .and.include("the stack config sets");
        expect(error.message).not.to.include(CLI_SECRET).and.not.include(TWILIO_AUTH_TOKEN);
        expect(reached).to.deep.equal([]);
      });
    }

    const bothForms: [string, () => Promise<void>][] = [
      [
        "in the stack config",
        async () =>
          providers.twilioAwsCredential.configure(
            stackConfig({
              "twilio:accountSid": STACK_SID,
              "twilio:authToken": STACK_TOKEN,
              "twilio:apiKey": CLI_KEY,
              "twilio:apiSecret": CLI_SECRET,
            }),
          ),
      ],
      [
        "in the environment",
        async () => env({ ...DEFAULT_ENV, TWILIO_API_KEY: CLI_KEY, TWILIO_API_SECRET: CLI_SECRET }),
      ],
    ];
    for (const [where, arrange] of bothForms) {
      it(`both auth forms ${where}: the API key pair wins`, async () => {
        await arrange();
        const seen = twilioCreateAt(TWILIO_URL);
        await providers.twilioAwsCredential.create(TWILIO);
        expect(seen.authorization).to.equal(basic(CLI_KEY, CLI_SECRET));
      });
    }

    it("an API key pair needs no account SID (the Credentials path has no account in it)", async () => {
      env({ TWILIO_API_KEY: CLI_KEY, TWILIO_API_SECRET: CLI_SECRET });
      const seen = twilioCreateAt(TWILIO_URL);
      await providers.twilioAwsCredential.create(TWILIO);
      expect(seen.authorization).to.equal(basic(CLI_KEY, CLI_SECRET));
    });

    it("tuning resolves per setting: the stack's maxRetries applies while the timeout comes from the environment", async () => {
      env({ ...DEFAULT_ENV, TINES_MAX_RETRIES: "many" });
      await providers.tinesTextCredential.configure(stackConfig({ "tines:maxRetries": "0" }));
      nock(DEFAULT_ENV.TINES_TENANT!).get(`${TINES_BASE}/5`).replyWithError(netError("ECONNREFUSED"));
      const error = await rejection(providers.tinesTextCredential.read("5", PROVIDER));
      expect(error.message).to.include("ECONNREFUSED");

      env({ ...DEFAULT_ENV, TINES_TIMEOUT_MS: "0" });
      const invalid = await rejection(providers.tinesTextCredential.read("5", PROVIDER));
      expect(invalid.message).to.include("TINES_TIMEOUT_MS (from the environment)");
    });
  });

  describe("base URLs are origins only (items 6 and 7)", () => {
    const DOUBLED = `/api/v1${TINES_BASE}`;

    const tenants: [string, string, RegExp][] = [
      ["a path with a trailing slash", "https://x.tines.com/api/v1/", /without a path/],
      ["a path", "https://x.tines.com/api/v1", /without a path/],
      ["a bare host with a path", "x.tines.com/api/v1/", /without a path/],
      ["a double slash", "https://x.tines.com//", /without a path/],
      ["a query", "https://x.tines.com?team=2", /query/],
      ["an empty query", "https://x.tines.com/?", /query/],
      ["a fragment", "https://x.tines.com#top", /fragment/],
      ["user info", "https://user:pa55w0rd-in-url@x.tines.com", /user info/],
    ];
    for (const [title, tenant, rule] of tenants) {
      it(`a tenant with ${title} is refused naming the setting; no request is sent`, async () => {
        env({ ...DEFAULT_ENV, TINES_TENANT: tenant });
        const reached = recordAllAt("https://x.tines.com");
        for (const call of [
          () => providers.tinesTextCredential.read("1", PROVIDER),
          () => providers.tinesTextCredential.delete("1", { ...TEXT }),
          () => providers.tinesTextCredential.create(TEXT),
        ]) {
          const error = await rejection(call());
          expect(error.message)
            .to.include("tines:tenant")
            .and.include("TINES_TENANT")
            .and.include("https://<tenant>.tines.com")
            .and.match(rule);
          expect(error.message).not.to.include("pa55w0rd");
        }
        expect(reached).to.deep.equal([]);
        expect(sandbox.unmatched).to.deep.equal([]);
      });
    }

    it(`no request ever goes to the doubled path ${DOUBLED}/1 (read and delete)`, async () => {
      env({ ...DEFAULT_ENV, TINES_TENANT: "https://x.tines.com/api/v1/" });
      const reached = recordAllAt("https://x.tines.com");
      await rejection(providers.tinesTextCredential.read("1", PROVIDER));
      await rejection(providers.tinesTextCredential.delete("1", { ...TEXT }));
      expect(reached.filter((path) => path.startsWith(DOUBLED))).to.deep.equal([]);
    });

    it("twilio:accountsUrl with a path is refused naming the setting; no request is sent", async () => {
      await providers.twilioAwsCredential.configure(
        stackConfig({ "twilio:accountsUrl": "https://twilio-proxy.example.test/v1/" }),
      );
      const reached = recordAllAt("https://twilio-proxy.example.test");
      const error = await rejection(providers.twilioAwsCredential.read("CR1", PROVIDER));
      expect(error.message)
        .to.include("twilio:accountsUrl")
        .and.include("(from the stack config)")
        .and.include("https://accounts.twilio.com")
        .and.match(/without a path/);
      expect(reached).to.deep.equal([]);
    });

    it("TWILIO_ACCOUNTS_URL with user info is refused without echoing it", async () => {
      env({ ...DEFAULT_ENV, TWILIO_ACCOUNTS_URL: "https://AC1:t0ken-in-url-0000@twilio-proxy.example.test" });
      const reached = recordAllAt("https://twilio-proxy.example.test");
      const error = await rejection(providers.twilioAwsCredential.create(TWILIO));
      expect(error.message)
        .to.include("TWILIO_ACCOUNTS_URL")
        .and.match(/user info/);
      expect(error.message).not.to.include("t0ken-in-url");
      expect(reached).to.deep.equal([]);
    });

    const smuggled = [
      "evil.example#.tines.com",
      "x.tines.com@evil.example",
      "evil.example?.tines.com",
      "evil.example/.tines.com",
      "evil.example\\.tines.com",
      "https://x.tines.com@evil.example",
    ];
    for (const tenant of smuggled) {
      it(`the tenant ${JSON.stringify(tenant)} cannot reach another host`, async () => {
        env({ ...DEFAULT_ENV, TINES_TENANT: tenant });
        const reached = recordAllAt("https://evil.example");
        const error = await rejection(providers.tinesTextCredential.read("1", PROVIDER));
        expect(error.message).to.include("tines:tenant").and.include("TINES_TENANT");
        expect(reached).to.deep.equal([]);
        expect(sandbox.unmatched).to.deep.equal([]);
      });
    }

    const labels: [Env, string][] = [
      [{ TWILIO_EDGE: "a@evil.example#" }, "TWILIO_EDGE"],
      [{ TWILIO_REGION: "a@evil.example#" }, "TWILIO_REGION"],
      [{ TWILIO_EDGE: "evil.example/" }, "TWILIO_EDGE"],
      [{ TWILIO_REGION: "ie1.evil.example" }, "TWILIO_REGION"],
      [{ TWILIO_EDGE: "Dublin" }, "TWILIO_EDGE"],
      [{ TWILIO_EDGE: "dub_lin" }, "TWILIO_EDGE"],
      [{ TWILIO_REGION: "-ie1" }, "TWILIO_REGION"],
      [{ TWILIO_REGION: "ie1-" }, "TWILIO_REGION"],
      [{ TWILIO_REGION: "ie--1" }, "TWILIO_REGION"],
      [{ TWILIO_EDGE: "a".repeat(64) }, "TWILIO_EDGE"],
      [
        { TWILIO_EDGE: "dublin", TWILIO_ACCOUNTS_URL: TWILIO_URL, TWILIO_REGION: "ie1:8443" },
        "TWILIO_REGION",
      ],
    ];
    for (const [vars, envName] of labels) {
      it(`${JSON.stringify(vars)} is refused naming ${envName} and the rule; nothing is sent`, async () => {
        env({ ...DEFAULT_ENV, ...vars });
        const reached = recordAllAt("https://evil.example");
        const reachedTwilio = recordAllAt(TWILIO_URL);
        const error = await rejection(providers.twilioAwsCredential.create(TWILIO));
        const configKey = envName === "TWILIO_EDGE" ? "twilio:edge" : "twilio:region";
        expect(error.message)
          .to.include(envName)
          .and.include(configKey)
          .and.match(/lowercase letters, digits and single dashes/);
        expect(reached).to.deep.equal([]);
        expect(reachedTwilio).to.deep.equal([]);
        expect(sandbox.unmatched).to.deep.equal([]);
      });
    }

    it("twilio:edge from the stack config is checked too", async () => {
      await providers.twilioAwsCredential.configure(stackConfig({ "twilio:edge": "a@evil.example#" }));
      const reached = recordAllAt("https://evil.example");
      const error = await rejection(providers.twilioAwsCredential.read("CR1", PROVIDER));
      expect(error.message).to.include("twilio:edge").and.include("(from the stack config)");
      expect(reached).to.deep.equal([]);
    });

    it("dashed labels are fine: edge ashburn-1, region us1", async () => {
      env({ ...DEFAULT_ENV, TWILIO_EDGE: "ashburn-1", TWILIO_REGION: "us1" });
      twilioCreateAt("https://accounts.ashburn-1.us1.twilio.com");
      expect((await providers.twilioAwsCredential.create(TWILIO)).id).to.match(/^CR/);
    });
  });

  describe("timeout and retries are bounded (item 8)", () => {
    it("the agreed limits", () => {
      expect(TIMEOUT_MS_RANGE).to.deep.equal({ min: 1_000, max: 300_000 });
      expect(DEFAULT_TIMEOUT_MS).to.equal(30_000);
      expect(MAX_RETRIES_RANGE).to.deep.equal({ min: 0, max: 10 });
      expect(DEFAULT_MAX_RETRIES).to.equal(4);
    });

    const refused: [string, string, string, string, string][] = [];
    for (const [service, timeoutEnv, timeoutKey, retriesEnv, retriesKey] of [
      ["tines", "TINES_TIMEOUT_MS", "tines:timeoutMs", "TINES_MAX_RETRIES", "tines:maxRetries"],
      ["twilio", "TWILIO_TIMEOUT_MS", "twilio:timeoutMs", "TWILIO_MAX_RETRIES", "twilio:maxRetries"],
    ] as const) {
      for (const value of [
        "0",
        "-1",
        "999",
        "300001",
        "1.5",
        "1e4",
        "1000ms",
        " 1000",
        "99999999999999999999",
      ]) {
        refused.push([service, timeoutEnv, timeoutKey, value, "from 1000 to 300000"]);
      }
      for (const value of ["-1", "11", "2.5", "1000000", "four"]) {
        refused.push([service, retriesEnv, retriesKey, value, "from 0 to 10"]);
      }
    }
    for (const [service, envName, configKey, value, range] of refused) {
      for (const source of ["environment", "stack config"] as const) {
        it(`${configKey}=${JSON.stringify(value)} in the ${source} is refused naming ${configKey}, ${envName} and ${range}`, async () => {
          if (source === "environment") env({ ...DEFAULT_ENV, [envName]: value });
          else await providers.tinesTextCredential.configure(stackConfig({ [configKey]: value }));
          const error = await rejection(
            service === "tines"
              ? providers.tinesTextCredential.read("5", PROVIDER)
              : providers.twilioAwsCredential.read("CR1", PROVIDER),
          );
          expect(error.message)
            .to.include(configKey)
            .and.include(envName)
            .and.include(range)
            .and.match(/whole number/);
          expect(sandbox.unmatched).to.deep.equal([]);
        });
      }
    }

    for (const [envName, value] of [
      ["TINES_TIMEOUT_MS", "1000"],
      ["TINES_TIMEOUT_MS", "300000"],
      ["TINES_MAX_RETRIES", "0"],
      ["TINES_MAX_RETRIES", "10"],
    ] as const) {
      it(`${envName}=${value} (a bound) is accepted`, async () => {
        env({ ...DEFAULT_ENV, [envName]: value });
        nock(DEFAULT_ENV.TINES_TENANT!)
          .get(`${TINES_BASE}/5`)
          .reply(200, tinesRecord("TEXT", { id: 5 }));
        expect((await providers.tinesTextCredential.read("5", PROVIDER)).id).to.equal("5");
      });
    }
  });
});
