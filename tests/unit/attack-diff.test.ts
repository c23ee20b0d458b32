// Adversarial checks of the diff/update path (issue 9 items 10-13): ways to reach the states the
// fixes rule out by another road.
import { expect } from "chai";
import nock from "nock";
import {
  awsCase,
  recordWithId,
  rejection,
  TINES_AWS_SECRET,
  AWS_ACCESS_KEY_ID,
  useHttpSandbox,
} from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };
const ROLE_ARN = "arn:aws:iam::123456789012:role/write-access-role";

describe("attack: the AWS KEY -> ROLE switch by other roads (item 12)", () => {
  useHttpSandbox();

  it("adopting a KEY credential with awsAuthenticationType ROLE is refused, no PUT (the stored keys would stay usable)", async () => {
    const c = awsCase;
    // The credential holds a key pair; the program declares ROLE. An in-place PUT cannot clear the
    // keys (the reason the switch replaces), so adoption must refuse like a team mismatch.
    nock(c.origin)
      .get(c.itemPath(c.otherId))
      .reply(200, recordWithId(c, c.otherId, { aws_authentication_type: "KEY" }));
    const error = await rejection(
      c.provider.create({
        ...PROVIDER,
        name: "ci-token",
        teamId: 2,
        awsAuthenticationType: "ROLE",
        awsAssumedRoleArn: ROLE_ARN,
        adoptId: c.rawId(c.otherId),
      }),
    );
    expect(error.message)
      .to.match(/adoptId/)
      .and.match(/KEY/)
      .and.match(/nothing was changed/);
  });

  // The create page's own ROLE sample sends a key pair, so check accepts keys with ROLE. A secret has
  // no default and no documented way to be cleared, so removing it must replace the credential, or
  // the pair the user deleted from the program would stay usable in Tines.
  it("removing awsAccessKey/awsSecretKey from a ROLE credential replaces it (the stored keys would stay)", async () => {
    const c = awsCase;
    const olds = {
      ...PROVIDER,
      name: "ci-token",
      teamId: 2,
      awsAuthenticationType: "ROLE",
      awsAssumedRoleArn: ROLE_ARN,
      awsAccessKey: AWS_ACCESS_KEY_ID,
      awsSecretKey: TINES_AWS_SECRET,
    };
    const { awsAccessKey: _a, awsSecretKey: _s, ...news } = olds;
    const diff = await c.provider.diff(c.id, olds, news);
    expect(diff.changes).to.equal(true);
    expect(diff.replaces).to.include("awsSecretKey");
  });
});
