// The request log: one entry per request (API and control), never a header, body or secret.
import type { RequestLogEntry } from "./types";

/** The log keeps at most this many entries (oldest dropped first). */
export const MAX_LOG_ENTRIES = 10_000;

export class RequestLog {
  /** The live array (Emulator.log is this array, so callers see new entries without asking again). */
  readonly entries: RequestLogEntry[] = [];

  constructor(private readonly onRequest?: (entry: RequestLogEntry) => void) {}

  record(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.onRequest) {
      try {
        this.onRequest({ ...entry });
      } catch {
        // a failing observer must not break request handling
      }
    }
    if (this.entries.length > MAX_LOG_ENTRIES) this.entries.splice(0, this.entries.length - MAX_LOG_ENTRIES);
  }

  clear(): void {
    this.entries.length = 0;
  }

  copy(): RequestLogEntry[] {
    return this.entries.map((e) => ({ ...e }));
  }
}
