// The engine-path suites' leak scan: where a secret must never appear in plain text (state, `__provider`,
// the host's output, the program's output and errors), in each spelling it could take on the way there.
import type { EngineHarness } from "./engine";

/**
 * The spellings a secret can leak in, by name: inside a JSON string (and a JSON string holding JSON), and
 * percent-encoded in a URL or a form body (space as +). Defined here, independently of the provider's
 * redaction, so that the scans (these suites, the redaction suite, the bench's leak part) do not share its
 * blind spots.
 */
export const SPELLINGS: Readonly<Record<string, (secret: string) => string>> = {
  raw: (s) => s,
  "JSON-escaped": (s) => JSON.stringify(s).slice(1, -1),
  "JSON in JSON": (s) => JSON.stringify(JSON.stringify(s).slice(1, -1)).slice(1, -1),
  "URL-encoded": encodeURIComponent,
  "form-encoded": (s) => new URLSearchParams({ v: s }).toString().slice(2),
};

/** A secret in every spelling, each once. */
export function spellingsOf(secret: string): string[] {
  return [...new Set(Object.values(SPELLINGS).map((spell) => spell(secret)))];
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
