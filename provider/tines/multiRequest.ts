// Tines multi-request credential: two HTTP requests, run in order, whose second answer holds the
// token. Each request may carry a secret of its own, nested in the list: the whole list is marked
// secret (Pulumi's additionalSecretOutputs and the class's secret wrapping work on top-level names
// only), and redaction looks for every nested secret text (core/fields.ts secretTexts).
import { FieldTable, nonEmpty } from "../core/fields";
import { httpRequestTtl, tinesSpec } from "./common";

const credentialRequestItems = {
  options: {
    description:
      "The request's options, as in an HTTP Request action (`url`, `method`, `content_type`, `headers`, `payload`, ...); the second request reads the first one's answer as `<<PREVIOUS_STEP...>>`.",
    api: "options",
    kind: "object",
    required: true,
  },
  httpRequestSecret: {
    description: "A secret this request's options can use as `<<secret>>`.",
    api: "http_request_secret",
    kind: "string",
    secret: true,
    rule: nonEmpty,
  },
} as const satisfies FieldTable;

const inputs = {
  credentialRequests: {
    description:
      "Exactly two requests `{ options, httpRequestSecret? }`, run in this order. Secret as a whole, since it holds the requests' secrets. Removing an item's `httpRequestSecret` sends that item without `http_request_secret`: Tines documents no way to clear a stored one, so if its PUT merges, the old secret may stay; replace the credential to be sure it is gone.",
    api: "credential_requests",
    kind: "objectList",
    items: credentialRequestItems,
    required: true,
    secret: true,
    rule: (value) => ((value as unknown[]).length === 2 ? undefined : "must list exactly two requests"),
  },
  httpRequestLocationOfToken: {
    description:
      "Where the token is in the second request's answer, as a formula path such as `=response.body.token`.",
    api: "http_request_location_of_token",
    kind: "string",
    required: true,
    writeOnly: true,
    rule: nonEmpty,
  },
  httpRequestTtl,
  /** No documented default (newest full revision only, meaning not explained): never sent when unset. */
  contentType: {
    description: "The content type of the requests' payload, as the create page calls it.",
    api: "content_type",
    kind: "string",
    writeOnly: true,
    rule: nonEmpty,
  },
} as const satisfies FieldTable;

export const tinesMultiRequestSpec = tinesSpec("MULTI_REQUEST", { inputs });
