// The mechanism of a service's credential client: the create / get / update / delete calls on a
// REST collection, and list records counted once. Each service declares its collection (path, body
// form, update method) and walks its own list pages (list key, paging) for the lost-create lookup.
import { ApiError, ApiResponse, HttpClient, safeText } from "./http";
import { ApiRecord, CredentialApi } from "./spec";

/** A service's credential collection. */
interface Collection {
  /** POST here creates; `<path>/<id>` is read, updated and deleted. */
  path: string;
  /** How a body is sent: JSON, or a form of string values (unset ones left out). */
  bodyAs: "json" | "form";
  /** The method that updates a credential in place. */
  updateMethod: "PUT" | "POST";
  /**
   * Why the answer to a get or update of `id` is not that credential, if it is not: another's record
   * would be recorded under this resource's id. `secrets`: the connection's and the credential's,
   * which the reason must not quote (it is redacted again before it is shown).
   */
  checkAnswer?(id: string, record: ApiRecord, secrets: readonly string[]): string | undefined;
}

/** The credential object of an answer. A create answered without one may still have made one. */
function expectRecord(
  service: string,
  response: ApiResponse,
  method: string,
  path: string,
  isCreate = false,
): Record<string, unknown> {
  const data = response.data;
  if (typeof data !== "object" || data === null || Array.isArray(data)) {
    throw new ApiError(
      `${service} API ${method} ${path} answered HTTP ${response.status} without a credential object`,
      method,
      path,
      response.status,
      isCreate,
    );
  }
  return data as Record<string, unknown>;
}

/** A write to a credential that no longer exists. */
function goneError(service: string, method: string, path: string): ApiError {
  return new ApiError(
    `${service} API ${method} ${path} failed with HTTP 404: the credential no longer exists ` +
      `(run \`pulumi refresh\` to drop it from state)`,
    method,
    path,
    404,
    false,
  );
}

/** Form values are strings; unset ones are not sent. */
function form(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

/** The create, get, update and delete calls on a collection. */
export function collectionCalls(
  http: HttpClient,
  collection: Collection,
): Pick<CredentialApi, "create" | "get" | "update" | "remove"> {
  const { path: base, updateMethod } = collection;
  const { service } = http.settings;
  const path = (id: string) => `${base}/${encodeURIComponent(id)}`;
  const sent = (body: Record<string, unknown>) =>
    collection.bodyAs === "json" ? { json: body } : { form: form(body) };
  /** The credential an answer to `method` on `id` holds, if it is that one (see checkAnswer). */
  const answerFor = (id: string, response: ApiResponse, method: string, secrets: string[]) => {
    const record = expectRecord(service, response, method, path(id));
    const all = [...http.settings.secrets, ...secrets];
    const problem = collection.checkAnswer?.(id, record, all);
    if (problem === undefined) return record;
    throw new ApiError(
      `${service} API ${method} ${path(id)} ${safeText(problem, all)}; the answer was not used`,
      method,
      path(id),
      response.status,
      false,
    );
  };
  return {
    async create(body, secrets) {
      const response = await http.send({
        method: "POST",
        path: base,
        ...sent(body),
        idempotent: false,
        secrets,
      });
      return expectRecord(service, response, "POST", base, true);
    },

    async get(id, secrets = []) {
      const response = await http.send({
        method: "GET",
        path: path(id),
        idempotent: true,
        allowNotFound: true,
        secrets,
      });
      return response.status === 404 ? undefined : answerFor(id, response, "GET", secrets);
    },

    async update(id, body, secrets) {
      // An update writes the declared state: sent twice, it leaves the same result, so it is safe to retry.
      const response = await http.send({
        method: updateMethod,
        path: path(id),
        ...sent(body),
        idempotent: true,
        secrets,
        allowNotFound: true,
      });
      if (response.status === 404) throw goneError(service, updateMethod, path(id));
      return answerFor(id, response, updateMethod, secrets);
    },

    async remove(id) {
      await http.send({ method: "DELETE", path: path(id), idempotent: true, allowNotFound: true });
    },
  };
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
