// The Twilio Credentials/AWS API as an emulated service: every path outside /api and /_emulator, its
// error form, and the control API's out-of-band changes.
import type { IncomingHttpHeaders } from "node:http";
import type { ApiRequest, ApiResponse } from "../http";
import { TwilioApiError, TwilioStore, handleTwilio, twilioErrorResponse, twilioPublicView } from "../twilio";
import type { ControlBody, EmulatedService, ServerStatus } from "./service";

const STATUS_ERRORS: Record<ServerStatus, [code: number, message: string]> = {
  413: [20001, "Request body too large"],
  429: [20429, "Too Many Requests"],
  500: [20500, "Internal Server Error"],
  502: [20500, "Bad Gateway"],
  503: [20503, "Service Unavailable"],
};

export interface TwilioServiceOptions {
  accountSid: string;
  authToken: string;
  subaccounts: readonly string[];
  /** Also accepted as basic-auth login: an API key SID and its secret. */
  apiKey?: { sid: string; secret: string };
  baseUrl: () => string;
  /** Called after every change to the store (persistence). */
  onChange: () => void;
}

export class TwilioService implements EmulatedService {
  readonly name = "twilio";
  readonly store: TwilioStore;
  private readonly credentials: ReadonlyArray<{ user: string; password: string }>;

  constructor(private readonly opts: TwilioServiceOptions) {
    this.store = new TwilioStore(
      { accountSid: opts.accountSid, subaccounts: opts.subaccounts, baseUrl: opts.baseUrl },
      opts.onChange,
    );
    this.credentials = [
      { user: opts.accountSid, password: opts.authToken },
      ...(opts.apiKey ? [{ user: opts.apiKey.sid, password: opts.apiKey.secret }] : []),
    ];
  }

  /** Twilio takes every path the services before it leave (its 404 is the emulator's default one). */
  owns(): boolean {
    return true;
  }

  /** The basic-auth login (account SID or API key SID): Twilio counts requests in flight per account. */
  credentialOf(headers: IncomingHttpHeaders): string {
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(headers.authorization?.trim() ?? "");
    if (!basic) return "";
    const login = Buffer.from(basic[1], "base64").toString("utf8");
    return login.slice(0, Math.max(0, login.indexOf(":")));
  }

  handle(req: ApiRequest): ApiResponse {
    return handleTwilio(req, {
      store: this.store,
      baseUrl: this.opts.baseUrl(),
      credentials: this.credentials,
    });
  }

  errorResponse(status: ServerStatus, headers?: Record<string, string>): ApiResponse {
    const [code, message] = STATUS_ERRORS[status];
    return twilioErrorResponse(status, code, message, headers);
  }

  publicRecords(): unknown[] {
    return this.store.list().map(twilioPublicView);
  }

  readonly control = {
    parseId: (segment: string): string | undefined => segment,
    create: (body: ControlBody): ApiResponse =>
      apiErrors(() => {
        const { Credentials, FriendlyName, AccountSid } = body() as {
          Credentials?: string;
          FriendlyName?: string;
          AccountSid?: string;
        };
        return {
          status: 201,
          body: twilioPublicView(this.store.create({ Credentials, FriendlyName, AccountSid })),
        };
      }),
    change: (sid: string, body: ControlBody): ApiResponse =>
      this.ifExists(sid, () => {
        const json = body();
        const name = json.friendly_name ?? json.FriendlyName;
        if (name !== undefined && typeof name !== "string") {
          return { status: 400, body: { error: "friendly_name must be a string" } };
        }
        return apiErrors(() => ({ status: 200, body: twilioPublicView(this.store.update(sid, name)) }));
      }),
    remove: (sid: string): ApiResponse =>
      this.ifExists(sid, () => {
        this.store.remove(sid);
        return { status: 204 };
      }),
  };

  clear(): void {
    this.store.clear();
  }

  private ifExists(sid: string, then: () => ApiResponse): ApiResponse {
    if (!this.store.get(sid))
      return { status: 404, body: { error: `Twilio credential ${sid} does not exist` } };
    return then();
  }
}

/** A refused out-of-band change answers in Twilio's error form, as the API would. */
function apiErrors(change: () => ApiResponse): ApiResponse {
  try {
    return change();
  } catch (err) {
    if (err instanceof TwilioApiError) return twilioErrorResponse(err.status, err.code, err.message);
    throw err;
  }
}
