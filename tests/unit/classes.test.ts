// The resource classes under pulumi.runtime.setMocks (global, hence this separate file): type
// tokens, secret inputs, additionalSecretOutputs, and every output present on the instance.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as mocks from "@pulumi/pulumi/runtime/mocks";
import {
  TinesAwsCredential,
  TinesJwtCredential,
  TinesTextCredential,
  TwilioAwsCredential,
} from "../../provider";
import { tinesAwsSpec } from "../../provider/tines/aws";
import { tinesJwtSpec } from "../../provider/tines/jwt";
import { tinesTextSpec } from "../../provider/tines/text";
import { twilioAwsSpec } from "../../provider/twilio/aws";
import type { CredentialSpec } from "../../provider/core/spec";
import { AWS_ACCESS_KEY_ID, AWS_SECRET, keys, TEXT_VALUE, TINES_AWS_SECRET } from "./helpers";

interface Registration {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const registrations: Registration[] = [];
/** additionalSecretOutputs of each registration request, by resource name. */
const secretOutputs = new Map<string, string[]>();

function outputValue<T>(output: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => output.apply((v) => resolve(v)));
}

function isSecret(output: pulumi.Output<unknown>): Promise<boolean> {
  return pulumi.isSecret(output);
}

interface ClassCase {
  title: string;
  token: string;
  spec: CredentialSpec;
  make: (name: string) => pulumi.CustomResource;
  secrets: Record<string, string>;
  plain: Record<string, unknown>;
}

const CASES: ClassCase[] = [
  {
    title: "TinesTextCredential",
    token: "pulumi-nodejs:dynamic/tines:TextCredential",
    spec: tinesTextSpec,
    make: (name) => new TinesTextCredential(name, { name: "ci-token", teamId: 2, value: TEXT_VALUE }),
    secrets: { value: TEXT_VALUE },
    plain: { name: "ci-token", teamId: 2 },
  },
  {
    title: "TinesJwtCredential",
    token: "pulumi-nodejs:dynamic/tines:JwtCredential",
    spec: tinesJwtSpec,
    make: (name) =>
      new TinesJwtCredential(name, {
        name: "jwt",
        teamId: 2,
        jwtAlgorithm: "ES256",
        jwtPrivateKey: keys().ecP256,
        jwtPayload: { iss: "me" },
      }),
    secrets: { jwtPrivateKey: keys().ecP256 },
    plain: { name: "jwt", jwtAlgorithm: "ES256" },
  },
  {
    title: "TinesAwsCredential",
    token: "pulumi-nodejs:dynamic/tines:AwsCredential",
    spec: tinesAwsSpec,
    make: (name) =>
      new TinesAwsCredential(name, {
        name: "aws",
        teamId: 2,
        awsAuthenticationType: "KEY",
        awsAccessKey: AWS_ACCESS_KEY_ID,
        awsSecretKey: TINES_AWS_SECRET,
      }),
    secrets: { awsSecretKey: TINES_AWS_SECRET },
    plain: { awsAccessKey: AWS_ACCESS_KEY_ID, awsAuthenticationType: "KEY" },
  },
  {
    title: "TwilioAwsCredential",
    token: "pulumi-nodejs:dynamic/twilio:AwsCredential",
    spec: twilioAwsSpec,
    make: (name) =>
      new TwilioAwsCredential(name, {
        awsAccessKeyId: AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: AWS_SECRET,
        friendlyName: "ci",
      }),
    secrets: { awsSecretAccessKey: AWS_SECRET },
    plain: { awsAccessKeyId: AWS_ACCESS_KEY_ID, friendlyName: "ci" },
  },
];

describe("resource classes (pulumi mocks)", function () {
  // Serializing a dynamic provider the first time takes a moment.
  this.timeout(20_000);

  const original = mocks.MockMonitor.prototype.registerResource;

  before(async () => {
    // Record what the SDK asks the engine for (additionalSecretOutputs never reaches newResource).
    mocks.MockMonitor.prototype.registerResource = function (
      this: mocks.MockMonitor,
      req: {
        getType(): string;
        getName(): string;
        getAdditionalsecretoutputsList(): string[];
      },
      callback: (err: unknown, resp: unknown) => void,
    ) {
      secretOutputs.set(req.getName(), req.getAdditionalsecretoutputsList());
      return original.call(this, req, callback);
    } as typeof original;
    await pulumi.runtime.setMocks({
      newResource: (args) => {
        registrations.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    });
  });

  after(() => {
    mocks.MockMonitor.prototype.registerResource = original;
  });

  for (const c of CASES) {
    describe(c.title, () => {
      let resource: pulumi.CustomResource & Record<string, unknown>;
      const name = `unit-${c.title}`;

      before(async () => {
        resource = c.make(name) as pulumi.CustomResource & Record<string, unknown>;
        await outputValue(resource.urn);
      });

      it(`registers type token ${c.token}`, async () => {
        const urn = await outputValue(resource.urn);
        expect(urn).to.equal(`urn:pulumi:stack::project::${c.token}::${name}`);
        expect(registrations.find((r) => r.name === name)?.type).to.equal(c.token);
      });

      it("marks the secret inputs secret, and only those", async () => {
        for (const [field, value] of Object.entries(c.secrets)) {
          const output = resource[field] as pulumi.Output<unknown>;
          expect(await isSecret(output), `${field} is secret`).to.equal(true);
          expect(await outputValue(output)).to.equal(value);
        }
        for (const [field, value] of Object.entries(c.plain)) {
          const output = resource[field] as pulumi.Output<unknown>;
          expect(await isSecret(output), `${field} is not secret`).to.equal(false);
          expect(await outputValue(output)).to.deep.equal(value);
        }
      });

      it("asks for additionalSecretOutputs with every secret field name", () => {
        const requested = secretOutputs.get(name);
        expect(requested, "registered").to.be.an("array");
        const secretFields = Object.entries(c.spec.inputs)
          .filter(([, f]) => f.secret)
          .map(([n]) => n);
        expect(secretFields.length).to.be.greaterThan(0);
        expect(requested).to.include.members(secretFields);
      });

      it("has every input and output name as an Output on the instance", () => {
        const names = [...Object.keys(c.spec.inputs), ...Object.keys(c.spec.outputs)];
        for (const field of names) {
          expect(pulumi.Output.isInstance(resource[field]), `${c.title}.${field}`).to.equal(true);
        }
      });

      it("hands the engine a __provider that holds no secret", () => {
        const inputs = registrations.find((r) => r.name === name)!.inputs;
        const provider = String(inputs.__provider);
        expect(provider.length).to.be.greaterThan(0);
        for (const secret of Object.values(c.secrets)) {
          expect(provider).not.to.include(secret);
        }
      });
    });
  }

  it("keeps user additionalSecretOutputs next to the secret fields", async () => {
    const res = new TinesTextCredential(
      "unit-extra-secret",
      { name: "n", teamId: 1, value: "v-secret-value" },
      { additionalSecretOutputs: ["slug"] },
    );
    await outputValue(res.urn);
    expect(secretOutputs.get("unit-extra-secret")).to.include.members(["slug", "value"]);
  });

  it("does not mutate the args it was given", async () => {
    const args = { name: "n", teamId: 1, value: "shared-arg-secret" };
    const copy = JSON.parse(JSON.stringify(args));
    const res = new TinesTextCredential("unit-args", args);
    await outputValue(res.urn);
    expect(args).to.deep.equal(copy);
  });
});
