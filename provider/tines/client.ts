// Tines user_credentials endpoints: JSON bodies, Bearer auth, integer ids.
import { httpClient, tinesHttpSettings } from "../core/config";
import { Inputs, isPlainObject } from "../core/fields";
import { expectRecord, goneError, HttpClient } from "../core/http";
import { ApiRecord, CredentialApi } from "../core/lifecycle";

const BASE = "/api/v1/user_credentials";
const LIST_PAGE_SIZE = 500;
const LIST_MAX_PAGES = 20;

/**
 * Creates whose lost-answer lookups (findCreated: mode, name, team) could find each other's
 * credential. The team is left out: a lookup without teamId (a test credential) matches every team.
 */
export function tinesSiblingKey(mode: string, inputs: Inputs): string {
  return JSON.stringify([mode, inputs.name]);
}

export function tinesApi(mode: string): CredentialApi {
  const settings = tinesHttpSettings();
  const http: HttpClient = httpClient(settings);
  const path = (id: string) => `${BASE}/${encodeURIComponent(id)}`;

  return {
    where: `${settings.baseUrl} (Tines credentials)`,

    siblingKey: (inputs) => tinesSiblingKey(mode, inputs),

    async create(body, secrets) {
      return expectRecord(
        "Tines",
        await http.send({ method: "POST", path: BASE, json: body, idempotent: false, secrets }),
        "POST",
        BASE,
        true,
      );
    },

    async get(id) {
      const response = await http.send({
        method: "GET",
        path: path(id),
        idempotent: true,
        allowNotFound: true,
      });
      return response.status === 404 ? undefined : expectRecord("Tines", response, "GET", path(id));
    },

    async update(id, body, secrets) {
      const response = await http.send({
        method: "PUT",
        path: path(id),
        json: body,
        idempotent: true,
        secrets,
        allowNotFound: true,
      });
      if (response.status === 404) throw goneError("Tines", "PUT", path(id));
      return expectRecord("Tines", response, "PUT", path(id));
    },

    async remove(id) {
      await http.send({ method: "DELETE", path: path(id), idempotent: true, allowNotFound: true });
    },

    async findCreated(inputs: Inputs, sentAtMs: number) {
      const matches: ApiRecord[] = [];
      for (let page = 1; page <= LIST_MAX_PAGES; page++) {
        const query: Record<string, string | number> = { per_page: LIST_PAGE_SIZE, page };
        if (inputs.teamId !== undefined) query.team_id = Number(inputs.teamId);
        const response = await http.send({ method: "GET", path: BASE, query, idempotent: true });
        const body = isPlainObject(response.data) ? response.data : {};
        const items = Array.isArray(body.user_credentials) ? body.user_credentials : [];
        for (const item of items) {
          if (
            isPlainObject(item) &&
            item.name === inputs.name &&
            item.mode === mode &&
            (inputs.teamId === undefined || Number(item.team_id) === Number(inputs.teamId)) &&
            // Read after the list answered, so the server clock is known by then.
            Date.parse(String(item.created_at)) >= http.serverTimeAtOrBefore(sentAtMs)
          ) {
            matches.push(item);
          }
        }
        const meta = isPlainObject(body.meta) ? body.meta : {};
        if (!meta.next_page_number && !meta.next_page) break;
      }
      return matches;
    },
  };
}
