// Between the field tables and the service's records: request bodies built from the tables, the
// state taken from an answer, and the secrets neither state nor a message may hold in plain text.
import {
  declaredInputs,
  FieldTable,
  given,
  Inputs,
  isPlainObject,
  secretNames,
  secretTexts,
  unsetMeans,
} from "./fields";
import { secretDetector } from "./http";
import { ApiRecord, CredentialApi, CredentialSpec, keepsStoredSecrets } from "./spec";

/** The API body built from the table: each set input under its API name. */
export function requestBody(fields: FieldTable, inputs: Inputs): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const name of Object.keys(fields)) {
    const field = fields[name];
    const value = inputs[name];
    if (!field.api || value === undefined) continue;
    // A list of objects goes out item by item under the item table's API names.
    const items = field.items;
    body[field.api] =
      items && Array.isArray(value)
        ? value.map((item: unknown) => (isPlainObject(item) ? requestBody(items, item) : item))
        : value;
  }
  return body;
}

/**
 * An update body: every declared input, and the documented default of every unset one that has
 * one, so that the result is the declared state whether the service's PUT replaces the whole
 * record or merges the body into it. Fields a test credential inherits are left out when unset, and
 * so are the unset fields no answer carries on a credential that keeps what is stored (keepsStoredSecrets).
 */
export function updateRequestBody(
  fields: FieldTable,
  inputs: Inputs,
  testCredential: boolean,
): Record<string, unknown> {
  const body = requestBody(fields, inputs);
  const storedKept = keepsStoredSecrets(inputs);
  for (const field of Object.values(fields)) {
    if (storedKept && (field.secret || field.writeOnly)) continue;
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
  // declaredInputs is already a copy. Not spread into a new literal: V8 adds properties to an object
  // made by spread some fifty times slower (the fields below), which was 30 us of every create and read.
  const outs: Inputs = declaredInputs(inputs);
  for (const table of [spec.inputs, spec.outputs]) {
    for (const name of Object.keys(table)) {
      const field = table[name];
      const returned = field.returnedAs ?? field.api;
      const value = returned === undefined ? undefined : record[returned];
      // A careless or hostile service may echo a secret into a plain field, which state would then
      // keep unencrypted: such a value is not taken (the declared input, if any, stays).
      // A write-only field's answer (if a service ever gives one) is not taken either: state keeps
      // the declared value, in the declared form.
      const taken = !field.secret && !field.writeOnly;
      if (taken && value !== undefined && !holdsSecret(value, holdsUnsafe)) outs[name] = value;
    }
  }
  return outs;
}

/**
 * The inputs to write: for a test credential, each inherited field it does not declare is sent
 * with its stored value, so the update leaves it as it is whether the PUT replaces or merges.
 */
export function withInherited(spec: CredentialSpec, stored: Inputs, inputs: Inputs): Inputs {
  if (!spec.isTestCredential?.(inputs)) return inputs;
  const out = { ...inputs };
  for (const [name, field] of Object.entries(spec.inputs)) {
    if (field.inheritedByTestCredential && out[name] === undefined && given(stored[name])) {
      out[name] = stored[name];
    }
  }
  return out;
}

/** The values of the secret inputs that are set. */
export function secretValues(spec: CredentialSpec, inputs: Inputs): string[] {
  return secretTexts(spec.inputs, inputs);
}

/**
 * What state must never hold in plain text: the credential's secrets and the connection's key or
 * token, in every spelling. Built once per hook (a PEM key has some 200 spellings).
 */
export function stateSecretTest(api: CredentialApi, secrets: readonly string[]): SecretTest {
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
export function withoutSecrets(spec: CredentialSpec, props: Inputs, secrets: string[]): Inputs {
  const secretInputs = new Set(secretNames(spec.inputs));
  const detect = secretDetector(secrets);
  return Object.fromEntries(
    Object.entries(props).filter(([name, value]) => !secretInputs.has(name) && !holdsSecret(value, detect)),
  );
}
