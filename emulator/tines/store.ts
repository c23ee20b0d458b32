// Tines record storage: ids, timestamps, PUT semantics, snapshots, and the API view of a record.
import type { TinesPutSemantics, TinesRecord } from "../types";
import { TINES_MODE_RULES, isHiddenField } from "./modes";
import { TinesValidationError, buildTinesContent, type TinesRecordContent } from "./validation";

export const TINES_PUT_SEMANTICS: readonly TinesPutSemantics[] = ["replace", "merge"];

/** The API view of a record: documented field order, no secret, write-only or internal field. */
export function tinesPublicView(rec: TinesRecord): Record<string, unknown> {
  const ordered: Record<string, unknown> = {
    id: rec.id,
    name: rec.name,
    mode: rec.mode,
    team_id: rec.team_id,
    folder_id: rec.folder_id,
    read_access: rec.read_access,
    shared_team_slugs: rec.shared_team_slugs,
    slug: rec.slug,
    created_at: rec.created_at,
    updated_at: rec.updated_at,
    description: rec.description,
  };
  for (const [k, v] of Object.entries(rec)) {
    if (!(k in ordered) && !isHiddenField(rec.mode, k)) ordered[k] = v;
  }
  return structuredClone(ordered);
}

// ---- the store ----

/** The record with the changes laid over it (id, timestamps and slug are the store's own). */
function mergedInto(existing: TinesRecord, changes: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...structuredClone(existing) };
  for (const [k, v] of Object.entries(changes)) {
    if (k !== "id" && k !== "created_at" && k !== "updated_at" && k !== "slug") merged[k] = v;
  }
  return merged;
}

export interface TinesSnapshot {
  nextId: number;
  records: TinesRecord[];
}

export class TinesStore {
  private records = new Map<number, TinesRecord>();
  /**
   * The ids of each live credential's test credentials. A record's live credential is set at create and
   * never changes. Every answer about a live credential shows its test credential: a scan of all records
   * per answer made each request cost more as the store grew (0.27 ms at 33,000 records), which skewed
   * the benchmarks' later measurements.
   */
  private testIdsByLive = new Map<number, Set<number>>();
  private nextId = 1;
  private lastMs = 0;

  constructor(
    private readonly onChange: () => void,
    /** What a PUT does with the fields it leaves out: see EmulatorOptions.tinesPut. */
    private readonly putSemantics: TinesPutSemantics = "replace",
  ) {}

  /** ISO timestamp with milliseconds, strictly increasing so every write moves `updated_at`. */
  private timestamp(): string {
    const ms = Math.max(Date.now(), this.lastMs + 1);
    this.lastMs = ms;
    return new Date(ms).toISOString();
  }

  /** Every record by id, a copy of each. */
  list(): TinesRecord[] {
    return this.byId().map((r) => structuredClone(r));
  }

  /**
   * One page of the records a filter keeps, by id: a copy of each record on the page, and how many the
   * filter keeps. Only the page is copied: a list of thousands answers fifty at a time.
   */
  page(
    keep: (rec: TinesRecord) => boolean,
    offset: number,
    size: number,
  ): { records: TinesRecord[]; count: number } {
    const kept = this.byId().filter(keep);
    return { records: kept.slice(offset, offset + size).map((r) => structuredClone(r)), count: kept.length };
  }

  /** The stored records themselves, by id: never handed out. */
  private byId(): TinesRecord[] {
    return [...this.records.values()].sort((a, b) => a.id - b.id);
  }

  get(id: number): TinesRecord | undefined {
    const rec = this.records.get(id);
    return rec ? structuredClone(rec) : undefined;
  }

  count(): number {
    return this.records.size;
  }

  /** The test credential made for live credential `id` (the first, by id), if any. */
  testCredentialOf(id: number): TinesRecord | undefined {
    const ids = this.testIdsByLive.get(id);
    if (!ids || ids.size === 0) return undefined;
    return this.get(Math.min(...ids));
  }

  /** Adds a stored record to testIdsByLive, if it is a test credential. */
  private indexTest(rec: TinesRecord): void {
    const live = rec.live_credential_id;
    if (live === undefined) return;
    const ids = this.testIdsByLive.get(live) ?? new Set<number>();
    ids.add(rec.id);
    this.testIdsByLive.set(live, ids);
  }

  /** POST semantics; throws TinesValidationError. */
  create(body: Record<string, unknown>): TinesRecord {
    const { errors, content } = buildTinesContent(body, { findLive: (id) => this.records.get(id) });
    if (!content) throw new TinesValidationError(errors);
    const now = this.timestamp();
    const rec = { id: this.nextId++, ...content, created_at: now, updated_at: now } as TinesRecord;
    this.records.set(rec.id, this.ordered(rec));
    this.indexTest(rec);
    this.onChange();
    return structuredClone(rec);
  }

  /**
   * PUT (mode/team checks are the handler's): "replace" sends absent fields back to their default,
   * "merge" keeps them. Either way a field the docs say a PUT resets when left out (the TTL) goes back
   * to null. Throws TinesValidationError.
   */
  put(id: number, body: Record<string, unknown>): TinesRecord | undefined {
    const existing = this.records.get(id);
    if (!existing) return undefined;
    const merged = this.putSemantics === "merge" ? mergedInto(existing, body) : { ...body };
    for (const [field, rules] of Object.entries(TINES_MODE_RULES[existing.mode].fields)) {
      if (rules.nullWhenLeftOutOfPut && body[field] === undefined) merged[field] = null;
    }
    const { errors, content } = buildTinesContent(merged, { existing });
    if (!content) throw new TinesValidationError(errors);
    return this.store(existing, content);
  }

  /** Out-of-band change: the patch is merged into the current record, then validated. */
  patch(id: number, patch: Record<string, unknown>): TinesRecord {
    const existing = this.records.get(id);
    if (!existing) throw new Error(`Tines credential ${id} does not exist`);
    const { errors, content } = buildTinesContent(mergedInto(existing, patch), { existing });
    if (!content) throw new TinesValidationError(errors);
    return this.store(existing, content);
  }

  private store(existing: TinesRecord, content: TinesRecordContent): TinesRecord {
    const rec = {
      id: existing.id,
      ...content,
      created_at: existing.created_at,
      updated_at: this.timestamp(),
    } as TinesRecord;
    this.records.set(rec.id, this.ordered(rec));
    this.onChange();
    return structuredClone(rec);
  }

  /** The record with its fields in API order, then the ones the API never returns. */
  private ordered(rec: TinesRecord): TinesRecord {
    const view = tinesPublicView(rec);
    for (const [k, v] of Object.entries(rec)) {
      if (!(k in view) && v !== undefined) view[k] = structuredClone(v);
    }
    return view as unknown as TinesRecord;
  }

  remove(id: number): boolean {
    const live = this.records.get(id)?.live_credential_id;
    if (live !== undefined) this.testIdsByLive.get(live)?.delete(id);
    const removed = this.records.delete(id);
    if (removed) this.onChange();
    return removed;
  }

  clear(): void {
    this.records.clear();
    this.testIdsByLive.clear();
    this.nextId = 1;
  }

  snapshot(): TinesSnapshot {
    return { nextId: this.nextId, records: this.list() };
  }

  load(snapshot: TinesSnapshot): void {
    this.records.clear();
    this.testIdsByLive.clear();
    for (const rec of snapshot.records) {
      this.records.set(rec.id, structuredClone(rec));
      this.indexTest(rec);
      const ms = Date.parse(rec.updated_at);
      if (!Number.isNaN(ms)) this.lastMs = Math.max(this.lastMs, ms);
    }
    const maxId = Math.max(0, ...snapshot.records.map((r) => r.id));
    this.nextId = Math.max(snapshot.nextId, maxId + 1);
  }
}
