// e2e: the engine-path suite's scenarios against the REAL Pulumi CLI: a local file backend, a passphrase
// secrets provider, examples/main and examples/adopt compiled and run from a program folder where the package
// is installed from its `npm pack` tarball, and the local emulator as Tines and Twilio.
//
// It runs only where a Pulumi CLI is present (`pulumi` on PATH and `pulumi version` works). Elsewhere the
// suite prints once why it did not run and every test calls this.skip(): mocha reports them as pending,
// never as passed. The tests are one story in order (each starts from the state the previous one left).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { startEmulator, type Emulator } from "../../emulator";
import { compileExamples, PROJECT, prepareProgram, repoRoot } from "../../scripts/demoProgram";
import { detectPulumiCli, runPulumi, setConfig, type PulumiSession } from "../../scripts/pulumiCli";

const STACK = "e2e";
const ADOPT_STACK = "e2e-adopt";
const AWS = { id: "AKIAIOSFODNN7EXAMPLE", secret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" };
const ROTATED_SECRET = "rotated/K7MDENG/bPxRfiCYEXAMPLEKEY0000";

let cliAvailable = false;

/** First line of every test: pending (not passed) when there is no CLI. */
function requireCli(ctx: Mocha.Context): void {
  if (!cliAvailable) ctx.skip();
}

describe("e2e: real Pulumi CLI, local file backend, package installed from its tarball", function () {
  this.timeout(15 * 60_000);

  let work = "";
  let emulator: Emulator;
  let main: PulumiSession;
  let adopt: PulumiSession;
  const secretKeys = [
    "tines:apiKey",
    "twilio:authToken",
    `${PROJECT}:awsAccessKeyId`,
    `${PROJECT}:awsSecretAccessKey`,
    `${PROJECT}:legacyWebhookToken`,
    `${PROJECT}:legacyAwsCredentials`,
  ];
  /** Every secret value this story ever puts in config (none may appear in a state file). */
  const secretValues: string[] = [];

  const connection = () => ({
    "tines:tenant": emulator.url,
    "tines:apiKey": emulator.settings.tinesApiKey,
    "twilio:accountSid": emulator.settings.twilioAccountSid,
    "twilio:authToken": emulator.settings.twilioAuthToken,
    "twilio:accountsUrl": emulator.url,
  });
  const apiRequests = () => emulator.log.filter((e) => e.service !== "control");
  const up = (s: PulumiSession, stack: string) =>
    runPulumi(s, ["up", "--yes", "--skip-preview", "--stack", stack]);
  const outputs = async (s: PulumiSession, stack: string) =>
    JSON.parse((await runPulumi(s, ["stack", "output", "--json", "--stack", stack])).stdout) as Record<
      string,
      unknown
    >;
  const exportStack = async (s: PulumiSession, stack: string) => {
    const file = path.join(work, `${stack}-export.json`);
    await runPulumi(s, ["stack", "export", "--stack", stack, "--file", file]);
    return fs.readFileSync(file, "utf8");
  };
  const tinesByMode = (mode: string) => {
    const found = emulator.tines.list().filter((r) => r.mode === mode);
    expect(found, `Tines ${mode} credentials`).to.have.length(1);
    return found[0];
  };

  before(async function () {
    const cli = await detectPulumiCli();
    if (!cli.available) {
      console.log(
        `    e2e: not run: no Pulumi CLI on PATH (${cli.reason}). Every test below is pending, not passed; ` +
          "the engine-path suite (tests/integration) runs the same scenarios without a CLI.",
      );
      return;
    }
    cliAvailable = true;
    fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
    work = fs.mkdtempSync(path.join(repoRoot, ".tmp", "e2e-"));
    await compileExamples(path.join(work, "build"));
    await prepareProgram(path.join(work, "main"), path.join(work, "build", "main"));
    await prepareProgram(path.join(work, "adopt"), path.join(work, "build", "adopt"));
    emulator = await startEmulator({ port: 0 });

    const backendDir = path.join(work, "state");
    fs.mkdirSync(backendDir);
    main = { backendDir, passphrase: "e2e-passphrase", cwd: path.join(work, "main") };
    adopt = { ...main, cwd: path.join(work, "adopt") };

    const config: Record<string, string> = {
      ...connection(),
      [`${PROJECT}:tinesTeamId`]: "1",
      [`${PROJECT}:namePrefix`]: "e2e",
      [`${PROJECT}:awsAccessKeyId`]: AWS.id,
      [`${PROJECT}:awsSecretAccessKey`]: AWS.secret,
    };
    secretValues.push(...secretKeys.map((k) => config[k]).filter((v): v is string => v !== undefined));
    await runPulumi(main, ["stack", "init", STACK]);
    await setConfig(main, STACK, config, secretKeys);
  });

  after(async function () {
    if (emulator) await emulator.stop();
    if (work && !process.env.E2E_KEEP) fs.rmSync(work, { recursive: true, force: true });
  });

  it("up creates the five credentials (and the generated RSA key and certificates) with the declared values", async function () {
    requireCli(this);
    await up(main, STACK);

    expect(
      emulator.tines
        .list()
        .map((r) => r.mode)
        .sort(),
    ).to.deep.equal(["AWS", "JWT", "MTLS", "TEXT"]);
    expect(emulator.twilio.list()).to.have.length(1);
    const twilio = emulator.twilio.list()[0];
    expect(twilio.credentials).to.equal(`${AWS.id}:${AWS.secret}`);
    expect(twilio.friendly_name).to.equal("e2e alerting (S3 recordings)");
    const aws = tinesByMode("AWS");
    expect([aws.aws_access_key, aws.aws_secret_key]).to.deep.equal([AWS.id, AWS.secret]);
    expect(tinesByMode("TEXT").value).to.equal(twilio.sid);
    expect(tinesByMode("JWT").jwt_private_key).to.match(/^-----BEGIN PRIVATE KEY-----/);
    expect(tinesByMode("MTLS").mtls_client_private_key).to.match(/^-----BEGIN PRIVATE KEY-----/);

    const out = await outputs(main, STACK);
    expect(out.twilioAwsCredentialSid).to.equal(twilio.sid);
    expect(out.tinesCredentialIds).to.deep.equal({
      aws: aws.id,
      jwt: tinesByMode("JWT").id,
      mtls: tinesByMode("MTLS").id,
      text: tinesByMode("TEXT").id,
    });
    expect(out.jwtPrivateKeyPem).to.equal("[secret]");
    expect(String(out.jwtPublicKeyPem)).to.match(/^-----BEGIN PUBLIC KEY-----/);
  });

  it("a preview with no changes makes zero API requests", async function () {
    requireCli(this);
    emulator.clearLog();
    await runPulumi(main, ["preview", "--expect-no-changes", "--stack", STACK]);
    expect(apiRequests()).to.deep.equal([]);
  });

  it("an in-place update keeps every id and sends updates only", async function () {
    requireCli(this);
    const before = {
      tines: emulator.tines
        .list()
        .map((r) => r.id)
        .sort(),
      twilio: emulator.twilio.list()[0].sid,
    };
    await setConfig(main, STACK, { [`${PROJECT}:namePrefix`]: "renamed" }, []);
    emulator.clearLog();
    await up(main, STACK);

    expect(
      emulator.tines
        .list()
        .map((r) => r.id)
        .sort(),
    ).to.deep.equal(before.tines);
    expect(emulator.twilio.list().map((r) => r.sid)).to.deep.equal([before.twilio]);
    expect(
      emulator.tines
        .list()
        .map((r) => r.name)
        .sort(),
    ).to.deep.equal([
      "renamed_api_jwt",
      "renamed_aws",
      "renamed_internal_api_mtls",
      "renamed_twilio_aws_credential_sid",
    ]);
    expect(emulator.twilio.list()[0].friendly_name).to.equal("renamed alerting (S3 recordings)");
    const creates = apiRequests().filter(
      (e) =>
        e.method === "POST" && (e.path === "/api/v1/user_credentials" || e.path === "/v1/Credentials/AWS"),
    );
    expect(creates, "no create during an in-place update").to.deep.equal([]);
    expect(apiRequests().filter((e) => e.method === "DELETE")).to.deep.equal([]);
  });

  it("rotating the AWS secret replaces the Twilio credential and updates Tines in place", async function () {
    requireCli(this);
    const oldSid = emulator.twilio.list()[0].sid;
    const awsId = tinesByMode("AWS").id;
    const textId = tinesByMode("TEXT").id;
    await setConfig(main, STACK, { [`${PROJECT}:awsSecretAccessKey`]: ROTATED_SECRET }, [
      `${PROJECT}:awsSecretAccessKey`,
    ]);
    secretValues.push(ROTATED_SECRET);
    await up(main, STACK);

    const twilio = emulator.twilio.list();
    expect(twilio, "the old Twilio credential is deleted after its replacement exists").to.have.length(1);
    expect(twilio[0].sid).to.not.equal(oldSid);
    expect(twilio[0].credentials).to.equal(`${AWS.id}:${ROTATED_SECRET}`);
    expect(tinesByMode("AWS").id).to.equal(awsId);
    expect(tinesByMode("AWS").aws_secret_key).to.equal(ROTATED_SECRET);
    expect(tinesByMode("TEXT").id).to.equal(textId);
    expect(tinesByMode("TEXT").value, "the TEXT credential follows the new sid").to.equal(twilio[0].sid);
    expect((await outputs(main, STACK)).twilioAwsCredentialSid).to.equal(twilio[0].sid);
  });

  it("refresh notices an out-of-band delete and change; the next up repairs both", async function () {
    requireCli(this);
    const jwt = tinesByMode("JWT");
    const aws = tinesByMode("AWS");
    emulator.tines.remove(jwt.id);
    emulator.tines.update(aws.id, { description: "edited in the console" });

    await runPulumi(main, ["refresh", "--yes", "--stack", STACK]);
    const state = JSON.parse(await exportStack(main, STACK)) as {
      deployment: { resources: { type: string; id?: string; outputs?: Record<string, unknown> }[] };
    };
    const types = state.deployment.resources.map((r) => r.type);
    expect(types).to.not.include("pulumi-nodejs:dynamic/tines:JwtCredential");
    const awsState = state.deployment.resources.find(
      (r) => r.type === "pulumi-nodejs:dynamic/tines:AwsCredential",
    );
    expect(awsState?.outputs?.description).to.equal("edited in the console");

    await up(main, STACK);
    const recreated = tinesByMode("JWT");
    expect(recreated.id).to.not.equal(jwt.id);
    expect(tinesByMode("AWS").description).to.equal(
      "AWS access for the alerting stories (same key pair as Twilio's).",
    );
    expect(tinesByMode("AWS").aws_secret_key, "the declared secret is sent again").to.equal(ROTATED_SECRET);
    await runPulumi(main, ["preview", "--expect-no-changes", "--stack", STACK]);
  });

  it("adoption: examples/adopt takes over existing credentials without creating any", async function () {
    requireCli(this);
    const tines = emulator.tines.seed({
      name: "legacy_webhook_token",
      mode: "TEXT",
      team_id: 1,
      value: "old",
    });
    const twilio = emulator.twilio.seed({
      Credentials: "AKIAOLDOLDOLDOLDOLD0:old-secret",
      FriendlyName: "legacy",
    });
    const count = () => emulator.tines.list().length + emulator.twilio.list().length;
    const before = count();
    const config = {
      ...connection(),
      [`${PROJECT}:tinesTeamId`]: "1",
      [`${PROJECT}:existingTinesCredentialId`]: String(tines.id),
      [`${PROJECT}:legacyWebhookToken`]: "declared-token-value",
      [`${PROJECT}:existingTwilioCredentialSid`]: twilio.sid,
      [`${PROJECT}:legacyAwsCredentials`]: "AKIAOLDOLDOLDOLDOLD0:old-secret",
    };
    secretValues.push("declared-token-value", "old-secret");
    await runPulumi(adopt, ["stack", "init", ADOPT_STACK]);
    await setConfig(adopt, ADOPT_STACK, config, secretKeys);
    emulator.clearLog();
    await up(adopt, ADOPT_STACK);

    expect(count(), "nothing created").to.equal(before);
    expect(
      apiRequests().filter((e) => e.method === "POST" && e.path === "/api/v1/user_credentials"),
    ).to.deep.equal([]);
    expect(emulator.tines.get(tines.id)?.value).to.equal("declared-token-value");
    expect(emulator.twilio.get(twilio.sid)?.friendly_name).to.equal("legacy S3 export (adopted)");
    const out = await outputs(adopt, ADOPT_STACK);
    expect(out).to.deep.include({
      adoptedTinesCredentialId: tines.id,
      adoptedTwilioCredentialSid: twilio.sid,
    });

    // The example sets retainOnDelete: destroying the stack leaves the adopted credentials in place.
    await runPulumi(adopt, ["destroy", "--yes", "--stack", ADOPT_STACK]);
    expect(emulator.tines.get(tines.id)).to.not.equal(undefined);
    expect(emulator.twilio.get(twilio.sid)).to.not.equal(undefined);
    await runPulumi(adopt, ["stack", "rm", "--yes", ADOPT_STACK]);
    emulator.tines.remove(tines.id);
    emulator.twilio.remove(twilio.sid);
  });

  it("invalid input fails at preview, naming the property and the rule, before any API request", async function () {
    requireCli(this);
    await setConfig(main, STACK, { [`${PROJECT}:namePrefix`]: "x".repeat(70) }, []);
    emulator.clearLog();
    const preview = await runPulumi(main, ["preview", "--stack", STACK], { allowFailure: true });
    await setConfig(main, STACK, { [`${PROJECT}:namePrefix`]: "renamed" }, []);

    expect(preview.code).to.not.equal(0);
    const text = preview.stdout + preview.stderr;
    expect(text).to.include("friendlyName");
    expect(text).to.include("at most 64 characters");
    expect(apiRequests()).to.deep.equal([]);
  });

  it("the state file holds no secret in plaintext and no machine path", async function () {
    requireCli(this);
    const text = await exportStack(main, STACK);
    const jwtKey = tinesByMode("JWT").jwt_private_key ?? "";
    for (const secret of [...secretValues, jwtKey, jwtKey.split("\n")[1] ?? ""]) {
      expect(secret.length, "a secret to look for").to.be.greaterThan(0);
      expect(text.includes(secret), `state holds a secret in plaintext (${secret.slice(0, 4)}…)`).to.equal(
        false,
      );
    }
    expect(text).to.not.include("BEGIN PRIVATE KEY");
    // The engine's manifest lists its plugins with their paths; what this package writes is the resources.
    const resources = JSON.stringify(
      (JSON.parse(text) as { deployment: { resources: unknown } }).deployment.resources,
    );
    for (const p of [repoRoot, work, os.homedir(), os.tmpdir()].filter((d) => d.length > 1)) {
      expect(resources.includes(p), `state names a machine path (${p})`).to.equal(false);
    }
    expect(resources).to.include('require(\\"pulumi-api-credentials/');
  });

  it("destroy deletes everything and leaves the emulator empty", async function () {
    requireCli(this);
    await runPulumi(main, ["destroy", "--yes", "--stack", STACK]);
    expect(emulator.tines.list()).to.deep.equal([]);
    expect(emulator.twilio.list()).to.deep.equal([]);
    await runPulumi(main, ["stack", "rm", "--yes", STACK]);
  });
});
