// The registry of kinds (provider/kinds.ts) against everything a kind needs outside it: a provider
// module that is the provider, a class in the package index, the package's `exports` map, emulator
// support, an example, a README row and test samples. A kind missing any of them fails here, by name.
import { expect } from "chai";
import * as fs from "fs";
import { createRequire } from "module";
import * as path from "path";
import { startEmulator } from "../../emulator";
import * as index from "../../provider";
import { KIND_NAMES, KINDS, resourceType } from "../../provider/kinds";
import { emulatorStackConfig } from "../integration/harness/stackConfig";
import { SAMPLES, sampleOf } from "../kinds";

const repoRoot = path.resolve(__dirname, "..", "..", "..");
const read = (file: string) => fs.readFileSync(path.join(repoRoot, file), "utf8");

function filesUnder(dir: string, ext: string): string[] {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "node_modules" ? [] : filesUnder(rel, ext);
    return e.name.endsWith(ext) ? [rel] : [];
  });
}

/**
 * The kinds users already have in state, with what their state names: the type token (in every URN)
 * and the provider module (in every `__provider`). Changing either would replace or strand their
 * credentials, so these never change; a new kind is added here once it is released.
 */
const RELEASED = {
  tinesTextCredential: {
    token: "tines:TextCredential",
    module: "tinesText",
    className: "TinesTextCredential",
  },
  tinesJwtCredential: { token: "tines:JwtCredential", module: "tinesJwt", className: "TinesJwtCredential" },
  tinesAwsCredential: { token: "tines:AwsCredential", module: "tinesAws", className: "TinesAwsCredential" },
  twilioAwsCredential: {
    token: "twilio:AwsCredential",
    module: "twilioAws",
    className: "TwilioAwsCredential",
  },
};

describe("registry of kinds", () => {
  it("keeps the released kinds' type tokens, provider modules and class names", () => {
    for (const [kind, released] of Object.entries(RELEASED)) {
      expect(KIND_NAMES, kind).to.include(kind);
      const { token, module, className } = KINDS[kind as keyof typeof RELEASED];
      expect({ token, module, className }, kind).to.deep.equal(released);
    }
  });

  it("has one name, class, token and module per kind", () => {
    for (const key of ["className", "token", "module"] as const) {
      const values = KIND_NAMES.map((k) => KINDS[k][key]);
      expect(new Set(values).size, key).to.equal(values.length);
    }
  });

  it("publishes provider/providers under ./engine/* (in existing state, listed first: the serializer writes it) and ./providers/*", () => {
    const pkg = JSON.parse(read("package.json")) as { exports: Record<string, unknown>; files: string[] };
    const target = { types: "./dist/provider/providers/*.d.ts", default: "./dist/provider/providers/*.js" };
    expect(pkg.exports["./engine/*"]).to.deep.equal(target);
    expect(pkg.exports["./providers/*"]).to.deep.equal(target);
    const keys = Object.keys(pkg.exports);
    expect(keys.indexOf("./engine/*")).to.be.below(keys.indexOf("./providers/*"));
    expect(pkg.files).to.include("dist/provider");
  });

  for (const kind of KIND_NAMES) {
    const { className, module, provider, token } = KINDS[kind];

    describe(kind, () => {
      it(`has a provider module provider/providers/${module}.ts whose whole export is its provider`, () => {
        expect(fs.existsSync(path.join(repoRoot, "provider", "providers", `${module}.ts`))).to.equal(true);
        const file = path.resolve(__dirname, "..", "..", "provider", "providers", `${module}.js`);
        const loaded: unknown = createRequire(__filename)(file);
        expect(loaded).to.equal(provider);
        expect(index.providers[kind]).to.equal(provider);
        for (const hook of ["configure", "check", "diff", "create", "read", "update", "delete"] as const) {
          expect(provider[hook], hook).to.be.a("function");
        }
      });

      it(`has the class ${className} in the package index, with the token ${token}`, () => {
        const cls = (index as unknown as Record<string, unknown>)[className];
        expect(cls, `${className} exported from provider/index.ts`).to.be.a("function");
        expect(resourceType(kind)).to.equal(`pulumi-nodejs:dynamic/${token}`);
      });

      it("has test samples (tests/kinds.ts)", () => {
        expect(SAMPLES).to.have.property(kind);
        expect(sampleOf(kind).inputs()).to.be.an("object");
      });

      it("is used by an example under examples/", () => {
        const users = filesUnder("examples", ".ts").filter((f) => read(f).includes(`new ${className}(`));
        expect(users, `no example declares a ${className}`).to.have.length.greaterThan(0);
      });

      it("has a row in the README's resource table", () => {
        const readme = read("README.md");
        const table = readme.slice(0, readme.indexOf("\n## "));
        expect(table).to.match(new RegExp(`^\\| \`${className}\` +\\|`, "m"), `README row for ${className}`);
      });
    });
  }

  describe("emulator support (in-process emulator, each kind's provider, its sample inputs)", () => {
    const keys = {
      tinesApiKey: "tines-api-key-registry-H4t7",
      twilioAuthToken: "twilio-token-registry-P8w2",
    };
    let emulator: Awaited<ReturnType<typeof startEmulator>>;
    const configure = (config: Record<string, string>) =>
      index.providers[KIND_NAMES[0]].configure({ config: { get: (key: string) => config[key] } });

    before(async () => {
      emulator = await startEmulator({ port: 0, ...keys });
      await configure(emulatorStackConfig(emulator, keys).config);
    });
    after(async () => {
      await configure({});
      await emulator?.stop();
    });

    for (const kind of KIND_NAMES) {
      it(`${kind}: the emulator accepts a create, answers a read and a delete`, async () => {
        const { provider } = KINDS[kind];
        const checked = await provider.check({}, sampleOf(kind).inputs());
        expect(checked.failures ?? []).to.deep.equal([]);
        const created = await provider.create(checked.inputs);
        expect(created.id).to.be.a("string").and.not.equal("");
        const read = await provider.read(created.id, created.outs);
        expect(read.id).to.equal(created.id);
        await provider.delete(created.id, created.outs);
        expect((await provider.read(created.id, created.outs)).id ?? "").to.equal("");
      });
    }
  });
});
