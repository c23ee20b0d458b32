// Part 8: after everything else ran, every secret the run handed out (the two connection secrets, the
// Twilio basic-auth header value, and every secret input of every credential: values, JWT keys line by line,
// AWS secret keys, the secret half of KEY:SECRET pairs) is searched for in every place the run produced: the
// provider hosts' output, every error, the emulator's log, every `__provider` the SDK serialized, every
// registration field the SDK sent that is not marked secret, the state snapshots and the programs' output.
// A positive control (the same registrations with their secret fields left in) proves the search finds
// what it looks for.
import { BenchContext } from "../lib/context";
import { requestsPart } from "./requests";
import { log, Report } from "../lib/report";
import { isSecretValue, SPELLINGS } from "../../tests/integration/harness";

const PART = "8 leaks";

/** The value with every secret-marked value (the SDK's secret wrapper) removed. */
function withoutSecrets(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutSecrets);
  if (v && typeof v === "object") {
    if (isSecretValue(v)) return "[secret]";
    const o = v as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [k, e] of Object.entries(o)) out[k] = withoutSecrets(e);
    return out;
  }
  return v;
}

/** Every needle in every spelling; a spelling equal to one already listed is listed once. */
function spelledNeedles(needles: { needle: string; label: string }[]): { needle: string; label: string }[] {
  const out = new Map<string, string>();
  for (const { needle, label } of needles) {
    for (const [name, spell] of Object.entries(SPELLINGS)) {
      const spelled = spell(needle);
      if (!out.has(spelled)) out.set(spelled, name === "raw" ? label : `${label} (${name})`);
    }
  }
  return [...out].map(([needle, label]) => ({ needle, label }));
}

/** Counts occurrences of any needle. Random hex tails are looked up in a map; other needles by search. */
function scanner(
  needles: { needle: string; label: string }[],
): (text: string) => { hits: number; labels: string[] } {
  const byHex = new Map<string, string>();
  const plain: { needle: string; label: string }[] = [];
  for (const n of needles) {
    const m = /([0-9a-f]{24})$/.exec(n.needle);
    if (m) byHex.set(m[1], n.label);
    else plain.push(n);
  }
  return (text) => {
    const labels: string[] = [];
    for (const m of text.matchAll(/[0-9a-f]{24}/g)) {
      const label = byHex.get(m[0]);
      if (label) labels.push(label);
    }
    for (const { needle, label } of plain) {
      let at = text.indexOf(needle);
      while (at >= 0) {
        labels.push(label);
        at = text.indexOf(needle, at + needle.length);
      }
    }
    return { hits: labels.length, labels };
  };
}

export async function leaksPart(ctx: BenchContext, report: Report): Promise<void> {
  if (ctx.evidence.registrations.length === 0) {
    // Run alone: produce material first (a full create / update / refresh / delete cycle).
    log("  (run alone: part 1 runs first to produce something to scan; its figures are not reported)");
    await requestsPart(ctx, new Report());
  }
  const e = ctx.evidence;
  const needles = spelledNeedles(ctx.secrets.list());
  const scan = scanner(needles);
  const places: [string, string[]][] = [
    ["provider host output", e.hostOutputs],
    ["errors", [...e.errors, ...report.failures().map((f) => f.why ?? "")]],
    ["emulator log", e.emulatorLogs.map((entry) => JSON.stringify(entry))],
    ["captured __provider", e.providers],
    ["registration fields not marked secret", e.registrations.map((r) => JSON.stringify(withoutSecrets(r)))],
    ["state snapshots", e.snapshots],
    ["program output", e.programOutputs],
  ];
  report.info(
    PART,
    "searched",
    `${ctx.secrets.list().length} secret strings (${needles.length} spellings: raw, JSON-escaped, JSON in JSON, ` +
      `URL- and form-encoded) in ${places.map(([n, xs]) => `${xs.length} ${n}`).join(", ")}`,
  );
  for (const [name, texts] of places) {
    let hits = 0;
    const labels = new Set<string>();
    for (const text of texts) {
      const found = scan(text);
      hits += found.hits;
      for (const l of found.labels) labels.add(l);
    }
    report.check(
      PART,
      `hits in ${name}`,
      `${hits}`,
      "0",
      hits === 0,
      `secrets found: ${[...labels].slice(0, 10).join(", ")}`,
    );
  }
  let control = 0;
  for (const r of e.registrations) control += scan(JSON.stringify(r)).hits;
  report.check(
    PART,
    "positive control: hits in registrations with secret fields left in",
    `${control}`,
    "> 0",
    control > 0,
    "the scanner found nothing where secrets certainly are: the scan proves nothing",
  );
}
