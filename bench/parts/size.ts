// Part 3: the `__provider` string the SDK's real closure serializer writes into state for every resource,
// for the package installed from its tarball, next to the same provider code copied into the program as local
// files (dist/provider under ./local, required by relative path): what a user gets by pasting a dynamic
// provider into a program. Bytes per resource, the ratio, and the same bytes whether the stack holds 1 or
// 100 resources. The local copy is also run once through the host: every hook of a copy made by value
// refuses with an error that says to install the package.
import * as fs from "fs";
import * as path from "path";
import type { EngineHarness, Registration } from "../../tests/integration/harness";
import { BenchContext, repoRoot } from "../lib/context";
import {
  credential,
  Decl,
  firstKindOf,
  Kind,
  KIND_NAMES,
  kindOfType,
  mixed,
  ProgramSpec,
} from "../lib/programs";
import { bytes, ratio, Report } from "../lib/report";

const PART = "3 size";
const TARGET = 512;

/** Byte sizes of `__provider` per kind, over the registrations a preview produced. */
async function sizes(
  ctx: BenchContext,
  harness: EngineHarness,
  spec: ProgramSpec,
): Promise<{ perKind: Record<Kind, number[]>; providers: string[] }> {
  const before = harness.registrations.length;
  const result = await ctx.up(harness, ctx.writeProgram(spec), true);
  // A copy made by value refuses its first hook (check) with the error that says to install the package,
  // and the engine skips the rest; the registrations, and so the __provider strings measured here, are
  // in before that.
  const refusedCopy = (error: string) =>
    /copy the Pulumi SDK made by value|skipped: the update stopped after an earlier failure/.test(error);
  const expected = spec.source === "local" && result.errors.length > 0 && result.errors.every(refusedCopy);
  if (!result.ok && !expected) throw new Error(`preview failed: ${result.errors.join("; ")}`);
  const perKind = Object.fromEntries(KIND_NAMES.map((k) => [k, []])) as unknown as Record<Kind, number[]>;
  const providers: string[] = [];
  for (const reg of harness.registrations.slice(before) as Registration[]) {
    const kind = kindOfType(reg.type);
    if (!kind || !reg.provider) continue;
    perKind[kind].push(Buffer.byteLength(reg.provider, "utf8"));
    providers.push(reg.provider);
  }
  return { perKind, providers };
}

const distinct = (xs: number[]) => [...new Set(xs)];

export async function sizePart(ctx: BenchContext, report: Report): Promise<void> {
  const many = ctx.options.quick ? 20 : 100;
  const local = path.join(ctx.dir, "local", "provider");
  fs.rmSync(local, { recursive: true, force: true });
  fs.cpSync(path.join(repoRoot, "dist", "provider"), local, { recursive: true });

  const one: Decl[] = KIND_NAMES.map((kind) => credential(kind, `size-one-${kind}`, ctx.secrets));
  const lots: Decl[] = mixed("size-many", many, ctx.secrets);
  const harness = await ctx.startHarness();
  try {
    const installed1 = await sizes(ctx, harness, { mode: "credentials", resources: one });
    const installedN = await sizes(ctx, harness, { mode: "credentials", resources: lots });
    const local1 = await sizes(ctx, harness, { mode: "credentials", source: "local", resources: one });
    const localN = await sizes(ctx, harness, { mode: "credentials", source: "local", resources: lots });

    for (const kind of KIND_NAMES) {
      const [a] = installed1.perKind[kind];
      const [b] = local1.perKind[kind];
      report.check(
        PART,
        `${kind}: __provider bytes per resource (installed package)`,
        `${bytes(a)}; local copy ${bytes(b)}; installed/local ${(a / b).toFixed(4)} (local ${ratio(b / a)} larger)`,
        `<= ${TARGET} B`,
        a <= TARGET,
        `the installed package's provider serialized to ${a} bytes: it was captured by value, not as a require`,
      );
      const inst = distinct([...installed1.perKind[kind], ...installedN.perKind[kind]]);
      const loc = distinct([...local1.perKind[kind], ...localN.perKind[kind]]);
      report.check(
        PART,
        `${kind}: same bytes with 1 and ${many} resources in the stack`,
        `installed ${inst.map(bytes).join(" / ")} in all ${installedN.perKind[kind].length + 1} registrations; ` +
          `local ${loc.map(bytes).join(" / ")}`,
        "one size",
        inst.length === 1 && installedN.perKind[kind].length > 0,
        `sizes seen: installed ${inst.join(", ")}`,
      );
    }

    // What is inside: a require of the installed package, no machine path, no secret (part 8 scans for those).
    const sample = installed1.providers[0] ?? "";
    const requires = [
      ...new Set([...installed1.providers.join("\n").matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1])),
    ];
    report.check(
      PART,
      "installed __provider is a require of the package",
      requires.join(", ") || "no require",
      "pulumi-api-credentials/...",
      requires.length > 0 && requires.every((r) => r.startsWith("pulumi-api-credentials/")),
      sample.slice(0, 300),
    );
    const pathy = [...installed1.providers, ...installedN.providers].filter((p) =>
      [repoRoot, ctx.dir, "/tmp/", "node_modules/"].some((needle) => p.includes(needle)),
    );
    report.check(PART, "machine paths in installed __provider", `${pathy.length}`, "0", pathy.length === 0);

    // The local copy through the real host: does a by-value copy still see the stack config?
    const decl = credential(firstKindOf("tines"), "size-local-create", ctx.secrets);
    const before = ctx.emulator.tines.list().length;
    const up = await ctx.up(
      harness,
      ctx.writeProgram({ mode: "credentials", source: "local", resources: [decl] }),
    );
    const made = ctx.emulator.tines.list().length - before;
    const why = up.ok ? "created" : (up.errors[0] ?? "failed").replace(/^urn:[^:]+(:[^:]+)*?::[^ ]+: /, "");
    report.info(
      PART,
      "local copy, create through the host with stack config",
      up.ok ? `completed (${made} created)` : `failed: ${why.slice(0, 160)}`,
      "context",
    );
  } finally {
    await ctx.stopHarness(harness);
    ctx.resetEmulator();
  }
}
