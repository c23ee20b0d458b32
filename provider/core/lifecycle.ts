// Turns a credential descriptor into the dynamic provider hooks check / diff / create / read /
// update / delete. Every resource of the package runs through this one file; a descriptor only
// says which fields exist and how its service's API is reached.
import type * as pulumi from "@pulumi/pulumi";
import { applyStackConfig, ConfigureRequest } from "./config";
import {
  ADOPT_ID,
  CheckFailure,
  declaredInputs,
  FieldTable,
  Inputs,
  given,
  isPlainObject,
  isUnknown,
  keepsStoredSecrets,
  PROVIDER_KEY,
  sameValue,
  secretNames,
  checkFields,
  unsetMeans,
} from "./fields";
import { ApiError, safeText, secretDetector } from "./http";

export type ApiRecord = Record<string, unknown>;

/** The calls a service offers for one kind of credential. Bodies are already in API form. */
export interface CredentialApi {
  create(body: Record<string, unknown>, secrets: string[]): Promise<ApiRecord>;
  /** Undefined when the credential does not exist (404). */
  get(id: string): Promise<ApiRecord | undefined>;
  update(id: string, body: Record<string, unknown>, secrets: string[]): Promise<ApiRecord>;
  /** A credential that is already gone counts as deleted. */
  remove(id: string): Promise<void>;
  /**
   * Credentials that match these inputs and were created since `sentAtMs` (our clock). `secrets`
   * are the create's: a server may quote them in an error about the lookup too.
   */
  findCreated(inputs: Inputs, sentAtMs: number, secrets: string[]): Promise<ApiRecord[]>;
  /**
   * Creates with the same key are siblings: `findCreated` for one of them may find another's
   * credential. Coarser than the lookup's match is safe (only lookups wait); finer is not.
   */
  siblingKey(inputs: Inputs): string;
  /** Where a user should look for the credential (for error messages). */
  readonly where: string;
  /** The API key or token this connection authenticates with: never taken into state either. */
  readonly connectionSecrets: readonly string[];
}

/**
 * Records read from a list, each counted once by its id: a server may repeat one across pages. Records
 * without a usable id are all kept.
 */
export class RecordsById {
  private readonly byId = new Map<string, ApiRecord>();
  private readonly withoutId: ApiRecord[] = [];

  constructor(private readonly idField: string) {}

  add(record: ApiRecord): void {
    const id = record[this.idField];
    if (typeof id !== "number" && typeof id !== "string") this.withoutId.push(record);
    else if (!this.byId.has(String(id))) this.byId.set(String(id), record);
  }

  all(): ApiRecord[] {
    return [...this.byId.values(), ...this.withoutId];
  }
}

/** The declarative description of one credential resource. */
export interface CredentialSpec {
  /** For messages: "Tines TEXT credential". */
  label: string;
  /**
   * The collection whose ids this kind shares: one id there is one credential, whatever its kind
   * (every Tines mode is a user_credentials id).
   */
  idSpace: string;
  /** Inputs: what the user declares. */
  inputs: FieldTable;
  /** Outputs the service computes (ids, timestamps, owner, ...). */
  outputs: FieldTable;
  /** The response field that holds the credential's id. */
  idField: string;
  /** Rules that involve more than one field. Called with checked inputs; skip unknown values. */
  rules(inputs: Inputs): CheckFailure[];
  /** Connects to the service (reads connection settings). */
  connect(): CredentialApi;
  createBody(inputs: Inputs): Record<string, unknown>;
  updateBody(inputs: Inputs): Record<string, unknown>;
  /** Why a credential the service answered with is not of this kind (wrong mode), if it is not. */
  wrongKind(record: ApiRecord, inputs: Inputs): string | undefined;
  /**
   * Whether these inputs describe a test credential, which takes every field marked
   * `inheritedByTestCredential` from its live credential unless declared.
   */
  isTestCredential?(inputs: Inputs): boolean;
  /** Brings alternative spellings of the same input to one form before diffing. */
  normalizeForDiff?(inputs: Inputs): Inputs;
  /**
   * The response field holding the last-modified time. When it moves without us, someone changed
   * the credential out of band and the secrets in state can no longer be vouched for.
   */
  updatedAtOutput?: string;
}

/** Raised after the service created a credential that the provider then could not finish. The
 * host turns `id` and `properties` into a partially created resource, so nothing is orphaned. */
export class PartialCreateError extends Error {
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Inputs,
  ) {
    super(message);
    this.name = "PartialCreateError";
  }
}

export type CredentialProvider = Required<
  Pick<pulumi.dynamic.ResourceProvider, "check" | "diff" | "create" | "read" | "update" | "delete">
> & { configure(request: ConfigureRequest): Promise<void> };

const ADOPT = ADOPT_ID;

/**
 * Ids this provider process knows belong to some resource: created, adopted, or handed to a hook by
 * the engine. A lost create's lookup never claims one of them, a create answered with one is refused,
 * and adoptId may not name one, so no two resources of one run ever share a credential.
 */
const knownIds = new Set<string>();
/**
 * Ids a new resource adopted in this process. The engine creates before it deletes, so a resource
 * removed from the program whose credential another resource adopts (a rename with adoptId) is
 * deleted after the adoption: that delete hands the credential over instead of deleting it. And a
 * resource that still manages one is refused at diff, whichever of the two the engine reached first.
 */
const adoptedIds = new Set<string>();

/** The creates of one sibling key (see CredentialApi.siblingKey) in this process. */
interface Siblings {
  /** Requests sent and not answered yet. A lookup waits for them: one may have stored its record. */
  sending: Set<Promise<unknown>>;
  /**
   * Attempts whose answer was lost and whose outcome is not known (yet, or ever, when their lookup
   * failed). Each may have created a credential that no lookup can tell from a sibling's.
   */
  unresolved: Set<object>;
}
const siblingsByKey = new Map<string, Siblings>();

function siblingsOf(key: string): Siblings {
  let group = siblingsByKey.get(key);
  if (!group) siblingsByKey.set(key, (group = { sending: new Set(), unresolved: new Set() }));
  return group;
}

/** Tests only: unit tests reuse ids and names across cases that stand for separate runs. */
export function forgetKnownIds(): void {
  knownIds.clear();
  siblingsByKey.clear();
  adoptedIds.clear();
}

const knownKey = (spec: CredentialSpec, id: string) => `${spec.idSpace}/${id}`;

function remember(spec: CredentialSpec, id: string): void {
  if (id) knownIds.add(knownKey(spec, id));
}

const isKnown = (spec: CredentialSpec, id: string) => knownIds.has(knownKey(spec, id));

export function checkInputs(spec: CredentialSpec, news: Inputs): pulumi.dynamic.CheckResult {
  const { inputs, failures } = checkFields(spec.inputs, news);
  // Cross-field rules only make sense on fields that passed their own checks.
  const failed = new Set(failures.map((f) => f.property));
  for (const failure of spec.rules(inputs)) {
    if (!failed.has(failure.property)) failures.push(failure);
  }
  return { inputs, failures };
}

/**
 * The inputs whose declared value differs from the stored one. `removedSecrets`: declared secrets
 * now unset, which no update can clear. `startsManaging`: secrets declared for the first time on a
 * credential that kept its stored one (keepsStoredSecrets), which are sent in place, never replaced.
 */
export function changedInputs(spec: CredentialSpec, olds: Inputs, news: Inputs) {
  const normalize = spec.normalizeForDiff ?? ((i: Inputs) => i);
  const before = normalize(declaredInputs(olds));
  const after = normalize(declaredInputs(news));
  const testCredential = spec.isTestCredential?.(after) ?? false;
  const secretsKept = keepsStoredSecrets(after);
  const changed: string[] = [];
  const removedSecrets: string[] = [];
  const startsManaging: string[] = [];
  for (const [name, field] of Object.entries(spec.inputs)) {
    if (name === ADOPT) continue;
    const next = after[name];
    const prev = before[name];
    if (next === undefined) {
      // An unset input stands for its documented default, which the update then sends; a stored
      // value the service did not report (null/absent) is taken to be at the default.
      const meant = unsetMeans(field, testCredential);
      if (meant && given(prev) && !sameValue(field.kind, prev, meant.value)) changed.push(name);
      // A removed secret has no default an update could send and no documented way to be cleared,
      // so it would stay stored and usable: only a new credential gets rid of it. On an adopted
      // credential it means "keep what the service stores" instead: no change at all.
      else if (field.secret && !meant && given(prev) && !secretsKept) removedSecrets.push(name);
    } else if (isUnknown(next) || !sameValue(field.kind, next, prev)) {
      changed.push(name);
      if (field.secret && secretsKept && !given(prev)) startsManaging.push(name);
    }
  }
  changed.push(...removedSecrets);
  return { changed, removedSecrets, startsManaging };
}

export function diffInputs(spec: CredentialSpec, id: string, olds: Inputs, news: Inputs) {
  const { changed, removedSecrets, startsManaging } = changedInputs(spec, olds, news);
  const replaces = changed.filter(
    (name) => (spec.inputs[name].replaces && !startsManaging.includes(name)) || removedSecrets.includes(name),
  );
  // Pointing adoptId at another credential means "manage that one instead": a replacement.
  const adopt = declaredInputs(news)[ADOPT];
  if (adopt !== undefined && (isUnknown(adopt) || String(adopt) !== id)) replaces.push(ADOPT);
  else if (adopt !== undefined && replaces.length > 0) {
    // The replacement would adopt this same credential again and the engine would then delete it.
    throw new Error(
      `${spec.label} ${id}: changing ${replaces.join(", ")} needs a new credential, but adoptId still ` +
        `names this one. Remove adoptId to create the replacement (the adopted credential is then ` +
        `deleted), or point adoptId at the credential to manage instead.`,
    );
  }
  return { changes: changed.length > 0 || replaces.length > 0, replaces, deleteBeforeReplace: false };
}

/** The API body built from the table: each set input under its API name. */
export function requestBody(fields: FieldTable, inputs: Inputs): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, field] of Object.entries(fields)) {
    if (field.api && inputs[name] !== undefined) body[field.api] = inputs[name];
  }
  return body;
}

/**
 * An update body: every declared input, and the documented default of every unset one that has
 * one, so that the result is the declared state whether the service's PUT replaces the whole
 * record or merges the body into it. Fields a test credential inherits are left out when unset.
 */
export function updateRequestBody(
  fields: FieldTable,
  inputs: Inputs,
  testCredential: boolean,
): Record<string, unknown> {
  const body = requestBody(fields, inputs);
  for (const field of Object.values(fields)) {
    const meant = unsetMeans(field, testCredential);
    if (field.api && !(field.api in body) && meant) body[field.api] = meant.value;
  }
  return body;
}

/** Whether a text holds a secret that must not be shown or stored in plain text. */
type SecretTest = (text: string) => boolean;

/** The state to store: the declared inputs, overlaid with every field the service returned. */
export function outputsFrom(
  spec: CredentialSpec,
  inputs: Inputs,
  record: ApiRecord,
  holdsUnsafe: SecretTest,
): Inputs {
  const outs: Inputs = { ...declaredInputs(inputs) };
  for (const table of [spec.inputs, spec.outputs]) {
    for (const [name, field] of Object.entries(table)) {
      const returned = field.returnedAs ?? field.api;
      const value = returned === undefined ? undefined : record[returned];
      // A careless or hostile service may echo a secret into a plain field, which state would then
      // keep unencrypted: such a value is not taken (the declared input, if any, stays).
      if (!field.secret && value !== undefined && !holdsSecret(value, holdsUnsafe)) outs[name] = value;
    }
  }
  return outs;
}

/**
 * The inputs to write: for a test credential, each inherited field it does not declare is sent
 * with its stored value, so the update leaves it as it is whether the PUT replaces or merges.
 */
function withInherited(spec: CredentialSpec, stored: Inputs, inputs: Inputs): Inputs {
  if (!spec.isTestCredential?.(inputs)) return inputs;
  const out = { ...inputs };
  for (const [name, field] of Object.entries(spec.inputs)) {
    if (field.inheritedByTestCredential && out[name] === undefined && given(stored[name])) {
      out[name] = stored[name];
    }
  }
  return out;
}

function secretValues(spec: CredentialSpec, inputs: Inputs): string[] {
  return secretNames(spec.inputs)
    .map((name) => inputs[name])
    .filter((v): v is string => typeof v === "string" && v !== "");
}

/**
 * What state must never hold in plain text: the credential's secrets and the connection's key or
 * token, in every spelling. Built once per hook (a PEM key has some 200 spellings).
 */
function stateSecretTest(api: CredentialApi, secrets: readonly string[]): SecretTest {
  return secretDetector([...secrets, ...api.connectionSecrets]);
}

/** Whether a secret, in any spelling the redaction knows, occurs anywhere inside a value. */
function holdsSecret(value: unknown, detect: SecretTest): boolean {
  if (typeof value === "string") return detect(value);
  if (Array.isArray(value)) return value.some((v) => holdsSecret(v, detect));
  if (isPlainObject(value)) {
    return Object.entries(value).some(([k, v]) => detect(k) || holdsSecret(v, detect));
  }
  return false;
}

/**
 * Properties for a partially created resource: no secret input, nor any other property holding a
 * secret. Whether the engine re-marks them secret there cannot be relied on; without them the next
 * `up` sees the secret as a change and sends it with one update.
 */
function withoutSecrets(spec: CredentialSpec, props: Inputs, secrets: string[]): Inputs {
  const secretInputs = new Set(secretNames(spec.inputs));
  const detect = secretDetector(secrets);
  return Object.fromEntries(
    Object.entries(props).filter(([name, value]) => !secretInputs.has(name) && !holdsSecret(value, detect)),
  );
}

/** Why an answer is not of this kind, safe to show: it quotes the answer, which may echo a secret. */
function wrongKindOf(spec: CredentialSpec, record: ApiRecord, inputs: Inputs, secrets: string[]) {
  const wrong = spec.wrongKind(record, inputs);
  return wrong === undefined ? undefined : safeText(wrong, secrets);
}

function idOf(spec: CredentialSpec, record: ApiRecord): string {
  const id = record[spec.idField];
  return typeof id === "string" || typeof id === "number" ? String(id) : "";
}

async function adopt(spec: CredentialSpec, api: CredentialApi, inputs: Inputs, secrets: string[]) {
  const requested = String(inputs[ADOPT]);
  const claimed: string[] = [];
  const claim = (id: string) => {
    // Create runs for a new resource only, so a known id is another resource's.
    if (isKnown(spec, id)) {
      throw new Error(
        `adoptId: ${spec.label} ${id} is already managed by another resource of this stack; two resources ` +
          `must not own one credential, so nothing was changed. Point adoptId at another credential, or ` +
          `remove it to create a new one.`,
      );
    }
    remember(spec, id);
    claimed.push(id);
  };
  try {
    // Claimed before the first await, so two adoptions of one id in parallel cannot both pass.
    claim(requested);
    const existing = await api.get(requested);
    if (!existing) {
      throw new Error(
        `adoptId: there is no ${spec.label} with id ${requested} at ${api.where}; nothing was created.`,
      );
    }
    // The service may find the credential by another spelling of its id (a sid's hex in another
    // case): its own id is the one another resource would hold, and the one to record.
    const id = idOf(spec, existing) || requested;
    if (id !== requested) claim(id);
    const wrong = wrongKindOf(spec, existing, inputs, secrets);
    if (wrong) throw new Error(`adoptId: credential ${requested} ${wrong}; nothing was changed.`);
    const unsafe = stateSecretTest(api, secrets);
    const current = outputsFrom(spec, {}, existing, unsafe);
    const body = spec.updateBody(withInherited(spec, current, inputs));
    // Written only when the update would carry something the record lacks: a differing field or a
    // declared secret (never read back, so always sent once). A field that replaces cannot be changed by
    // an update (wrongKind has checked those the service reports), nor can a Twilio key pair.
    const carried = (name: string) => {
      const field = spec.inputs[name];
      return field.api !== undefined && field.api in body && !(field.replaces && !field.secret);
    };
    const record = changedInputs(spec, current, inputs).changed.some(carried)
      ? await api.update(id, body, secrets)
      : existing;
    adoptedIds.add(knownKey(spec, id));
    return { id, outs: outputsFrom(spec, inputs, record, unsafe) };
  } catch (error) {
    // Not adopted: no resource manages what this adoption claimed.
    for (const id of claimed) knownIds.delete(knownKey(spec, id));
    throw error;
  }
}

/**
 * Whether another resource adopted this credential in this process. The adopter itself declares
 * `adoptId` as this id; a resource that does not (it created the credential, or adopted another) is
 * not the adopter. One case cannot be told apart: two resources both declaring the same adoptId.
 */
function adoptedByAnother(spec: CredentialSpec, id: string, props: Inputs): boolean {
  return adoptedIds.has(knownKey(spec, id)) && String(props[ADOPT] ?? "") !== id;
}

/** An id the service answered a create with, claimed for this resource; refused if another has it. */
function claimAnswer(spec: CredentialSpec, api: CredentialApi, record: ApiRecord): ApiRecord {
  const id = idOf(spec, record);
  if (id && isKnown(spec, id)) {
    throw new Error(
      `${spec.label}: the service answered the create with id ${id}, which another resource of this ` +
        `stack already manages. Nothing was recorded, so the two never share one credential; check ` +
        `${api.where} for a credential this create made, and adopt it with adoptId.`,
    );
  }
  remember(spec, id);
  return record;
}

/**
 * Sends the create. When the answer is lost after the request may have reached the server, looks
 * the credential up instead of guessing: one match no other resource claimed, with no sibling create
 * whose outcome is unknown, is ours; none after a dropped connection means nothing was created and
 * the create is sent once more; anything else is a clear error.
 */
async function createOnce(spec: CredentialSpec, api: CredentialApi, inputs: Inputs, secrets: string[]) {
  const siblings = siblingsOf(`${api.where}\n${api.siblingKey(inputs)}`);
  for (let attempt = 0; ; attempt++) {
    const sentAt = Date.now();
    const sending = api.create(spec.createBody(inputs), secrets);
    siblings.sending.add(sending);
    let answer: ApiRecord;
    try {
      answer = await sending;
    } catch (error) {
      siblings.sending.delete(sending);
      if (!(error instanceof ApiError) || !error.uncertain) throw error;
      const self = {};
      siblings.unresolved.add(self);
      let listed: ApiRecord[];
      try {
        // Wait for sibling creates in flight, also those sent after this one, so that each answered
        // one has claimed its id; list again if one was sent while the list was read.
        do {
          while (siblings.sending.size > 0) await Promise.allSettled([...siblings.sending]);
          listed = await api.findCreated(inputs, sentAt, secrets);
        } while (siblings.sending.size > 0);
      } catch (lookupError) {
        throw new Error(
          `${error.message}. The ${spec.label} may have been created, and looking it up failed too ` +
            `(${(lookupError as Error).message}). Check ${api.where} before running again; adopt a ` +
            `credential that was created with adoptId.`,
          { cause: lookupError },
        );
      }
      // From here to the claim nothing awaits, so no sibling can claim or send in between.
      const found = listed.filter((record) => !isKnown(spec, idOf(spec, record)));
      // Ids come from the server's list, which may echo a secret anywhere.
      const ids = safeText(found.map((r) => idOf(spec, r)).join(", "), secrets);
      if (found.length > 0 && siblings.unresolved.size > 1) {
        throw new Error(
          `${error.message}. The ${spec.label} may have been created: ${found.length} matching ` +
            `credential(s) (ids ${ids}) were created recently at ${api.where}, but another create of ` +
            `the same name in this run lost its answer (or its id) too, so which one holds this resource's secret ` +
            `cannot be told. Nothing was recorded; adopt one with adoptId (the update then sends the ` +
            `declared secret) and delete the others.`,
          { cause: error },
        );
      }
      if (found.length === 1) {
        siblings.unresolved.delete(self);
        remember(spec, idOf(spec, found[0]));
        return found[0];
      }
      if (found.length > 1) {
        throw new Error(
          `${error.message}. The ${spec.label} may have been created: ${found.length} matching credentials ` +
            `(ids ${ids}) were created recently at ${api.where}. ` +
            `Nothing was recorded; keep the right one (adopt it with adoptId) and delete the others.`,
          { cause: error },
        );
      }
      if (error.mayStillComplete) {
        throw new Error(
          `${error.message}. No matching ${spec.label} was found afterwards, but a slow server may still ` +
            `create it: check ${api.where} before running again, and adopt it with adoptId if it appears.`,
          { cause: error },
        );
      }
      // Nothing found after a dropped connection: this attempt created nothing.
      siblings.unresolved.delete(self);
      if (attempt > 0) {
        throw new Error(
          `${error.message} (second attempt; the first was lost the same way). No matching ${spec.label} ` +
            `was found after either, so nothing was created; check the connection to ${api.where} and run ` +
            `again (should one appear there later, adopt it with adoptId).`,
          { cause: error },
        );
      }
      continue;
    }
    siblings.sending.delete(sending);
    // Answered without an id, the create may still have stored a credential that a sibling's
    // lookup cannot tell from its own: that sibling must not take it.
    if (!idOf(spec, answer)) siblings.unresolved.add({});
    return claimAnswer(spec, api, answer);
  }
}

export function createProvider(spec: CredentialSpec): CredentialProvider {
  return {
    async configure(request) {
      applyStackConfig(request);
    },

    async check(_olds, news) {
      return checkInputs(spec, news);
    },

    async diff(id, olds, news) {
      if (adoptedByAnother(spec, id, news)) {
        throw new Error(
          `${spec.label} ${id} is managed by this resource, and another resource of this stack adopted it ` +
            `with adoptId in this run: two resources must not own one credential. Remove one of them ` +
            `from the program (or point adoptId elsewhere).`,
        );
      }
      remember(spec, id);
      return diffInputs(spec, id, olds, news);
    },

    async create(props) {
      const inputs = declaredInputs(props);
      const api = spec.connect();
      const secrets = secretValues(spec, inputs);
      if (inputs[ADOPT] !== undefined) return adopt(spec, api, inputs, secrets);
      const record = await createOnce(spec, api, inputs, secrets);
      const id = idOf(spec, record);
      if (!id) {
        throw new Error(`${spec.label}: the service answered the create without an id; check ${api.where}.`);
      }
      const unsafe = stateSecretTest(api, secrets);
      if (unsafe(id)) {
        // The id goes into state and every message in plain text: never one that quotes a secret.
        throw new Error(
          `${spec.label}: the service answered the create with an id that quotes a secret, so it is not ` +
            `recorded; check ${api.where} for the credential this create made.`,
        );
      }
      const outs = outputsFrom(spec, inputs, record, unsafe);
      const wrong = wrongKindOf(spec, record, inputs, secrets);
      if (wrong) {
        throw new PartialCreateError(`${spec.label} ${id} was created but ${wrong}`, id, {
          ...withoutSecrets(spec, outs, secrets),
          [PROVIDER_KEY]: props[PROVIDER_KEY],
        });
      }
      return { id, outs };
    },

    async read(id, props) {
      remember(spec, id);
      const olds = declaredInputs(props);
      const api = spec.connect();
      const record = await api.get(id);
      if (!record) return {};
      const outs = outputsFrom(spec, olds, record, stateSecretTest(api, secretValues(spec, olds)));
      const stamp = spec.updatedAtOutput;
      if (stamp && olds[stamp] && outs[stamp] && !sameValue("timestamp", olds[stamp], outs[stamp])) {
        // Changed since our last write: the secret the service holds may no longer be ours. Dropping
        // it from state makes the next `up` send the declared secret again.
        for (const name of secretNames(spec.inputs)) delete outs[name];
      }
      return { id, props: outs };
    },

    async update(id, olds, news) {
      remember(spec, id);
      const inputs = declaredInputs(news);
      const body = spec.updateBody(withInherited(spec, declaredInputs(olds), inputs));
      const secrets = secretValues(spec, inputs);
      const api = spec.connect();
      const record = await api.update(id, body, secrets);
      return { outs: outputsFrom(spec, inputs, record, stateSecretTest(api, secrets)) };
    },

    async delete(id, props) {
      // Handed over to the resource that adopted it in this run (see adoptedIds): not deleted.
      if (adoptedByAnother(spec, id, props)) return;
      await spec.connect().remove(id);
    },
  };
}
