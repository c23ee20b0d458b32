// Turns a credential descriptor into the dynamic provider hooks configure / check / diff / create /
// read / update / delete. Every resource of the package runs through this one file; a descriptor
// only says which fields exist and how its service's API is reached.
import type * as pulumi from "@pulumi/pulumi";
import { applyStackConfig, ConfigureRequest } from "./config";
import {
  checkFields,
  declaredInputs,
  given,
  Inputs,
  isUnknown,
  PROVIDER_KEY,
  sameValue,
  unsetMeans,
  writeOnlyNames,
} from "./fields";
import { safeText } from "./http";
import { requireLoadedAsPackage } from "./installed";
import { outputsFrom, secretValues, stateSecretTest, withInherited, withoutSecrets } from "./mapping";
import { createWithLostCreateLookup, ownership } from "./ownership";
import { ADOPT, ApiRecord, CredentialApi, CredentialSpec, idOf, keepsStoredSecrets } from "./spec";

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

export function checkInputs(spec: CredentialSpec, news: Inputs): pulumi.dynamic.CheckResult {
  const { inputs, failures } = checkFields(spec.inputs, news, { storedKept: keepsStoredSecrets(news) });
  // Cross-field rules only make sense on fields that passed their own checks.
  const failed = new Set(failures.map((f) => f.property));
  for (const failure of spec.rules(inputs)) {
    if (!failed.has(failure.property)) failures.push(failure);
  }
  return { inputs, failures };
}

/**
 * The inputs whose declared value differs from the stored one. `removedSecrets`: declared secrets
 * now unset, which no update can clear. `startsManaging`: inputs no answer carries, declared for the
 * first time on a credential that kept its stored ones (keepsStoredSecrets): sent in place, never a
 * replacement. On such a credential an unset one is no change at all.
 */
export function changedInputs(spec: CredentialSpec, olds: Inputs, news: Inputs) {
  const normalize = spec.normalizeForDiff ?? ((i: Inputs) => i);
  const before = normalize(declaredInputs(olds));
  const after = normalize(declaredInputs(news));
  const testCredential = spec.isTestCredential?.(after) ?? false;
  const storedKept = keepsStoredSecrets(after);
  const changed: string[] = [];
  const removedSecrets: string[] = [];
  const startsManaging: string[] = [];
  for (const [name, field] of Object.entries(spec.inputs)) {
    if (name === ADOPT) continue;
    const next = after[name];
    const prev = before[name];
    const neverAnswered = field.secret || field.writeOnly;
    if (next === undefined) {
      if (storedKept && neverAnswered) continue;
      // An unset input stands for its documented default, which the update then sends; a stored
      // value the service did not report (null/absent) is taken to be at the default.
      const meant = unsetMeans(field, testCredential);
      if (meant && given(prev) && !sameValue(field.kind, prev, meant.value)) changed.push(name);
      // A removed secret has no default an update could send and no documented way to be cleared,
      // so it would stay stored and usable: only a new credential gets rid of it.
      else if (field.secret && !meant && given(prev)) removedSecrets.push(name);
    } else if (isUnknown(next) || !sameValue(field.kind, next, prev)) {
      changed.push(name);
      if (storedKept && neverAnswered && !given(prev)) startsManaging.push(name);
    }
  }
  changed.push(...removedSecrets);
  return { changed, removedSecrets, startsManaging };
}

function diffInputs(spec: CredentialSpec, id: string, olds: Inputs, news: Inputs) {
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

/** Why an answer is not the declared credential, safe to show: it quotes the answer, which may echo a secret. */
function shownMismatch(spec: CredentialSpec, record: ApiRecord, inputs: Inputs, secrets: string[]) {
  const mismatch = spec.mismatch(record, inputs);
  return mismatch === undefined ? undefined : safeText(mismatch, secrets);
}

async function adopt(spec: CredentialSpec, api: CredentialApi, inputs: Inputs, secrets: string[]) {
  const requested = String(inputs[ADOPT]);
  const claimed: string[] = [];
  const claim = (id: string) => {
    // Create runs for a new resource only, so a known id is another resource's.
    if (ownership.isKnown(spec, id)) {
      throw new Error(
        `adoptId: ${spec.label} ${id} is already managed by another resource of this stack; two resources ` +
          `must not own one credential, so nothing was changed. Point adoptId at another credential, or ` +
          `remove it to create a new one.`,
      );
    }
    ownership.remember(spec, id);
    claimed.push(id);
  };
  try {
    // Claimed before the first await, so two adoptions of one id in parallel cannot both pass.
    claim(requested);
    const existing = await api.get(requested, secrets);
    if (!existing) {
      throw new Error(
        `adoptId: there is no ${spec.label} with id ${requested} at ${api.where}; nothing was created.`,
      );
    }
    // The service may find the credential by another spelling of its id (a sid's hex in another
    // case): its own id is the one another resource would hold, and the one to record.
    const id = idOf(spec, existing) || requested;
    if (id !== requested) claim(id);
    const mismatch = shownMismatch(spec, existing, inputs, secrets);
    if (mismatch) throw new Error(`adoptId: credential ${requested} ${mismatch}; nothing was changed.`);
    const unsafe = stateSecretTest(api, secrets);
    const current = outputsFrom(spec, {}, existing, unsafe);
    const body = spec.updateBody(withInherited(spec, current, inputs));
    // Written only when the update would carry something the record lacks: a differing field or a
    // declared input no answer carries (so always sent once). A field that replaces cannot be changed
    // by an update (mismatch has checked those the service reports), nor can a secret the update body
    // does not carry (a key pair the service cannot change in place).
    const carried = (name: string) => {
      const field = spec.inputs[name];
      return field.api !== undefined && field.api in body && (!field.replaces || field.secret);
    };
    const record = changedInputs(spec, current, inputs).changed.some(carried)
      ? await api.update(id, body, secrets)
      : existing;
    ownership.recordAdoption(spec, id);
    return { id, outs: outputsFrom(spec, inputs, record, unsafe) };
  } catch (error) {
    // Not adopted: no resource manages what this adoption claimed.
    for (const id of claimed) ownership.release(spec, id);
    throw error;
  }
}

export function createProvider(spec: CredentialSpec): CredentialProvider {
  return {
    async configure(request) {
      requireLoadedAsPackage();
      applyStackConfig(request);
    },

    async check(_olds, news) {
      requireLoadedAsPackage();
      return checkInputs(spec, news);
    },

    async diff(id, olds, news) {
      requireLoadedAsPackage();
      if (ownership.adoptedByAnother(spec, id, news)) {
        throw new Error(
          `${spec.label} ${id} is managed by this resource, and another resource of this stack adopted it ` +
            `with adoptId in this run: two resources must not own one credential. Remove one of them ` +
            `from the program (or point adoptId elsewhere).`,
        );
      }
      ownership.remember(spec, id);
      return diffInputs(spec, id, olds, news);
    },

    async create(props) {
      requireLoadedAsPackage();
      const inputs = declaredInputs(props);
      const api = spec.connect();
      const secrets = secretValues(spec, inputs);
      if (inputs[ADOPT] !== undefined) return adopt(spec, api, inputs, secrets);
      const record = await createWithLostCreateLookup(spec, api, inputs, secrets);
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
      const mismatch = shownMismatch(spec, record, inputs, secrets);
      if (mismatch) {
        throw new PartialCreateError(`${spec.label} ${id} was created but ${mismatch}`, id, {
          ...withoutSecrets(spec, outs, secrets),
          [PROVIDER_KEY]: props[PROVIDER_KEY],
        });
      }
      return { id, outs };
    },

    async read(id, props) {
      requireLoadedAsPackage();
      ownership.remember(spec, id);
      const olds = declaredInputs(props);
      const api = spec.connect();
      const secrets = secretValues(spec, olds);
      const record = await api.get(id, secrets);
      if (!record) return {};
      const outs = outputsFrom(spec, olds, record, stateSecretTest(api, secrets));
      const stamp = spec.updatedAtOutput;
      if (stamp && olds[stamp] && outs[stamp] && !sameValue("timestamp", olds[stamp], outs[stamp])) {
        // Changed since our last write: the secrets and write-only fields the service holds may no
        // longer be ours. Dropping them from state makes the next `up` send the declared ones again.
        for (const name of writeOnlyNames(spec.inputs)) delete outs[name];
      }
      return { id, props: outs };
    },

    async update(id, olds, news) {
      requireLoadedAsPackage();
      ownership.remember(spec, id);
      const inputs = declaredInputs(news);
      const body = spec.updateBody(withInherited(spec, declaredInputs(olds), inputs));
      const secrets = secretValues(spec, inputs);
      const api = spec.connect();
      const record = await api.update(id, body, secrets);
      return { outs: outputsFrom(spec, inputs, record, stateSecretTest(api, secrets)) };
    },

    async delete(id, props) {
      requireLoadedAsPackage();
      // Handed over to the resource that adopted it in this run (see Ownership.adoptedByAnother): not deleted.
      if (ownership.adoptedByAnother(spec, id, props)) return;
      await spec.connect().remove(id);
    },
  };
}
