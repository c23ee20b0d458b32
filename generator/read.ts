// Reads both services' credential lists with the provider's own settings, HTTP policy (retries,
// deadline, proxy, redaction) and list walks. Lists only: no GET per credential, no write of any kind.
import { RecordsById } from "../provider/core/client";
import { httpClient } from "../provider/core/config";
import { ApiRecord } from "../provider/core/spec";
import { listEveryTinesCredential } from "../provider/tines/client";
import { tinesHttpSettings } from "../provider/tines/settings";
import { listAll, twilioConnection } from "../provider/twilio/client";

/**
 * Pages one walk reads at most before it stops with an error: 2,000 pages, so a million credentials
 * at the services' largest page sizes. Only a server that keeps naming a next page reaches it.
 */
export const MAX_LIST_PAGES = 2_000;

export interface ServiceRead {
  /** The origin read, for the summary and SECRETS.md (never holds a secret: settings refuse user info). */
  origin: string;
  records: ApiRecord[];
  /** List requests made (one per page). */
  pages: number;
  /** The API key or token the connection authenticates with: must never reach a generated file. */
  connectionSecrets: readonly string[];
}

export interface ReadOptions {
  /** Only these Tines teams (each listed with team_id); every team the key can list when empty. */
  tinesTeams: readonly number[];
  /** List page size; each API's maximum when unset (Tines 500, Twilio 1,000). */
  pageSize?: number;
}

/** Settings errors name what to set; the CLI reads no stack config, so only the environment applies. */
function settings<T>(read: () => T, service: string, other: string): T {
  try {
    return read();
  } catch (error) {
    throw new Error(`${service}: ${(error as Error).message} (or pass --only ${other})`, { cause: error });
  }
}

export async function readTines(options: ReadOptions): Promise<ServiceRead> {
  const config = settings(tinesHttpSettings, "Tines", "twilio");
  const http = httpClient(config);
  const seen = new RecordsById("id");
  let pages = 0;
  // One walk of the tenant, or one per team (a credential listed twice counts once).
  for (const teamId of options.tinesTeams.length > 0 ? options.tinesTeams : [undefined]) {
    const walk = await listEveryTinesCredential(http, {
      teamId,
      perPage: options.pageSize,
      maxPages: MAX_LIST_PAGES,
    });
    pages += walk.pagesRead;
    for (const record of walk.records) seen.add(record);
  }
  return { origin: config.baseUrl, records: seen.all(), pages, connectionSecrets: config.secrets };
}

export async function readTwilio(options: ReadOptions): Promise<ServiceRead> {
  const { settings: config, http } = settings(twilioConnection, "Twilio", "tines");
  const walk = await listAll(http, [], {
    pageSize: options.pageSize,
    maxPages: MAX_LIST_PAGES,
  });
  return {
    origin: config.baseUrl,
    records: walk.records,
    pages: walk.pagesRead,
    connectionSecrets: config.secrets,
  };
}
