// Tines user_credentials endpoints: JSON bodies, Bearer auth, integer ids.
import { collectionCalls, RecordsById } from "../core/client";
import { httpClient } from "../core/config";
import { Inputs, isPlainObject } from "../core/fields";
import { HttpClient, HttpSettings } from "../core/http";
import { ApiRecord, CredentialApi } from "../core/spec";
import { perTinesConfiguration, tinesHttpSettings } from "./settings";

const BASE = "/api/v1/user_credentials";
/** The documented maximum `per_page`. */
const LIST_PAGE_SIZE = 500;
/**
 * The most distinct list pages one lost-create lookup reads: a list of up to 20 × 500 = 10,000
 * credentials (in the team, or in the tenant without `teamId`) is searched in full. A longer one is
 * searched from its end only as far as the created_at order observed proves the rest too old to
 * match; beyond that the lookup fails naming this bound instead of concluding "nothing created"
 * (which would send the create again and duplicate the credential).
 */
const LIST_MAX_PAGES = 20;

/** The `page` query parameter of a list page URL such as `meta.current_page`, if it has one. */
function pageNumberIn(url: unknown): number | undefined {
  if (typeof url !== "string") return undefined;
  try {
    const page = new URL(url, "https://tenant.invalid").searchParams.get("page");
    return page !== null && /^\d{1,15}$/.test(page) ? Number(page) : undefined;
  } catch {
    return undefined;
  }
}

/** Creation times in list order, or undefined when any is missing or unreadable. */
function creationTimes(records: ApiRecord[]): number[] | undefined {
  const times = records.map((r) => Date.parse(String(r.created_at)));
  return times.every(Number.isFinite) ? times : undefined;
}

const nonDecreasing = (times: number[]) => times.every((t, i) => i === 0 || times[i - 1] <= t);

/**
 * Reads one list page into `seen`. A server answering another page than the one asked for (by
 * `meta.current_page`) is an error: the walk could not then tell what it has read.
 */
async function readListPage(
  http: HttpClient,
  query: { teamId?: number; perPage: number; page: number },
  seen: RecordsById,
  secrets: string[],
) {
  const params: Record<string, string | number> = { per_page: query.perPage, page: query.page };
  if (query.teamId !== undefined) params.team_id = query.teamId;
  const response = await http.send({ method: "GET", path: BASE, query: params, idempotent: true, secrets });
  const body = isPlainObject(response.data) ? response.data : {};
  const records = (Array.isArray(body.user_credentials) ? body.user_credentials : []).filter(isPlainObject);
  const meta = isPlainObject(body.meta) ? body.meta : undefined;
  const answered = pageNumberIn(meta?.current_page);
  if (answered !== undefined && answered !== query.page) {
    throw new Error(
      `GET ${BASE} page ${query.page} was answered with page ${answered} (meta.current_page), so the list ` +
        `cannot be searched completely`,
    );
  }
  for (const record of records) seen.add(record);
  return { records, meta };
}

/**
 * Every credential of the list (of one team when `teamId` is set), read for a lost-create lookup.
 * The list has no name filter and no documented order, so the end is found from `meta`, never from
 * `next_page_number` (the recorded API answers 1 there on the last page): page 1 is the last when
 * its `next_page` is null, `pages` is 1 or below, or `meta` is missing. Otherwise page 1 gives the
 * number of pages and the rest is read from the last page backwards, where the newest credentials
 * are if the list is in id order. Reading backwards also means a record moved down a page by a
 * deletion during the walk lands on a page still to be read; page 1, read first, is read again
 * at the end for that reason. Records are counted once by id, whatever pages repeat.
 * The walk stops early only when that is provably safe: every record read so far is in ascending
 * created_at order and the lowest page read starts before the lookup window (`since()`), so the
 * pages between it and page 1 hold only older credentials. With more than LIST_MAX_PAGES pages and
 * no such proof it throws an error naming the bound.
 */
async function listRecentFirst(
  http: HttpClient,
  teamId: number | undefined,
  since: () => number,
  secrets: string[],
): Promise<ApiRecord[]> {
  const seen = new RecordsById("id");
  const readPage = (page: number) =>
    readListPage(http, { teamId, perPage: LIST_PAGE_SIZE, page }, seen, secrets);
  const everything = () => seen.all();

  const first = await readPage(1);
  const meta = first.meta;
  if (meta === undefined || typeof meta.next_page !== "string") return everything();
  const pages = meta.pages;
  if (typeof pages !== "number" || !Number.isSafeInteger(pages)) {
    throw new Error(
      `GET ${BASE} names a next page, but meta.pages is ${pages === undefined ? "missing" : "not a whole number"}, ` +
        `so the list cannot be read from its newest end`,
    );
  }
  if (pages <= 1) return everything();

  const firstTimes = creationTimes(first.records);
  let ordered = firstTimes !== undefined && nonDecreasing(firstTimes);
  const pageOneEnd = firstTimes?.[firstTimes.length - 1];
  // The creation time of the first record on the lowest page read so far, from the end.
  let lowestStart: number | undefined;
  for (let page = pages, read = 1; page >= 2; page--, read++) {
    if (read === LIST_MAX_PAGES) {
      const perPage = typeof meta.per_page === "number" ? meta.per_page : LIST_PAGE_SIZE;
      throw new Error(
        `the list${teamId === undefined ? "" : ` of team ${teamId}`} has ${pages} pages of ${perPage}; ` +
          `a lookup reads at most ${LIST_MAX_PAGES} pages (page 1, then from the last page back), and ` +
          `${page === 2 ? "page 2 was" : `pages 2 to ${page} were`} not read, so a matching credential ` +
          `there cannot be ruled out`,
      );
    }
    const times = creationTimes((await readPage(page)).records);
    if (times === undefined || !nonDecreasing(times)) ordered = false;
    else if (times.length > 0) {
      if (lowestStart !== undefined && times[times.length - 1] > lowestStart) ordered = false;
      lowestStart = times[0];
    }
    if (
      ordered &&
      lowestStart !== undefined &&
      lowestStart < since() &&
      (pageOneEnd === undefined || pageOneEnd <= lowestStart)
    ) {
      return everything();
    }
  }
  await readPage(1);
  return everything();
}

/**
 * Every credential of the list (of one team when `teamId` is set), read from page 1 forwards until
 * `next_page` is null (never judged by `next_page_number`, which the recorded API answers as 1 on the
 * last page), `meta` is missing or a page comes back empty; each id counted once. A `meta.pages` read
 * on page 1 bounds the walk (plus `maxPages`, for a server that keeps naming a next page). For reading
 * a whole estate (the generator); a lost-create lookup uses listRecentFirst.
 */
export async function listEveryTinesCredential(
  http: HttpClient,
  options: { teamId?: number; perPage?: number; maxPages: number },
  secrets: string[] = [],
): Promise<{ records: ApiRecord[]; pagesRead: number }> {
  const perPage = Math.min(options.perPage ?? LIST_PAGE_SIZE, LIST_PAGE_SIZE);
  const seen = new RecordsById("id");
  let pages: number | undefined;
  for (let page = 1; ; page++) {
    if (page > options.maxPages) {
      throw new Error(
        `GET ${BASE} still names a next page after ${options.maxPages} pages of ${perPage}; stopped there ` +
          `rather than read without end`,
      );
    }
    const { records, meta } = await readListPage(
      http,
      { teamId: options.teamId, perPage, page },
      seen,
      secrets,
    );
    if (page === 1 && typeof meta?.pages === "number" && Number.isSafeInteger(meta.pages)) pages = meta.pages;
    const last =
      meta === undefined ||
      typeof meta.next_page !== "string" ||
      records.length === 0 ||
      (pages !== undefined && page >= pages);
    if (last) return { records: seen.all(), pagesRead: page };
  }
}

/**
 * Why the answer to a get or update of credential `id` is another credential's: it names another id,
 * and its record would be kept under this resource's id. An answer without an id is taken (the docs
 * mark every field optional; the id asked for stays recorded). A named id is shown only when it is
 * an integer id, as Tines ids are.
 */
function otherCredential(id: string, record: ApiRecord): string | undefined {
  const answered = record.id;
  if (answered === undefined || answered === null || String(answered) === id) return undefined;
  const integer = (value: unknown) =>
    (typeof value === "number" && Number.isSafeInteger(value)) ||
    (typeof value === "string" && /^\d{1,15}$/.test(value));
  // One id in another spelling (007 and 7): the service found the credential asked for.
  if (integer(answered) && integer(id) && Number(answered) === Number(id)) return undefined;
  const shown = integer(answered) ? String(answered) : "(not shown: not a credential id)";
  return `answered credential ${shown}, not ${id}`;
}

/**
 * Creates whose lost-answer lookups (findCreated: mode, name, team) could find each other's
 * credential. The team is left out: a lookup without teamId (a test credential) matches every team.
 */
function tinesSiblingKey(mode: string, inputs: Inputs): string {
  return JSON.stringify([mode, inputs.name]);
}

/**
 * The connection the settings name, resolved once per configuration, with each mode's credential
 * calls on it (built on first use).
 */
const tinesConnection = perTinesConfiguration(() => {
  const settings = tinesHttpSettings();
  return { settings, http: httpClient(settings), apis: new Map<string, CredentialApi>() };
});

/** The credential calls of one mode on the connection the settings name. */
export function tinesApi(mode: string): CredentialApi {
  const { settings, http, apis } = tinesConnection();
  let api = apis.get(mode);
  if (!api) {
    api = modeApi(mode, settings, http);
    apis.set(mode, api);
  }
  return api;
}

function modeApi(mode: string, settings: HttpSettings, http: HttpClient): CredentialApi {
  return {
    where: `${settings.baseUrl} (Tines credentials)`,
    connectionSecrets: settings.secrets,

    siblingKey: (inputs) => tinesSiblingKey(mode, inputs),

    ...collectionCalls(http, {
      path: BASE,
      bodyAs: "json",
      updateMethod: "PUT",
      checkAnswer: otherCredential,
    }),

    async findCreated(inputs: Inputs, sentAtMs: number, secrets: string[]) {
      const teamId = inputs.teamId === undefined ? undefined : Number(inputs.teamId);
      // Called after the first list page answered, so the server clock is known by then.
      const since = () => http.serverTimeAtOrBefore(sentAtMs);
      const records = await listRecentFirst(http, teamId, since, secrets);
      return records.filter(
        (item) =>
          item.name === inputs.name &&
          item.mode === mode &&
          (teamId === undefined || Number(item.team_id) === teamId) &&
          Date.parse(String(item.created_at)) >= since(),
      );
    },
  };
}
