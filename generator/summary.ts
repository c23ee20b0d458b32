// The summary the CLI prints: what was found, what was written, which secret keys to set, what was left out.
import type { GenerateResult } from "./index";

const counts = (byMode: Record<string, number>) =>
  Object.entries(byMode)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([mode, n]) => `${mode} ${n}`)
    .join(", ");

export function summary(result: GenerateResult, outDir: string): string {
  const { plan, reads } = result;
  const lines: string[] = [];
  for (const [service, read] of [
    ["Tines", reads.tines],
    ["Twilio", reads.twilio],
  ] as const) {
    if (!read) continue;
    const found = plan.found[service === "Tines" ? "tines" : "twilio"];
    const total = Object.values(found).reduce((a, b) => a + b, 0);
    lines.push(
      `${service} (${read.origin}): ${total} credential(s) in ${read.pages} list page(s)` +
        (total > 0 ? `: ${counts(found)}` : ""),
    );
  }
  const byClass: Record<string, number> = {};
  for (const r of plan.resources) byClass[r.kind.className] = (byClass[r.kind.className] ?? 0) + 1;
  const wired = plan.resources.filter((r) => r.live && "resource" in r.live).length;
  lines.push(
    `Wrote ${plan.resources.length} resource(s) to ${outDir}/index.ts` +
      (plan.resources.length > 0 ? ` (${counts(byClass)})` : "") +
      (wired > 0 ? `; ${wired} test credential(s) wired to their live credential` : ""),
  );
  const keys = plan.resources.flatMap((r) => r.fromConfig).filter((k) => !k.optional);
  const kept = plan.resources.flatMap((r) => r.kept);
  if (keys.length > 0) {
    const secret = keys.filter((k) => k.secret).length;
    const other = keys.length - secret;
    lines.push(
      `Secret keys to set: ${secret}${other > 0 ? `, and ${other} value(s) the service never returns` : ""} ` +
        `(commands in ${outDir}/SECRETS.md)`,
    );
  }
  if (kept.length > 0) {
    lines.push(
      `Secrets kept as the services store them (--keep-stored-secrets): ${kept.length}, none to set`,
    );
  }
  if (plan.skipped.length > 0) {
    lines.push(`Skipped ${plan.skipped.length}:`);
    for (const s of plan.skipped) lines.push(`  ${s.title}: ${s.reason}`);
  }
  for (const note of plan.notes) lines.push(`Note: ${note}`);
  lines.push(
    `Next: cd ${outDir} && npm install, set the connection settings${keys.length > 0 ? " and the secrets" : ""} ` +
      `listed in SECRETS.md, then pulumi up (it adopts every credential; a following preview shows no change).`,
  );
  return lines.join("\n");
}
