// Installs the package the way a user gets it: `npm pack` of the built package, then `npm install` of the
// tarball (and @pulumi/pulumi at the repo's exact version) into a fresh Pulumi program folder under
// <repoRoot>/.tmp. The folder is named after the tarball's hash (and any extra dependencies a program
// needs, such as an example's own libraries) and reused while the hash matches.
import { execFile } from "child_process";
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);

export interface InstalledProgram {
  /** The program folder: package.json + node_modules with the package and @pulumi/pulumi. */
  programDir: string;
  /** The tarball `npm pack` produced (a copy lives in programDir as package.tgz). */
  tarball: string;
  /** True when an earlier install for the same tarball hash was reused. */
  reused: boolean;
  ms: number;
}

/** Runs npm in `cwd`; its output, or an error quoting what npm printed. */
export async function npm(args: string[], cwd: string): Promise<string> {
  try {
    const { stdout } = await run("npm", args, { cwd, maxBuffer: 64 * 1024 * 1024, env: process.env });
    return stdout;
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string; message: string };
    throw new Error(
      `npm ${args.join(" ")} failed in ${cwd}: ${err.message}\n${err.stderr ?? ""}${err.stdout ?? ""}`,
      { cause: e },
    );
  }
}

/** Tarballs packed by this process, by what went into them: `npm pack` (a second of CPU) runs once per build. */
const packs = new Map<string, Promise<{ tarball: string; digest: string }>>();

/** What `npm pack` reads: the manifest and the shipped files, by size and modification time. */
function packInputs(repoRoot: string): string {
  const seen: string[] = [];
  const walk = (rel: string) => {
    const full = path.join(repoRoot, rel);
    const stat = fs.statSync(full, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) for (const name of fs.readdirSync(full).sort()) walk(path.join(rel, name));
    else seen.push(`${rel} ${stat.size} ${stat.mtimeMs}`);
  };
  for (const rel of ["package.json", "README.md", "CHANGELOG.md", "LICENSE", "dist"]) walk(rel);
  return seen.join("\n");
}

function pack(repoRoot: string, tmp: string): Promise<{ tarball: string; digest: string }> {
  const key = `${repoRoot}\n${packInputs(repoRoot)}`;
  let packed = packs.get(key);
  if (!packed) {
    packed = npmPack(repoRoot, tmp);
    packs.set(key, packed);
    packed.catch(() => packs.delete(key));
  }
  return packed;
}

async function npmPack(repoRoot: string, tmp: string): Promise<{ tarball: string; digest: string }> {
  fs.mkdirSync(tmp, { recursive: true });
  const packDir = fs.mkdtempSync(path.join(tmp, "pack-"));
  try {
    // --ignore-scripts: the caller has built dist/; the package's prepack would rebuild it on every install.
    const out = await npm(["pack", "--json", "--ignore-scripts", "--pack-destination", packDir], repoRoot);
    const filename = path.basename((JSON.parse(out) as { filename: string }[])[0].filename);
    const bytes = fs.readFileSync(path.join(packDir, filename));
    const tarball = path.join(tmp, filename);
    fs.renameSync(path.join(packDir, filename), tarball);
    return { tarball, digest: createHash("sha256").update(bytes).digest("hex") };
  } finally {
    fs.rmSync(packDir, { recursive: true, force: true });
  }
}

/**
 * `extraDependencies` (name -> version range) are installed next to the package: what a program itself
 * requires, for example the certificate library of examples/main. They get a folder of their own.
 */
export async function installPackedPackage(
  repoRoot: string,
  extraDependencies: Record<string, string> = {},
): Promise<InstalledProgram> {
  const started = Date.now();
  const entry = path.join(repoRoot, "dist", "provider", "index.js");
  if (!fs.existsSync(entry)) {
    throw new Error(
      `${entry} is missing: build the package first (npm run build; npm test does it before mocha)`,
    );
  }
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, "package.json"), "utf8")) as { name: string };
  const pulumiVersion = (
    JSON.parse(
      fs.readFileSync(path.join(repoRoot, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
    ) as { version: string }
  ).version;

  const tmp = path.join(repoRoot, ".tmp");
  const { tarball, digest } = await pack(repoRoot, tmp);
  const hash = createHash("sha256")
    .update(digest)
    .update(pulumiVersion)
    .update(Object.keys(extraDependencies).length ? JSON.stringify(extraDependencies) : "")
    .digest("hex")
    .slice(0, 16);
  const programDir = path.join(tmp, `program-${hash}`);
  const marker = path.join(programDir, ".installed");
  if (fs.existsSync(marker)) {
    const now = new Date();
    fs.utimesSync(marker, now, now);
    return { programDir, tarball, reused: true, ms: Date.now() - started };
  }

  // Install into a private folder, then rename: concurrent runs never see a half-installed program.
  const staging = fs.mkdtempSync(path.join(tmp, `program-${hash}.staging-`));
  try {
    fs.copyFileSync(tarball, path.join(staging, "package.tgz"));
    const programPkg = {
      name: "engine-harness-program",
      private: true,
      version: "0.0.0",
      description: "Pulumi program folder created by tests/integration/harness/install.ts",
      dependencies: {
        ...extraDependencies,
        [pkg.name]: "file:./package.tgz",
        "@pulumi/pulumi": pulumiVersion,
      },
    };
    fs.writeFileSync(path.join(staging, "package.json"), JSON.stringify(programPkg, null, 2) + "\n");
    await npm(["install", "--no-audit", "--no-fund", "--prefer-offline", "--loglevel=error"], staging);
    fs.writeFileSync(path.join(staging, ".installed"), `${hash}\n`);
    try {
      fs.renameSync(staging, programDir);
    } catch (e) {
      if (!fs.existsSync(marker)) throw e; // another run finished the same install first
      fs.rmSync(staging, { recursive: true, force: true });
    }
  } catch (e) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw e;
  }
  pruneOldPrograms(tmp, programDir);
  return { programDir, tarball, reused: false, ms: Date.now() - started };
}

/** Program folders of older tarballs (about 100 MB each): removed once unused for a while. */
const PRUNE_AFTER_MS = 60 * 60_000;

function pruneOldPrograms(tmp: string, keep: string): void {
  for (const name of fs.readdirSync(tmp)) {
    const dir = path.join(tmp, name);
    if (!/^program-[0-9a-f]{16}$/.test(name) || dir === keep) continue;
    try {
      // The marker is touched on every reuse, so a folder in use by a concurrent run is recent.
      const age = Date.now() - fs.statSync(path.join(dir, ".installed")).mtimeMs;
      if (age > PRUNE_AFTER_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // no marker: an install in progress or a foreign folder; leave it
    }
  }
}
