// check: every rule that can be judged without HTTP, for every resource. Each failure must name
// the property and the rule; check never throws, never makes a request, and never quotes a secret.
import * as pulumi from "@pulumi/pulumi";
import { expect } from "chai";
import { providers } from "../../provider";
import type { CredentialProvider } from "../../provider";
import { UNKNOWN } from "../../provider/core/fields";
import {
  ALL_CASES,
  AWS_ACCESS_KEY_ID,
  AWS_SECRET,
  keyLines,
  keys,
  SUBACCOUNT_SID,
  TINES_AWS_SECRET,
  TINES_CASES,
  TEXT_VALUE,
  useHttpSandbox,
} from "./helpers";

interface Failure {
  property: string;
  reason: string;
}

interface Checked {
  inputs: Record<string, unknown>;
  failures: Failure[];
}

/** Every secret value used in this file: no failure reason may contain one. */
const SECRETS = (): string[] => [
  TEXT_VALUE,
  TINES_AWS_SECRET,
  AWS_SECRET,
  `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`,
  "hs-shared-secret-value",
  ...Object.values(keys()).flatMap(keyLines),
];

async function check(provider: CredentialProvider, news: Record<string, unknown>): Promise<Checked> {
  const result = (await provider.check({}, { __provider: "serialized-provider", ...news })) as Checked;
  expect(result.failures ?? [], "failures is a list").to.be.an("array");
  for (const failure of result.failures ?? []) {
    expect(failure.property, "failure names a property").to.be.a("string").and.not.equal("");
    expect(failure.reason, "failure states a rule").to.be.a("string").and.not.equal("");
    for (const secret of SECRETS()) {
      expect(failure.reason, `reason for ${failure.property} quotes a secret`).not.to.include(secret);
    }
  }
  expect(result.inputs ?? {}).not.to.have.property("__provider");
  return { inputs: result.inputs ?? {}, failures: result.failures ?? [] };
}

function expectOnly(result: Checked, property: string, reason: RegExp): void {
  expect(result.failures, JSON.stringify(result.failures)).to.have.length(1);
  expect(result.failures[0].property).to.equal(property);
  expect(result.failures[0].reason).to.match(reason);
}

function expectFailure(result: Checked, property: string, reason: RegExp): void {
  const match = result.failures.find((f) => f.property === property && reason.test(f.reason));
  expect(
    match,
    `no failure for ${property} matching ${reason} in ${JSON.stringify(result.failures)}`,
  ).not.to.equal(undefined);
}

function expectPass(result: Checked): void {
  expect(result.failures, JSON.stringify(result.failures)).to.deep.equal([]);
}

describe("check", () => {
  const sandbox = useHttpSandbox({});

  afterEach(() => {
    // No interceptor is ever defined here; any request at all would be recorded as unmatched.
    expect(sandbox.unmatched).to.deep.equal([]);
  });

  it("takes as unknown the very sentinel the SDK sends (runtime.unknownValue)", () => {
    // The provider keeps its own copy so that its modules load without the SDK's runtime.
    expect(UNKNOWN).to.equal(pulumi.runtime.unknownValue);
  });

  for (const c of ALL_CASES) {
    describe(`${c.title}: shared behaviour`, () => {
      it("accepts the valid inputs and returns them unchanged, without __provider", async () => {
        const result = await check(c.provider, c.inputs());
        expectPass(result);
        expect(result.inputs).to.deep.equal(c.inputs());
      });

      it("passes unknown values for every input", async () => {
        const fields = Object.keys(c.inputs());
        for (const field of fields) {
          const result = await check(c.provider, { ...c.inputs(), [field]: UNKNOWN });
          expectPass(result);
          expect(result.inputs[field]).to.equal(UNKNOWN);
        }
      });

      it("drops inputs it does not know, so they are never sent", async () => {
        const result = await check(c.provider, { ...c.inputs(), bogusField: "x" });
        expectPass(result);
        expect(result.inputs).not.to.have.property("bogusField");
      });

      it("does not throw for an empty input bag", async () => {
        const result = await check(c.provider, {});
        expect(result.failures.length).to.be.greaterThan(0);
      });

      it("never quotes a secret in a failure, even when the secret is the broken value", async () => {
        for (const name of c.secretInputs) {
          // The secret wrapped in an object: the reason must name the type, not show the content.
          const result = await check(c.provider, { ...c.inputs(), [name]: { leaked: c.secretValues()[0] } });
          expectFailure(result, name, /must be a string, got an object/);
          expect(JSON.stringify(result.failures)).not.to.include(c.secretValues()[0]);
        }
      });
    });
  }

  for (const c of TINES_CASES) {
    describe(`${c.title}: common Tines fields`, () => {
      const valid = c.inputs;

      it("requires name, and it must be a non-empty string", async () => {
        const { name: _name, ...withoutName } = valid();
        expectOnly(await check(c.provider, withoutName), "name", /required/);
        expectOnly(await check(c.provider, { ...valid(), name: "" }), "name", /must not be empty/);
        expectOnly(await check(c.provider, { ...valid(), name: 42 }), "name", /must be a string/);
      });

      it("requires teamId unless liveCredentialId is set", async () => {
        const { teamId: _team, ...withoutTeam } = valid();
        expectOnly(await check(c.provider, withoutTeam), "teamId", /required.*liveCredentialId/);
        expectPass(await check(c.provider, { ...withoutTeam, liveCredentialId: 7 }));
      });

      it("rejects non-integer integer fields, naming the field and the type", async () => {
        for (const field of ["teamId", "folderId", "liveCredentialId", "adoptId"]) {
          for (const bad of ["abc", 1.5, true, [], {}, "1e3"]) {
            const result = await check(c.provider, { ...valid(), [field]: bad });
            expectOnly(result, field, /must be an integer/);
          }
        }
        const result = await check(c.provider, {
          ...valid(),
          credentialNotificationRecipientUserIds: [1, "x"],
        });
        expectOnly(result, "credentialNotificationRecipientUserIds", /list of positive integers/);
      });

      it("normalizes numeric strings for integer fields to numbers", async () => {
        const result = await check(c.provider, {
          ...valid(),
          teamId: "42",
          folderId: "7",
          liveCredentialId: "9",
          adoptId: "123",
          credentialNotificationRecipientUserIds: ["1", 2],
        });
        expectPass(result);
        expect(result.inputs).to.include({ teamId: 42, folderId: 7, liveCredentialId: 9, adoptId: 123 });
        expect(result.inputs.credentialNotificationRecipientUserIds).to.deep.equal([1, 2]);
      });

      it("accepts integers given as numbers", async () => {
        const result = await check(c.provider, { ...valid(), teamId: 3, adoptId: 555 });
        expectPass(result);
        expect(result.inputs).to.include({ teamId: 3, adoptId: 555 });
      });

      it("restricts readAccess to TEAM, GLOBAL, SPECIFIC_TEAMS", async () => {
        expectOnly(
          await check(c.provider, { ...valid(), readAccess: "EVERYONE" }),
          "readAccess",
          /one of TEAM, GLOBAL, SPECIFIC_TEAMS/,
        );
        expectOnly(await check(c.provider, { ...valid(), readAccess: 1 }), "readAccess", /must be a string/);
        for (const ok of ["TEAM", "GLOBAL"]) {
          expectPass(await check(c.provider, { ...valid(), readAccess: ok }));
        }
      });

      it("SPECIFIC_TEAMS needs a non-empty sharedTeamSlugs", async () => {
        expectOnly(
          await check(c.provider, { ...valid(), readAccess: "SPECIFIC_TEAMS" }),
          "sharedTeamSlugs",
          /required when readAccess is SPECIFIC_TEAMS/,
        );
        expectOnly(
          await check(c.provider, { ...valid(), readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: [] }),
          "sharedTeamSlugs",
          /at least one team.*SPECIFIC_TEAMS/,
        );
        expectPass(
          await check(c.provider, { ...valid(), readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: ["sec"] }),
        );
        expectPass(
          await check(c.provider, { ...valid(), readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: UNKNOWN }),
        );
        expectPass(
          await check(c.provider, { ...valid(), readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: [UNKNOWN] }),
        );
      });

      it("sharedTeamSlugs need readAccess SPECIFIC_TEAMS", async () => {
        for (const readAccess of ["TEAM", "GLOBAL"]) {
          expectOnly(
            await check(c.provider, { ...valid(), readAccess, sharedTeamSlugs: ["sec"] }),
            "sharedTeamSlugs",
            /only.*SPECIFIC_TEAMS/,
          );
        }
        // An empty list is what the server answers for TEAM: it is fine.
        expectPass(await check(c.provider, { ...valid(), readAccess: "TEAM", sharedTeamSlugs: [] }));
        // While readAccess is unknown the combination cannot be judged.
        expectPass(await check(c.provider, { ...valid(), readAccess: UNKNOWN, sharedTeamSlugs: ["sec"] }));
      });

      it("sharedTeamSlugs without readAccess fail too (readAccess defaults to TEAM)", async () => {
        // Tines ignores the slugs unless readAccess is SPECIFIC_TEAMS, answers [], and every
        // later diff would then show a change that can never be applied.
        expectOnly(
          await check(c.provider, { ...valid(), sharedTeamSlugs: ["sec"] }),
          "sharedTeamSlugs",
          /SPECIFIC_TEAMS/,
        );
      });

      it("checks the kinds of the list, object and boolean fields", async () => {
        const cases: [string, unknown, RegExp][] = [
          ["sharedTeamSlugs", "sec", /list of strings/],
          ["sharedTeamSlugs", [1], /list of strings/],
          ["allowedHosts", "example.com", /list of strings/],
          ["allowedHosts", [{}], /list of strings/],
          ["metadata", "k=v", /must be an object/],
          ["metadata", ["k"], /must be an object/],
          ["description", 5, /must be a string/],
          ["expiryNotificationsEnabled", "true", /must be a boolean/],
          ["credentialNotificationRecipientUserIds", 5, /list of positive integers/],
        ];
        for (const [field, value, reason] of cases) {
          const extra = field === "sharedTeamSlugs" ? { readAccess: "SPECIFIC_TEAMS" } : {};
          expectOnly(await check(c.provider, { ...valid(), ...extra, [field]: value }), field, reason);
        }
      });

      it("expiresAt must be an ISO 8601 date-time", async () => {
        for (const bad of [
          "tomorrow",
          "2030-13-01T00:00:00Z",
          "2030-01-01 00:00:00",
          "1893456000",
          1893456000,
        ]) {
          expectOnly(await check(c.provider, { ...valid(), expiresAt: bad }), "expiresAt", /ISO 8601/);
        }
        for (const ok of ["2030-01-31T12:00:00Z", "2030-01-31T12:00:00.123+02:00", "2030-01-31T12:00Z"]) {
          const result = await check(c.provider, { ...valid(), expiresAt: ok });
          expectPass(result);
          expect(result.inputs.expiresAt).to.equal(ok);
        }
      });

      it("expiresAt must be a real calendar date and time (Date.parse would roll it over)", async () => {
        for (const bad of [
          "2030-02-31T00:00:00Z",
          "2030-04-31T00:00:00Z",
          "2030-02-29T00:00:00Z", // 2030 is not a leap year
          "2100-02-29T00:00:00Z", // nor is 2100 (divisible by 100)
          "2030-01-00T00:00:00Z",
          "2030-01-01T24:00:00Z",
          "2030-01-01T12:60:00Z",
          "2030-01-01T12:00:60Z",
          "2030-01-01T12:00:00+24:00",
        ]) {
          expectOnly(await check(c.provider, { ...valid(), expiresAt: bad }), "expiresAt", /ISO 8601/);
        }
        for (const ok of ["2032-02-29T00:00:00Z", "2000-02-29T23:59:59Z", "2030-12-31T23:59:59.999-11:30"]) {
          expectPass(await check(c.provider, { ...valid(), expiresAt: ok }));
        }
      });

      it("every id must be positive: teamId, folderId, liveCredentialId, adoptId and the recipient ids", async () => {
        for (const field of ["teamId", "folderId", "liveCredentialId", "adoptId"]) {
          for (const bad of [0, -1, "0", "-7"]) {
            expectOnly(await check(c.provider, { ...valid(), [field]: bad }), field, /positive/);
          }
        }
        for (const bad of [[0], [1, -2], ["0"]]) {
          const result = await check(c.provider, { ...valid(), credentialNotificationRecipientUserIds: bad });
          expectOnly(result, "credentialNotificationRecipientUserIds", /list of positive integers/);
        }
      });

      it("keeps explicit false and empty lists", async () => {
        const result = await check(c.provider, {
          ...valid(),
          expiryNotificationsEnabled: false,
          allowedHosts: [],
          credentialNotificationRecipientUserIds: [],
          description: "",
          metadata: {},
        });
        expectPass(result);
        expect(result.inputs).to.deep.include({
          expiryNotificationsEnabled: false,
          allowedHosts: [],
          credentialNotificationRecipientUserIds: [],
          description: "",
          metadata: {},
        });
      });

      it("treats null as unset", async () => {
        const result = await check(c.provider, { ...valid(), description: null, folderId: null });
        expectPass(result);
        expect(result.inputs).not.to.have.property("description");
        expect(result.inputs).not.to.have.property("folderId");
      });

      it("reports every broken field at once", async () => {
        const result = await check(c.provider, { ...valid(), name: 1, readAccess: "X", expiresAt: "soon" });
        expect(result.failures.map((f) => f.property).sort()).to.deep.equal([
          "expiresAt",
          "name",
          "readAccess",
        ]);
      });
    });
  }

  describe("TinesTextCredential", () => {
    const p = providers.tinesTextCredential;
    const valid = () => ({ name: "n", teamId: 1, value: TEXT_VALUE });

    it("requires value, a string", async () => {
      expectOnly(await check(p, { name: "n", teamId: 1 }), "value", /required/);
      expectOnly(await check(p, { ...valid(), value: ["x"] }), "value", /must be a string/);
    });
  });

  describe("TinesJwtCredential", () => {
    const p = providers.tinesJwtCredential;
    const valid = (over: Record<string, unknown> = {}) => ({
      name: "n",
      teamId: 1,
      jwtAlgorithm: "RS256",
      jwtPrivateKey: keys().rsa,
      ...over,
    });

    it("requires jwtAlgorithm and jwtPrivateKey", async () => {
      const { jwtAlgorithm: _a, ...noAlg } = valid();
      expectOnly(await check(p, noAlg), "jwtAlgorithm", /required/);
      const { jwtPrivateKey: _k, ...noKey } = valid();
      expectOnly(await check(p, noKey), "jwtPrivateKey", /required/);
    });

    it("restricts jwtAlgorithm to the JWT algorithms", async () => {
      const result = await check(p, valid({ jwtAlgorithm: "RS999" }));
      expectOnly(result, "jwtAlgorithm", /one of HS256.*RS256.*ES512/);
      expectOnly(await check(p, valid({ jwtAlgorithm: "none" })), "jwtAlgorithm", /one of/);
    });

    it("accepts RSA keys (PKCS#8 and PKCS#1) for RS* and PS*", async () => {
      for (const alg of ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"]) {
        expectPass(await check(p, valid({ jwtAlgorithm: alg, jwtPrivateKey: keys().rsa })));
        expectPass(await check(p, valid({ jwtAlgorithm: alg, jwtPrivateKey: keys().rsaPkcs1 })));
      }
      expectPass(await check(p, valid({ jwtAlgorithm: "PS256", jwtPrivateKey: keys().rsaPss })));
    });

    it("rejects an EC key for RS256 and an RSA key for ES256", async () => {
      expectOnly(
        await check(p, valid({ jwtAlgorithm: "RS256", jwtPrivateKey: keys().ecP256 })),
        "jwtPrivateKey",
        /RSA private key.*RS256/,
      );
      expectOnly(
        await check(p, valid({ jwtAlgorithm: "ES256", jwtPrivateKey: keys().rsa })),
        "jwtPrivateKey",
        /EC private key.*ES256/,
      );
      expectOnly(
        await check(p, valid({ jwtAlgorithm: "RS256", jwtPrivateKey: keys().ed25519 })),
        "jwtPrivateKey",
        /RSA/,
      );
    });

    it("requires the EC curve that matches the algorithm", async () => {
      expectPass(await check(p, valid({ jwtAlgorithm: "ES256", jwtPrivateKey: keys().ecP256 })));
      expectPass(await check(p, valid({ jwtAlgorithm: "ES384", jwtPrivateKey: keys().ecP384 })));
      expectPass(await check(p, valid({ jwtAlgorithm: "ES512", jwtPrivateKey: keys().ecP521 })));
      expectOnly(
        await check(p, valid({ jwtAlgorithm: "ES384", jwtPrivateKey: keys().ecP256 })),
        "jwtPrivateKey",
        /curve secp384r1/,
      );
    });

    it("rejects garbage, a public key and an encrypted key for asymmetric algorithms", async () => {
      const garbage =
        "-----BEGIN PRIVATE KEY-----\nTUlJQ2VBSUJBREFOQmdrcWhraUc5dzBCQVFFRkFBU0NBbUl3Z2dKZUFn\n-----END PRIVATE KEY-----";
      for (const bad of [garbage, "not a pem at all", keys().rsaPublic, keys().encryptedRsa]) {
        for (const alg of ["RS256", "ES256"]) {
          const result = await check(p, valid({ jwtAlgorithm: alg, jwtPrivateKey: bad }));
          expectOnly(result, "jwtPrivateKey", /PEM-encoded/);
          for (const line of keyLines(bad)) expect(result.failures[0].reason).not.to.include(line);
        }
      }
    });

    it("HS256 takes any non-empty string", async () => {
      for (const alg of ["HS256", "HS384", "HS512"]) {
        expectPass(await check(p, valid({ jwtAlgorithm: alg, jwtPrivateKey: "hs-shared-secret-value" })));
        expectOnly(await check(p, valid({ jwtAlgorithm: alg, jwtPrivateKey: "" })), "jwtPrivateKey", /empty/);
      }
    });

    it("does not judge the key while the algorithm or the key is unknown", async () => {
      expectPass(await check(p, valid({ jwtAlgorithm: UNKNOWN, jwtPrivateKey: "garbage" })));
      expectPass(await check(p, valid({ jwtAlgorithm: "ES256", jwtPrivateKey: UNKNOWN })));
    });

    it("does not judge the key against an invalid algorithm", async () => {
      expectOnly(
        await check(p, valid({ jwtAlgorithm: "XX1", jwtPrivateKey: "garbage" })),
        "jwtAlgorithm",
        /one of/,
      );
    });

    it("checks jwtPayload is an object and jwtAutoGenerateTimeClaims a boolean", async () => {
      expectOnly(await check(p, valid({ jwtPayload: "iss=me" })), "jwtPayload", /must be an object/);
      expectOnly(
        await check(p, valid({ jwtAutoGenerateTimeClaims: "yes" })),
        "jwtAutoGenerateTimeClaims",
        /must be a boolean/,
      );
      expectPass(
        await check(p, valid({ jwtPayload: { iss: "", aud: "x" }, jwtAutoGenerateTimeClaims: true })),
      );
    });
  });

  describe("TinesAwsCredential", () => {
    const p = providers.tinesAwsCredential;
    const base = { name: "n", teamId: 1 };
    const arn = "arn:aws:iam::123456789012:role/write-access-role";

    it("requires awsAuthenticationType, one of KEY, ROLE, INSTANCE_PROFILE", async () => {
      expectOnly(await check(p, base), "awsAuthenticationType", /required/);
      expectOnly(
        await check(p, { ...base, awsAuthenticationType: "PASSWORD" }),
        "awsAuthenticationType",
        /one of KEY, ROLE, INSTANCE_PROFILE/,
      );
      expectPass(await check(p, { ...base, awsAuthenticationType: "INSTANCE_PROFILE" }));
    });

    it("ROLE needs an ARN-shaped awsAssumedRoleArn", async () => {
      expectOnly(
        await check(p, { ...base, awsAuthenticationType: "ROLE" }),
        "awsAssumedRoleArn",
        /required when awsAuthenticationType is ROLE/,
      );
      for (const bad of ["v_role_arn", "arn:aws:iam::1234:role/x", "arn:aws:s3:::bucket"]) {
        expectOnly(
          await check(p, { ...base, awsAuthenticationType: "ROLE", awsAssumedRoleArn: bad }),
          "awsAssumedRoleArn",
          /IAM role ARN/,
        );
      }
      expectPass(await check(p, { ...base, awsAuthenticationType: "ROLE", awsAssumedRoleArn: arn }));
      expectPass(
        await check(p, {
          ...base,
          awsAuthenticationType: "ROLE",
          awsAssumedRoleArn: "arn:aws-us-gov:iam::123456789012:role/path/to/role",
        }),
      );
      expectPass(await check(p, { ...base, awsAuthenticationType: "ROLE", awsAssumedRoleArn: UNKNOWN }));
    });

    it("KEY needs both keys", async () => {
      const onlyAccess = await check(p, {
        ...base,
        awsAuthenticationType: "KEY",
        awsAccessKey: AWS_ACCESS_KEY_ID,
      });
      expectOnly(onlyAccess, "awsSecretKey", /required when awsAuthenticationType is KEY/);
      const onlySecret = await check(p, {
        ...base,
        awsAuthenticationType: "KEY",
        awsSecretKey: TINES_AWS_SECRET,
      });
      expectOnly(onlySecret, "awsAccessKey", /required when awsAuthenticationType is KEY/);
      const none = await check(p, { ...base, awsAuthenticationType: "KEY" });
      expect(none.failures.map((f) => f.property).sort()).to.deep.equal(["awsAccessKey", "awsSecretKey"]);
      expectPass(
        await check(p, {
          ...base,
          awsAuthenticationType: "KEY",
          awsAccessKey: AWS_ACCESS_KEY_ID,
          awsSecretKey: UNKNOWN,
        }),
      );
    });

    it("does not apply the KEY or ROLE rules while the type is unknown", async () => {
      expectPass(await check(p, { ...base, awsAuthenticationType: UNKNOWN }));
    });

    it("checks useStaticExternalId is a boolean", async () => {
      expectOnly(
        await check(p, { ...base, awsAuthenticationType: "INSTANCE_PROFILE", useStaticExternalId: "false" }),
        "useStaticExternalId",
        /must be a boolean/,
      );
    });
  });

  describe("TwilioAwsCredential", () => {
    const p = providers.twilioAwsCredential;
    const credentials = `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`;

    it("needs exactly one of credentials or the key pair", async () => {
      expectOnly(await check(p, { friendlyName: "x" }), "credentials", /required.*awsAccessKeyId/);
      expectOnly(
        await check(p, { credentials, awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: AWS_SECRET }),
        "credentials",
        /not both/,
      );
      expectOnly(await check(p, { credentials, awsSecretAccessKey: AWS_SECRET }), "credentials", /not both/);
      expectPass(await check(p, { awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: AWS_SECRET }));
    });

    it("the key pair needs both halves", async () => {
      expectOnly(await check(p, { awsAccessKeyId: AWS_ACCESS_KEY_ID }), "awsSecretAccessKey", /required/);
      expectOnly(await check(p, { awsSecretAccessKey: AWS_SECRET }), "awsAccessKeyId", /required/);
      expectOnly(
        await check(p, { awsAccessKeyId: "", awsSecretAccessKey: AWS_SECRET }),
        "awsAccessKeyId",
        /must not be empty/,
      );
      expectOnly(
        await check(p, { awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: "" }),
        "awsSecretAccessKey",
        /must not be empty/,
      );
    });

    it("credentials must be KEY:SECRET with both parts, and the reason never quotes it", async () => {
      for (const bad of ["AKIAONLY", ":wJalrXUtnFEMI-secret", "AKIAIOSFODNN7EXAMPLE:", ""]) {
        const result = await check(p, { credentials: bad });
        expectOnly(result, "credentials", /AWS_ACCESS_KEY_ID:AWS_SECRET_ACCESS_KEY/);
        if (bad.length > 1) expect(result.failures[0].reason).not.to.include(bad);
      }
      expectOnly(await check(p, { credentials: 5 }), "credentials", /must be a string/);
    });

    it("friendlyName is at most 64 characters", async () => {
      expectPass(await check(p, { credentials, friendlyName: "x".repeat(64) }));
      expectOnly(await check(p, { credentials, friendlyName: "x".repeat(65) }), "friendlyName", /at most 64/);
      // Characters (code points), not UTF-16 units: an emoji is one character, two units.
      expectPass(await check(p, { credentials, friendlyName: "🔑".repeat(40) }));
      expectPass(await check(p, { credentials, friendlyName: "🔑".repeat(64) }));
      expectOnly(
        await check(p, { credentials, friendlyName: "🔑".repeat(65) }),
        "friendlyName",
        /at most 64/,
      );
      expectOnly(await check(p, { credentials, friendlyName: 64 }), "friendlyName", /must be a string/);
    });

    it("accountSid must match ^AC[0-9a-fA-F]{32}$", async () => {
      expectPass(await check(p, { credentials, accountSid: SUBACCOUNT_SID }));
      for (const bad of [
        "AC123",
        "CR0123456789abcdef0123456789abcdef",
        `${SUBACCOUNT_SID}0`,
        "ACzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
      ]) {
        expectOnly(
          await check(p, { credentials, accountSid: bad }),
          "accountSid",
          /\^AC\[0-9a-fA-F\]\{32\}\$/,
        );
      }
    });

    it("adoptId must be a credential sid", async () => {
      expectPass(await check(p, { credentials, adoptId: "CR0123456789abcdef0123456789abcdef" }));
      for (const bad of ["42", "AC0123456789abcdef0123456789abcdef", "CR123"]) {
        expectOnly(await check(p, { credentials, adoptId: bad }), "adoptId", /\^CR/);
      }
      expectOnly(await check(p, { credentials, adoptId: 42 }), "adoptId", /must be a string/);
    });

    it("passes unknowns in either spelling of the key pair", async () => {
      expectPass(await check(p, { credentials: UNKNOWN }));
      expectPass(await check(p, { awsAccessKeyId: UNKNOWN, awsSecretAccessKey: UNKNOWN }));
      expectPass(
        await check(p, { credentials, friendlyName: UNKNOWN, accountSid: UNKNOWN, adoptId: UNKNOWN }),
      );
    });
  });
});
