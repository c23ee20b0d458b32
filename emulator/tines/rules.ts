// Field rules of the Tines emulation: each returns what is wrong with a value, or undefined when it is
// fine. A problem starting with "[" names a place inside the value (`credential_requests[1].options ...`).
import { isPlainObject } from "../http";

export type Rule = (v: unknown) => string | undefined;

export const isInt = (v: unknown): v is number => typeof v === "number" && Number.isInteger(v);
export const nonEmptyString: Rule = (v) =>
  typeof v === "string" && v.trim() !== "" ? undefined : "must be a non-empty string";
export const nonEmptyStringOrNull: Rule = (v) => (v === null ? undefined : nonEmptyString(v));
export const anyString: Rule = (v) => (typeof v === "string" ? undefined : "must be a string");
export const positiveInt: Rule = (v) => (isInt(v) && v > 0 ? undefined : "must be a positive integer");
export const positiveIntOrNull: Rule = (v) => (v === null ? undefined : positiveInt(v));
export const boolean: Rule = (v) => (typeof v === "boolean" ? undefined : "must be a boolean");
export const object: Rule = (v) => (isPlainObject(v) ? undefined : "must be a JSON object");
export const stringArray: Rule = (v) =>
  Array.isArray(v) && v.every((x) => typeof x === "string") ? undefined : "must be an array of strings";
export const intArray: Rule = (v) =>
  Array.isArray(v) && v.every((x) => isInt(x)) ? undefined : "must be an array of integers";
export const oneOf =
  (values: readonly string[]): Rule =>
  (v) =>
    typeof v === "string" && values.includes(v) ? undefined : `must be one of ${values.join(", ")}`;
export const oneOfOrNull =
  (values: readonly string[]): Rule =>
  (v) =>
    v === null || (typeof v === "string" && values.includes(v))
      ? undefined
      : `must be one of ${values.join(", ")} or null`;

/** An absolute http(s) URL. The docs only say "URL"; anything else cannot be an OAuth endpoint. */
export const absoluteUrl: Rule = (v) => {
  const problem = "must be an absolute http or https URL";
  if (typeof v !== "string") return problem;
  try {
    const { protocol } = new URL(v);
    return protocol === "https:" || protocol === "http:" ? undefined : problem;
  } catch {
    return problem;
  }
};
export const absoluteUrlOrNull: Rule = (v) => (v === null ? undefined : absoluteUrl(v));

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** Parses an ISO 8601 date or date-time (no offset means UTC) into a Date, or undefined. */
export function parseIso8601(v: string): Date | undefined {
  const m = ISO_8601.exec(v);
  if (!m) return undefined;
  let text = v;
  if (m[4] !== undefined && m[7] === undefined) text += "Z";
  else if (m[7] !== undefined && /^[+-]\d{4}$/.test(m[7]))
    text = text.slice(0, -5) + m[7].slice(0, 3) + ":" + m[7].slice(3);
  const d = new Date(text);
  if (Number.isNaN(d.getTime())) return undefined;
  // Reject impossible calendar dates (e.g. 2026-02-30) that Date silently rolls over.
  if (m[7] === undefined || /^z$/i.test(m[7])) {
    const iso = d.toISOString();
    if (iso.slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return undefined;
  }
  return d;
}

export const isoOrNull: Rule = (v) =>
  v === null || (typeof v === "string" && parseIso8601(v) !== undefined)
    ? undefined
    : "must be an ISO 8601 timestamp or null";

/** The keys a `credential_requests` item may have (documented; the Go SDK sends the same two). */
export const CREDENTIAL_REQUEST_KEYS: readonly string[] = ["options", "http_request_secret"];

/**
 * MULTI_REQUEST's `credential_requests`: exactly two `{options: object, http_request_secret?: string}`.
 * An unknown key is refused rather than ignored: a secret sent under a misspelt key would otherwise be
 * dropped without a word.
 */
export const twoCredentialRequests: Rule = (v) => {
  if (!Array.isArray(v) || v.length !== 2) return "must be an array of exactly two requests";
  for (const [i, item] of v.entries()) {
    if (!isPlainObject(item)) return `[${i}] must be a JSON object`;
    const unknown = Object.keys(item).find((k) => !CREDENTIAL_REQUEST_KEYS.includes(k));
    if (unknown !== undefined) {
      return `[${i}] has an unknown key ${JSON.stringify(unknown)} (allowed: ${CREDENTIAL_REQUEST_KEYS.join(", ")})`;
    }
    if (!isPlainObject(item.options)) return `[${i}].options must be a JSON object`;
    if (item.http_request_secret !== undefined && nonEmptyString(item.http_request_secret) !== undefined) {
      return `[${i}].http_request_secret must be a non-empty string`;
    }
  }
  return undefined;
};
