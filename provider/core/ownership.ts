// One credential, one resource: the process-wide record of which credential ids the resources of
// this run hold, and the create that keeps it so when its answer is lost (createWithLostCreateLookup:
// it looks the credential up, and may send the create a second time).
import { Inputs } from "./fields";
import { ApiError, safeText } from "./http";
import { ADOPT, ApiRecord, CredentialApi, CredentialSpec, idOf } from "./spec";

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

const idKey = (spec: CredentialSpec, id: string) => `${spec.idSpace}/${id}`;

/**
 * Which credentials the resources of this provider process hold, so that no two resources of one
 * run ever share a credential. Kept for the life of the process the engine starts for a run, and
 * shared by every kind (see `ownership`).
 */
export class Ownership {
  /**
   * Ids known to belong to some resource: created, adopted, or handed to a hook by the engine. A
   * lost create's lookup never claims one of them, a create answered with one is refused, and
   * adoptId may not name one.
   */
  private readonly known = new Set<string>();
  /**
   * Ids a new resource adopted. The engine creates before it deletes, so a resource removed from
   * the program whose credential another resource adopts (a rename with adoptId) is deleted after
   * the adoption: that delete hands the credential over instead of deleting it. And a resource that
   * still manages one is refused at diff, whichever of the two the engine reached first.
   */
  private readonly adopted = new Set<string>();
  private readonly siblingsByKey = new Map<string, Siblings>();

  /** Records that a resource holds this credential. */
  remember(spec: CredentialSpec, id: string): void {
    if (id) this.known.add(idKey(spec, id));
  }

  /** Undoes `remember` for a claim that did not go through (a failed adoption). */
  release(spec: CredentialSpec, id: string): void {
    this.known.delete(idKey(spec, id));
  }

  isKnown(spec: CredentialSpec, id: string): boolean {
    return this.known.has(idKey(spec, id));
  }

  /** Records that a new resource adopted this credential (see adoptedByAnother). */
  recordAdoption(spec: CredentialSpec, id: string): void {
    this.adopted.add(idKey(spec, id));
  }

  /**
   * Whether another resource adopted this credential in this process. The adopter itself declares
   * `adoptId` as this id; a resource that does not (it created the credential, or adopted another) is
   * not the adopter. One case cannot be told apart: two resources both declaring the same adoptId.
   */
  adoptedByAnother(spec: CredentialSpec, id: string, props: Inputs): boolean {
    return this.adopted.has(idKey(spec, id)) && String(props[ADOPT] ?? "") !== id;
  }

  siblingsOf(key: string): Siblings {
    let group = this.siblingsByKey.get(key);
    if (!group) this.siblingsByKey.set(key, (group = { sending: new Set(), unresolved: new Set() }));
    return group;
  }
}

/** This process's: shared by every provider object the process loads. */
export const ownership = new Ownership();

/** An id the service answered a create with, claimed for this resource; refused if another has it. */
function claimAnswer(spec: CredentialSpec, api: CredentialApi, record: ApiRecord): ApiRecord {
  const id = idOf(spec, record);
  if (id && ownership.isKnown(spec, id)) {
    throw new Error(
      `${spec.label}: the service answered the create with id ${id}, which another resource of this ` +
        `stack already manages. Nothing was recorded, so the two never share one credential; check ` +
        `${api.where} for a credential this create made, and adopt it with adoptId.`,
    );
  }
  ownership.remember(spec, id);
  return record;
}

/**
 * Sends the create. When the answer is lost after the request may have reached the server, looks
 * the credential up instead of guessing: one match no other resource claimed, with no sibling create
 * whose outcome is unknown, is ours; none after a dropped connection means nothing was created and
 * the create is sent once more; anything else is a clear error.
 */
export async function createWithLostCreateLookup(
  spec: CredentialSpec,
  api: CredentialApi,
  inputs: Inputs,
  secrets: string[],
): Promise<ApiRecord> {
  const siblings = ownership.siblingsOf(`${api.where}\n${api.siblingKey(inputs)}`);
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
      const found = listed.filter((record) => !ownership.isKnown(spec, idOf(spec, record)));
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
        ownership.remember(spec, idOf(spec, found[0]));
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
