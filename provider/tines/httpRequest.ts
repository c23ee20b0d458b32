// Tines HTTP-request credential (mode HTTP_REQUEST_AGENT): Tines runs one HTTP request, described by
// the same options an HTTP Request action takes, and keeps the token found in its answer. The request
// may use a secret stored with the credential as `<<secret>>`; such references (and any other `<<...>>`
// or `=...` formula) are Tines' business and go out untouched. No documented answer carries the mode's
// own fields (the Go SDK's recorded answers have none), so all of them are write-only.
import { FieldTable, nonEmpty } from "../core/fields";
import { httpRequestTtl, tinesSpec } from "./common";

const inputs = {
  // The current create page takes an object; the oldest revision (and old Update pages) a JSON-encoded
  // string. An object is sent: it is what the newest docs and the Go SDK send, and a string would
  // hide the options' structure from diff.
  httpRequestOptions: {
    description:
      "The options of the request that fetches the token, as in an HTTP Request action (`url`, `method`, `content_type`, `headers`, `payload`, ...), given as an object and sent as one (the oldest API revision took a JSON-encoded string; the current one takes an object). `<<secret>>` in them stands for `httpRequestSecret` and is sent as written. Kept in state in plain text: put secret values in `httpRequestSecret`, not here.",
    api: "http_request_options",
    kind: "object",
    required: true,
    writeOnly: true,
  },
  httpRequestLocationOfToken: {
    description:
      "Where the token is in the request's answer, as a formula path such as `=response.body.token`.",
    api: "http_request_location_of_token",
    kind: "string",
    required: true,
    writeOnly: true,
    rule: nonEmpty,
  },
  /** Optional (a request may need no secret), so no default: unset, it is never sent. */
  httpRequestSecret: {
    description:
      "A secret stored with the credential, which the options refer to as `<<secret>>`. Removing it replaces the credential: Tines documents no way to clear a stored secret.",
    api: "http_request_secret",
    kind: "string",
    secret: true,
    rule: nonEmpty,
  },
  httpRequestTtl,
  /** No documented default (newest full revision only, meaning not explained): never sent when unset. */
  contentType: {
    description:
      "The content type of the request payload, as the create page calls it (how it relates to the options' `content_type` is not documented).",
    api: "content_type",
    kind: "string",
    writeOnly: true,
    rule: nonEmpty,
  },
} as const satisfies FieldTable;

export const tinesHttpRequestSpec = tinesSpec("HTTP_REQUEST_AGENT", { inputs });
