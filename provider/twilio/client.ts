// Twilio Credentials/AWS endpoints: form-encoded requests with PascalCase keys, JSON answers with
// snake_case keys, basic auth, sids as ids.
import { httpClient, twilioHttpSettings } from "../core/config";
import { Inputs, isPlainObject } from "../core/fields";
import { ApiError, ApiResponse } from "../core/http";
import { ApiRecord, CredentialApi } from "../core/lifecycle";

const BASE = "/v1/Credentials/AWS";
const LIST_PAGE_SIZE = 1000;
const LIST_MAX_PAGES = 20;

function record(response: ApiResponse, method: string, path: string): ApiRecord {
  if (!isPlainObject(response.data)) {
    throw new ApiError(
      `Twilio API ${method} ${path} answered HTTP ${response.status} without a credential object`,
      method,
      path,
      response.status,
      false,
    );
  }
  return response.data;
}

/** Form values are strings; unset ones are not sent. */
function form(body: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(body)) if (v !== undefined && v !== null) out[k] = String(v);
  return out;
}

export function twilioApi(): CredentialApi {
  const settings = twilioHttpSettings();
  const http = httpClient(settings);
  const path = (sid: string) => `${BASE}/${encodeURIComponent(sid)}`;

  return {
    where: `${settings.baseUrl}${BASE} (Twilio AWS credentials)`,

    async create(body, secrets) {
      const response = await http.send({
        method: "POST",
        path: BASE,
        form: form(body),
        idempotent: false,
        secrets,
      });
      return record(response, "POST", BASE);
    },

    async get(sid) {
      const response = await http.send({
        method: "GET",
        path: path(sid),
        idempotent: true,
        allowNotFound: true,
      });
      return response.status === 404 ? undefined : record(response, "GET", path(sid));
    },

    async update(sid, body, secrets) {
      // Setting the same friendly name twice leaves the same result: safe to retry.
      const response = await http.send({
        method: "POST",
        path: path(sid),
        form: form(body),
        idempotent: true,
        secrets,
        allowNotFound: true,
      });
      if (response.status === 404) {
        throw new ApiError(
          `Twilio API POST ${path(sid)} failed with HTTP 404: the credential no longer exists ` +
            `(run \`pulumi refresh\` to drop it from state)`,
          "POST",
          path(sid),
          404,
          false,
        );
      }
      return record(response, "POST", path(sid));
    },

    async remove(sid) {
      await http.send({ method: "DELETE", path: path(sid), idempotent: true, allowNotFound: true });
    },

    async findCreated(inputs: Inputs, sinceMs: number) {
      const matches: ApiRecord[] = [];
      for (let page = 0; page < LIST_MAX_PAGES; page++) {
        const response = await http.send({
          method: "GET",
          path: BASE,
          query: { PageSize: LIST_PAGE_SIZE, Page: page },
          idempotent: true,
        });
        const body = isPlainObject(response.data) ? response.data : {};
        const items = Array.isArray(body.credentials) ? body.credentials : [];
        for (const item of items) {
          if (
            isPlainObject(item) &&
            (item.friendly_name ?? null) === (inputs.friendlyName ?? null) &&
            (inputs.accountSid === undefined || item.account_sid === inputs.accountSid) &&
            Date.parse(String(item.date_created)) >= sinceMs
          ) {
            matches.push(item);
          }
        }
        const meta = isPlainObject(body.meta) ? body.meta : {};
        if (!meta.next_page_url || items.length === 0) break;
      }
      return matches;
    },
  };
}
