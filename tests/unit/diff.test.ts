// diff: which change of which input is applied in place and which replaces the credential, and
// which differences are not changes at all (server defaults, absent fields, order, formatting).
// diff is pure: no interceptor is defined and no request may be made.
import { expect } from "chai";
import { providers } from "../../provider";
import type { CredentialProvider } from "../../provider";
import { UNKNOWN, type Field } from "../../provider/core/fields";
import {
  AWS_ACCESS_KEY_ID,
  AWS_SECRET,
  CREDENTIAL_SID,
  OTHER_CREDENTIAL_SID,
  OWNER,
  SUBACCOUNT_SID,
  TINES_AWS_SECRET,
  TINES_CASES,
  TWILIO_ACCOUNT_SID,
  useHttpSandbox,
} from "./helpers";
import { specOf } from "../../provider/kinds";
import { DiffRow, sampleOf } from "../kinds";

interface Diff {
  changes: boolean;
  replaces: string[];
}

type Props = Record<string, unknown>;

async function diff(provider: CredentialProvider, id: string, olds: Props, news: Props): Promise<Diff> {
  const result = (await provider.diff(
    id,
    { __provider: "old-serialized-provider", ...olds },
    { __provider: "new-serialized-provider", ...news },
  )) as Diff;
  expect(result.changes, "changes is always a boolean").to.be.a("boolean");
  expect(result.replaces ?? [], "replaces is a list").to.be.an("array");
  return { changes: result.changes, replaces: result.replaces ?? [] };
}

function expectNoChange(result: Diff): void {
  expect(result, JSON.stringify(result)).to.deep.include({ changes: false, replaces: [] });
}

function expectInPlace(result: Diff): void {
  expect(result, JSON.stringify(result)).to.deep.include({ changes: true, replaces: [] });
}

function expectReplace(result: Diff, field: string): void {
  expect(result.changes, JSON.stringify(result)).to.equal(true);
  expect(result.replaces, JSON.stringify(result)).to.include(field);
}

/** What Tines answers for fields the user did not set. */
const TINES_SERVER_DEFAULTS: Props = {
  folderId: null,
  readAccess: "TEAM",
  sharedTeamSlugs: [],
  description: "",
  metadata: {},
  allowedHosts: [],
  expiresAt: null,
  expiryNotificationsEnabled: false,
  credentialNotificationRecipientUserIds: [],
};

/** Computed outputs that sit in the old state next to the inputs. */
const TINES_OUTPUTS: Props = {
  credentialId: 101,
  mode: "TEXT",
  slug: "ci_token",
  createdAt: "2021-03-26T12:34:16.540Z",
  updatedAt: "2021-03-26T12:34:16.540Z",
  owner: OWNER,
  restrictionType: "UNRESTRICTED",
  testCredentialEnabled: false,
};

/** A valid value of the field that is not its default. */
function notTheDefault(field: Field): unknown {
  if (field.oneOf) return field.oneOf.find((v) => v !== field.serverDefault);
  const samples: Record<Field["kind"], unknown> = {
    string: "not-the-default",
    id: 7,
    seconds: 90,
    boolean: true,
    stringList: ["a.example.com"],
    idList: [3],
    object: { k: "v" },
    objectList: [
      { options: { url: "https://b.example.com" } },
      { options: { url: "https://c.example.com" } },
    ],
    timestamp: "2030-01-01T00:00:00Z",
  };
  return samples[field.kind];
}

type Row = DiffRow;

const COMMON_ROWS: Row[] = [
  ["name", "ci-token", "ci-token-2", "in-place"],
  ["teamId", 2, 3, "replace"],
  ["folderId", 1, 4, "in-place"],
  ["readAccess", "TEAM", "GLOBAL", "in-place"],
  ["description", "old", "new", "in-place"],
  ["metadata", { env: "prod" }, { env: "dev" }, "in-place"],
  ["metadata", { env: "prod" }, { env: "prod", extra: 1 }, "in-place"],
  ["allowedHosts", ["a.example.com"], ["b.example.com"], "in-place"],
  ["allowedHosts", ["a.example.com"], ["a.example.com", "b.example.com"], "in-place"],
  ["liveCredentialId", 7, 8, "replace"],
  ["expiresAt", "2030-01-01T00:00:00Z", "2031-01-01T00:00:00Z", "in-place"],
  ["expiryNotificationsEnabled", false, true, "in-place"],
  ["credentialNotificationRecipientUserIds", [1], [1, 2], "in-place"],
];

describe("diff", () => {
  const sandbox = useHttpSandbox({});
  afterEach(() => expect(sandbox.unmatched).to.deep.equal([]));

  for (const c of TINES_CASES) {
    const sample = sampleOf(c.key);
    const table = { base: sample.inputs, rows: sample.diffRows ?? [] };
    const p = c.provider;
    const olds = () => ({ ...table.base(), ...TINES_SERVER_DEFAULTS, ...TINES_OUTPUTS });

    describe(c.title, () => {
      for (const [field, before, after, effect] of [...COMMON_ROWS, ...table.rows]) {
        it(`${field}: ${JSON.stringify(before).slice(0, 30)} -> ${JSON.stringify(after).slice(0, 30)} is ${effect}`, async () => {
          const result = await diff(
            p,
            "101",
            { ...olds(), [field]: before },
            { ...table.base(), [field]: after },
          );
          if (effect === "replace") {
            expectReplace(result, field);
            expect(result.replaces).to.deep.equal([field]);
          } else {
            expectInPlace(result);
          }
          // The same value again is no change at all.
          expectNoChange(
            await diff(p, "101", { ...olds(), [field]: before }, { ...table.base(), [field]: before }),
          );
        });
      }

      it("sharedTeamSlugs changes in place", async () => {
        const o = { ...olds(), readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: ["a"] };
        const n = { ...table.base(), readAccess: "SPECIFIC_TEAMS", sharedTeamSlugs: ["b"] };
        expectInPlace(await diff(p, "101", o, n));
      });

      it("detects a changed secret", async () => {
        const [secret] = Object.keys(table.base()).filter((k) => c.secretInputs.includes(k));
        expectInPlace(await diff(p, "101", olds(), { ...table.base(), [secret]: "a-different-secret" }));
      });

      it("no diff when the state holds the server defaults for unset inputs", async () => {
        expectNoChange(await diff(p, "101", olds(), table.base()));
      });

      it("no diff when the response did not carry the optional fields at all", async () => {
        expectNoChange(await diff(p, "101", table.base(), table.base()));
      });

      it("no diff from computed outputs or from __provider", async () => {
        expectNoChange(
          await diff(p, "101", { ...olds(), slug: "renamed", owner: { user_id: 9 } }, table.base()),
        );
      });

      it("no diff from metadata key order (nested too)", async () => {
        const o = { ...olds(), metadata: { a: 1, b: { x: 1, y: [1, 2] } } };
        const n = { ...table.base(), metadata: { b: { y: [1, 2], x: 1 }, a: 1 } };
        expectNoChange(await diff(p, "101", o, n));
      });

      it("no diff from list order", async () => {
        const o = {
          ...olds(),
          allowedHosts: ["a.example.com", "b.example.com"],
          credentialNotificationRecipientUserIds: [1, 2, 10],
          readAccess: "SPECIFIC_TEAMS",
          sharedTeamSlugs: ["x", "y"],
        };
        const n = {
          ...table.base(),
          allowedHosts: ["b.example.com", "a.example.com"],
          credentialNotificationRecipientUserIds: [10, 2, 1],
          readAccess: "SPECIFIC_TEAMS",
          sharedTeamSlugs: ["y", "x"],
        };
        expectNoChange(await diff(p, "101", o, n));
      });

      it("no diff from timestamp formatting", async () => {
        const o = { ...olds(), expiresAt: "2030-01-01T00:00:00.000Z" };
        expectNoChange(await diff(p, "101", o, { ...table.base(), expiresAt: "2030-01-01T00:00:00Z" }));
        expectNoChange(await diff(p, "101", o, { ...table.base(), expiresAt: "2030-01-01T01:00:00+01:00" }));
      });

      it("an unset input whose old value is not the server default is an in-place change", async () => {
        const nonDefaults: Props = {
          description: "hello",
          readAccess: "GLOBAL",
          metadata: { k: "v" },
          allowedHosts: ["a.example.com"],
          folderId: 7,
          expiresAt: "2030-01-01T00:00:00Z",
          expiryNotificationsEnabled: true,
          credentialNotificationRecipientUserIds: [3],
        };
        for (const [field, value] of Object.entries(nonDefaults)) {
          expectInPlace(await diff(p, "101", { ...olds(), [field]: value }, table.base()));
        }
      });

      it("removing any input with a documented default from a non-default value is an in-place change", async () => {
        const withDefaults = Object.entries(specOf(c.key).inputs).filter(
          ([, f]) => f.serverDefault !== undefined,
        );
        expect(withDefaults.map(([name]) => name)).to.include.members(
          c.key === "tinesJwtCredential" ? ["jwtPayload", "jwtAutoGenerateTimeClaims"] : ["description"],
        );
        for (const [name, field] of withDefaults) {
          const result = await diff(p, "101", { ...olds(), [name]: notTheDefault(field) }, table.base());
          expect(result, name).to.deep.include({ changes: true, replaces: [] });
          const atDefault = await diff(p, "101", { ...olds(), [name]: field.serverDefault }, table.base());
          expect(atDefault, name).to.deep.include({ changes: false, replaces: [] });
        }
      });

      describe("a test credential (liveCredentialId set)", () => {
        const testBase = () => {
          const { teamId: _team, ...rest } = table.base();
          return { ...rest, liveCredentialId: 7 };
        };
        /** What Tines stores for a test credential: the live credential's values, not the defaults. */
        const inherited: Props = {
          teamId: 2,
          folderId: 5,
          readAccess: "SPECIFIC_TEAMS",
          sharedTeamSlugs: ["sec"],
          description: "from the live credential",
          metadata: { env: "prod" },
          allowedHosts: ["api.example.com"],
        };

        it("a no-change re-run shows no diff, whatever it inherited", async () => {
          expectNoChange(await diff(p, "101", { ...testBase(), ...olds(), ...inherited }, testBase()));
        });

        it("a declared value is its own: a change to it is an in-place change", async () => {
          const o = { ...testBase(), ...olds(), ...inherited };
          expectInPlace(await diff(p, "101", o, { ...testBase(), description: "its own" }));
          expectNoChange(await diff(p, "101", o, { ...testBase(), description: inherited.description }));
        });

        it("removing a declared inherited field stops managing it: no change", async () => {
          const o = { ...testBase(), ...olds(), ...inherited, description: "its own" };
          expectNoChange(await diff(p, "101", o, testBase()));
        });

        it("fields a test credential does not inherit still go back to their default", async () => {
          const o = { ...testBase(), ...olds(), ...inherited, expiryNotificationsEnabled: true };
          expectInPlace(await diff(p, "101", o, testBase()));
        });
      });

      it("an unknown value is a change; an unknown replacing field replaces", async () => {
        for (const field of ["name", "description", "metadata", ...c.secretInputs]) {
          expectInPlace(await diff(p, "101", olds(), { ...table.base(), [field]: UNKNOWN }));
        }
        expectInPlace(await diff(p, "101", olds(), { ...table.base(), allowedHosts: ["a", UNKNOWN] }));
        expectReplace(await diff(p, "101", olds(), { ...table.base(), teamId: UNKNOWN }), "teamId");
        expectReplace(
          await diff(p, "101", olds(), { ...table.base(), liveCredentialId: UNKNOWN }),
          "liveCredentialId",
        );
      });

      it("an integer given as a numeric string equals the number", async () => {
        expectNoChange(await diff(p, "101", olds(), { ...table.base(), teamId: "2" }));
      });

      it("adoptId pointing to another id replaces; the same id, or removing it, does not", async () => {
        expectReplace(await diff(p, "101", olds(), { ...table.base(), adoptId: 202 }), "adoptId");
        expectReplace(await diff(p, "101", olds(), { ...table.base(), adoptId: UNKNOWN }), "adoptId");
        expectNoChange(await diff(p, "101", olds(), { ...table.base(), adoptId: 101 }));
        expectNoChange(await diff(p, "101", { ...olds(), adoptId: 101 }, { ...table.base(), adoptId: 101 }));
        expectNoChange(await diff(p, "101", { ...olds(), adoptId: 101 }, table.base()));
      });
    });
  }

  describe("TinesAwsCredential: changing awsAuthenticationType replaces (no API call clears a stored key)", () => {
    const p = providers.tinesAwsCredential;
    const key = { name: "n", teamId: 2, awsAuthenticationType: "KEY", awsAccessKey: AWS_ACCESS_KEY_ID };
    const role = {
      name: "n",
      teamId: 2,
      awsAuthenticationType: "ROLE",
      awsAssumedRoleArn: "arn:aws:iam::123456789012:role/a",
    };
    const profile = { name: "n", teamId: 2, awsAuthenticationType: "INSTANCE_PROFILE" };
    for (const [from, to] of [
      [key, role],
      [key, profile],
      [role, key],
      [role, profile],
    ]) {
      it(`${from.awsAuthenticationType} -> ${to.awsAuthenticationType}`, async () => {
        const result = await diff(p, "1", { ...from, awsSecretKey: TINES_AWS_SECRET }, to);
        expect(result.replaces).to.include("awsAuthenticationType");
      });
    }
  });

  describe("TinesAwsCredential: useStaticExternalId default", () => {
    it("unset vs the server's false is no change; unset vs true is a change", async () => {
      const base = { name: "n", teamId: 2, awsAuthenticationType: "INSTANCE_PROFILE" };
      const p = providers.tinesAwsCredential;
      expectNoChange(
        await diff(p, "1", { ...base, useStaticExternalId: false, awsAssumedRoleExternalId: "x" }, base),
      );
      expectInPlace(await diff(p, "1", { ...base, useStaticExternalId: true }, base));
    });
  });

  describe("TwilioAwsCredential", () => {
    const p = providers.twilioAwsCredential;
    const credentials = `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`;
    const base = () => ({ credentials, friendlyName: "ci" });
    const olds = (over: Props = {}) => ({
      ...base(),
      sid: CREDENTIAL_SID,
      accountSid: TWILIO_ACCOUNT_SID,
      dateCreated: "2015-07-31T04:00:00Z",
      dateUpdated: "2015-07-31T04:00:00Z",
      url: `https://accounts.twilio.com/v1/Credentials/AWS/${CREDENTIAL_SID}`,
      ...over,
    });

    it("friendlyName changes in place", async () => {
      expectInPlace(await diff(p, CREDENTIAL_SID, olds(), { ...base(), friendlyName: "renamed" }));
    });

    it("an unset friendlyName whose old value is set is an in-place change (it is cleared)", async () => {
      expectInPlace(await diff(p, CREDENTIAL_SID, olds(), { credentials }));
    });

    it("an unset friendlyName vs the server's empty or null name is no change", async () => {
      expectNoChange(await diff(p, CREDENTIAL_SID, olds({ friendlyName: "" }), { credentials }));
      expectNoChange(await diff(p, CREDENTIAL_SID, olds({ friendlyName: null }), { credentials }));
    });

    // Found by the Twilio contract tests (issue 13): a name declared "" that Twilio answers as null
    // was a change on every up.
    it("friendlyName declared empty vs the server's null, empty or absent name is no change", async () => {
      for (const stored of [{ friendlyName: null }, { friendlyName: "" }, { friendlyName: undefined }]) {
        const declared = { credentials, friendlyName: "" };
        expectNoChange(await diff(p, CREDENTIAL_SID, olds(stored), declared));
      }
    });

    it("friendlyName declared empty over a set name is an in-place change (it is cleared)", async () => {
      expectInPlace(await diff(p, CREDENTIAL_SID, olds(), { credentials, friendlyName: "" }));
    });

    it("credentials (a changed secret) replaces", async () => {
      const result = await diff(p, CREDENTIAL_SID, olds(), {
        ...base(),
        credentials: `${AWS_ACCESS_KEY_ID}:rotated`,
      });
      expectReplace(result, "credentials");
    });

    it("a changed awsAccessKeyId or awsSecretAccessKey replaces", async () => {
      const pair = { awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: AWS_SECRET, friendlyName: "ci" };
      const o = { ...olds(), credentials: undefined, ...pair };
      for (const [field, value] of [
        ["awsAccessKeyId", "AKIAOTHER0000000000"],
        ["awsSecretAccessKey", "rotated-secret"],
      ]) {
        const result = await diff(p, CREDENTIAL_SID, o, { ...pair, [field]: value });
        expect(result.changes, field).to.equal(true);
        expect(result.replaces, field).not.to.deep.equal([]);
      }
      expectNoChange(await diff(p, CREDENTIAL_SID, o, pair));
    });

    it("accountSid replaces; unset accountSid vs the account the server reports is no change", async () => {
      expectReplace(
        await diff(p, CREDENTIAL_SID, olds(), { ...base(), accountSid: SUBACCOUNT_SID }),
        "accountSid",
      );
      expectNoChange(await diff(p, CREDENTIAL_SID, olds(), base()));
      expectNoChange(await diff(p, CREDENTIAL_SID, olds(), { ...base(), accountSid: TWILIO_ACCOUNT_SID }));
    });

    it("switching between credentials and the key pair with the same value is no change", async () => {
      const pair = { awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: AWS_SECRET, friendlyName: "ci" };
      expectNoChange(await diff(p, CREDENTIAL_SID, olds(), pair));
      const pairOlds = { ...olds(), credentials: undefined, ...pair };
      expectNoChange(await diff(p, CREDENTIAL_SID, pairOlds, base()));
    });

    it("switching spelling with a different value replaces", async () => {
      const pair = {
        awsAccessKeyId: AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: "other-secret",
        friendlyName: "ci",
      };
      const result = await diff(p, CREDENTIAL_SID, olds(), pair);
      expect(result.changes).to.equal(true);
      expect(result.replaces).not.to.deep.equal([]);
    });

    it("unknown values are changes; unknown key material replaces", async () => {
      expectInPlace(await diff(p, CREDENTIAL_SID, olds(), { ...base(), friendlyName: UNKNOWN }));
      expectReplace(
        await diff(p, CREDENTIAL_SID, olds(), { ...base(), credentials: UNKNOWN }),
        "credentials",
      );
      expectReplace(await diff(p, CREDENTIAL_SID, olds(), { ...base(), accountSid: UNKNOWN }), "accountSid");
      for (const pair of [
        { awsAccessKeyId: UNKNOWN, awsSecretAccessKey: AWS_SECRET },
        { awsAccessKeyId: AWS_ACCESS_KEY_ID, awsSecretAccessKey: UNKNOWN },
      ]) {
        const result = await diff(p, CREDENTIAL_SID, olds(), { ...pair, friendlyName: "ci" });
        expect(result.changes, JSON.stringify(pair)).to.equal(true);
        expect(result.replaces, JSON.stringify(pair)).not.to.deep.equal([]);
      }
    });

    it("adoptId pointing to another sid replaces; the same sid does not", async () => {
      expectReplace(
        await diff(p, CREDENTIAL_SID, olds(), { ...base(), adoptId: OTHER_CREDENTIAL_SID }),
        "adoptId",
      );
      expectNoChange(await diff(p, CREDENTIAL_SID, olds(), { ...base(), adoptId: CREDENTIAL_SID }));
    });

    it("no diff from computed outputs", async () => {
      expectNoChange(
        await diff(
          p,
          CREDENTIAL_SID,
          olds({ dateUpdated: "2030-01-01T00:00:00Z", url: "elsewhere" }),
          base(),
        ),
      );
    });
  });
});
