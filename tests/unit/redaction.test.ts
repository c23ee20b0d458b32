// Redaction: an API key, auth token or credential secret never appears in an error message, even
// when the API echoes it back in its error body, in a network error, or on any hook.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import {
  ALL_CASES,
  AWS_ACCESS_KEY_ID,
  AWS_SECRET,
  expectNoSecrets,
  keyLines,
  keys,
  netError,
  rejection,
  ResourceCase,
  TENANT,
  TINES_API_KEY,
  TINES_BASE,
  TWILIO_AUTH_TOKEN,
  TWILIO_BASE,
  TWILIO_URL,
  twilioCase,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

/** Everything secret a case's requests carry: its own secrets, their key lines, the service's key. */
function secretsOf(c: ResourceCase): string[] {
  const own = c.secretValues().flatMap((v) => [v, ...keyLines(v)]);
  const service = c.service === "Tines" ? [TINES_API_KEY] : [TWILIO_AUTH_TOKEN, AWS_SECRET];
  return [...own, ...service];
}

/** An error body that quotes every secret, the way a careless API might. */
function echo(c: ResourceCase): Record<string, unknown> {
  const text = `rejected: ${secretsOf(c).join(" | ")}`;
  return c.service === "Tines"
    ? { errors: [{ message: text, details: `auth was ${TINES_API_KEY}` }] }
    : {
        code: 20001,
        message: text,
        more_info: `https://www.twilio.com/docs/errors/20001?t=${TWILIO_AUTH_TOKEN}`,
      };
}

describe("redaction", () => {
  useHttpSandbox();

  for (const c of ALL_CASES) {
    describe(c.title, () => {
      it("create: an error body echoing the secrets shows [secret] instead", async () => {
        nock(c.origin).post(c.createPath).reply(422, echo(c));
        const error = await rejection(c.provider.create({ ...PROVIDER, ...c.inputs() }));
        expectNoSecrets(error.message, secretsOf(c));
        expect(error.message).to.include("[secret]");
        expect(error.message).to.include("rejected:");
        expectNoSecrets(String(error.stack), secretsOf(c));
      });

      it("update: an error body echoing the secrets shows [secret] instead", async () => {
        nock(c.origin).intercept(c.itemPath(c.id), c.updateMethod.toUpperCase()).reply(400, echo(c));
        const error = await rejection(
          c.provider.update(c.id, { ...PROVIDER, ...c.inputs() }, { ...PROVIDER, ...c.inputs() }),
        );
        expectNoSecrets(error.message, secretsOf(c));
        expect(error.message).to.include("[secret]");
      });

      it("adoption: an error body echoing the secrets shows [secret] instead", async () => {
        const record = c.record(c.service === "Tines" ? { id: c.rawId(c.id) } : {});
        nock(c.origin).get(c.itemPath(c.id)).reply(200, record);
        nock(c.origin).intercept(c.itemPath(c.id), c.updateMethod.toUpperCase()).reply(400, echo(c));
        const error = await rejection(
          c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.rawId(c.id) }),
        );
        expectNoSecrets(error.message, secretsOf(c));
      });

      it("read and delete: the service key echoed in an error body is redacted", async () => {
        const body = echo(c);
        nock(c.origin).get(c.itemPath(c.id)).reply(401, body);
        const readError = await rejection(c.provider.read(c.id, { ...PROVIDER, ...c.inputs() }));
        nock(c.origin).delete(c.itemPath(c.id)).reply(401, body);
        const deleteError = await rejection(c.provider.delete(c.id, { ...PROVIDER, ...c.inputs() }));
        const serviceSecrets = c.service === "Tines" ? [TINES_API_KEY] : [TWILIO_AUTH_TOKEN];
        expectNoSecrets(readError.message, serviceSecrets);
        expectNoSecrets(deleteError.message, serviceSecrets);
        expect(readError.message).to.include("[secret]");
      });

      it("a network error whose text quotes a secret is redacted", async () => {
        // Lost twice with nothing found: the final error quotes the network error's own text.
        const scope = nock(c.origin);
        scope
          .post(c.createPath)
          .twice()
          .replyWithError(netError("", `proxy said no to ${secretsOf(c).join(" ")}`));
        scope.get(c.createPath).query(true).twice().reply(200, c.list([]));
        const error = await rejection(c.provider.create({ ...PROVIDER, ...c.inputs() }));
        expect(error.message).to.include("proxy said no to [secret]");
        expectNoSecrets(error.message, secretsOf(c));
      });
    });
  }

  it("Twilio: the secret half of Credentials alone is redacted, and so is the basic-auth header", async () => {
    const header = Buffer.from(`${process.env.TWILIO_ACCOUNT_SID}:${process.env.TWILIO_AUTH_TOKEN}`).toString(
      "base64",
    );
    nock(TWILIO_URL)
      .post(TWILIO_BASE)
      .reply(400, {
        code: 20001,
        message: `key ${AWS_ACCESS_KEY_ID} has bad secret ${AWS_SECRET}; header Basic ${header}`,
      });
    const error = await rejection(
      providers.twilioAwsCredential.create({
        ...PROVIDER,
        credentials: `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`,
      }),
    );
    expect(error.message).not.to.include(AWS_SECRET);
    expect(error.message).not.to.include(header);
    expect(error.message).to.include(AWS_ACCESS_KEY_ID);
  });

  it("Twilio: the key pair given as two inputs is redacted too", async () => {
    nock(TWILIO_URL)
      .post(TWILIO_BASE)
      .reply(400, { code: 20001, message: `bad pair ${AWS_ACCESS_KEY_ID}:${AWS_SECRET}` });
    const error = await rejection(
      providers.twilioAwsCredential.create({
        ...PROVIDER,
        awsAccessKeyId: AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: AWS_SECRET,
      }),
    );
    expect(error.message).not.to.include(AWS_SECRET);
    expect(error.message).to.include("[secret]");
  });

  describe("Twilio with an API key", () => {
    const secret = "twilio-api-secret-5d4c3b2a19087f6e";
    beforeEach(() => {
      process.env.TWILIO_API_KEY = "SK0123456789abcdef0123456789abcdef";
      process.env.TWILIO_API_SECRET = secret;
    });

    it("the API secret echoed back is redacted", async () => {
      nock(TWILIO_URL)
        .post(TWILIO_BASE)
        .reply(401, { code: 20003, message: `Authenticate: ${secret}` });
      const error = await rejection(twilioCase.provider.create({ ...PROVIDER, ...twilioCase.inputs() }));
      expect(error.message).not.to.include(secret);
      expect(error.message).to.include("[secret]");
    });
  });

  it("Tines JWT: no line of the private key survives in a message", async () => {
    const pem = keys().ecP256;
    nock(TENANT)
      .post(TINES_BASE)
      .reply(422, `could not parse key:\n${pem}`, { "Content-Type": "text/plain" });
    const error = await rejection(
      providers.tinesJwtCredential.create({
        ...PROVIDER,
        name: "n",
        teamId: 2,
        jwtAlgorithm: "ES256",
        jwtPrivateKey: pem,
      }),
    );
    for (const line of keyLines(pem)) expect(error.message).not.to.include(line);
    expect(error.message).to.include("could not parse key");
  });
});
