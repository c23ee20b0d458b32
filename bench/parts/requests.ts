// Part 1: HTTP requests per operation, counted from the emulator's log, with the real provider host driven
// by the engine harness. create / update / read / delete must cost exactly one request per resource for
// each kind; check, diff and a no-change preview (and a no-change up) exactly none.
import type { RequestLogEntry } from "../../emulator";
import type { EngineHarness } from "../../tests/integration/harness";
import { BenchContext } from "../lib/context";
import { changed, credential, Decl, Kind, KIND_NAMES, kindOfType, service } from "../lib/programs";
import { specOf } from "../../provider/kinds";
import { Report } from "../lib/report";

const PART = "1 requests";
const PER_KIND = 2;

function apiRequests(entries: RequestLogEntry[]): RequestLogEntry[] {
  return entries.filter((e) => e.service !== "control");
}

function describe(entries: RequestLogEntry[]): string {
  return entries
    .map((e) => `${e.method} ${e.path} -> ${e.status}${e.fault ? ` (${e.fault})` : ""}`)
    .join("; ");
}

/** The kind a request belongs to, from the credential id in its path (undefined for collection paths). */
function kindById(harness: EngineHarness): (e: RequestLogEntry) => Kind | undefined {
  const byId = new Map<string, Kind | undefined>();
  for (const r of harness.state.values()) byId.set(r.id, kindOfType(r.type));
  return (e) => {
    const last = decodeURIComponent(e.path.split("/").pop() ?? "");
    return byId.get(last);
  };
}

export async function requestsPart(ctx: BenchContext, report: Report): Promise<void> {
  ctx.resetEmulator();
  const decls: Decl[] = [];
  for (const kind of KIND_NAMES) {
    for (let i = 0; i < PER_KIND; i++) {
      // The first of each kind that takes a PEM key gets one (the leak scan then looks for its lines).
      decls.push(credential(kind, `req-${kind}-${i}`, ctx.secrets, i, i === 0));
    }
  }
  const harness = await ctx.startHarness();
  try {
    const zero = (name: string, entries: RequestLogEntry[], note: string) => {
      const api = apiRequests(entries);
      report.check(PART, name, `${api.length} requests (${note})`, "0", api.length === 0, describe(api));
    };
    const mustBeOk = (what: string, r: { ok: boolean; errors: string[] }) => {
      if (!r.ok) throw new Error(`${what} failed: ${r.errors.join("; ")}`);
    };

    const byKind = (urns: string[]) => {
      const counts = Object.fromEntries(KIND_NAMES.map((k) => [k, 0])) as Record<Kind, number>;
      for (const urn of urns) {
        const kind = kindOfType(urn.split("::")[2] ?? "");
        if (kind) counts[kind]++;
      }
      return counts;
    };

    // check: a preview of a new stack runs Check for every resource and nothing else.
    ctx.takeLog();
    let r = await ctx.up(harness, ctx.writeProgram({ mode: "credentials", resources: decls }), true);
    mustBeOk("preview of a new stack", r);
    const checks = r.hostCalls.filter((c) => c.method === "check").length;
    zero("check", ctx.takeLog(), `${checks} Check calls in a new-stack preview`);

    // create: one run for all; each Tines POST answered 201 made exactly one record, so the records' modes
    // attribute the POSTs to kinds exactly (Twilio has one kind).
    r = await ctx.up(harness, ctx.writeProgram({ mode: "credentials", resources: decls }));
    mustBeOk("up creating every kind", r);
    const created = apiRequests(ctx.takeLog());
    const made = Object.fromEntries(KIND_NAMES.map((k) => [k, 0])) as Record<Kind, number>;
    const tinesKindOf = (mode: string) =>
      KIND_NAMES.find((k) => (specOf(k) as { mode?: string }).mode === mode);
    const twilioKinds = KIND_NAMES.filter((k) => service(k) === "twilio");
    if (twilioKinds.length !== 1)
      throw new Error("Twilio records name no kind: this count needs one Twilio kind");
    made[twilioKinds[0]] = ctx.emulator.twilio.list().length;
    for (const rec of ctx.emulator.tines.list()) {
      const kind = tinesKindOf(rec.mode);
      if (kind) made[kind]++;
    }
    const createSteps = byKind(r.steps.filter((s) => s.op === "create").map((s) => s.urn));
    for (const kind of KIND_NAMES) {
      const n = decls.filter((d) => d.kind === kind).length;
      const mine = created.filter((e) => e.service === service(kind));
      const ok201 = mine.every((e) => e.method === "POST" && e.status === 201);
      const perService = decls.filter((d) => service(d.kind) === service(kind)).length;
      report.check(
        PART,
        `create ${kind}`,
        `${made[kind] / n} requests/resource (${made[kind]} for ${createSteps[kind]} creates)`,
        "1",
        ok201 && mine.length === perService && made[kind] === n && createSteps[kind] === n,
        describe(mine),
      );
    }

    // A no-change preview and a no-change up: Check + Diff only.
    const same = ctx.writeProgram({ mode: "credentials", resources: decls });
    r = await ctx.up(harness, same, true);
    mustBeOk("no-change preview", r);
    zero("no-change preview", ctx.takeLog(), `${r.hostCalls.length} host calls`);
    r = await ctx.up(harness, same);
    mustBeOk("no-change up", r);
    zero("no-change up", ctx.takeLog(), `${r.steps.filter((s) => s.op === "same").length} same steps`);

    // diff: a preview of a changed program runs Diff (reporting changes) and nothing else.
    const edited = ctx.writeProgram({ mode: "credentials", resources: changed(decls) });
    r = await ctx.up(harness, edited, true);
    mustBeOk("changed preview", r);
    const diffs = r.hostCalls.filter((c) => c.method === "diff").length;
    const updates = r.steps.filter((s) => s.op === "update").length;
    zero("diff", ctx.takeLog(), `${diffs} Diff calls, ${updates} planned updates`);
    if (updates !== decls.length)
      throw new Error(`the changed preview planned ${updates} updates, not ${decls.length}`);

    const perKind = (op: string, entries: RequestLogEntry[], expected: Record<Kind, number>) => {
      const api = apiRequests(entries);
      const kindOf = kindById(harness);
      for (const kind of KIND_NAMES) {
        const mine = api.filter((e) => kindOf(e) === kind);
        const n = decls.filter((d) => d.kind === kind).length;
        const stray = api.filter((e) => kindOf(e) === undefined);
        report.check(
          PART,
          `${op} ${kind}`,
          `${mine.length / n} requests/resource (${mine.length} for ${expected[kind]} ${op}s)`,
          "1",
          mine.length === n && expected[kind] === n && stray.length === 0,
          describe([...mine, ...stray]),
        );
      }
    };

    // update
    r = await ctx.up(harness, edited);
    mustBeOk("up with changes", r);
    perKind("update", ctx.takeLog(), byKind(r.steps.filter((s) => s.op === "update").map((s) => s.urn)));

    // read (refresh)
    const refreshed = await ctx.refresh(harness);
    mustBeOk("refresh", refreshed);
    perKind("read", ctx.takeLog(), byKind(refreshed.steps.map((s) => s.urn)));

    // delete (destroy); map ids before the state empties.
    const kindOf = kindById(harness);
    const ids = [...harness.state.values()].map((s) => s.urn);
    const destroyed = await ctx.destroy(harness);
    mustBeOk("destroy", destroyed);
    const deletes = apiRequests(ctx.takeLog());
    for (const kind of KIND_NAMES) {
      const mine = deletes.filter((e) => kindOf(e) === kind);
      const stray = deletes.filter((e) => kindOf(e) === undefined);
      const n = decls.filter((d) => d.kind === kind).length;
      const expected = byKind(ids)[kind];
      report.check(
        PART,
        `delete ${kind}`,
        `${mine.length / n} requests/resource (${mine.length} for ${expected} deletes)`,
        "1",
        mine.length === n && expected === n && stray.length === 0,
        describe([...mine, ...stray]),
      );
    }
    const left = ctx.emulator.tines.list().length + ctx.emulator.twilio.list().length;
    if (left !== 0) throw new Error(`the emulator still holds ${left} credentials after destroy`);
  } finally {
    await ctx.stopHarness(harness);
  }
}
