// The resource classes under pulumi.runtime.setMocks (global, hence this separate file): type
// tokens, secret inputs, additionalSecretOutputs, and every output present on the instance.
import { expect } from "chai";
import * as pulumi from "@pulumi/pulumi";
import * as mocks from "@pulumi/pulumi/runtime/mocks";
import * as credentials from "../../provider";
import { TinesTextCredential } from "../../provider";
import type { CredentialSpec } from "../../provider/core/spec";
import { KIND_NAMES, KINDS, resourceType, specOf } from "../../provider/kinds";
import { sampleOf } from "../kinds";

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
  secrets: Record<string, unknown>;
  plain: Record<string, unknown>;
}

type CredentialClass = new (name: string, args: object) => pulumi.CustomResource;

/** One case per kind and sample declaration: the class from the package index, the kind's samples. */
const CASES: ClassCase[] = KIND_NAMES.flatMap((kind) => {
  const { className } = KINDS[kind];
  const spec = specOf(kind);
  const sample = sampleOf(kind);
  const Class = (credentials as unknown as Record<string, CredentialClass>)[className];
  return [sample.inputs(), ...(sample.alsoValid?.() ?? [])].map((args, i) => {
    const entries = Object.entries(args);
    return {
      title: i === 0 ? className : `${className} (another declaration ${i})`,
      token: resourceType(kind),
      spec,
      make: (name: string) => new Class(name, args),
      secrets: Object.fromEntries(entries.filter(([n]) => spec.inputs[n]?.secret)),
      plain: Object.fromEntries(entries.filter(([n]) => !spec.inputs[n]?.secret)),
    };
  });
});

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
      const name = `unit-${c.title.replace(/\W+/g, "-")}`;

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
        expect(Object.keys(c.secrets), "the sample declares a secret").to.have.length.greaterThan(0);
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
