// The adoption program generator: flags, names, literals, what each listed record becomes (or why it
// is left out), the files, and that reading the services is list requests only.
import { expect } from "chai";
import { execFile, execFileSync } from "child_process";
import fc from "fast-check";
import * as fs from "fs";
import * as net from "net";
import nock from "nock";
import * as os from "os";
import * as path from "path";
import ts from "typescript";
import { httpClient } from "../../provider/core/config";
import { tinesHttpSettings } from "../../provider/tines/settings";
import { listEveryTinesCredential } from "../../provider/tines/client";
import { main, parseGenerateArgs } from "../../generator/cli";
import { generate, GenerateOptions, PROGRAM_FILES } from "../../generator/index";
import { assignNames, kebab } from "../../generator/names";
import { GENERATOR_KINDS } from "../../generator/kinds";
import { planAdoption, PlanOptions, PlannedResource } from "../../generator/plan";
import { literal, renderProgram } from "../../generator/render";
import type { ServiceRead } from "../../generator/read";
import {
  OTHER_CREDENTIAL_SID,
  CREDENTIAL_SID,
  SUBACCOUNT_SID,
  TENANT,
  TINES_API_KEY,
  TINES_BASE,
  tinesList,
  tinesRecord,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_BASE,
  TWILIO_URL,
  twilioList,
  twilioRecord,
  useHttpSandbox,
} from "./helpers";

type Props = Record<string, unknown>;

const tinesRead = (records: Props[]): ServiceRead => ({
  origin: TENANT,
  records,
  pages: 1,
  connectionSecrets: [TINES_API_KEY],
});
const twilioRead = (records: Props[]): ServiceRead => ({
  origin: TWILIO_URL,
  records,
  pages: 1,
  connectionSecrets: [TWILIO_AUTH_TOKEN],
});

const plan = (options: Partial<PlanOptions>) =>
  planAdoption({ keepStoredSecrets: false, twilioSubaccounts: [], ...options });

const fieldsOf = (resource: PlannedResource) =>
  Object.fromEntries(resource.fields.map((f) => [f.name, f.value]));

/** A Tines record as the list answers it, with no folder (the fixture's folder 1 is fine too). */
const tines = (id: number, mode: "TEXT" | "JWT" | "AWS", extra: Props = {}) =>
  tinesRecord(mode, {
    id,
    name: `cred ${id}`,
    slug: `cred_${id}`,
    test_credential: null,
    ...(mode === "JWT"
      ? { jwt_algorithm: "HS256", jwt_payload: {}, jwt_auto_generate_time_claims: false }
      : {}),
    ...extra,
  });

const RENDER = {
  project: "adopted",
  packageName: "pulumi-api-credentials",
  packageVersion: "0.1.0",
  pulumiRange: "^3.200.0",
  keepStoredSecrets: false,
  tinesOrigin: TENANT,
  twilioOrigin: TWILIO_URL,
  command: "pulumi-api-credentials generate --out x",
};

/** TypeScript's syntax errors in a generated file (none means it parses as written). */
function syntaxErrors(code: string): string[] {
  const out = ts.transpileModule(code, {
    reportDiagnostics: true,
    compilerOptions: { module: ts.ModuleKind.CommonJS },
  });
  return (out.diagnostics ?? []).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("generator: command line", () => {
  it("loads without @pulumi/pulumi: the CLI needs no SDK, whose gRPC and protobuf doubled its memory", () => {
    // A process of its own, as the CLI runs: this one has the SDK loaded by other suites.
    const probe =
      `require(${JSON.stringify(path.join(__dirname, "..", "..", "generator", "cli.js"))});` +
      `process.stdout.write(String(Object.keys(require.cache).some((f) => f.includes("@pulumi"))))`;
    const loaded = execFileSync(process.execPath, ["-e", probe], { encoding: "utf8" });
    expect(loaded).to.equal("false", "loading the generator's CLI loaded @pulumi/pulumi");
  });

  it("exits after its error when a proxy never answers the CONNECT", async function () {
    this.timeout(30_000);
    // The proxy accepts and stays silent; the socket it holds is closed here once the CLI is done.
    const held: net.Socket[] = [];
    const proxy = net.createServer((socket) => held.push(socket));
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const port = (proxy.address() as net.AddressInfo).port;
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "generate-proxy-"));
    const cli = path.join(__dirname, "..", "..", "generator", "cli.js");
    const args = [
      cli,
      "generate",
      "--out",
      out,
      "--only",
      "tines",
      "--tines-tenant",
      "https://tines.invalid",
    ];
    const env = {
      PATH: process.env.PATH,
      TINES_API_KEY: TINES_API_KEY,
      TINES_TIMEOUT_MS: "1000",
      TINES_MAX_RETRIES: "0",
      HTTPS_PROXY: `http://127.0.0.1:${port}`,
    };
    const started = performance.now();
    try {
      const ended = await new Promise<{ code: number | null; stderr: string; killed: boolean }>((resolve) => {
        const child = execFile(process.execPath, args, { env, timeout: 15_000 }, (error, _stdout, stderr) =>
          resolve({ code: child.exitCode, stderr, killed: Boolean(error?.killed) }),
        );
      });
      expect(ended.killed, "the CLI did not exit: killed after 15 s").to.equal(false);
      expect(ended.code).to.equal(1);
      expect(ended.stderr)
        .to.include("got no complete answer within 1000 ms (timeoutMs)")
        .and.include("No file was written.")
        .and.not.include(TINES_API_KEY);
      expect(performance.now() - started).to.be.below(10_000);
      expect(fs.readdirSync(out)).to.deep.equal([]);
    } finally {
      for (const socket of held) socket.destroy();
      proxy.close();
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  const BAD: [string[], RegExp][] = [
    [[], /--out <dir> is required/],
    [["--out", ""], /--out <dir> is required/],
    [["--out", "x", "--only", "both"], /--only must be tines or twilio/],
    [["--out", "x", "--tines-team", "0"], /--tines-team must be a whole number from 1/],
    [["--out", "x", "--tines-team", "two"], /--tines-team must be a whole number/],
    [["--out", "x", "--twilio-subaccount", "AC123"], /--twilio-subaccount must be an account SID/],
    [["--out", "x", "--page-size", "0"], /--page-size must be a whole number from 1 to 1000/],
    [["--out", "x", "--page-size", "1001"], /--page-size must be a whole number from 1 to 1000/],
    [["--out", "x", "--project", "my project"], /--project must be letters, digits/],
    [["--out", "x", "--bogus"], /Unknown option '--bogus'/],
    [["--out", "x", "extra"], /positional/i],
    [
      ["--out", "x", "--only", "twilio", "--tines-team", "2"],
      /--tines-team cannot be used with --only twilio/,
    ],
    [["--out", "x", "--only", "tines", "--twilio-subaccount", "all"], /--twilio-subaccount cannot be used/],
  ];
  for (const [argv, message] of BAD) {
    it(`refuses ${JSON.stringify(argv)}, naming the flag`, () => {
      expect(() => parseGenerateArgs(argv)).to.throw(message);
    });
  }

  it("reads every flag", () => {
    const options = parseGenerateArgs([
      ...["--out", "prog", "--tines-tenant", "https://t.tines.com", "--tines-team", "2", "--tines-team", "3"],
      ...["--tines-team", "2", "--twilio-accounts-url", "https://accounts.twilio.com"],
      ...[
        "--twilio-subaccount",
        SUBACCOUNT_SID,
        "--keep-stored-secrets",
        "--project",
        "estate",
        "--page-size",
        "7",
      ],
      "--force",
    ]);
    expect(options).to.deep.equal({
      out: "prog",
      only: undefined,
      tinesTenant: "https://t.tines.com",
      twilioAccountsUrl: "https://accounts.twilio.com",
      tinesTeams: [2, 3],
      twilioSubaccounts: [SUBACCOUNT_SID],
      keepStoredSecrets: true,
      project: "estate",
      pageSize: 7,
      force: true,
    });
    expect(parseGenerateArgs(["--out", "p", "--twilio-subaccount", "all"])).to.include({
      twilioSubaccounts: "all",
    });
  });

  it("exit codes: 2 for a bad command line (usage on stderr), 0 for help", async () => {
    const io = () => {
      const seen = { out: "", err: "" };
      return { seen, io: { out: (t: string) => (seen.out += t), err: (t: string) => (seen.err += t) } };
    };
    const a = io();
    expect(await main(["frobnicate"], a.io)).to.equal(2);
    expect(a.seen.err)
      .to.match(/Unknown command "frobnicate"/)
      .and.match(/Usage:/);
    const b = io();
    expect(await main(["generate", "--only", "x", "--out", "y"], b.io)).to.equal(2);
    expect(b.seen.err).to.match(/--only must be tines or twilio/);
    const c = io();
    expect(await main(["generate", "--help"], c.io)).to.equal(0);
    expect(c.seen.out).to.match(/--keep-stored-secrets/);
  });
});

describe("generator: names", () => {
  it("kebab-case: accents folded, other scripts dropped, cut to 48", () => {
    const cases: [unknown, string][] = [
      ["GitHub token", "github-token"],
      ["Café Clé", "cafe-cle"],
      ["日本語", ""],
      ["  --a__b--  ", "a-b"],
      ["x".repeat(60), "x".repeat(48)],
      [42, ""],
    ];
    for (const [input, expected] of cases) expect(kebab(input), String(input)).to.equal(expected);
  });

  it("equal bases all get their tag; reserved words and leading digits get the service; identifiers stay unique", () => {
    const names = assignNames(
      [
        { base: "token", tag: "12", service: "tines" },
        { base: "token", tag: "57", service: "tines" },
        { base: "class", tag: "3", service: "tines" },
        { base: "1password", tag: "4", service: "twilio" },
        { base: "a-1", tag: "5", service: "tines" },
        { base: "a1", tag: "6", service: "tines" },
        { base: "token-12", tag: "7", service: "tines" },
      ],
      ["TinesTextCredential"],
    );
    expect(names).to.deep.equal([
      { name: "token-12", ident: "token12" },
      { name: "token-57", ident: "token57" },
      { name: "class", ident: "tinesClass" },
      { name: "1password", ident: "twilio1password" },
      { name: "a-1", ident: "a1" },
      { name: "a1", ident: "a1_2" },
      { name: "token-12-2", ident: "token12_2" },
    ]);
  });
});

describe("generator: literals", () => {
  it("round-trips any JSON value (seeded)", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const code = literal(value);
        expect(syntaxErrors(`const x = ${code};`)).to.deep.equal([]);
        const evaluated = new Function(`return ${code};`)() as unknown;
        expect(JSON.stringify(evaluated)).to.equal(JSON.stringify(value));
      }),
      { seed: 1207, numRuns: 300 },
    );
  });

  it("a __proto__ key stays a plain key; line separators are escaped", () => {
    const value = JSON.parse('{"__proto__": {"polluted": true}, "a\\u2028b": "c\\u2029d"}') as Props;
    const code = literal(value);
    expect(code).not.to.match(/[\u2028\u2029]/);
    const evaluated = new Function(`return ${code};`)() as Props;
    expect(Object.getPrototypeOf(evaluated)).to.equal(Object.prototype);
    expect(Object.keys(evaluated)).to.deep.equal(["__proto__", "a\u2028b"]);
  });
});

describe("generator: planning the resources", () => {
  it("each supported mode gets its class, every returned non-secret field as a literal, adoptId, and the secrets check asks for", () => {
    const p = plan({
      tines: tinesRead([
        tines(1, "TEXT", {
          description: "d",
          metadata: { k: "v" },
          read_access: "SPECIFIC_TEAMS",
          shared_team_slugs: ["ops"],
        }),
        tines(2, "JWT", { jwt_payload: { iss: "me" } }),
        tines(3, "AWS", { aws_authentication_type: "KEY", aws_access_key: "AKIAKEY" }),
        tines(4, "AWS", {
          aws_authentication_type: "ROLE",
          aws_assumed_role_arn: "arn:aws:iam::123456789012:role/r",
        }),
      ]),
    });
    expect(plan({}).resources).to.deep.equal([]);
    expect(p.skipped).to.deep.equal([]);
    const [text, jwt, key, role] = p.resources;
    expect(text.kind.className).to.equal("TinesTextCredential");
    expect(text.adoptId).to.equal(1);
    expect(fieldsOf(text)).to.deep.include({
      name: "cred 1",
      teamId: 2,
      folderId: 1,
      readAccess: "SPECIFIC_TEAMS",
      sharedTeamSlugs: ["ops"],
      description: "d",
      metadata: { k: "v" },
    });
    expect(fieldsOf(text)).not.to.have.property("expiresAt"); // null: the unset value
    expect(text.fromConfig).to.deep.equal([
      { field: "value", key: "cred1Value", secret: true, optional: false },
    ]);
    expect(jwt.kind.className).to.equal("TinesJwtCredential");
    expect(fieldsOf(jwt)).to.deep.include({ jwtAlgorithm: "HS256", jwtPayload: { iss: "me" } });
    expect(jwt.fromConfig.map((s) => s.field)).to.deep.equal(["jwtPrivateKey"]);
    expect(key.fromConfig.map((s) => s.field)).to.deep.equal(["awsSecretKey"]);
    expect(fieldsOf(key)).to.include({ awsAccessKey: "AKIAKEY", awsAuthenticationType: "KEY" });
    // ROLE stores no secret key: nothing to set.
    expect(role.fromConfig).to.deep.equal([]);
  });

  it("OAUTH: the fields no answer carries come from the stack config, the client secret as a secret", () => {
    const p = plan({
      tines: tinesRead([tinesRecord("OAUTH", { id: 9, name: "sso", slug: "sso", test_credential: null })]),
    });
    expect(p.skipped).to.deep.equal([]);
    const [oauth] = p.resources;
    expect(oauth.kind.className).to.equal("TinesOauthCredential");
    expect(oauth.fromConfig).to.deep.equal([
      { field: "oauthTokenUrl", key: "ssoOauthTokenUrl", secret: false, optional: false },
      { field: "oauthClientId", key: "ssoOauthClientId", secret: false, optional: false },
      { field: "oauthClientSecret", key: "ssoOauthClientSecret", secret: true, optional: false },
      { field: "oauthScope", key: "ssoOauthScope", secret: false, optional: false },
      { field: "oauthGrantType", key: "ssoOauthGrantType", secret: false, optional: false },
      {
        field: "oauthPkceCodeChallengeMethod",
        key: "ssoOauthPkceCodeChallengeMethod",
        secret: false,
        optional: true,
      },
    ]);
    const index = renderProgram(p, RENDER)["index.ts"];
    expect(index).to.include('oauthClientId: config.require("ssoOauthClientId"),');
    expect(index).to.include('oauthClientSecret: config.requireSecret("ssoOauthClientSecret"),');
    // Typed as the input takes it: an enumeration with allowedValues, an optional one with get.
    expect(index).to.include(
      'oauthGrantType: config.require<"client_credentials" | "authorization_code">("ssoOauthGrantType", ' +
        '{ allowedValues: ["client_credentials", "authorization_code"] }),',
    );
    expect(index).to.include(
      'oauthPkceCodeChallengeMethod: config.get<"S256" | "plain">("ssoOauthPkceCodeChallengeMethod", ' +
        '{ allowedValues: ["S256", "plain"] }),',
    );
    const kept = plan({
      tines: tinesRead([tinesRecord("OAUTH", { id: 9, name: "sso" })]),
      keepStoredSecrets: true,
    });
    expect(kept.resources[0].fromConfig).to.deep.equal([]);
    expect(kept.resources[0].kept.map((k) => k.field)).to.include.members([
      "oauthClientSecret",
      "oauthScope",
    ]);
  });

  it("MULTI_REQUEST and HTTP_REQUEST_AGENT: objects and lists read from config in the type their Args take", () => {
    const p = plan({
      tines: tinesRead([
        tinesRecord("MULTI_REQUEST", { id: 11, name: "multi", slug: "multi", test_credential: null }),
        tinesRecord("HTTP_REQUEST_AGENT", { id: 12, name: "vault", slug: "vault", test_credential: null }),
      ]),
    });
    expect(p.skipped).to.deep.equal([]);
    const index = renderProgram(p, RENDER)["index.ts"];
    // A list of requests spells out its items: Record<string, unknown>[] does not compile against the Args.
    expect(index).to.include(
      "credentialRequests: config.requireSecretObject<{ options: Record<string, unknown>; " +
        'httpRequestSecret?: string }[]>("multiCredentialRequests"),',
    );
    expect(index).to.include(
      'httpRequestOptions: config.requireObject<Record<string, unknown>>("vaultHttpRequestOptions"),',
    );
    // The TTL has a documented default (null), which an update would otherwise send; the optional secret
    // and content type have none: left unset, the adopted credential keeps what Tines stores.
    expect(index).to.include('httpRequestTtl: config.getNumber("vaultHttpRequestTtl"),');
    expect(index).not.to.match(/^ {2}(httpRequestSecret|contentType):/m);
  });

  it("--keep-stored-secrets: no secret declared, each listed as kept", () => {
    const p = plan({ tines: tinesRead([tines(1, "TEXT")]), keepStoredSecrets: true });
    expect(p.resources[0].fromConfig).to.deep.equal([]);
    expect(p.resources[0].kept).to.deep.equal([
      { field: "value", key: "cred1Value", secret: true, optional: false },
    ]);
  });

  it("counts a mode named like an Object property (constructor, __proto__) as any other", () => {
    const p = plan({
      tines: tinesRead([
        { ...tines(1, "TEXT"), mode: "constructor" },
        { ...tines(2, "TEXT"), mode: "__proto__" },
        { ...tines(3, "TEXT"), mode: "__proto__" },
      ]),
    });
    expect(Object.entries(p.found.tines)).to.deep.equal([
      ["constructor", 1],
      ["__proto__", 2],
    ]);
    expect(p.skipped.map((s) => s.title)).to.deep.equal([
      "Tines constructor credential 1",
      "Tines __proto__ credential 2",
      "Tines __proto__ credential 3",
    ]);
  });

  it("leaves out what it cannot adopt, saying why (and never quoting the API key)", () => {
    const p = plan({
      tines: tinesRead([
        tines(1, "TEXT"),
        { ...tines(2, "TEXT"), mode: "PASSKEY" }, // a mode no kind manages
        { ...tines(3, "TEXT"), id: "x" },
        tines(4, "TEXT", { description: `leaked ${TINES_API_KEY}` }),
        tines(5, "TEXT", { name: "" }),
        tines(6, "TEXT", { metadata: JSON.parse('{"ok": {"__proto__": 1}}') }),
        tines(7, "JWT", { jwt_payload: { toString: "x" } }),
        tines(8, "TEXT", { metadata: { nested: { toString: "fine below the top" }, constructor: "fine" } }),
      ]),
    });
    expect(p.resources.map((r) => r.adoptId)).to.deep.equal([1, 8]);
    expect(p.found.tines).to.deep.equal({ TEXT: 6, JWT: 1, PASSKEY: 1 });
    const managed = GENERATOR_KINDS.flatMap((k) => k.tinesMode ?? []).join(", ");
    const reasons = p.skipped.map((s) => `${s.title}: ${s.reason}`);
    expect(reasons).to.deep.equal([
      `Tines PASSKEY credential 2: mode PASSKEY is not supported by this package yet (it manages ${managed})`,
      'Tines TEXT credential "x": the list answered it without a usable id',
      "Tines TEXT credential 4: one of its fields quotes the Tines API key, which must never be written to a file",
      "Tines TEXT credential 5: the provider would refuse it: name must not be empty",
      "Tines TEXT credential 6: metadata holds an object key named __proto__, which Pulumi's engine drops " +
        "(google.protobuf.Struct), so it cannot be declared as it is stored",
      "Tines JWT credential 7: jwtPayload holds a key named toString, on which @pulumi/pulumi's registration " +
        "fails (its rpc safeToString converts each input to text), so it cannot be declared as it is stored",
    ]);
    expect(JSON.stringify(p)).not.to.include(TINES_API_KEY);
  });

  describe("test credentials", () => {
    const live = tines(10, "TEXT", {
      description: "shared",
      metadata: { m: 1 },
      created_at: "2026-01-01T00:00:01.000Z",
    });
    const stamps = { created_at: "2026-01-01T00:00:02.000Z", updated_at: "2026-01-01T00:00:03.000Z" };
    const test = tines(11, "TEXT", { description: "shared", metadata: {}, ...stamps });

    it("wired to the live credential the service reports by timestamps; inherited fields it shares are left out", () => {
      const p = plan({ tines: tinesRead([test, { ...live, test_credential: stamps }]) });
      const [liveResource, testResource] = p.resources;
      expect(liveResource.adoptId).to.equal(10);
      expect(testResource.live).to.deep.equal({ resource: liveResource });
      expect(testResource.name).to.equal("cred-11-test");
      const fields = fieldsOf(testResource);
      expect(fields).not.to.have.any.keys("description", "readAccess", "folderId", "allowedHosts");
      expect(fields).to.deep.include({ metadata: {}, teamId: 2 }); // its own metadata differs
    });

    it("wired by a reported test_credential id or live_credential_id too", () => {
      expect(
        plan({ tines: tinesRead([live, { ...test, live_credential_id: 10 }]) }).resources[1].live,
      ).to.have.property("resource");
      const byId = plan({ tines: tinesRead([{ ...live, test_credential: { id: 11 } }, test]) });
      expect(byId.resources[1].live).to.have.property("resource");
    });

    it("a creation time two credentials share is not a link: a note, both adopted as they are", () => {
      const twin = tines(12, "TEXT", stamps);
      const p = plan({
        tines: tinesRead([{ ...live, test_credential: { created_at: stamps.created_at } }, test, twin]),
      });
      expect(p.resources.every((r) => r.live === undefined)).to.equal(true);
      expect(p.notes.join("\n")).to.match(/2 credentials match its creation time/);
    });

    it("a live credential not in the program: its id as a literal", () => {
      const p = plan({ tines: tinesRead([{ ...test, live_credential_id: 99 }]) });
      expect(p.resources[0].live).to.deep.equal({ id: 99 });
    });
  });

  describe("Twilio accounts", () => {
    const main = twilioRecord({ sid: CREDENTIAL_SID, friendly_name: null });
    const sub = twilioRecord({
      sid: OTHER_CREDENTIAL_SID,
      account_sid: SUBACCOUNT_SID,
      friendly_name: "media",
    });

    it("a subaccount's credential is left out unless named, and declares accountSid when it is", () => {
      const left = plan({ twilio: twilioRead([main, sub]), twilioAccountSid: TWILIO_ACCOUNT_SID });
      expect(left.resources.map((r) => r.adoptId)).to.deep.equal([CREDENTIAL_SID]);
      expect(fieldsOf(left.resources[0])).to.deep.equal({}); // no name, the main account: nothing to declare
      expect(left.resources[0].fromConfig).to.deep.equal([
        { field: "credentials", key: `${left.resources[0].ident}Credentials`, secret: true, optional: false },
      ]);
      expect(left.skipped[0].reason).to.include(`--twilio-subaccount ${SUBACCOUNT_SID}`);
      for (const named of [[SUBACCOUNT_SID], "all"] as const) {
        const p = plan({
          twilio: twilioRead([main, sub]),
          twilioAccountSid: TWILIO_ACCOUNT_SID,
          twilioSubaccounts: named,
        });
        expect(fieldsOf(p.resources[1])).to.deep.equal({ friendlyName: "media", accountSid: SUBACCOUNT_SID });
      }
    });

    it("without a known account SID (API key auth), only named subaccounts are told apart", () => {
      const p = plan({ twilio: twilioRead([main, sub]) });
      expect(p.resources).to.have.length(2);
      expect(p.resources.every((r) => !fieldsOf(r).accountSid)).to.equal(true);
    });
  });
});

describe("generator: the files", () => {
  const hostile = "evil\u2028name */ `x` ${y} \n new Boom()";
  const p = () =>
    plan({
      tines: tinesRead([tines(1, "TEXT", { name: hostile, metadata: { [hostile]: hostile } })]),
      twilio: twilioRead([twilioRecord({ friendly_name: hostile })]),
    });

  it("index.ts parses as written, whatever the names hold; one declaration per credential, ids exported", () => {
    const planned = p();
    const files = renderProgram(planned, RENDER);
    expect(planned.resources[0].fromConfig[0].key).to.equal("evilNameXYNewBoom1Value");
    expect(syntaxErrors(files["index.ts"])).to.deep.equal([]);
    expect(files["index.ts"].match(/^const \w+ = new \w+\(/gm)).to.have.length(2);
    expect(files["index.ts"]).to.include('config.requireSecret("evilNameXYNewBoom1Value")');
    expect(files["index.ts"]).to.match(/export const credentialIds/);
    // A name's line break or line separator never ends a comment into code.
    expect(files["index.ts"]).not.to.match(/^\s*new Boom/m);
    expect(files["index.ts"]).not.to.match(/[\u2028\u2029]/);
    expect(files["SECRETS.md"]).to.include("pulumi config set --secret evilNameXYNewBoom1Value");
    expect(files["SECRETS.md"]).not.to.match(/[\u2028\u2029]/);
  });

  it("package.json depends on this package and @pulumi/pulumi; Pulumi.yaml names the project", () => {
    const files = renderProgram(p(), RENDER);
    expect(JSON.parse(files["package.json"]).dependencies).to.deep.equal({
      "@pulumi/pulumi": "^3.200.0",
      "pulumi-api-credentials": "^0.1.0",
    });
    expect(files["Pulumi.yaml"])
      .to.match(/^name: adopted$/m)
      .and.match(/nodejs/);
    expect(JSON.parse(files["tsconfig.json"]).files).to.deep.equal(["index.ts"]);
  });
});

describe("generator: reading the services (lists only)", () => {
  useHttpSandbox();
  let out: string;
  beforeEach(() => {
    out = fs.mkdtempSync(path.join(os.tmpdir(), "generator-unit-"));
  });
  afterEach(() => fs.rmSync(out, { recursive: true, force: true }));

  const options = (extra: Partial<GenerateOptions> = {}): GenerateOptions => ({
    out,
    tinesTeams: [],
    twilioSubaccounts: [],
    keepStoredSecrets: false,
    project: "adopted",
    force: false,
    ...extra,
  });

  /** Two pages of each list; the sandbox fails the test on any request not listed here (no GET of one id). */
  function listsOfTwoPages() {
    const page = (n: number, next: boolean) => ({
      current_page: `${TENANT}${TINES_BASE}?per_page=2&page=${n}`,
      next_page: next ? `${TENANT}${TINES_BASE}?per_page=2&page=${n + 1}` : null,
      next_page_number: next ? n + 1 : 1,
      per_page: 2,
      pages: 2,
      count: 3,
    });
    const tinesScope = nock(TENANT);
    const twilioScope = nock(TWILIO_URL);
    tinesScope
      .get(TINES_BASE)
      .query({ per_page: "2", page: "1" })
      .reply(200, tinesList([tines(1, "TEXT"), tines(2, "JWT")], page(1, true)));
    tinesScope
      .get(TINES_BASE)
      .query({ per_page: "2", page: "2" })
      .reply(
        200,
        tinesList([tines(3, "AWS", { aws_authentication_type: "INSTANCE_PROFILE" })], page(2, false)),
      );
    const next = `${TWILIO_URL}${TWILIO_BASE}?PageSize=2&Page=1&PageToken=PA2`;
    twilioScope
      .get(TWILIO_BASE)
      .query({ PageSize: "2", Page: "0" })
      .reply(200, twilioList([twilioRecord({ sid: CREDENTIAL_SID })], { next_page_url: next }));
    twilioScope
      .get(TWILIO_BASE)
      .query({ PageSize: "2", Page: "1", PageToken: "PA2" })
      .reply(200, twilioList([twilioRecord({ sid: OTHER_CREDENTIAL_SID, friendly_name: "b" })]));
    return [tinesScope, twilioScope];
  }

  it("one GET per list page and nothing else; every file written; no key or token in any", async () => {
    const methods: string[] = [];
    const record = (req: { method: string }) => methods.push(req.method);
    nock.emitter.on("no match", record);
    for (const scope of listsOfTwoPages()) scope.on("request", record);
    const result = await generate(options({ pageSize: 2 })).finally(() =>
      nock.emitter.removeListener("no match", record),
    );
    expect(methods).to.deep.equal(["GET", "GET", "GET", "GET"]);
    expect(result.reads.tines!.pages).to.equal(2);
    expect(result.reads.twilio!.pages).to.equal(2);
    expect(result.plan.resources).to.have.length(5);
    for (const file of PROGRAM_FILES) {
      const text = fs.readFileSync(path.join(out, file), "utf8");
      for (const secret of [TINES_API_KEY, TWILIO_AUTH_TOKEN]) expect(text, file).not.to.include(secret);
    }
  });

  it("--tines-team lists each team with team_id (a credential listed twice counts once)", async () => {
    for (const team of [2, 3]) {
      nock(TENANT)
        .get(TINES_BASE)
        .query({ per_page: "500", page: "1", team_id: String(team) })
        .reply(200, tinesList([tines(1, "TEXT"), tines(team * 10, "TEXT", { team_id: team })]));
    }
    const result = await generate(options({ only: "tines", tinesTeams: [2, 3] }));
    expect(result.plan.resources.map((r) => r.adoptId)).to.deep.equal([1, 20, 30]);
  });

  it("refuses to overwrite the program files unless --force, before any request", async () => {
    fs.writeFileSync(path.join(out, "index.ts"), "// mine\n");
    const error = await generate(options()).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/already holds index\.ts; pass --force/);
    expect(fs.readFileSync(path.join(out, "index.ts"), "utf8")).to.equal("// mine\n");
  });

  it("a service without settings: an error naming what to set, and --only to skip it; nothing written", async () => {
    delete process.env.TWILIO_ACCOUNT_SID;
    delete process.env.TWILIO_AUTH_TOKEN;
    nock(TENANT).get(TINES_BASE).query(true).reply(200, tinesList([]));
    const error = await generate(options()).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message)
      .to.match(/^Twilio: Missing Twilio account SID/)
      .and.match(/--only tines/);
    expect(fs.readdirSync(out)).to.deep.equal([]);
  });

  it("one service failing leaves no read of the other running: generate settles after both", async () => {
    delete process.env.TWILIO_ACCOUNT_SID;
    let tinesAnswered = false;
    nock(TENANT)
      .get(TINES_BASE)
      .query(true)
      .delay(100)
      .reply(200, () => {
        tinesAnswered = true;
        return tinesList([]);
      });
    const error = await generate(options()).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).to.match(/^Twilio: Missing Twilio account SID/);
    // Before, the Twilio error returned at once and the Tines list request was sent later, in
    // whichever test ran next.
    expect(tinesAnswered, "the Tines read had finished when generate failed").to.equal(true);
  });

  it("--tines-tenant and --twilio-accounts-url point the reads elsewhere; a bad one is named", async () => {
    nock("https://other.example.test").get(TINES_BASE).query(true).reply(200, tinesList([]));
    nock("https://twilio.example.test").get(TWILIO_BASE).query(true).reply(200, twilioList([]));
    await generate(
      options({
        tinesTenant: "https://other.example.test",
        twilioAccountsUrl: "https://twilio.example.test",
      }),
    );
    const bad = await generate(options({ tinesTenant: "https://x.tines.com/api/v1", force: true })).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(bad?.message).to.match(/--tines-tenant must be an origin/);
  });
});

describe("generator: the forward list walk of Tines", () => {
  useHttpSandbox();
  const http = () => httpClient(tinesHttpSettings());
  const meta = (page: number, next: string | null, extra: Props = {}) => ({
    current_page: `${TENANT}${TINES_BASE}?per_page=500&page=${page}`,
    next_page: next,
    next_page_number: 1,
    pages: 3,
    ...extra,
  });

  it("ends at next_page null, whatever next_page_number says (the recorded API answers 1 there)", async () => {
    nock(TENANT)
      .get(TINES_BASE)
      .query({ per_page: "500", page: "1" })
      .reply(200, tinesList([tines(1, "TEXT")], meta(1, "p2")));
    nock(TENANT)
      .get(TINES_BASE)
      .query({ per_page: "500", page: "2" })
      .reply(200, tinesList([tines(2, "TEXT")], meta(2, null)));
    const walk = await listEveryTinesCredential(http(), { maxPages: 10 });
    expect(walk).to.deep.include({ pagesRead: 2 });
    expect(walk.records.map((r) => r.id)).to.deep.equal([1, 2]);
  });

  it("stops at meta.pages and at a page come back empty, and counts a repeated record once", async () => {
    const scope = nock(TENANT);
    for (const page of [1, 2, 3]) {
      scope
        .get(TINES_BASE)
        .query({ per_page: "500", page: String(page) })
        .reply(200, tinesList([tines(1, "TEXT"), tines(page + 1, "TEXT")], meta(page, "more")));
    }
    const walk = await listEveryTinesCredential(http(), { maxPages: 10 });
    expect(walk.pagesRead).to.equal(3);
    expect(walk.records.map((r) => r.id)).to.deep.equal([1, 2, 3, 4]);
    nock(TENANT)
      .get(TINES_BASE)
      .query({ per_page: "500", page: "1" })
      .reply(200, tinesList([], meta(1, "more", { pages: 99 })));
    expect((await listEveryTinesCredential(http(), { maxPages: 10 })).pagesRead).to.equal(1);
  });

  it("a server that keeps naming a next page is stopped at maxPages with an error; another page than asked for is an error", async () => {
    const scope = nock(TENANT);
    for (const page of [1, 2]) {
      scope
        .get(TINES_BASE)
        .query({ per_page: "500", page: String(page) })
        .reply(200, tinesList([tines(page, "TEXT")], meta(page, "more", { pages: undefined })));
    }
    const endless = await listEveryTinesCredential(http(), { maxPages: 2 }).catch((e: Error) => e);
    expect(String(endless)).to.match(/still names a next page after 2 pages/);
    nock(TENANT)
      .get(TINES_BASE)
      .query(true)
      .reply(200, tinesList([tines(1, "TEXT")], meta(7, "more")));
    const wrong = await listEveryTinesCredential(http(), { maxPages: 5 }).catch((e: Error) => e);
    expect(String(wrong)).to.match(/page 1 was answered with page 7/);
  });
});
