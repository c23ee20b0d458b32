// The package as npm publishes it: what the tarball holds (nothing missing, nothing stray, no source map
// pointing at a file it lacks), and a consumer's view of it: a folder with only `npm install <tgz>
// @pulumi/pulumi` (the harness's program install), a strict TypeScript program that uses every class the
// package exports (listed from the installed package's exports, so a new class is caught, not skipped),
// type-checked with `tsc --noEmit` and loaded under `pulumi.runtime.setMocks`. The version matrix
// (scripts/matrix.ts) runs this file on each Node x SDK combination, with that combination's SDK installed.
import { expect } from "chai";
import { execFile } from "child_process";
import * as fs from "fs";
import { builtinModules } from "module";
import * as path from "path";
import * as ts from "typescript";
import { promisify } from "util";
import { secretNames } from "../../provider/core/fields";
import { KIND_NAMES, KINDS, type KindName } from "../../provider/kinds";
import { sampleOf } from "../kinds";
import { installPackedPackage } from "./harness";

const run = promisify(execFile);
const repoRoot = path.resolve(__dirname, "..", "..", "..");
const PACKAGE = "pulumi-api-credentials";

/** Shipped files that no code refers to, on purpose. */
const DOCUMENTS = ["package.json", "README.md", "CHANGELOG.md", "LICENSE"];

/** A credential class's use: its sample declaration from tests/kinds.ts, each secret input as `pulumi.secret`. */
function credentialUse(kind: KindName): string {
  const { className, spec } = KINDS[kind];
  const secrets = new Set(secretNames(spec.inputs));
  const args = Object.entries(sampleOf(kind).inputs()).map(([name, value]) => {
    const literal = JSON.stringify(value);
    return `${name}: ${secrets.has(name) ? `pulumi.secret(${literal})` : literal}`;
  });
  return `new ${className}(${JSON.stringify(kind)}, { ${args.join(", ")} })`;
}

/**
 * How the consumer program uses each class the package exports, by "<import specifier>#<class>". Resource
 * classes are constructed (and registered under the mocks) from the registry's samples; other classes are
 * constructed.
 */
const USES: Record<string, string> = {
  ...Object.fromEntries(
    KIND_NAMES.map((kind) => [`${PACKAGE}#${KINDS[kind].className}`, credentialUse(kind)]),
  ),
  [`${PACKAGE}/emulator#TinesValidationError`]: `new TinesValidationError([{ message: "Name can't be blank", details: "name" }])`,
  [`${PACKAGE}/emulator#TwilioApiError`]: `new TwilioApiError(400, 20001, "Invalid parameter")`,
};

/**
 * The module settings a consumer compiles with: Pulumi's TypeScript template (`moduleResolution: node`, which
 * ignores `exports` and needs `typesVersions` for the subpaths), and Node's own resolution. The declaration
 * files themselves (ours and the SDK's) are checked once: that pass costs about three times the others.
 */
const RESOLUTIONS = [
  { module: "commonjs", moduleResolution: "node", skipLibCheck: true },
  { module: "node16", moduleResolution: "node16", skipLibCheck: false },
];

/** Lists every class the installed package exports, through each entry of its `exports` map. */
const LIST_CLASSES = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const pulumi = require("@pulumi/pulumi");
const name = ${JSON.stringify(PACKAGE)};
const pkgDir = path.dirname(require.resolve(name + "/package.json"));
const { exports: map } = require(name + "/package.json");
const specifiers = [];
for (const [key, target] of Object.entries(map)) {
  const file = typeof target === "string" ? target : target.default;
  if (!file.endsWith(".js")) continue;
  if (!key.includes("*")) {
    specifiers.push(path.posix.join(name, key));
    continue;
  }
  // A pattern entry: every file the pattern matches is an entry of its own.
  const [dir, suffix] = file.split("*");
  for (const f of fs.readdirSync(path.join(pkgDir, dir))) {
    if (f.endsWith(suffix)) specifiers.push(path.posix.join(name, key.replace("*", f.slice(0, -suffix.length))));
  }
}
const classes = [];
for (const spec of specifiers) {
  const mod = require(spec);
  for (const [k, v] of Object.entries(mod)) {
    if (typeof v === "function" && /^class[\s{]/.test(Function.prototype.toString.call(v))) {
      classes.push({ key: spec + "#" + k, resource: v.prototype instanceof pulumi.CustomResource });
    }
  }
}
process.stdout.write(JSON.stringify(classes));
`;

/** Runs the compiled program under the SDK's mocks and reports what it made and registered. */
const LOADER = String.raw`"use strict";
const pulumi = require("@pulumi/pulumi");
const registrations = [];
async function main() {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registrations.push({ type: args.type, name: args.name, provider: args.inputs.__provider });
        return { id: args.name + "-id", state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "consumer",
    "test",
    false,
  );
  const { uses } = require("./program.js");
  const made = {};
  for (const [key, value] of Object.entries(uses)) {
    const resource = pulumi.CustomResource.isInstance(value);
    made[key] = { className: value.constructor.name, resource, id: resource ? await new Promise((r) => value.id.apply(r)) : undefined };
  }
  process.stdout.write(JSON.stringify({ made, registrations }), () => process.exit(0));
}
main().catch((e) => {
  process.stderr.write(String(e && e.stack ? e.stack : e));
  process.exit(1);
});
`;

function filesUnder(dir: string, base = dir): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(p, base) : [path.relative(base, p).split(path.sep).join("/")];
  });
}

/** The package name a bare specifier names ("@scope/name/sub" -> "@scope/name"). */
function packageOf(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

/** Every module a shipped file refers to: requires and imports (code and declarations), and source maps. */
function references(text: string): { modules: string[]; sourceMap?: string } {
  const modules = new Set<string>();
  const patterns = [
    /\brequire\(\s*"([^"]+)"\s*\)/g,
    /\bfrom\s+"([^"]+)"/g,
    /\bimport\(\s*"([^"]+)"\s*\)/g,
    /^\s*import\s+"([^"]+)"/gm,
    /\/\/\/\s*<reference\s+path="([^"]+)"/g,
  ];
  for (const re of patterns) for (const m of text.matchAll(re)) modules.add(m[1]);
  const map = /\/\/# sourceMappingURL=(\S+)\s*$/.exec(text)?.[1];
  return map === undefined ? { modules: [...modules] } : { modules: [...modules], sourceMap: map };
}

describe("the published package", function () {
  this.timeout(300_000);

  let pkgDir: string;
  let shipped: Set<string>;
  let manifest: {
    main: string;
    types: string;
    bin: Record<string, string>;
    exports: Record<string, string | { types?: string; default: string }>;
    dependencies: Record<string, string>;
    peerDependencies: Record<string, string>;
  };
  let programDir: string;

  before(async () => {
    programDir = (await installPackedPackage(repoRoot)).programDir;
    pkgDir = path.join(programDir, "node_modules", PACKAGE);
    shipped = new Set(filesUnder(pkgDir));
    manifest = JSON.parse(fs.readFileSync(path.join(pkgDir, "package.json"), "utf8"));
  });

  /** Shipped files a pattern target ("./dist/x/*.js") matches. */
  const matching = (target: string) => {
    const [head, tail] = target.replace(/^\.\//, "").split("*");
    return [...shipped].filter((f) => f.startsWith(head) && f.endsWith(tail ?? "") && f.length > head.length);
  };

  const entryPoints = () => {
    const targets = [manifest.main, manifest.types, ...Object.values(manifest.bin)];
    for (const t of Object.values(manifest.exports)) {
      if (typeof t === "string") targets.push(t);
      else targets.push(t.default, ...(t.types ? [t.types] : []));
    }
    return targets.map((t) => t.replace(/^\.\//, ""));
  };

  it("ships every file its package.json names: main, types, bin and each exports target", () => {
    for (const target of entryPoints()) {
      if (target.includes("*")) expect(matching(target), target).to.have.length.above(0);
      else expect(shipped.has(target), `${target} is not in the tarball`).to.equal(true);
    }
    expect(shipped.has("README.md") && shipped.has("CHANGELOG.md") && shipped.has("LICENSE")).to.equal(true);
  });

  it("nothing missing, nothing stray: every shipped file is reached from an entry point or is a document", () => {
    const allowed = new Set([
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}),
      PACKAGE,
    ]);
    const missing: string[] = [];
    const undeclared: string[] = [];
    const reached = new Set<string>();
    const queue = entryPoints().flatMap((t) => (t.includes("*") ? matching(t) : [t]));
    while (queue.length > 0) {
      const file = queue.pop()!;
      if (reached.has(file)) continue;
      reached.add(file);
      if (!/\.(js|ts)$/.test(file)) continue;
      // A module ships as a pair: reaching its code or its declarations reaches both (a types-only module's
      // .js is empty but is what a require of it would load).
      const twin = file.endsWith(".d.ts") ? file.replace(/\.d\.ts$/, ".js") : file.replace(/\.js$/, ".d.ts");
      if (shipped.has(twin)) queue.push(twin);
      const refs = references(fs.readFileSync(path.join(pkgDir, file), "utf8"));
      if (refs.sourceMap) queue.push(path.posix.join(path.posix.dirname(file), refs.sourceMap));
      for (const spec of refs.modules) {
        if (spec.startsWith(".")) {
          const base = path.posix.join(path.posix.dirname(file), spec);
          const exts = file.endsWith(".d.ts") ? [".d.ts", "/index.d.ts", ""] : [".js", "/index.js", ""];
          const hit = exts.map((e) => base + e).find((f) => shipped.has(f));
          if (hit) queue.push(hit);
          else missing.push(`${file} -> ${spec}`);
        } else if (
          !spec.startsWith("node:") &&
          !builtinModules.includes(spec) &&
          !allowed.has(packageOf(spec))
        ) {
          undeclared.push(`${file} -> ${spec}`);
        }
      }
    }
    expect(missing, "relative imports the tarball cannot satisfy").to.deep.equal([]);
    expect(undeclared, "packages used but not in dependencies or peerDependencies").to.deep.equal([]);
    const stray = [...shipped].filter((f) => !reached.has(f) && !DOCUMENTS.includes(f));
    expect(stray, "shipped files nothing refers to").to.deep.equal([]);
  });

  it("every source map in the tarball ships with the sources it names", () => {
    const broken: string[] = [];
    for (const file of [...shipped].filter((f) => f.endsWith(".map"))) {
      const map = JSON.parse(fs.readFileSync(path.join(pkgDir, file), "utf8")) as {
        sources: string[];
        sourceRoot?: string;
        sourcesContent?: (string | null)[];
      };
      map.sources.forEach((source, i) => {
        const resolved = path.posix.join(path.posix.dirname(file), map.sourceRoot ?? "", source);
        if (!shipped.has(resolved) && typeof map.sourcesContent?.[i] !== "string") {
          broken.push(`${file} -> ${source}`);
        }
      });
    }
    for (const file of [...shipped].filter((f) => /\.(js|ts)$/.test(f))) {
      const { sourceMap } = references(fs.readFileSync(path.join(pkgDir, file), "utf8"));
      if (sourceMap && !shipped.has(path.posix.join(path.posix.dirname(file), sourceMap))) {
        broken.push(`${file} -> ${sourceMap}`);
      }
    }
    expect(broken, "source maps naming files the tarball lacks").to.deep.equal([]);
  });

  describe("a consumer program that uses every exported class", () => {
    let dir: string;
    let classes: { key: string; resource: boolean }[];

    before(async () => {
      fs.mkdirSync(path.join(repoRoot, ".tmp"), { recursive: true });
      dir = fs.mkdtempSync(path.join(repoRoot, ".tmp", "consumer-"));
      // The folder `npm install <tgz> @pulumi/pulumi` made, as this program's node_modules. A package.json of
      // its own, as a consumer has: else Node would resolve the package's name to the repository above
      // (a package may require itself by name).
      fs.symlinkSync(path.join(programDir, "node_modules"), path.join(dir, "node_modules"), "dir");
      fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true }));
      fs.writeFileSync(path.join(dir, "list-classes.js"), LIST_CLASSES);
      const { stdout } = await run(process.execPath, ["list-classes.js"], { cwd: dir });
      classes = JSON.parse(stdout);
    });

    after(() => {
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    it("has a use for every class the package exports, and for no other", () => {
      expect(
        classes.filter((c) => c.resource),
        "resource classes found",
      ).to.have.length.above(0);
      const exported = classes.map((c) => c.key).sort();
      const known = Object.keys(USES).sort();
      expect(
        exported,
        `a class without a use: add it to the registry (provider/kinds.ts) or to USES here (exported: ${exported.join(", ")})`,
      ).to.deep.equal(known);
    });

    it("compiles with tsc --noEmit under strict, node10 and node16 resolution, against the installed package and SDK", async () => {
      const bySpecifier = new Map<string, string[]>();
      for (const key of Object.keys(USES)) {
        const [spec, name] = key.split("#");
        bySpecifier.set(spec, [...(bySpecifier.get(spec) ?? []), name]);
      }
      const program = [
        'import * as pulumi from "@pulumi/pulumi";',
        ...[...bySpecifier].map(([spec, names]) => `import { ${names.join(", ")} } from "${spec}";`),
        "",
        "export const uses: Record<string, object> = {",
        ...Object.entries(USES).map(([key, use]) => `  ${JSON.stringify(key)}: ${use},`),
        "};",
        "",
      ].join("\n");
      fs.writeFileSync(path.join(dir, "program.ts"), program);
      const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
      for (const resolution of RESOLUTIONS) {
        const tsconfig = {
          compilerOptions: {
            strict: true,
            noEmit: true,
            target: "ES2022",
            esModuleInterop: true,
            ...resolution,
          },
          files: ["program.ts"],
        };
        fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(tsconfig, null, 2));
        const result = await run(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.json"], {
          cwd: dir,
        }).then(
          () => "",
          (e: { stdout?: string; stderr?: string; message: string }) =>
            `${e.stdout ?? ""}${e.stderr ?? e.message}`,
        );
        expect(result, `tsc output with ${JSON.stringify(resolution)}`).to.equal("");
      }
      // Checked; now the JavaScript the loader runs.
      const js = ts.transpileModule(program, {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      }).outputText;
      fs.writeFileSync(path.join(dir, "program.js"), js);
    });

    it("loads under setMocks: every class made, each resource registered with a provider that requires the package", async () => {
      expect(fs.existsSync(path.join(dir, "program.js")), "program.js (the compile test failed)").to.equal(
        true,
      );
      fs.writeFileSync(path.join(dir, "loader.js"), LOADER);
      const { stdout } = await run(process.execPath, ["loader.js"], { cwd: dir });
      const { made, registrations } = JSON.parse(stdout) as {
        made: Record<string, { className: string; resource: boolean; id?: string }>;
        registrations: { type: string; name: string; provider?: string }[];
      };
      for (const c of classes) {
        expect(made[c.key]?.className, c.key).to.equal(c.key.split("#")[1]);
        expect(made[c.key].resource, c.key).to.equal(c.resource);
      }
      // One registration per resource made, each with the id the mocks gave it.
      const ids = Object.values(made).flatMap((m) => (m.resource ? [m.id] : []));
      expect(registrations.map((r) => `${r.name}-id`).sort()).to.deep.equal(ids.sort());
      for (const reg of registrations) {
        expect(reg.type, reg.name).to.match(/^pulumi-nodejs:dynamic/);
        expect(reg.provider, reg.name).to.match(new RegExp(`require\\("${PACKAGE}/engine/\\w+"\\)`));
      }
    });
  });
});
