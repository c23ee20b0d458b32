// Twilio Credentials/AWS endpoints: form-encoded requests with PascalCase keys, JSON answers with
// snake_case keys, basic auth, sids as ids.
import { collectionCalls, RecordsById } from "../core/client";
import { httpClient } from "../core/config";
import { Inputs, isPlainObject } from "../core/fields";
import { errorBodyMessage, HttpClient, safeText } from "../core/http";
import { ApiRecord, CredentialApi } from "../core/spec";
import { perTwilioConfiguration, twilioHttpSettings } from "./settings";

const BASE = "/v1/Credentials/AWS";
/** The documented maximum `PageSize`. */
const LIST_PAGE_SIZE = 1000;
/**
 * The most list pages one lost-create lookup reads: 20 × 1000 = 20,000 credentials. Twilio pages by
 * token and documents no order, so the list can only be read from its start; a longer list makes the
 * lookup fail naming this bound instead of concluding "nothing created" (which would send the create
 * again and duplicate the credential).
 */
const LIST_MAX_PAGES = 20;

/**
 * Twilio's error body: `{code, message, more_info, status}` (sometimes `details`); the code and the
 * link to its documentation are shown after the message.
 */
function twilioErrorMessage(data: unknown): string {
  return errorBodyMessage(data, (body) =>
    [
      body.code !== undefined ? `code ${String(body.code)}` : "",
      typeof body.more_info === "string" ? body.more_info : "",
    ]
      .filter(Boolean)
      .join(", "),
  );
}

/** The path and query of a next-page URL, which may be absolute (on the accounts host). */
function pathAndQuery(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url, "https://accounts.twilio.com");
  } catch {
    // Not quoted, nor kept as a cause (Node's TypeError holds the input): it comes from the server.
    throw new Error(`GET ${BASE} answered a meta.next_page_url that is not a URL`);
  }
  return `${parsed.pathname}${parsed.search}`;
}

/**
 * Every AWS credential of the account: follows `meta.next_page_url` (kept on our own origin) until it
 * is null, the page is empty or `meta` is missing. A URL already read ends the walk (a server pointing
 * back has nothing new), and records are counted once by sid. More pages than `maxPages` (a lost-create
 * lookup: LIST_MAX_PAGES) is an error naming the bound. `pagesRead` counts the requests.
 */
export async function listAll(
  http: HttpClient,
  secrets: string[],
  options: { pageSize?: number; maxPages?: number } = {},
): Promise<{ records: ApiRecord[]; pagesRead: number }> {
  const pageSize = Math.min(options.pageSize ?? LIST_PAGE_SIZE, LIST_PAGE_SIZE);
  const maxPages = options.maxPages ?? LIST_MAX_PAGES;
  const seen = new RecordsById("sid");
  const visited = new Set<string>();
  let next: string | undefined = `${BASE}?PageSize=${pageSize}&Page=0`;
  while (next !== undefined && !visited.has(next)) {
    if (visited.size === maxPages) {
      throw new Error(
        `the list of AWS credentials has more than ${maxPages} pages of ${pageSize}; a walk ` +
          `reads at most ${maxPages}, so a credential on a later page cannot be ruled out`,
      );
    }
    visited.add(next);
    const response = await http.send({ method: "GET", path: next, idempotent: true, secrets });
    const body = isPlainObject(response.data) ? response.data : {};
    const records = (Array.isArray(body.credentials) ? body.credentials : []).filter(isPlainObject);
    for (const record of records) seen.add(record);
    const meta = isPlainObject(body.meta) ? body.meta : {};
    next =
      typeof meta.next_page_url === "string" && records.length > 0
        ? pathAndQuery(meta.next_page_url)
        : undefined;
  }
  return { records: seen.all(), pagesRead: visited.size };
}

/** A credential sid: `CR` and 32 hex digits. */
export const CREDENTIAL_SID = /^CR[0-9a-fA-F]{32}$/;

/** Twilio resolves a sid's hex digits in either case: one credential. */
const sameSid = (a: string, b: string) =>
  a.slice(0, 2) === b.slice(0, 2) && a.slice(2).toLowerCase() === b.slice(2).toLowerCase();

/**
 * Why the answer to a fetch or update of `sid` is not that credential, if it is not. The answered sid
 * is shown only when it is a sid free of every secret (a real auth token is 32 hex digits, so a
 * hostile server could answer one dressed as a sid).
 */
function otherCredential(sid: string, record: ApiRecord, secrets: readonly string[]): string | undefined {
  const answered = record.sid;
  if (typeof answered === "string" && sameSid(answered, sid)) return undefined;
  const shown =
    answered === undefined || answered === null
      ? "(no sid)"
      : typeof answered === "string" &&
          CREDENTIAL_SID.test(answered) &&
          safeText(answered, secrets) === answered
        ? answered
        : "(not shown: not a credential sid or holds a secret)";
  return `answered credential ${shown}, not ${sid}`;
}

/**
 * A friendly name as the lookup compares it. No name and "" are one: unset means "" to the provider
 * (its documented default), and Twilio documents `string | null` without saying which it stores.
 */
const nameKey = (name: unknown) => (name === undefined || name === null ? "" : name);

/**
 * Creates whose lost-answer lookups (findCreated: friendly name, account) could find each other's
 * credential. The account is left out: a lookup without accountSid matches every account.
 */
export function twilioSiblingKey(inputs: Inputs): string {
  return JSON.stringify([nameKey(inputs.friendlyName)]);
}

/** The connection the settings name, with Twilio's error body form. */
export const twilioConnection = perTwilioConfiguration(() => {
  const settings = { ...twilioHttpSettings(), parseErrorBody: twilioErrorMessage };
  return { settings, http: httpClient(settings) };
});

/** The credential calls on the connection the settings name: built once per configuration. */
export const twilioApi = perTwilioConfiguration((): CredentialApi => {
  const { settings, http } = twilioConnection();

  return {
    where: `${settings.baseUrl}${BASE} (Twilio AWS credentials)`,
    connectionSecrets: settings.secrets,

    siblingKey: twilioSiblingKey,

    ...collectionCalls(http, {
      path: BASE,
      bodyAs: "form",
      updateMethod: "POST",
      checkAnswer: otherCredential,
    }),

    async findCreated(inputs: Inputs, sentAtMs: number, secrets: string[]) {
      const { records } = await listAll(http, secrets);
      return records.filter(
        (item) =>
          nameKey(item.friendly_name) === nameKey(inputs.friendlyName) &&
          (inputs.accountSid === undefined || item.account_sid === inputs.accountSid) &&
          // Read after the list answered, so the server clock is known by then.
          Date.parse(String(item.date_created)) >= http.serverTimeAtOrBefore(sentAtMs),
      );
    },
  };
});
