// What the server and the control API need from an emulated service. Each service (services/tines.ts,
// services/twilio.ts) binds its store and handler to this shape, so neither the server nor the control
// API names a service.
import type { IncomingHttpHeaders } from "node:http";
import type { ApiRequest, ApiResponse } from "../http";

export type ServiceName = "tines" | "twilio";

/** Statuses the server answers on a service's behalf, in that service's error form. */
export type ServerStatus = 413 | 429 | 500 | 502 | 503;

/** Reads the control request's JSON body; throws the control API's own 400/415 error. */
export type ControlBody = () => Record<string, unknown>;

export interface EmulatedService {
  readonly name: ServiceName;
  /** Whether a request path is this service's (asked in order; the last service takes every other path). */
  owns(path: string): boolean;
  /** The credential a request presents (API key, login), right or wrong: what a rate limit counts by. */
  credentialOf(headers: IncomingHttpHeaders): string;
  /** Processes an API request, auth included. */
  handle(req: ApiRequest): ApiResponse;
  /** This service's error answer for a status the server gives without the service processing the request. */
  errorResponse(status: ServerStatus, headers?: Record<string, string>): ApiResponse;
  /** Every record as the API returns it (no secret), in list order. */
  publicRecords(): unknown[];
  /** Out-of-band changes through the control API: `/_emulator/<name>/credentials[/<id>]`. */
  readonly control: {
    /** The record id a path segment names, or undefined when it cannot be one of this service's ids. */
    parseId(segment: string): string | undefined;
    create(body: ControlBody): ApiResponse;
    change(id: string, body: ControlBody): ApiResponse;
    remove(id: string): ApiResponse;
  };
  /** Empties the store (ids restart). */
  clear(): void;
}
