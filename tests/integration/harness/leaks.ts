// The engine-path suites' leak scan: where a secret must never appear in plain text (state, `__provider`,
// the host's output, the program's output and errors), in each spelling it could take on the way there.
import type { EngineHarness } from "./engine";

/** A secret as it could appear in text: as is, JSON-escaped (once and twice), URL- and form-encoded. */
export function spellingsOf(secret: string): string[] {
  const json = JSON.stringify(secret).slice(1, -1);
  return [
    ...new Set([
      secret,
      json,
      JSON.stringify(json).slice(1, -1),
      encodeURIComponent(secret),
      new URLSearchParams({ s: secret }).toString().slice(2),
    ]),
  ];
}

/** The places a stack's secrets must stay out of, as text; take them before a destroy empties the state. */
export function leakPlaces(engine: EngineHarness, programTexts: string[]): Record<string, string> {
  return {
    state: JSON.stringify(engine.stateSnapshot()),
    __provider: engine.registrations.map((g) => g.provider ?? "").join("\n"),
    "host output": engine.hostOutput(),
    "program output and errors": programTexts.join("\n"),
  };
}

/**
 * The labels (never the values) of the secrets found in each place, in any spelling: `{}` when none is.
 * `secrets`: label -> secret.
 */
export function leaksIn(
  places: Record<string, string>,
  secrets: Record<string, string>,
): Record<string, string[]> {
  const spelled = Object.entries(secrets).map(([label, secret]) => [label, spellingsOf(secret)] as const);
  const found: Record<string, string[]> = {};
  for (const [place, text] of Object.entries(places)) {
    const labels = spelled.filter(([, forms]) => forms.some((f) => text.includes(f))).map(([label]) => label);
    if (labels.length > 0) found[place] = labels;
  }
  return found;
}
