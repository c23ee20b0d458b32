// Resource names and TypeScript identifiers for generated resources: valid, unique, and the same for
// the same estate on every run (derived from names and ids only, assigned in id order).

/** Longest base name taken from a credential's name, before any suffix that makes it unique. */
const MAX_BASE_LENGTH = 48;

/** ASCII kebab-case: accents folded (Café -> cafe), anything else between words becomes one dash. */
export function kebab(text: unknown): string {
  if (typeof text !== "string") return "";
  return text
    .normalize("NFKD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_BASE_LENGTH)
    .replace(/-+$/, "");
}

/** The first candidate with something left after kebab-casing, else the fallback. */
export function baseName(candidates: unknown[], fallback: string): string {
  for (const candidate of candidates) {
    const name = kebab(candidate);
    if (name) return name;
  }
  return fallback;
}

export interface Nameable {
  /** What the name is made from (kebab-case). */
  base: string;
  /** Makes the name unique among equal bases: the credential's id. */
  tag: string;
  /** The service, prefixed to an identifier that would otherwise be a reserved word or start with a digit. */
  service: string;
}

/**
 * Words a generated identifier must not be: JavaScript's reserved and strict-mode words, globals the
 * program relies on, and the names the program itself declares.
 */
const RESERVED = new Set(
  (
    "break case catch class const continue debugger default delete do else enum export extends false " +
    "finally for function if import in instanceof new null return super switch this throw true try typeof " +
    "var void while with yield let static implements interface package private protected public await " +
    "arguments eval undefined NaN Infinity globalThis require module exports __dirname __filename " +
    "pulumi config credentialIds Object Array String Number Boolean Symbol Promise Error JSON Math"
  ).split(" "),
);

/** `github-token-12` -> `githubToken12`; a dash between digits stays visible: `token-12-2` -> `token12_2`. */
const camel = (name: string) =>
  name.replace(/(\d)-(?=\d)/g, "$1_").replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * Unique resource names (kebab-case) and identifiers (camelCase) for `items`, in their order. Items
 * sharing a base all get their tag appended (so none depends on which came first); a name still
 * taken gets a counter. `taken` holds identifiers already in use (class names).
 */
export function assignNames(
  items: readonly Nameable[],
  taken: Iterable<string> = [],
): { name: string; ident: string }[] {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.base, (counts.get(item.base) ?? 0) + 1);
  const names = new Set<string>();
  const idents = new Set<string>(taken);
  const unique = (wanted: string, used: Set<string>, join: string) => {
    let candidate = wanted;
    for (let n = 2; used.has(candidate); n++) candidate = `${wanted}${join}${n}`;
    used.add(candidate);
    return candidate;
  };
  return items.map((item) => {
    const wanted = counts.get(item.base)! > 1 ? `${item.base}-${kebab(item.tag)}` : item.base;
    const name = unique(wanted, names, "-");
    let ident = camel(name);
    if (/^[0-9]/.test(ident) || RESERVED.has(ident)) ident = `${item.service}${pascal(ident)}`;
    return { name, ident: unique(ident, idents, "_") };
  });
}

/** The stack config key of one secret input of one resource: `githubToken` + `value` = `githubTokenValue`. */
export const secretKey = (ident: string, field: string) => `${ident}${pascal(field)}`;
