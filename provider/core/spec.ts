// What a credential resource is made of: its descriptor (CredentialSpec: field tables, rules, body
// builders) and the calls its service offers (CredentialApi). lifecycle.ts turns a descriptor into
// the provider hooks.
import { CheckFailure, FieldTable, given, Inputs } from "./fields";

export type ApiRecord = Record<string, unknown>;

/** The input naming an existing credential to manage instead of creating one. Provider-only. */
export const ADOPT = "adoptId";

/**
 * On an adopted credential (adoptId set), an unset input that no answer carries (a secret, or a
 * write-only field) means "keep what the service stores": it is not required, never sent and never a
 * change; declaring it starts managing it (in place), and removing a declared one stops managing it.
 * The services never return these, so this is how a credential whose secret nobody holds today is
 * brought under code.
 */
export const keepsStoredSecrets = (inputs: Inputs) => given(inputs[ADOPT]);

/** The calls a service offers for one kind of credential. Bodies are already in API form. */
export interface CredentialApi {
  create(body: Record<string, unknown>, secrets: string[]): Promise<ApiRecord>;
  /**
   * Undefined when the credential does not exist (404). `secrets`: the credential's, when known, kept
   * out of any error about the answer.
   */
  get(id: string, secrets?: string[]): Promise<ApiRecord | undefined>;
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

/** The declarative description of one credential resource. */
export interface CredentialSpec {
  /** For messages: "<service> <kind> credential". */
  label: string;
  /**
   * The collection whose ids this kind shares: one id there is one credential, whatever its kind
   * (every mode of a service that keeps all modes in one collection shares its ids).
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
  /**
   * Why a credential the service answered with is not the one these inputs describe (another
   * mode, another account, a field that cannot change in place), if it is not.
   */
  mismatch(record: ApiRecord, inputs: Inputs): string | undefined;
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

/** The credential's id in a record the service answered with, or "" when it has none. */
export function idOf(spec: CredentialSpec, record: ApiRecord): string {
  const id = record[spec.idField];
  return typeof id === "string" || typeof id === "number" ? String(id) : "";
}
