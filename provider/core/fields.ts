// Field descriptors: each attribute of a credential states in one place its API name, its value
// kind, whether it is required, secret, or forces replacement, any extra rule, and what it is (the
// description the classes' JSDoc and the README's tables are made from). Validation (check),
// comparison (diff), request bodies and response mapping are all driven from these tables.

import { isLoopbackHost } from "./http";

/** The value the engine sends for an input that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** The property the dynamic provider host adds to every input bag; never sent to an API. */
export const PROVIDER_KEY = "__provider";

/**
 * `id` / `idList`: integers naming a record (team, folder, credential, user), so positive; the
 * numeric string "42" is accepted and canonicalised to 42.
 */
export type ValueKind =
  "string" | "id" | "seconds" | "boolean" | "stringList" | "idList" | "object" | "objectList" | "timestamp";

export type Inputs = Record<string, unknown>;

export interface Field {
  /**
   * What the field is, in a sentence or two, as a Terraform attribute's description: the one source
   * of the classes' JSDoc and the README's input and output tables (`npm run docs` writes both).
   */
  description: string;
  /** Name in the service's API requests. Absent for provider-only inputs such as `adoptId`. */
  api?: string;
  /** Name in the service's responses when it differs from the request name (PascalCase in, snake_case out). */
  returnedAs?: string;
  kind: ValueKind;
  required?: boolean;
  /** Never returned by the API, stored only as a Pulumi secret, redacted from every message. */
  secret?: boolean;
  /**
   * Not secret, but no documented answer carries it: state keeps the declared value, never one an
   * answer holds, and an out-of-band change drops it (as it drops secrets) so the next `up` sends it
   * again. Every secret is write-only too.
   */
  writeOnly?: boolean;
  /** For an `objectList`: the fields of each item, whose `api` names are the item's keys in requests. */
  items?: FieldTable;
  /** The update endpoint cannot change it: a new value replaces the credential. */
  replaces?: boolean;
  oneOf?: readonly string[];
  /** Extra rule for a present, known value: returns the reason it is broken. */
  rule?: (value: unknown) => string | undefined;
  /**
   * The documented value of a field that is not given. An unset input means this value: diff
   * compares the stored value with it, and an update sends it explicitly, so the update is right
   * whether the service's PUT replaces the record or merges into it. An optional field without one
   * says why in a comment (no value is ever sent for it when unset; its stored value is left alone).
   */
  serverDefault?: unknown;
  /**
   * A test credential (see CredentialSpec.isTestCredential) takes it from its live credential when
   * not declared: then an unset input is left alone rather than meaning `serverDefault`.
   */
  inheritedByTestCredential?: boolean;
}

export type FieldTable = Readonly<Record<string, Field>>;

export interface CheckFailure {
  property: string;
  reason: string;
}

export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (isPlainObject(value)) return Object.values(value).some(isUnknown);
  return false;
}

/** A value counts as given when it is set, even if not known yet (preview). */
export const given = (value: unknown) => value !== undefined && value !== null;
/** Given and known: safe to apply a rule to. */
export const known = (value: unknown) => given(value) && !isUnknown(value);
/** A rule: the empty string is not a value. */
export const nonEmpty = (value: unknown) => (value === "" ? "must not be empty" : undefined);

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const ISO_8601 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-](\d{2}):?(\d{2}))$/;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** A real calendar date-time: `Date.parse` would roll 2030-02-31 over to March, so check each part. */
export function isIsoTimestamp(value: string): boolean {
  const m = ISO_8601.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second, , , offsetHour, offsetMinute] = m
    .slice(1)
    .map((part) => Number(part ?? 0));
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(year, month) &&
    hour < 24 &&
    minute < 60 &&
    second < 60 &&
    offsetHour < 24 &&
    offsetMinute < 60 &&
    !Number.isNaN(Date.parse(value))
  );
}

/** Length as a person (and the services) count it: code points, so an emoji is one character. */
export const characterCount = (text: string) => [...text].length;

/** A rule: at most `limit` characters. */
export const maxCharacters = (limit: number) => (value: unknown) =>
  characterCount(value as string) > limit ? `must be at most ${limit} characters` : undefined;

/**
 * Checks one value against its kind. Returns the value in canonical form (an id given as a
 * numeric string becomes a number) or a failure reason.
 */
function checkKind(field: Field, value: unknown): { value: unknown } | { reason: string } {
  switch (field.kind) {
    case "string":
      return typeof value === "string" ? { value } : { reason: `must be a string, got ${describe(value)}` };
    case "timestamp":
      return typeof value === "string" && isIsoTimestamp(value)
        ? { value }
        : { reason: "must be an ISO 8601 date-time such as 2030-01-31T12:00:00Z" };
    case "boolean":
      return typeof value === "boolean" ? { value } : { reason: `must be a boolean, got ${describe(value)}` };
    case "seconds": {
      const seconds = toInteger(value);
      if (!seconds) return { reason: `must be a whole number of seconds, got ${describe(value)}` };
      return seconds.value >= 0 ? seconds : { reason: "must be zero or more seconds" };
    }
    case "id": {
      const id = toInteger(value);
      if (!id) return { reason: `must be an integer, got ${describe(value)}` };
      return id.value > 0 ? id : { reason: "must be a positive integer (an id)" };
    }
    case "stringList":
      return Array.isArray(value) && value.every((v) => typeof v === "string")
        ? { value }
        : { reason: "must be a list of strings" };
    case "idList": {
      const items = Array.isArray(value) ? value.map(toInteger) : [undefined];
      return items.every((i) => i !== undefined && i.value > 0)
        ? { value: items.map((i) => i!.value) }
        : { reason: "must be a list of positive integers (ids)" };
    }
    case "object":
      return isPlainObject(value) ? { value } : { reason: `must be an object, got ${describe(value)}` };
    case "objectList":
      // Each item's own fields are checked by checkFields, which names the item's property.
      return Array.isArray(value) && value.every(isPlainObject)
        ? { value }
        : { reason: "must be a list of objects" };
  }
}

function toInteger(value: unknown): { value: number } | undefined {
  if (typeof value === "number" && Number.isSafeInteger(value)) return { value };
  if (typeof value === "string" && /^-?\d{1,15}$/.test(value)) return { value: Number(value) };
  return undefined;
}

/** Names a value's type for an error message without ever quoting the value itself. */
function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

/**
 * Validates inputs against a field table: presence, kind, enumerations and per-field rules.
 * Unknown values (preview) pass. Inputs the table does not know are dropped, so they are never sent.
 * With `storedKept` (see keepsStoredSecrets in spec.ts) a required field no answer carries (secret or
 * write-only) may be left unset: the service keeps what it stores.
 */
export function checkFields(
  fields: FieldTable,
  news: Inputs,
  options: { storedKept?: boolean } = {},
): { inputs: Inputs; failures: CheckFailure[] } {
  const inputs: Inputs = {};
  const failures: CheckFailure[] = [];
  for (const [name, field] of Object.entries(fields)) {
    const value = news[name];
    if (!given(value)) {
      const kept = options.storedKept && (field.secret || field.writeOnly);
      if (field.required && !kept) failures.push({ property: name, reason: "is required" });
      continue;
    }
    if (isUnknown(value)) {
      inputs[name] = value;
      continue;
    }
    const checked = checkKind(field, value);
    if ("reason" in checked) {
      failures.push({ property: name, reason: checked.reason });
      continue;
    }
    if (field.items) {
      const items = checkItems(name, field.items, checked.value as Inputs[]);
      failures.push(...items.failures);
      if (items.failures.length > 0) continue;
      checked.value = items.inputs;
    }
    const reason =
      field.oneOf && !field.oneOf.includes(checked.value as string)
        ? `must be one of ${field.oneOf.join(", ")}`
        : field.rule?.(checked.value);
    if (reason) failures.push({ property: name, reason });
    else inputs[name] = checked.value;
  }
  return { inputs, failures };
}

/** Checks each item of a list against the item table; a failure names the item, e.g. `list[1].options`. */
function checkItems(name: string, fields: FieldTable, items: Inputs[]) {
  const inputs: Inputs[] = [];
  const failures: CheckFailure[] = [];
  items.forEach((item, index) => {
    const checked = checkFields(fields, item);
    inputs.push(checked.inputs);
    for (const f of checked.failures)
      failures.push({ property: `${name}[${index}].${f.property}`, reason: f.reason });
  });
  return { inputs, failures };
}

/** Equality as the user means it: timestamps by instant, lists as sets, objects by content. */
export function sameValue(kind: ValueKind, a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || a === null || b === undefined || b === null) return false;
  if (kind === "timestamp" && typeof a === "string" && typeof b === "string") {
    return Date.parse(a) === Date.parse(b);
  }
  if ((kind === "stringList" || kind === "idList") && Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && deepEqual([...a].sort(), [...b].sort());
  }
  const scalar = (v: unknown) => typeof v === "number" || typeof v === "string";
  if ((kind === "id" || kind === "seconds") && scalar(a) && scalar(b)) return Number(a) === Number(b);
  return deepEqual(a, b);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a).filter((k) => a[k] !== undefined);
    const otherKeys = Object.keys(b).filter((k) => b[k] !== undefined);
    return keys.length === otherKeys.length && keys.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

/**
 * What an unset input stands for: its documented default, or nothing (the service's value is left
 * alone) when it has none or, on a test credential, when the live credential supplies it.
 */
export function unsetMeans(field: Field, testCredential: boolean): { value: unknown } | undefined {
  if (field.serverDefault === undefined) return undefined;
  if (testCredential && field.inheritedByTestCredential) return undefined;
  return { value: field.serverDefault };
}

/** Names of the fields no answer carries (secret or write-only): state only ever holds the declared value. */
export function writeOnlyNames(fields: FieldTable): string[] {
  return Object.entries(fields)
    .filter(([, f]) => f.secret || f.writeOnly)
    .map(([name]) => name);
}

/**
 * The secret texts set in these inputs, nested ones included (a secret field inside the items of a
 * list): what redaction and the state checks look for.
 */
export function secretTexts(fields: FieldTable, inputs: Inputs): string[] {
  const texts: string[] = [];
  for (const name of Object.keys(fields)) {
    const field = fields[name];
    const value = inputs[name];
    if (field.secret && typeof value === "string" && value !== "") texts.push(value);
    if (field.items && Array.isArray(value)) {
      for (const item of value) if (isPlainObject(item)) texts.push(...secretTexts(field.items, item));
    }
  }
  return texts;
}

/** A rule: an absolute https URL (plain http only for a loopback host, as in tests). Never quotes the value. */
export function httpsUrl(value: unknown): string | undefined {
  let url: URL;
  try {
    url = new URL(value as string);
  } catch {
    return "must be an absolute URL such as https://login.example.com/oauth/token";
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return undefined;
  return "must be an https:// URL (http:// is accepted only for a loopback host)";
}

/** Names of the fields marked secret in a table. */
export function secretNames(fields: FieldTable): string[] {
  return Object.entries(fields)
    .filter(([, f]) => f.secret)
    .map(([name]) => name);
}

/** The inputs without the host's `__provider` and without unset values. */
export function declaredInputs(props: Inputs): Inputs {
  const out: Inputs = {};
  // Object.keys, not Object.entries: no pair array per property, on every hook. An own "__proto__" key
  // (JSON state can hold one) is no input, and assigned here it would become the copy's prototype.
  for (const k of Object.keys(props)) {
    const v = props[k];
    if (k !== PROVIDER_KEY && k !== "__proto__" && v !== undefined) out[k] = v;
  }
  return out;
}
