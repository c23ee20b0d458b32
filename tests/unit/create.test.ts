// create: the exact request each resource sends (body, headers) against the documented contract,
// and the outputs it records from the documented response.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import { PartialCreateError } from "../../provider/core/lifecycle";
import {
  ALL_CASES,
  AWS_ACCESS_KEY_ID,
  AWS_SECRET,
  CREDENTIAL_SID,
  formBody,
  Headers,
  jsonBody,
  keys,
  olderTextRecord,
  OWNER,
  rejection,
  startNewRun,
  SUBACCOUNT_SID,
  TENANT,
  TEXT_VALUE,
  TINES_API_KEY,
  TINES_AWS_SECRET,
  TINES_BASE,
  TINES_CASES,
  tinesRecord,
  TWILIO_ACCOUNT_SID,
  TWILIO_AUTH_TOKEN,
  TWILIO_BASE,
  TWILIO_URL,
  twilioCase,
  twilioRecord,
  useHttpSandbox,
} from "./helpers";

interface Captured {
  body: unknown;
  headers: Headers;
  count: number;
}

/** Answers one POST at `path` and records what was sent. */
function capturePost(origin: string, path: string, status: number, answer: unknown): Captured {
  const captured: Captured = { body: undefined, headers: {}, count: 0 };
  nock(origin)
    .post(path)
    .reply(function (_uri, body) {
      captured.body = body;
      captured.headers = this.req.headers;
      captured.count++;
      return [status, answer as nock.Body];
    });
  return captured;
}

const PROVIDER = { __provider: "serialized-provider-module" };

describe("create", () => {
  useHttpSandbox();

  describe("Tines: request", () => {
    it("TEXT: the documented minimal body, Bearer auth and JSON content type", async () => {
      const sent = capturePost(TENANT, TINES_BASE, 201, tinesRecord("TEXT"));
      await providers.tinesTextCredential.create({
        ...PROVIDER,
        name: "text credential",
        value: "bar",
        teamId: 2,
      });
      expect(jsonBody(sent.body)).to.deep.equal({
        name: "text credential",
        value: "bar",
        mode: "TEXT",
        team_id: 2,
      });
      expect(sent.headers.authorization).to.equal(`Bearer ${TINES_API_KEY}`);
      expect(sent.headers["content-type"]).to.match(/^application\/json/);
      expect(sent.headers.accept).to.match(/application\/json/);
      expect(sent.count).to.equal(1);
    });

    it("TEXT: every documented optional field in snake_case", async () => {
      const sent = capturePost(TENANT, TINES_BASE, 201, tinesRecord("TEXT"));
      await providers.tinesTextCredential.create({
        ...PROVIDER,
        name: "text credential",
        value: TEXT_VALUE,
        teamId: 2,
        folderId: 5,
        readAccess: "SPECIFIC_TEAMS",
        sharedTeamSlugs: ["security", "ops"],
        description: "for CI",
        metadata: { env: "prod", nested: { a: 1 } },
        allowedHosts: ["*.example.com"],
        liveCredentialId: 77,
        expiresAt: "2030-01-31T12:00:00Z",
        expiryNotificationsEnabled: true,
        credentialNotificationRecipientUserIds: [1, 2],
      });
      expect(jsonBody(sent.body)).to.deep.equal({
        name: "text credential",
        mode: "TEXT",
        value: TEXT_VALUE,
        team_id: 2,
        folder_id: 5,
        read_access: "SPECIFIC_TEAMS",
        shared_team_slugs: ["security", "ops"],
        description: "for CI",
        metadata: { env: "prod", nested: { a: 1 } },
        allowed_hosts: ["*.example.com"],
        live_credential_id: 77,
        expires_at: "2030-01-31T12:00:00Z",
        expiry_notifications_enabled: true,
        credential_notification_recipient_user_ids: [1, 2],
      });
    });

    it("sends explicit false, empty string and empty lists; never sends unset inputs", async () => {
      const sent = capturePost(TENANT, TINES_BASE, 201, tinesRecord("TEXT"));
      await providers.tinesTextCredential.create({
        ...PROVIDER,
        name: "n",
        value: "v-value",
        teamId: 2,
        expiryNotificationsEnabled: false,
        allowedHosts: [],
        credentialNotificationRecipientUserIds: [],
        description: "",
        folderId: undefined,
        metadata: undefined,
      });
      expect(jsonBody(sent.body)).to.deep.equal({
        name: "n",
        mode: "TEXT",
        value: "v-value",
        team_id: 2,
        expiry_notifications_enabled: false,
        allowed_hosts: [],
        credential_notification_recipient_user_ids: [],
        description: "",
      });
    });

    it("JWT: the documented body", async () => {
      const sent = capturePost(TENANT, TINES_BASE, 201, tinesRecord("JWT"));
      await providers.tinesJwtCredential.create({
        ...PROVIDER,
        name: "jwt credential",
        teamId: 2,
        jwtAlgorithm: "RS256",
        jwtPayload: { iss: "", sub: "", scope: "", aud: "" },
        jwtAutoGenerateTimeClaims: true,
        jwtPrivateKey: keys().rsa,
      });
      expect(jsonBody(sent.body)).to.deep.equal({
        name: "jwt credential",
        mode: "JWT",
        team_id: 2,
        jwt_algorithm: "RS256",
        jwt_payload: { iss: "", sub: "", scope: "", aud: "" },
        jwt_auto_generate_time_claims: true,
        jwt_private_key: keys().rsa,
      });
      expect(sent.headers.authorization).to.equal(`Bearer ${TINES_API_KEY}`);
    });

    it("AWS: the documented body (ROLE) and KEY with use_static_external_id", async () => {
      const role = capturePost(
        TENANT,
        TINES_BASE,
        201,
        tinesRecord("AWS", { aws_authentication_type: "ROLE" }),
      );
      await providers.tinesAwsCredential.create({
        ...PROVIDER,
        name: "aws credential",
        teamId: 2,
        awsAuthenticationType: "ROLE",
        awsAccessKey: "v_access_key",
        awsSecretKey: "v_secret_key",
        awsAssumedRoleArn: "arn:aws:iam::123456789012:role/write-access-role",
      });
      expect(jsonBody(role.body)).to.deep.equal({
        name: "aws credential",
        mode: "AWS",
        team_id: 2,
        aws_authentication_type: "ROLE",
        aws_access_key: "v_access_key",
        aws_secret_key: "v_secret_key",
        aws_assumed_role_arn: "arn:aws:iam::123456789012:role/write-access-role",
      });

      const key = capturePost(TENANT, TINES_BASE, 201, tinesRecord("AWS", { id: 102 }));
      await providers.tinesAwsCredential.create({
        ...PROVIDER,
        name: "aws credential",
        teamId: 2,
        awsAuthenticationType: "KEY",
        awsAccessKey: AWS_ACCESS_KEY_ID,
        awsSecretKey: TINES_AWS_SECRET,
        useStaticExternalId: false,
      });
      expect(jsonBody(key.body)).to.deep.equal({
        name: "aws credential",
        mode: "AWS",
        team_id: 2,
        aws_authentication_type: "KEY",
        aws_access_key: AWS_ACCESS_KEY_ID,
        aws_secret_key: TINES_AWS_SECRET,
        use_static_external_id: false,
      });
    });

    it("never sends __provider, nor any key that is not a documented field", async () => {
      // Separate credentials of one tenant: each its own id (every mode shares the id space).
      for (const [i, c] of ALL_CASES.filter((x) => x.service === "Tines").entries()) {
        const sent = capturePost(TENANT, TINES_BASE, 201, c.record({ id: 101 + i }));
        await c.provider.create({ ...PROVIDER, ...c.inputs() });
        const body = jsonBody(sent.body);
        expect(body, c.title).not.to.have.property("__provider");
        expect(body, c.title).not.to.have.property("adoptId");
        expect(body, c.title).not.to.have.property("adopt_id");
        expect(
          Object.keys(body).every((k) => /^[a-z_]+$/.test(k)),
          JSON.stringify(Object.keys(body)),
        ).to.equal(true);
      }
    });
  });

  describe("Tines: outputs", () => {
    it("the id is the Tines id as a string; every documented response field is mapped to camelCase", async () => {
      const record = tinesRecord("TEXT", {
        id: 4242,
        name: "ci-token",
        team_id: 2,
        folder_id: 9,
        read_access: "GLOBAL",
        description: "d",
        allowed_hosts: ["x.example.com"],
        metadata: { a: "b" },
        restriction_type: "RESTRICTED",
        test_credential_enabled: true,
        test_credential: { created_at: "2021-03-26T12:34:16.540Z", updated_at: "2021-03-26T12:34:16.540Z" },
        expires_at: "2030-01-01T00:00:00.000Z",
        expiry_notifications_enabled: true,
        credential_notification_recipient_user_ids: [5],
        created_at: "2021-03-26T12:34:16.540Z",
        updated_at: "2021-03-26T12:34:17.000Z",
      });
      capturePost(TENANT, TINES_BASE, 201, record);
      const result = await providers.tinesTextCredential.create({
        ...PROVIDER,
        name: "ci-token",
        value: TEXT_VALUE,
        teamId: 2,
      });
      expect(result.id).to.equal("4242");
      expect(result.outs).to.deep.equal({
        name: "ci-token",
        value: TEXT_VALUE,
        teamId: 2,
        folderId: 9,
        readAccess: "GLOBAL",
        sharedTeamSlugs: [],
        description: "d",
        metadata: { a: "b" },
        allowedHosts: ["x.example.com"],
        expiresAt: "2030-01-01T00:00:00.000Z",
        expiryNotificationsEnabled: true,
        credentialNotificationRecipientUserIds: [5],
        credentialId: 4242,
        mode: "TEXT",
        slug: "ci_token",
        createdAt: "2021-03-26T12:34:16.540Z",
        updatedAt: "2021-03-26T12:34:17.000Z",
        owner: OWNER,
        restrictionType: "RESTRICTED",
        testCredentialEnabled: true,
        testCredential: { created_at: "2021-03-26T12:34:16.540Z", updated_at: "2021-03-26T12:34:16.540Z" },
      });
    });

    it("keeps every declared input, secrets included, and no __provider", async () => {
      for (const [i, c] of ALL_CASES.filter((x) => x.service === "Tines").entries()) {
        capturePost(TENANT, TINES_BASE, 201, c.record({ id: 101 + i }));
        const { outs } = await c.provider.create({ ...PROVIDER, ...c.inputs() });
        expect(outs, c.title).to.deep.include(c.inputs());
        expect(outs, c.title).not.to.have.property("__provider");
      }
    });

    it("AWS: maps aws_assumed_role_external_id, use_static_external_id and aws_authentication_type", async () => {
      capturePost(
        TENANT,
        TINES_BASE,
        201,
        tinesRecord("AWS", { aws_authentication_type: "ROLE", use_static_external_id: true }),
      );
      const { outs } = await providers.tinesAwsCredential.create({
        ...PROVIDER,
        name: "ci-token",
        teamId: 2,
        awsAuthenticationType: "ROLE",
        awsAssumedRoleArn: "arn:aws:iam::123456789012:role/r",
      });
      expect(outs).to.deep.include({
        awsAssumedRoleExternalId: "1e52dbcf-3621-4969-9bf6-3fd2699db84b",
        useStaticExternalId: true,
        awsAuthenticationType: "ROLE",
        awsAssumedRoleArn: "arn:aws:iam::123456789012:role/r",
        mode: "AWS",
      });
    });

    it("an older-revision response (no owner, no restriction_type) works and leaves them undefined", async () => {
      capturePost(TENANT, TINES_BASE, 201, olderTextRecord());
      const result = await providers.tinesTextCredential.create({
        ...PROVIDER,
        name: "tines_api_credential",
        value: TEXT_VALUE,
        teamId: 2,
      });
      expect(result.id).to.equal("1");
      expect(result.outs.owner).to.equal(undefined);
      expect(result.outs.restrictionType).to.equal(undefined);
      expect(result.outs.expiresAt).to.equal(undefined);
      expect(result.outs).to.include({ slug: "tines_api_credential", credentialId: 1, value: TEXT_VALUE });
    });

    it("a response with only an id still works", async () => {
      capturePost(TENANT, TINES_BASE, 201, { id: 5 });
      const result = await providers.tinesTextCredential.create({
        ...PROVIDER,
        name: "n",
        value: "vv",
        teamId: 2,
      });
      expect(result).to.deep.equal({ id: "5", outs: { name: "n", value: "vv", teamId: 2, credentialId: 5 } });
    });

    it("accepts 200 as well as 201", async () => {
      for (const status of [200, 201]) {
        capturePost(TENANT, TINES_BASE, status, tinesRecord("TEXT", { id: status }));
        const result = await providers.tinesTextCredential.create({
          ...PROVIDER,
          name: "n",
          value: "vv",
          teamId: 2,
        });
        expect(result.id).to.equal(String(status));
      }
    });

    it("an answer without an id is an error", async () => {
      capturePost(TENANT, TINES_BASE, 201, { name: "n" });
      let error: Error | undefined;
      try {
        await providers.tinesTextCredential.create({ ...PROVIDER, name: "n", value: "vv", teamId: 2 });
      } catch (e) {
        error = e as Error;
      }
      expect(error?.message).to.match(/without an id/);
    });
  });

  describe("Twilio: request", () => {
    const credentials = `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`;
    const basic = (user: string, password: string) =>
      `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

    it("form-encoded PascalCase Credentials, FriendlyName, AccountSid; basic auth with SID + token", async () => {
      const sent = capturePost(TWILIO_URL, TWILIO_BASE, 201, twilioRecord({ account_sid: SUBACCOUNT_SID }));
      await providers.twilioAwsCredential.create({
        ...PROVIDER,
        credentials,
        friendlyName: "friendly_name",
        accountSid: SUBACCOUNT_SID,
      });
      expect(formBody(sent.body)).to.deep.equal({
        Credentials: credentials,
        FriendlyName: "friendly_name",
        AccountSid: SUBACCOUNT_SID,
      });
      expect(sent.headers["content-type"]).to.match(/^application\/x-www-form-urlencoded/);
      expect(sent.headers.authorization).to.equal(basic(TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN));
      expect(sent.count).to.equal(1);
    });

    it("the key pair is sent as the one Credentials string; unset fields are not sent", async () => {
      const sent = capturePost(TWILIO_URL, TWILIO_BASE, 201, twilioRecord());
      await providers.twilioAwsCredential.create({
        ...PROVIDER,
        awsAccessKeyId: AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: AWS_SECRET,
      });
      expect(formBody(sent.body)).to.deep.equal({ Credentials: credentials });
    });

    it("never sends __provider, adoptId or the split key names", async () => {
      const sent = capturePost(TWILIO_URL, TWILIO_BASE, 201, twilioRecord());
      await providers.twilioAwsCredential.create({
        ...PROVIDER,
        awsAccessKeyId: AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: AWS_SECRET,
        friendlyName: "ci",
      });
      expect(Object.keys(formBody(sent.body)).sort()).to.deep.equal(["Credentials", "FriendlyName"]);
    });

    describe("with TWILIO_API_KEY", () => {
      const restoreKeys: Record<string, string | undefined> = {};
      beforeEach(() => {
        for (const k of ["TWILIO_API_KEY", "TWILIO_API_SECRET"]) restoreKeys[k] = process.env[k];
        process.env.TWILIO_API_KEY = "SK0123456789abcdef0123456789abcdef";
        process.env.TWILIO_API_SECRET = "api-secret-value-1234567890";
      });
      afterEach(() => {
        for (const [k, v] of Object.entries(restoreKeys)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
      });

      it("authenticates with the API key and secret instead of the account SID and token", async () => {
        const sent = capturePost(TWILIO_URL, TWILIO_BASE, 201, twilioRecord());
        await providers.twilioAwsCredential.create({ ...PROVIDER, credentials });
        expect(sent.headers.authorization).to.equal(
          basic("SK0123456789abcdef0123456789abcdef", "api-secret-value-1234567890"),
        );
      });
    });
  });

  describe("Twilio: outputs", () => {
    it("id is the sid; every documented field is mapped to camelCase; inputs are kept", async () => {
      const record = twilioRecord({
        date_created: "2015-07-31T04:00:00Z",
        date_updated: "2015-07-31T04:00:01Z",
        friendly_name: "friendly_name",
      });
      capturePost(TWILIO_URL, TWILIO_BASE, 201, record);
      const credentials = `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`;
      const result = await providers.twilioAwsCredential.create({
        ...PROVIDER,
        credentials,
        friendlyName: "friendly_name",
      });
      expect(result.id).to.equal(CREDENTIAL_SID);
      expect(result.outs).to.deep.equal({
        credentials,
        friendlyName: "friendly_name",
        accountSid: TWILIO_ACCOUNT_SID,
        sid: CREDENTIAL_SID,
        dateCreated: "2015-07-31T04:00:00Z",
        dateUpdated: "2015-07-31T04:00:01Z",
        url: `${TWILIO_URL}${TWILIO_BASE}/${CREDENTIAL_SID}`,
      });
    });

    it("keeps the key pair inputs (secret included) when given as two inputs", async () => {
      capturePost(TWILIO_URL, TWILIO_BASE, 201, twilioRecord());
      const { outs } = await providers.twilioAwsCredential.create({
        ...PROVIDER,
        awsAccessKeyId: AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: AWS_SECRET,
      });
      expect(outs).to.include({ awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: AWS_SECRET });
      expect(outs).not.to.have.property("__provider");
    });

    it("accepts 200 as well as 201", async () => {
      capturePost(TWILIO_URL, TWILIO_BASE, 200, twilioRecord());
      const { id } = await providers.twilioAwsCredential.create({ ...PROVIDER, credentials: "A:B-secret" });
      expect(id).to.equal(CREDENTIAL_SID);
    });
  });

  describe("partial create (the service answered with another kind): no secret in the properties", () => {
    // The engine records these properties for the partially created resource; whether it marks them
    // secret cannot be checked here, so they must hold no secret, not even nested in an output.
    const echoing = (secret: string) => ({
      metadata: { echoed: secret },
      description: `stored ${secret}`,
      test_credential: { nested: [{ value: secret }] },
      owner: { ...OWNER, note: secret.slice(secret.indexOf(":") + 1) },
    });

    for (const c of ALL_CASES) {
      it(`${c.title}: no secret input, nor any property that echoes one`, async () => {
        const secret = c.secretValues()[0];
        const answer =
          c.service === "Tines"
            ? { ...c.mismatchedRecord(), ...echoing(secret) }
            : {
                ...c.mismatchedRecord(),
                url: `${TWILIO_URL}${TWILIO_BASE}/${CREDENTIAL_SID}?echo=${secret}`,
              };
        capturePost(c.origin, c.createPath, 201, answer);
        const error = await rejection(c.provider.create({ ...PROVIDER, ...c.mismatchedInputs() }));
        expect(error).to.be.instanceOf(PartialCreateError);
        const properties = error.properties as Record<string, unknown>;
        expect(properties.__provider).to.equal(PROVIDER.__provider);
        expect(properties).to.include.keys(c.service === "Tines" ? ["credentialId", "name"] : ["sid"]);
        for (const name of c.secretInputs) expect(properties).not.to.have.property(name);
        const text = JSON.stringify(properties);
        for (const value of [secret, ...secret.split(/[:\n]/).filter((piece) => piece.length >= 16)]) {
          expect(text.includes(value), `a secret piece in ${text.slice(0, 80)}...`).to.equal(false);
        }
      });
    }

    for (const c of TINES_CASES) {
      it(`${c.title}: the next up sees the missing secret as a change and sends it with one update`, async () => {
        // The answer matches the inputs except for its mode, so the secret is the only difference.
        capturePost(c.origin, c.createPath, 201, { ...c.mismatchedRecord(), folder_id: null });
        const inputs = c.mismatchedInputs();
        const error = await rejection(c.provider.create({ ...PROVIDER, ...inputs }));
        const properties = error.properties as Record<string, unknown>;
        const id = error.id as string;
        const diff = await c.provider.diff(id, properties, { ...PROVIDER, ...inputs });
        expect(diff.changes).to.equal(true);
        expect(diff.replaces ?? []).to.deep.equal([]);
        const withSecrets = {
          ...properties,
          ...Object.fromEntries(c.secretInputs.map((n) => [n, inputs[n]])),
        };
        expect((await c.provider.diff(id, withSecrets, { ...PROVIDER, ...inputs })).changes).to.equal(false);

        let sent: Record<string, unknown> | undefined;
        nock(c.origin)
          .put(c.itemPath(id))
          .reply(200, (_uri, body) => {
            sent = jsonBody(body);
            return c.record({ id: Number(id) });
          });
        await c.provider.update(id, properties, { ...PROVIDER, ...inputs });
        expect(JSON.stringify(sent)).to.include(JSON.stringify(c.secretValues()[0]).slice(1, -1));
      });
    }
  });
});

describe("a service that echoes a secret into a plain field: never taken into state", () => {
  useHttpSandbox();
  // State keeps every field but the secret inputs unencrypted, so an echoed secret there would be
  // a secret in plain text: such a value is dropped and the declared input, if any, kept.
  const echoes = (secret: string) => ({
    description: `stored ${secret}`,
    metadata: { echoed: JSON.stringify({ token: secret }) },
  });

  for (const c of TINES_CASES) {
    const connectionSecret = TINES_API_KEY;
    for (const [what, secret] of [
      ["the credential's secret", () => c.secretValues()[0]],
      ["the API key", () => connectionSecret],
    ] as const) {
      it(`${c.title}: create, read and update answers echoing ${what} leave no trace of it in the outputs`, async () => {
        const inputs = { ...c.inputs(), description: "declared" };
        const answer = c.record({ ...echoes(secret()), slug: `slug-${encodeURIComponent(secret())}` });
        nock(c.origin).post(c.createPath).reply(201, answer);
        const created = await c.provider.create({ ...PROVIDER, ...inputs });
        nock(c.origin).get(c.itemPath(created.id)).reply(200, answer);
        const read = await c.provider.read(created.id, { ...PROVIDER, ...created.outs });
        nock(c.origin).put(c.itemPath(created.id)).reply(200, answer);
        const updated = await c.provider.update(created.id, created.outs, { ...PROVIDER, ...inputs });
        for (const outs of [created.outs, read.props, updated.outs]) {
          const plain = { ...outs };
          for (const name of c.secretInputs) delete plain[name];
          const text = JSON.stringify(plain);
          expect(text).not.to.include(secret());
          expect(text).not.to.include(encodeURIComponent(secret()));
          expect(text).not.to.include(JSON.stringify(secret()).slice(1, -1));
          expect(plain.description, "the declared value stays").to.equal("declared");
          expect(plain).not.to.have.property("metadata");
          expect(plain).to.have.property("credentialId");
        }
      });
    }
  }

  it("TwilioAwsCredential: an answer echoing the key pair or the auth token in friendly_name or url leaves no trace", async () => {
    const c = twilioCase;
    for (const secret of [c.secretValues()[0], AWS_SECRET, TWILIO_AUTH_TOKEN]) {
      startNewRun(); // each answer carries the same sid: stands for a separate run
      const answer = c.record({
        friendly_name: secret,
        url: `${TWILIO_URL}${TWILIO_BASE}/${CREDENTIAL_SID}?e=${secret}`,
      });
      nock(c.origin).post(c.createPath).reply(201, answer);
      const created = await c.provider.create({ ...PROVIDER, ...c.inputs() });
      const plain = { ...created.outs };
      delete plain.credentials;
      const text = JSON.stringify(plain);
      expect(text).not.to.include(secret);
      expect(plain.friendlyName).to.equal(c.inputs().friendlyName);
      expect(plain).not.to.have.property("url");
      expect(plain.sid).to.equal(CREDENTIAL_SID);
    }
  });
});
