// From the records the services listed to the resources a program declares: which class, which
// literal inputs, which secrets, which live credential a test credential hangs on, and why a record
// is left out. Pure: no HTTP, no files.
import { Field, FieldTable, Inputs, isPlainObject, sameValue, UNKNOWN } from "../provider/core/fields";
import { secretDetector } from "../provider/core/http";
import { ADOPT as ADOPT_ID, ApiRecord } from "../provider/core/spec";
import { GENERATOR_KINDS, GeneratorKind, GeneratorService, tinesKindFor, twilioKind } from "./kinds";
import { assignNames, baseName, secretKey } from "./names";
import type { ServiceRead } from "./read";

/** The input naming a test credential's live credential: wired to the live resource, not a number. */
const LIVE_CREDENTIAL_ID = "liveCredentialId";
/** The Twilio input that names a subaccount: declared only for a subaccount's credential. */
const ACCOUNT_SID = "accountSid";

/** An input the service never returns (a secret, or a write-only field): it comes from the stack config. */
export interface PlannedConfigInput {
  /** The input (`value`, `jwtPrivateKey`, `oauthClientId`, ...). */
  field: string;
  /** The stack config key it is read from. */
  key: string;
  /** Read as a secret (`config.requireSecret`), else as plain config (a write-only field). */
  secret: boolean;
  /**
   * Optional: a field with a documented default that no answer carries, read with `config.get*`. Left
   * unset the adopted credential keeps what it stores; set, it is sent.
   */
  optional: boolean;
}

export interface PlannedResource {
  kind: GeneratorKind;
  /** `Tines TEXT credential 12`, `Twilio AWS credential CR...`. */
  title: string;
  /** The credential's own name as the service stores it (shown escaped, never trusted as code). */
  displayName?: string;
  /** Where it lives: `team 2`, `account AC...`. */
  context: string;
  adoptId: number | string;
  /** Resource name (kebab-case) and TypeScript identifier, unique in the program. */
  name: string;
  ident: string;
  /** Literal inputs in field-table order, in the provider's canonical form. */
  fields: { name: string; value: unknown }[];
  /** A test credential's live credential: its resource in this program, or its id when it is not in it. */
  live?: { resource: PlannedResource } | { id: number };
  /** Inputs the service never returns, read from the stack config. */
  fromConfig: PlannedConfigInput[];
  /** Such inputs left unset, so the service keeps what it stores (--keep-stored-secrets). */
  kept: PlannedConfigInput[];
}

export interface SkippedCredential {
  service: GeneratorService;
  title: string;
  reason: string;
}

export interface Plan {
  resources: PlannedResource[];
  skipped: SkippedCredential[];
  /** Credentials listed, by service and mode: `{ tines: { TEXT: 3 }, twilio: { AWS: 2 } }`. */
  found: Record<GeneratorService, Record<string, number>>;
  /** Things worth knowing that left nothing out (a test credential whose live one cannot be told). */
  notes: string[];
}

export interface PlanOptions {
  tines?: ServiceRead;
  twilio?: ServiceRead;
  keepStoredSecrets: boolean;
  /** The account the Twilio settings authenticate as, when known: its credentials need no accountSid. */
  twilioAccountSid?: string;
  /** Subaccounts whose credentials are adopted too (with accountSid), or all of them. */
  twilioSubaccounts: readonly string[] | "all";
  kinds?: readonly GeneratorKind[];
}

/** A record made ready for naming: everything but the name. */
interface Draft extends Omit<PlannedResource, "name" | "ident" | "live" | "fromConfig" | "kept"> {
  base: string;
  tag: string;
  /** The inputs the service never returns that check requires. */
  configFields: string[];
  /** Those with a documented default that check does not require. */
  optionalFields: string[];
  liveId?: number;
  /** Sort key: lives and their test credentials stay together. */
  order: (number | string)[];
}

const positiveId = (value: unknown): number | undefined => {
  const id = typeof value === "string" && /^\d{1,15}$/.test(value) ? Number(value) : value;
  return typeof id === "number" && Number.isSafeInteger(id) && id > 0 ? id : undefined;
};

/** Text safe to quote in a reason: the service's own words, cut. */
const quoted = (value: unknown) => JSON.stringify(String(value).slice(0, 80));

/** An input no answer carries: a secret, or a write-only field. */
const neverReturned = (field: Field) => field.secret === true || field.writeOnly === true;

/**
 * The literal inputs a record stands for: each input the service returns, under its API name (null is
 * the unset value, so left out), skipping those a test credential takes from its live one.
 */
function returnedInputs(fields: FieldTable, record: ApiRecord, live?: ApiRecord): Inputs {
  const inputs: Inputs = {};
  for (const [name, field] of Object.entries(fields)) {
    if (name === ADOPT_ID || name === LIVE_CREDENTIAL_ID || neverReturned(field) || field.api === undefined)
      continue;
    const api = field.returnedAs ?? field.api;
    const value = record[api];
    if (value === undefined || value === null) continue;
    if (live && field.inheritedByTestCredential && sameValue(field.kind, value, live[api])) continue;
    inputs[name] = value;
  }
  return inputs;
}

/** Whether a value holds an object key `__proto__` at any depth. */
const holdsProtoKey = (value: unknown): boolean =>
  Array.isArray(value)
    ? value.some(holdsProtoKey)
    : isPlainObject(value) && (Object.hasOwn(value, "__proto__") || Object.values(value).some(holdsProtoKey));

/**
 * Why literal inputs cannot be declared as they are, if they cannot: the engine carries objects as
 * google.protobuf.Struct, whose conversion to JavaScript drops a `__proto__` key (adopting the
 * credential would then see a difference and write the key away), and the SDK cannot register a
 * top-level object with a `toString` key.
 */
function undeclarable(literal: Inputs): string | undefined {
  const proto = Object.keys(literal).find((n) => holdsProtoKey(literal[n]));
  if (proto !== undefined) {
    return (
      `${proto} holds an object key named __proto__, which Pulumi's engine drops (google.protobuf.Struct), ` +
      `so it cannot be declared as it is stored`
    );
  }
  // @pulumi/pulumi turns each input into text while registering (rpc.safeToString), which throws for an
  // object whose `toString` is not a function: the program would fail (or hang) at that resource.
  const text = Object.keys(literal).find((n) => {
    try {
      String(literal[n]);
      return false;
    } catch {
      return true;
    }
  });
  return text === undefined
    ? undefined
    : `${text} holds a key named toString, on which @pulumi/pulumi's registration fails (its rpc ` +
        `safeToString converts each input to text), so it cannot be declared as it is stored`;
}

/**
 * Which inputs the service never returns a record needs from the stack config, the literal inputs
 * checked, or why the provider would refuse it. Those needed are the ones check asks for when none is
 * given (TEXT `value`, AWS `awsSecretKey` for KEY only, the OAUTH fields, ...); any other is optional and
 * kept as stored on an adopted credential.
 */
function checked(kind: GeneratorKind, literal: Inputs, adoptId: unknown, keep: boolean, linked: boolean) {
  const withLink = linked ? { ...literal, [LIVE_CREDENTIAL_ID]: UNKNOWN } : literal;
  const configFields = [
    ...new Set(
      kind
        .check(withLink)
        .failures.map((f) => f.property)
        .filter((name) => kind.inputs[name] !== undefined && neverReturned(kind.inputs[name])),
    ),
  ];
  // Optional ones too: one with a documented default can be reset by an update that leaves it out.
  const optionalFields = Object.keys(kind.inputs).filter(
    (name) =>
      neverReturned(kind.inputs[name]) &&
      kind.inputs[name].serverDefault !== undefined &&
      !configFields.includes(name),
  );
  const declared: Inputs = { ...withLink, [ADOPT_ID]: adoptId };
  if (!keep) for (const name of configFields) declared[name] = UNKNOWN;
  const { inputs, failures } = kind.check(declared);
  const reason =
    failures.length === 0
      ? undefined
      : `the provider would refuse it: ${failures.map((f) => `${f.property} ${f.reason}`).join("; ")}`;
  return { inputs, configFields, optionalFields, reason };
}

/** The literal fields in table order, as check returned them (ids canonical), links and config inputs aside. */
function literalFields(kind: GeneratorKind, inputs: Inputs, configFields: string[]) {
  return Object.keys(kind.inputs)
    .filter((name) => name !== ADOPT_ID && name !== LIVE_CREDENTIAL_ID && !configFields.includes(name))
    .filter((name) => inputs[name] !== undefined && inputs[name] !== UNKNOWN)
    .map((name) => ({ name, value: inputs[name] }));
}

/**
 * Test credential -> live credential, from what the service reports: a record's own
 * `live_credential_id` (not documented, honoured if present), else a live record's `test_credential`:
 * its `id` if present, else its `created_at` (and `updated_at`, to break a tie) matched against the
 * records of the same mode. A test credential claimed twice, or a match that is not unique, is not linked.
 */
function testCredentialLinks(records: ApiRecord[], notes: string[]): Map<number, number> {
  const links = new Map<number, number>();
  const conflicted = new Set<number>();
  const link = (testId: number, liveId: number) => {
    if (testId === liveId) return;
    if (links.has(testId) && links.get(testId) !== liveId) conflicted.add(testId);
    links.set(testId, liveId);
  };
  for (const record of records) {
    const testId = positiveId(record.id);
    const liveId = positiveId(record.live_credential_id);
    if (testId !== undefined && liveId !== undefined) link(testId, liveId);
  }
  for (const live of records) {
    const liveId = positiveId(live.id);
    const test = live.test_credential;
    if (liveId === undefined || !isPlainObject(test)) continue;
    const byId = positiveId(test.id);
    if (byId !== undefined) {
      link(byId, liveId);
      continue;
    }
    const at = (value: unknown) => (typeof value === "string" ? Date.parse(value) : NaN);
    if (Number.isNaN(at(test.created_at))) continue;
    let candidates = records.filter(
      (r) => r !== live && r.mode === live.mode && at(r.created_at) === at(test.created_at),
    );
    if (candidates.length > 1 && !Number.isNaN(at(test.updated_at))) {
      candidates = candidates.filter((r) => at(r.updated_at) === at(test.updated_at));
    }
    const testId = candidates.length === 1 ? positiveId(candidates[0].id) : undefined;
    if (testId !== undefined) link(testId, liveId);
    else if (candidates.length > 1) {
      notes.push(
        `Tines credential ${liveId} reports a test credential, but ${candidates.length} credentials match ` +
          `its creation time, so none is wired to it (each is adopted as it is).`,
      );
    }
  }
  for (const testId of conflicted) {
    links.delete(testId);
    notes.push(
      `Tines credential ${testId} is reported as the test credential of two credentials; not wired.`,
    );
  }
  // A credential that is itself a test credential cannot be a live one: no chains, no cycles.
  for (const [testId, liveId] of [...links]) if (links.has(liveId)) links.delete(testId);
  return links;
}

function planTines(read: ServiceRead, options: PlanOptions, plan: Plan, kinds: readonly GeneratorKind[]) {
  const holdsKey = secretDetector(read.connectionSecrets);
  const supported = kinds.filter((k) => k.service === "tines").map((k) => k.tinesMode);
  const links = testCredentialLinks(read.records, plan.notes);
  const byId = new Map<number, ApiRecord>();
  for (const record of read.records) {
    const id = positiveId(record.id);
    if (id !== undefined) byId.set(id, record);
  }
  const drafts: Draft[] = [];
  for (const record of read.records) {
    const mode = typeof record.mode === "string" ? record.mode : "(no mode)";
    plan.found.tines[mode] = (plan.found.tines[mode] ?? 0) + 1;
    const id = positiveId(record.id);
    const title = `Tines ${mode} credential ${id ?? quoted(record.id)}`;
    const skip = (reason: string) => plan.skipped.push({ service: "tines", title, reason });
    const kind = tinesKindFor(record.mode, kinds);
    if (id === undefined) {
      skip("the list answered it without a usable id");
      continue;
    }
    if (!kind) {
      skip(`mode ${mode} is not supported by this package yet (it manages ${supported.join(", ")})`);
      continue;
    }
    if (holdsKey(JSON.stringify(record))) {
      skip("one of its fields quotes the Tines API key, which must never be written to a file");
      continue;
    }
    const liveId = links.get(id);
    const live = liveId === undefined ? undefined : byId.get(liveId);
    const literal = returnedInputs(kind.inputs, record, live);
    const result = checked(kind, literal, id, options.keepStoredSecrets, liveId !== undefined);
    const reason = undeclarable(literal) ?? result.reason;
    if (reason) {
      skip(reason);
      continue;
    }
    const ownBase = baseName([record.name, record.slug], `tines-${mode.toLowerCase()}-${id}`);
    drafts.push({
      kind,
      title,
      displayName: typeof record.name === "string" ? record.name : undefined,
      context: `team ${String(record.team_id)}${liveId === undefined ? "" : `, test credential of ${liveId}`}`,
      adoptId: id,
      fields: literalFields(kind, result.inputs, result.configFields),
      configFields: result.configFields,
      optionalFields: result.optionalFields,
      liveId,
      base: liveId === undefined || ownBase.endsWith("-test") ? ownBase : `${ownBase}-test`,
      tag: String(id),
      order: [liveId ?? id, liveId === undefined ? 0 : 1, id],
    });
  }
  return drafts;
}

function planTwilio(read: ServiceRead, options: PlanOptions, plan: Plan, kinds: readonly GeneratorKind[]) {
  const kind = twilioKind(kinds);
  const holdsKey = secretDetector(read.connectionSecrets);
  const main = options.twilioAccountSid;
  const named = (account: string) =>
    options.twilioSubaccounts === "all" || options.twilioSubaccounts.includes(account);
  const drafts: Draft[] = [];
  for (const record of read.records) {
    plan.found.twilio.AWS = (plan.found.twilio.AWS ?? 0) + 1;
    const sid =
      typeof record.sid === "string" && /^CR[0-9a-fA-F]{32}$/.test(record.sid) ? record.sid : undefined;
    const title = `Twilio AWS credential ${sid ?? quoted(record.sid)}`;
    const skip = (reason: string) => plan.skipped.push({ service: "twilio", title, reason });
    if (!kind) {
      skip("this package has no resource for Twilio AWS credentials");
      continue;
    }
    if (sid === undefined) {
      skip("the list answered it without a credential sid (CR + 32 hex digits)");
      continue;
    }
    if (holdsKey(JSON.stringify(record))) {
      skip(
        "one of its fields quotes the Twilio auth token or API secret, which must never be written to a file",
      );
      continue;
    }
    const account = typeof record.account_sid === "string" ? record.account_sid : undefined;
    // The list answers the authenticating account's credentials; another account's is a subaccount's.
    const subaccount = account !== undefined && (main !== undefined ? account !== main : named(account));
    if (subaccount && !named(account)) {
      skip(`it belongs to subaccount ${account}; adopt it too with --twilio-subaccount ${account} (or all)`);
      continue;
    }
    const literal = returnedInputs(kind.inputs, record);
    if (!subaccount) delete literal[ACCOUNT_SID];
    const result = checked(kind, literal, sid, options.keepStoredSecrets, false);
    const reason = undeclarable(literal) ?? result.reason;
    if (reason) {
      skip(reason);
      continue;
    }
    drafts.push({
      kind,
      title,
      displayName: typeof record.friendly_name === "string" ? record.friendly_name : undefined,
      context: `account ${account ?? "(not reported)"}`,
      adoptId: sid,
      fields: literalFields(kind, result.inputs, result.configFields),
      configFields: result.configFields,
      optionalFields: result.optionalFields,
      base: baseName([record.friendly_name], `twilio-aws-${sid.slice(2, 10).toLowerCase()}`),
      tag: sid.slice(2, 10).toLowerCase(),
      order: [String(record.date_created ?? ""), sid],
    });
  }
  return drafts;
}

const compareOrder = (a: Draft, b: Draft) => {
  for (let i = 0; i < Math.max(a.order.length, b.order.length); i++) {
    if (a.order[i] !== b.order[i]) return a.order[i] < b.order[i] ? -1 : 1;
  }
  return 0;
};

export function planAdoption(options: PlanOptions): Plan {
  const kinds = options.kinds ?? GENERATOR_KINDS;
  // Counted by the mode the service answers, so without a prototype: "constructor" or "__proto__" is a count too.
  const found = { tines: Object.create(null), twilio: Object.create(null) } as Plan["found"];
  const plan: Plan = { resources: [], skipped: [], found, notes: [] };
  const drafts = [
    ...(options.tines ? planTines(options.tines, options, plan, kinds).sort(compareOrder) : []),
    ...(options.twilio ? planTwilio(options.twilio, options, plan, kinds).sort(compareOrder) : []),
  ];
  const names = assignNames(
    drafts.map((d) => ({ base: d.base, tag: d.tag, service: d.kind.service })),
    kinds.map((k) => k.className),
  );
  const byAdoptId = new Map<unknown, PlannedResource>();
  drafts.forEach((draft, i) => {
    const { base: _base, tag: _tag, configFields, optionalFields, liveId, order: _order, ...rest } = draft;
    const { name, ident } = names[i];
    const configInput = (optional: boolean) => (field: string) => ({
      field,
      key: secretKey(ident, field),
      secret: draft.kind.inputs[field].secret === true,
      optional,
    });
    const inputs = [...configFields.map(configInput(false)), ...optionalFields.map(configInput(true))];
    const resource: PlannedResource = {
      ...rest,
      name,
      ident,
      fromConfig: options.keepStoredSecrets ? [] : inputs,
      kept: options.keepStoredSecrets ? inputs : [],
    };
    if (liveId !== undefined) {
      // Lives come before their test credentials (see order), so the live resource exists by now.
      const live = byAdoptId.get(liveId);
      resource.live = live ? { resource: live } : { id: liveId };
    }
    byAdoptId.set(draft.adoptId, resource);
    plan.resources.push(resource);
  });
  return plan;
}
