// Redaction: an API key, auth token or credential secret never appears in an error message, even
// when the API echoes it back in its error body, in a network error, or on any hook.
import { expect } from "chai";
import fc from "fast-check";
import nock from "nock";
import { providers } from "../../provider";
import { MAX_API_MESSAGE_CHARS, safeText } from "../../provider/core/http";
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
  staleRecordWithId,
  TENANT,
  TEXT_VALUE,
  textCase,
  TINES_API_KEY,
  TINES_BASE,
  TWILIO_ACCOUNT_SID,
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
        nock(c.origin).get(c.itemPath(c.id)).reply(200, staleRecordWithId(c, c.id));
        nock(c.origin).intercept(c.itemPath(c.id), c.updateMethod.toUpperCase()).reply(400, echo(c));
        const error = await rejection(
          c.provider.create({ ...PROVIDER, ...c.inputs(), adoptId: c.rawId(c.id) }),
        );
        expectNoSecrets(error.message, secretsOf(c));
      });

      it("read and delete: the service key echoed in an error body is redacted", async () => {
        const serviceKey = c.service === "Tines" ? TINES_API_KEY : TWILIO_AUTH_TOKEN;
        const body = {
          code: 20003,
          message: `bad key ${serviceKey}`,
          errors: [{ message: `key ${serviceKey}` }],
        };
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
      .reply(400, { code: 20001, message: `bad secret ${AWS_SECRET}; header Basic ${header}` });
    const error = await rejection(
      providers.twilioAwsCredential.create({
        ...PROVIDER,
        credentials: `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`,
      }),
    );
    expect(error.message).not.to.include(AWS_SECRET);
    expect(error.message).not.to.include(header);
    expect(error.message).to.include("bad secret [secret]; header Basic [secret]");
  });

  it("Twilio: a message quoting the key id of KEY:SECRET alone is withheld (a piece of the secret value)", async () => {
    nock(TWILIO_URL)
      .post(TWILIO_BASE)
      .reply(400, { code: 20001, message: `key ${AWS_ACCESS_KEY_ID} is not valid` });
    const error = await rejection(
      providers.twilioAwsCredential.create({
        ...PROVIDER,
        credentials: `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`,
      }),
    );
    expect(error.message).not.to.include(AWS_ACCESS_KEY_ID);
    expect(error.message).to.include("HTTP 400").and.include("withheld");
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

// ---------------------------------------------------------------------------------------------
// Item 3 of the hardening issue: secrets echoed encoded (JSON, JSON inside JSON, URL and form
// encoding) or cut (by the server, or by the message length limit) leave no 8-character piece.

/** Every spelling of `secret` a service might echo. */
const spellings = (secret: string): Record<string, string> => ({
  raw: secret,
  json: JSON.stringify(secret).slice(1, -1),
  jsonInJson: JSON.stringify(JSON.stringify(secret).slice(1, -1)).slice(1, -1),
  uri: encodeURIComponent(secret),
  form: new URLSearchParams({ v: secret }).toString().slice(2),
});

/** Fails with the spelling's name (never the value) when any 8-character piece of `secret` shows. */
function expectNoPiece(text: string, secret: string): void {
  for (const [name, form] of Object.entries(spellings(secret))) {
    for (let i = 0; i + 8 <= form.length; i++) {
      if (text.includes(form.slice(i, i + 8)))
        expect.fail(`an 8-character piece of the ${name} secret shows`);
    }
  }
}

/** Random secrets made of the characters encodings change: / + : " \ newline, space, % and unicode. */
const secretArb = fc.string({
  unit: fc.constantFrom(...'aZ09/+:"\\\n %=&', "é", "€", "😀", "\u2028"),
  minLength: 8,
  maxLength: 60,
});
/** Text a server might put around an echoed secret; disjoint from the secret's alphabet. */
const filler = (n: number) => "~ .".repeat(Math.ceil(n / 3)).slice(0, n);

describe("redaction of encoded and cut secrets (hardening item 3)", () => {
  useHttpSandbox();
  const SEED = 20_261_124;

  it("property: no 8-character piece of a secret in any spelling survives, wherever and however cut", () => {
    fc.assert(
      fc.property(
        secretArb,
        fc.constantFrom("raw", "json", "jsonInJson", "uri", "form"),
        fc.nat(900),
        fc.option(fc.nat(200), { nil: undefined }),
        (secret, spelling, offset, cutAt) => {
          const form = spellings(secret)[spelling];
          // The server itself may cut its echo anywhere in the secret.
          const echoed = cutAt === undefined ? form : form.slice(0, cutAt);
          const text = `${filler(offset)}${echoed}${filler(40)}`;
          const safe = safeText(text, [secret]);
          expectNoPiece(safe, secret);
          if (cutAt === undefined && offset + 8 <= MAX_API_MESSAGE_CHARS) {
            // A whole echo is replaced, not withheld: the rest of the message stays readable.
            expect(safe).to.include("[secret]");
          }
        },
      ),
      { seed: SEED, numRuns: 500, endOnFailure: true },
    );
  });

  it("property: the same holds for secrets next to each other and for the part after KEY:", () => {
    fc.assert(
      fc.property(
        secretArb,
        secretArb,
        fc.constantFrom("raw", "json", "uri", "form"),
        (key, secret, spelling) => {
          const pair = `${key.replace(/:/g, "")}:${secret}`;
          const text = `bad ${spellings(secret)[spelling]} in ${spellings(pair)[spelling]}`;
          const safe = safeText(text, [pair, TINES_API_KEY]);
          expectNoPiece(safe, secret);
          expectNoPiece(safe, pair);
        },
      ),
      { seed: SEED, numRuns: 300, endOnFailure: true },
    );
  });

  it("a secret is redacted in every spelling whichever printable character it holds (letters, digits, - . _ are spelled as is)", () => {
    for (let code = 0x20; code < 0x7f; code++) {
      const c = String.fromCharCode(code);
      const secret = `Qw8Zr2Lm${c}${c}Tk5Xv9Np`;
      for (const [name, form] of Object.entries(spellings(secret))) {
        expect(safeText(`bad ${form} end`, [secret]), `${JSON.stringify(c)}, ${name}`).to.equal(
          "bad [secret] end",
        );
      }
    }
  });

  it("a plain-text body echoing the value after 480 characters leaves no prefix of it (cut after redaction)", async () => {
    nock(TENANT)
      .post(TINES_BASE)
      .reply(422, `${"x".repeat(480)}${TEXT_VALUE} was rejected`, { "Content-Type": "text/plain" });
    const error = await rejection(textCase.provider.create({ ...PROVIDER, ...textCase.inputs() }));
    expectNoPiece(error.message, TEXT_VALUE);
    expectNoPiece(String(error.stack), TEXT_VALUE);
    expect(error.message).to.include("[secret]");
  });

  it("a JSON body holding the secret JSON-escaped inside a JSON string is redacted", async () => {
    const token = 'ghp_"quoted"\\slash/' + "Qw8Zr2Lm";
    const inner = JSON.stringify({ token });
    nock(TENANT).post(TINES_BASE).reply(422, { status: "invalid", value: inner });
    const error = await rejection(
      textCase.provider.create({ ...PROVIDER, ...textCase.inputs(), value: token }),
    );
    expectNoPiece(error.message, token);
    expect(error.message).to.include("[secret]");
  });

  it("a Twilio message quoting the raw form body (KEY:SECRET URL-encoded) is redacted", async () => {
    const secret = "wJalr+XUtn/FEMI K7MD:ENG/bPxRfiCY";
    const credentials = `${AWS_ACCESS_KEY_ID}:${secret}`;
    const raw = new URLSearchParams({ Credentials: credentials, FriendlyName: "ci" }).toString();
    nock(TWILIO_URL)
      .post(TWILIO_BASE)
      .reply(400, { code: 20001, message: `Invalid parameter in body: ${raw}` });
    const error = await rejection(
      twilioCase.provider.create({ ...PROVIDER, credentials, friendlyName: "ci" }),
    );
    expectNoPiece(error.message, secret);
    expectNoPiece(error.message, credentials);
    expect(error.message).to.include("Credentials=[secret]");
  });

  it("a body cut by the server inside the secret is withheld, not shown", async () => {
    nock(TENANT)
      .post(TINES_BASE)
      .reply(422, { error: `value ${TEXT_VALUE.slice(0, 12)}` });
    const error = await rejection(textCase.provider.create({ ...PROVIDER, ...textCase.inputs() }));
    expectNoPiece(error.message, TEXT_VALUE);
    expect(error.message).to.include("withheld");
  });

  it("the Tines API key and the Twilio basic-auth value, URL-encoded, are redacted", async () => {
    nock(TENANT)
      .get(`${TINES_BASE}/5`)
      .reply(401, { error: `token=${encodeURIComponent(TINES_API_KEY)}` });
    const tinesError = await rejection(textCase.provider.read("5", { ...PROVIDER }));
    expectNoPiece(tinesError.message, TINES_API_KEY);
    const basic = Buffer.from(`${TWILIO_ACCOUNT_SID}:${TWILIO_AUTH_TOKEN}`).toString("base64");
    nock(TWILIO_URL)
      .get(`${TWILIO_BASE}/${twilioCase.id}`)
      .reply(401, { message: `auth=${new URLSearchParams({ a: `Basic ${basic}` }).toString()}` });
    const twilioError = await rejection(twilioCase.provider.read(twilioCase.id, { ...PROVIDER }));
    expectNoPiece(twilioError.message, basic);
    expectNoPiece(twilioError.message, TWILIO_AUTH_TOKEN);
  });
});
