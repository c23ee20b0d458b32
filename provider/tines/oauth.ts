// Tines OAuth credential: Tines fetches and refreshes an access token from the provider's token URL.
// No documented answer carries the mode's own fields, so all of them are write-only; the create
// answers a `redirect_url` where a person finishes an authorization_code grant.
import { CheckFailure, FieldTable, given, httpsUrl, Inputs, nonEmpty } from "../core/fields";
import { tinesSpec } from "./common";

function oauthRules(inputs: Inputs): CheckFailure[] {
  if (inputs.oauthGrantType === "authorization_code" && !given(inputs.oauthUrl)) {
    return [{ property: "oauthUrl", reason: "is required when oauthGrantType is authorization_code" }];
  }
  return [];
}

const inputs = {
  oauthUrl: {
    description: "The provider's authorization URL (`https://`). Required with `authorization_code`.",
    api: "oauth_url",
    kind: "string",
    writeOnly: true,
    rule: httpsUrl,
  },
  oauthTokenUrl: {
    description: "The provider's token URL (`https://`).",
    api: "oauth_token_url",
    kind: "string",
    required: true,
    writeOnly: true,
    rule: httpsUrl,
  },
  oauthClientId: {
    description: "The client id of the app registered with the provider.",
    api: "oauth_client_id",
    kind: "string",
    required: true,
    writeOnly: true,
    rule: nonEmpty,
  },
  oauthClientSecret: {
    description: "The client secret of that app.",
    api: "oauth_client_secret",
    kind: "string",
    required: true,
    secret: true,
    rule: nonEmpty,
  },
  oauthScope: {
    description: "The scope or scopes to request, as the provider expects them.",
    api: "oauth_scope",
    kind: "string",
    required: true,
    writeOnly: true,
  },
  oauthGrantType: {
    description:
      "`client_credentials` (unattended) or `authorization_code` (a person approves access at `redirectUrl` after create).",
    api: "oauth_grant_type",
    kind: "string",
    required: true,
    writeOnly: true,
    oneOf: ["client_credentials", "authorization_code"],
  },
  /** The one request key Tines documents in camelCase; sent exactly so. Null means no PKCE. */
  oauthPkceCodeChallengeMethod: {
    description: "The PKCE code challenge method, `S256` or `plain`; unset, no PKCE.",
    api: "oauthPkceCodeChallengeMethod",
    kind: "string",
    writeOnly: true,
    oneOf: ["S256", "plain"],
    serverDefault: null,
  },
} as const satisfies FieldTable;

const outputs = {
  redirectUrl: {
    description:
      "Where a person approves access for an `authorization_code` grant, when the create answers one; until then the credential gets no token.",
    api: "redirect_url",
    kind: "string",
  },
} as const satisfies FieldTable;

export const tinesOauthSpec = tinesSpec("OAUTH", { inputs, outputs, rules: oauthRules });
