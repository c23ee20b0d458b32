// Part 6: the fault matrix. For each operation (create, read, update, delete) x fault (429, 503, connection
// reset before the server processed the request, reset after it processed it, an answer slower than the
// client's timeout), on a credential of every kind of the registry, with the fault hitting either the first
// attempt only ("once") or every attempt ("always"), through the engine harness and the real provider host.
//
// Each cell's resource gets its own fault rule (method + the credential's own path). Creates all post to
// their service's collection path, so they run one fault at a time and, within it, one kind per service at
// a time (a "once" rule must hit the create it is meant for). The client timeout is shortened through stack config
// (tines:timeoutMs / twilio:timeoutMs); a slow answer comes well after it.
//
// A cell PASSes when:
// - its outcome is the expected one: "once" cells complete (the retry policy absorbs one fault), except
//   create x slow; "always" cells end in a clear error, except create x reset-after (the provider looks the
//   credential up after a lost answer and finds it);
// - completed: the effect is in the emulator and matches state (create: exactly one record, the one in
//   state; read: the resource keeps its id; update: the record shows the new value; delete: the record and
//   the state entry are gone);
// - clear error: the message names the HTTP method and the API path; the cell holds at most one record (no
//   duplicate) and no record outside state (no orphan), with one exception that cannot be avoided: a create
//   whose answer never came while the server went on to create it (create x slow). There the error must say
//   the credential may exist and point at adoptId (an announced orphan), and adopting it must converge;
// - and after the fault is gone, a re-run (up / refresh; adoptId for an announced orphan) converges: each
//   cell ends with exactly one record, the one in state (none for deletes), nothing orphaned or duplicated.
import type { FaultRule } from "../../emulator";
import type { EngineHarness, UpResult } from "../../tests/integration/harness";
import { BenchContext } from "../lib/context";
import { changedDecl, credential, Decl, Kind, KIND_NAMES, service as serviceOf, TYPE } from "../lib/programs";
import { Report, sleep } from "../lib/report";

const PART = "6 faults";
const FAULTS = ["429", "503", "reset-before", "reset-after", "slow"] as const;
const OPS = ["create", "read", "update", "delete"] as const;
const VARIANTS = ["once", "always"] as const;
const TIMEOUT_MS = 1_000;
const SLOW_MS = 2_000;
/** Retries per request in the matrix's stack config (the default is 4): the same policy, a shorter give-up. */
const MAX_RETRIES = 2;
const TINES_BASE = "/api/v1/user_credentials";
const TWILIO_BASE = "/v1/Credentials/AWS";

type Fault = (typeof FAULTS)[number];
type Op = (typeof OPS)[number];
type Service = "tines" | "twilio";
type Variant = (typeof VARIANTS)[number];
type Outcome = "completed" | "clear error";

interface Cell {
  variant: Variant;
  op: Op;
  fault: Fault;
  kind: Kind;
  service: Service;
  decl: Decl;
  urn: string;
  outcome?: Outcome | "unclear error";
  message?: string;
  /** The id of a record the error announced (create x slow), adopted in the recovery run. */
  announced?: string;
  problems: string[];
  recovered?: boolean;
}

export function expectedOutcome(variant: Variant, op: Op, fault: Fault): Outcome {
  if (op === "create" && fault === "slow") return "clear error";
  if (variant === "once") return "completed";
  if (op === "create" && fault === "reset-after") return "completed";
  return "clear error";
}

function rule(cell: Cell, method: string, pathPrefix: string): FaultRule {
  const r: FaultRule = { service: cell.service, method, pathPrefix, fault: cell.fault };
  if (cell.variant === "once") r.count = 1;
  // A throttled first attempt waits the Retry-After second; the give-up path ("always") does not need to.
  if (cell.fault === "429") r.retryAfterSeconds = cell.variant === "once" ? 1 : 0;
  if (cell.fault === "slow") r.delayMs = SLOW_MS;
  return r;
}

/** The base name a record was created under (Twilio update cells get a "-changed" friendly name). */
function records(ctx: BenchContext): { id: string; name: string; value: string }[] {
  return [
    ...ctx.emulator.tines.list().map((r) => ({ id: String(r.id), name: r.name, value: r.description })),
    ...ctx.emulator.twilio.list().map((r) => ({
      id: r.sid,
      name: (r.friendly_name ?? "").replace(/-changed$/, ""),
      value: r.friendly_name ?? "",
    })),
  ];
}

function errorFor(errors: string[], urn: string): string | undefined {
  const hit = errors.find((e) => e.startsWith(`${urn}: `));
  return hit?.slice(urn.length + 2);
}

function path(cell: Cell, id: string): string {
  return `${cell.service === "tines" ? TINES_BASE : TWILIO_BASE}/${id}`;
}

function method(cell: Cell): string {
  if (cell.op === "create") return "POST";
  if (cell.op === "read") return "GET";
  if (cell.op === "delete") return "DELETE";
  return cell.service === "tines" ? "PUT" : "POST";
}

/** Judges the error text: named method and path make it clear; anything else is an unclear error. */
function judgeError(cell: Cell, message: string, requestPath: string): void {
  cell.message = message;
  const named = message.includes(`${method(cell)} ${requestPath}`);
  cell.outcome = named ? "clear error" : "unclear error";
  if (!named) cell.problems.push(`the error does not name ${method(cell)} ${requestPath}`);
}

/**
 * Waits out slow requests (the emulator still processes them after the client gave up), clears the faults,
 * and notes every cell whose fault never fired (then the cell would prove nothing).
 */
async function settle(ctx: BenchContext, cells: Cell[], requestPath: (c: Cell) => string): Promise<void> {
  if (cells.some((c) => c.fault === "slow")) await sleep(SLOW_MS + 300);
  ctx.emulator.clearFaults();
  const entries = ctx.takeLog();
  for (const c of cells) {
    const hit = entries.some(
      (e) =>
        e.service === c.service && e.method === method(c) && e.path === requestPath(c) && e.fault === c.fault,
    );
    if (!hit) c.problems.push(`the ${c.fault} fault never fired on ${method(c)} ${requestPath(c)}`);
  }
}

async function runVariant(ctx: BenchContext, variant: Variant): Promise<Cell[]> {
  ctx.resetEmulator();
  // Tines ids from 100 up: every id has three digits, so a path prefix names exactly one credential.
  for (let i = 0; i < 99; i++) {
    const seeded = ctx.emulator.tines.seed({ name: "spacer", mode: "TEXT", team_id: 1, value: "spacer" });
    ctx.emulator.tines.remove(seeded.id);
  }
  const harness: EngineHarness = await ctx.startHarness({
    continueOnError: true,
    config: {
      "tines:timeoutMs": String(TIMEOUT_MS),
      "twilio:timeoutMs": String(TIMEOUT_MS),
      "tines:maxRetries": String(MAX_RETRIES),
      "twilio:maxRetries": String(MAX_RETRIES),
    },
  });
  const cells: Cell[] = [];
  for (const op of OPS) {
    for (const fault of FAULTS) {
      for (const kind of KIND_NAMES) {
        const label = kind.replace(/Credential$/, "");
        const decl = credential(kind, `fm-${variant}-${op}-${fault}-${label}`, ctx.secrets);
        cells.push({
          variant,
          op,
          fault,
          kind,
          service: serviceOf(kind),
          decl,
          urn: harness.urn(TYPE[decl.kind], decl.name),
          problems: [],
        });
      }
    }
  }
  const idOf = (c: Cell) => harness.state.get(c.urn)?.id;
  const byOp = (op: Op) => cells.filter((c) => c.op === op);
  const program = (decls: Decl[]) => ctx.writeProgram({ mode: "credentials", resources: decls });
  const up = async (decls: Decl[]): Promise<UpResult> => ctx.up(harness, program(decls));

  try {
    let declared = cells.filter((c) => c.op !== "create").map((c) => c.decl);
    const setup = await up(declared);
    if (!setup.ok) throw new Error(`setting up the matrix failed: ${setup.errors.slice(0, 3).join("; ")}`);

    // read: refresh with a GET fault on each read cell's own path.
    const ids = new Map(cells.map((c) => [c, idOf(c)]));
    for (const c of byOp("read")) ctx.emulator.injectFault(rule(c, "GET", path(c, ids.get(c)!)));
    const refreshed = await ctx.refresh(harness);
    await settle(ctx, byOp("read"), (c) => path(c, ids.get(c)!));
    const held = () => new Map(records(ctx).map((r) => [r.id, r]));
    for (const c of byOp("read")) {
      const error = errorFor(refreshed.errors, c.urn);
      if (error) judgeError(c, error, path(c, ids.get(c)!));
      else c.outcome = "completed";
      if (idOf(c) !== ids.get(c)) c.problems.push("the resource lost its id");
      if (!held().has(ids.get(c)!)) c.problems.push("the record is gone");
    }
    const reread = await ctx.refresh(harness);
    for (const c of byOp("read")) c.recovered = !errorFor(reread.errors, c.urn) && held().has(idOf(c) ?? "");

    // update: a new description / friendly name, with a PUT (Tines) or POST (Twilio) fault on its path.
    const isUpdate = new Set(byOp("update").map((c) => c.decl.name));
    declared = declared.map((d) => (isUpdate.has(d.name) ? changedDecl(d) : d));
    for (const c of byOp("update")) ctx.emulator.injectFault(rule(c, method(c), path(c, ids.get(c)!)));
    let result = await up(declared);
    await settle(ctx, byOp("update"), (c) => path(c, ids.get(c)!));
    const updated = (c: Cell) => {
      const r = held().get(ids.get(c)!);
      return (
        r !== undefined && r.value === (c.service === "tines" ? "bench changed" : `${c.decl.name}-changed`)
      );
    };
    for (const c of byOp("update")) {
      const error = errorFor(result.errors, c.urn);
      if (error) judgeError(c, error, path(c, ids.get(c)!));
      else {
        c.outcome = "completed";
        if (!updated(c)) c.problems.push("the record does not show the new value");
      }
      if (idOf(c) !== ids.get(c)) c.problems.push("the resource lost its id");
    }
    result = await up(declared);
    for (const c of byOp("update")) c.recovered = !errorFor(result.errors, c.urn) && updated(c);

    // delete: drop the delete cells from the program, with a DELETE fault on each one's path.
    const isDelete = new Set(byOp("delete").map((c) => c.decl.name));
    declared = declared.filter((d) => !isDelete.has(d.name));
    for (const c of byOp("delete")) ctx.emulator.injectFault(rule(c, "DELETE", path(c, ids.get(c)!)));
    result = await up(declared);
    await settle(ctx, byOp("delete"), (c) => path(c, ids.get(c)!));
    for (const c of byOp("delete")) {
      const error = errorFor(result.errors, c.urn);
      if (error) {
        judgeError(c, error, path(c, ids.get(c)!));
        // The engine keeps a resource whose delete failed; if the server did delete it, the next delete's
        // 404 counts as success (checked by the recovery run).
        if (idOf(c) === undefined) c.problems.push("a failed delete dropped the resource from state");
      } else {
        c.outcome = "completed";
        if (idOf(c) !== undefined) c.problems.push("still in state");
        if (held().has(ids.get(c)!)) c.problems.push("the record still exists");
      }
    }
    result = await up(declared);
    for (const c of byOp("delete")) {
      c.recovered = !errorFor(result.errors, c.urn) && idOf(c) === undefined && !held().has(ids.get(c)!);
    }

    // create: one fault per run, a POST fault on the collection path; per run one kind of each service side
    // by side (round r takes each service's r-th kind).
    const created = new Set<string>();
    const round = (kind: Kind) => KIND_NAMES.filter((k) => serviceOf(k) === serviceOf(kind)).indexOf(kind);
    const rounds = Math.max(...KIND_NAMES.map(round)) + 1;
    for (const [fault, r] of FAULTS.flatMap((f) =>
      Array.from({ length: rounds }, (_, i) => [f, i] as const),
    )) {
      const mine = byOp("create").filter((c) => c.fault === fault && round(c.kind) === r);
      for (const c of mine) {
        ctx.emulator.injectFault(rule(c, "POST", c.service === "tines" ? TINES_BASE : TWILIO_BASE));
      }
      const kept = cells.filter((c) => c.op === "create" && created.has(c.decl.name)).map((c) => c.decl);
      result = await up([...declared, ...kept, ...mine.map((c) => c.decl)]);
      await settle(ctx, mine, (c) => (c.service === "tines" ? TINES_BASE : TWILIO_BASE));
      for (const c of mine) {
        const error = errorFor(result.errors, c.urn);
        const recs = records(ctx).filter((r) => r.name === c.decl.name);
        const inState = idOf(c);
        if (inState !== undefined) created.add(c.decl.name);
        if (recs.length > 1) c.problems.push(`${recs.length} records (duplicate)`);
        if (error) {
          judgeError(c, error, c.service === "tines" ? TINES_BASE : TWILIO_BASE);
          const orphan = recs.find((r) => r.id !== inState);
          if (orphan && /adoptId/.test(error) && /may/.test(error)) c.announced = orphan.id;
          else if (orphan) c.problems.push(`orphan ${orphan.id}: a record exists that state does not hold`);
        } else {
          c.outcome = "completed";
          if (recs.length !== 1 || recs[0].id !== inState)
            c.problems.push("the record is not the one in state");
        }
      }
    }
    // Recovery: every create cell declared; an announced orphan adopted by id.
    const all = byOp("create").map((c) =>
      c.announced ? { ...c.decl, args: { ...c.decl.args, adoptId: c.announced } } : c.decl,
    );
    result = await up([...declared, ...all]);
    for (const c of byOp("create")) {
      const recs = records(ctx).filter((r) => r.name === c.decl.name);
      c.recovered = !errorFor(result.errors, c.urn) && recs.length === 1 && recs[0].id === idOf(c);
    }

    // Nothing anywhere outside state once everything has re-run.
    const stateIds = new Set([...harness.state.values()].map((r) => r.id));
    const strays = records(ctx).filter((r) => !stateIds.has(r.id));
    if (strays.length) {
      for (const c of cells) {
        if (strays.some((s) => s.name === c.decl.name))
          c.problems.push("a record outside state after recovery");
      }
    }
    return cells;
  } finally {
    await ctx.stopHarness(harness);
    ctx.resetEmulator();
  }
}

function verdict(c: Cell): { pass: boolean; why: string[] } {
  const why = [...c.problems];
  const expected = expectedOutcome(c.variant, c.op, c.fault);
  if (c.outcome !== expected) why.push(`expected ${expected}, got ${c.outcome ?? "nothing"}`);
  if (!c.recovered) why.push("did not converge after the fault cleared");
  return { pass: why.length === 0, why };
}

export async function faultsPart(ctx: BenchContext, report: Report): Promise<void> {
  const cells: Cell[] = [];
  for (const variant of VARIANTS) cells.push(...(await runVariant(ctx, variant)));

  // One table per variant: a row per operation x fault, a column per kind.
  for (const variant of VARIANTS) {
    const header = [`operation x fault (${variant})`, ...KIND_NAMES];
    const rows = [header, header.map(() => "---")];
    for (const op of OPS) {
      for (const fault of FAULTS) {
        const row = [`${op} x ${fault}`];
        for (const kind of KIND_NAMES) {
          const c = cells.find(
            (x) => x.op === op && x.fault === fault && x.variant === variant && x.kind === kind,
          )!;
          const { pass } = verdict(c);
          row.push(
            `${c.outcome ?? "?"}${c.announced ? " (announced, adopted)" : ""} ${pass ? "PASS" : "FAIL"}`,
          );
        }
        rows.push(row);
      }
    }
    report.section(
      `Fault matrix, fault ${variant} (outcome, PASS/FAIL per cell; see bench/parts/faults.ts for what PASS means)`,
      rows.map((r) => `| ${r.join(" | ")} |`).join("\n"),
    );
  }

  for (const variant of VARIANTS) {
    const mine = cells.filter((c) => c.variant === variant);
    const failing = mine.filter((c) => !verdict(c).pass);
    report.check(
      PART,
      `fault ${variant}: cells passing`,
      `${mine.length - failing.length}/${mine.length}`,
      `${mine.length}/${mine.length}`,
      failing.length === 0,
      failing
        .map(
          (c) =>
            `${c.op} x ${c.fault} (${c.kind}): ${verdict(c).why.join("; ")}${c.message ? ` [${c.message}]` : ""}`,
        )
        .join("\n"),
    );
  }
  const examples = new Map<string, string>();
  for (const c of cells) {
    const key = `${c.op} x ${c.fault} (${c.kind}, ${c.variant})`;
    if (c.message && ![...examples.keys()].some((k) => k.startsWith(`${c.op} x ${c.fault} `))) {
      examples.set(key, c.message);
    }
  }
  report.section(
    "Fault matrix: one error message per operation x fault, as the user sees it",
    [...examples].map(([key, message]) => `- ${key}: ${message}`).join("\n"),
  );
}
