// Figures and how they are printed: every figure carries its value, its target and a verdict. A part that
// throws is recorded as a FAIL with the reason, so one broken part never hides the others' figures.

export type Verdict = "PASS" | "FAIL" | "INFO";

export interface Figure {
  part: string;
  name: string;
  value: string;
  target: string;
  verdict: Verdict;
  /** Why a FAIL failed (printed under the table). */
  why?: string;
}

export class Report {
  readonly figures: Figure[] = [];
  /** Extra tables and lists printed after the figures (e.g. the fault matrix). */
  readonly sections: { title: string; body: string }[] = [];

  section(title: string, body: string): void {
    this.sections.push({ title, body });
    log(`\n${title}\n\n${body}\n`);
  }

  /** A figure with a target: PASS when `ok`, otherwise FAIL with `why`. */
  check(part: string, name: string, value: string, target: string, ok: boolean, why?: string): boolean {
    this.add({ part, name, value, target, verdict: ok ? "PASS" : "FAIL", why: ok ? undefined : why });
    return ok;
  }

  /** A figure without a target (context such as p95 latencies or the floor's own time). */
  info(part: string, name: string, value: string, note = "-"): void {
    this.add({ part, name, value, target: note, verdict: "INFO" });
  }

  fail(part: string, name: string, why: string): void {
    this.add({ part, name, value: "error", target: "-", verdict: "FAIL", why });
  }

  private add(f: Figure): void {
    this.figures.push(f);
    const mark = f.verdict === "FAIL" ? "FAIL" : f.verdict === "PASS" ? "PASS" : "info";
    log(`  [${mark}] ${f.name}: ${f.value}${f.target !== "-" ? `  (target ${f.target})` : ""}`);
    if (f.why) log(`         why: ${f.why}`);
  }

  failures(): Figure[] {
    return this.figures.filter((f) => f.verdict === "FAIL");
  }

  /** The summary table, as Markdown (it is pasted into bench/README.md as is). */
  table(): string {
    const rows = [["part", "figure", "value", "target", "result"]];
    for (const f of this.figures) rows.push([f.part, f.name, f.value, f.target, f.verdict]);
    const esc = (s: string) => s.replace(/\|/g, "\\|");
    const lines = rows.map((r) => `| ${r.map(esc).join(" | ")} |`);
    lines.splice(1, 0, "|---|---|---|---|---|");
    return lines.join("\n");
  }
}

export function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Nearest-rank percentile of a sample (p in 0..100). */
export function percentile(sample: readonly number[], p: number): number {
  if (sample.length === 0) return NaN;
  const sorted = [...sample].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
}

export const median = (sample: readonly number[]) => percentile(sample, 50);

export function ms(value: number, digits = 2): string {
  return `${value.toFixed(digits)} ms`;
}

export function ratio(value: number): string {
  return `${value.toFixed(2)}x`;
}

export function bytes(value: number): string {
  return `${value} B`;
}

export const sleep = (millis: number) => new Promise((resolve) => setTimeout(resolve, millis));

/** Milliseconds since `start` (from performance.now()). */
export function since(start: number): number {
  return performance.now() - start;
}
