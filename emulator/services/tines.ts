// The Tines user-credentials API as an emulated service: requests under /api, its error form, and the
// control API's out-of-band changes.
import type { IncomingHttpHeaders } from "node:http";
import type { ApiResponse } from "../http";
import { TinesStore, TinesValidationError, handleTines, tinesErrorResponse, tinesPublicView } from "../tines";
import type { TinesPutSemantics } from "../types";
import type { ControlBody, EmulatedService, ServerStatus } from "./service";

const STATUS_MESSAGES: Record<ServerStatus, string> = {
  413: "Request body too large",
  429: "Too many requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
};

export interface TinesServiceOptions {
  apiKey: string;
  putSemantics: TinesPutSemantics;
  baseUrl: () => string;
  /** Called after every change to the store (persistence). */
  onChange: () => void;
}

export class TinesService implements EmulatedService {
  readonly name = "tines";
  readonly store: TinesStore;

  constructor(private readonly opts: TinesServiceOptions) {
    this.store = new TinesStore(opts.onChange, opts.putSemantics);
  }

  owns(path: string): boolean {
    return path === "/api" || path.startsWith("/api/");
  }

  /** The bearer token, else the X-User-Token header (Tines limits per token). */
  credentialOf(headers: IncomingHttpHeaders): string {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization?.trim() ?? "");
    if (bearer) return bearer[1];
    const token = headers["x-user-token"];
    return typeof token === "string" ? token.trim() : "";
  }

  handle(req: Parameters<EmulatedService["handle"]>[0]): ApiResponse {
    return handleTines(req, { store: this.store, apiKey: this.opts.apiKey, baseUrl: this.opts.baseUrl() });
  }

  errorResponse(status: ServerStatus, headers?: Record<string, string>): ApiResponse {
    return tinesErrorResponse(status, STATUS_MESSAGES[status], headers);
  }

  publicRecords(): unknown[] {
    return this.store.list().map(tinesPublicView);
  }

  readonly control = {
    parseId: (segment: string): string | undefined => (/^\d{1,15}$/.test(segment) ? segment : undefined),
    create: (body: ControlBody): ApiResponse =>
      validated(() => ({ status: 201, body: tinesPublicView(this.store.create(body())) })),
    change: (id: string, body: ControlBody): ApiResponse =>
      this.ifExists(id, () =>
        validated(() => ({ status: 200, body: tinesPublicView(this.store.patch(Number(id), body())) })),
      ),
    remove: (id: string): ApiResponse =>
      this.ifExists(id, () => {
        this.store.remove(Number(id));
        return { status: 204 };
      }),
  };

  clear(): void {
    this.store.clear();
  }

  private ifExists(id: string, then: () => ApiResponse): ApiResponse {
    if (!this.store.get(Number(id)))
      return { status: 404, body: { error: `Tines credential ${id} does not exist` } };
    return then();
  }
}

/** A validation failure of an out-of-band change answers 422 with the API's error list. */
function validated(change: () => ApiResponse): ApiResponse {
  try {
    return change();
  } catch (err) {
    if (err instanceof TinesValidationError) return { status: 422, body: { errors: err.errors } };
    throw err;
  }
}
