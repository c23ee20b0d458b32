// A multi-request credential: Tines runs two HTTP requests in order to get a token. Here the first
// logs in to an identity provider with a client secret, and the second trades that session for an
// API token at the vault; `httpRequestLocationOfToken` says where the token is in the second answer.
//
// Each request's `httpRequestSecret` is what Tines substitutes for `<<secret>>` in that request's
// options. The whole `credentialRequests` list is kept secret in state, because it holds those
// secrets; the options' `<<...>>` references are passed to Tines untouched.
import * as pulumi from "@pulumi/pulumi";
import { TinesMultiRequestCredential } from "pulumi-api-credentials";

const config = new pulumi.Config();

const vault = new TinesMultiRequestCredential("vault-token", {
  name: "vault_token",
  teamId: config.requireNumber("tinesTeamId"),
  credentialRequests: [
    {
      options: {
        url: "https://idp.example.com/oauth/token",
        method: "post",
        content_type: "form",
        payload: { grant_type: "client_credentials", client_id: "tines", client_secret: "<<secret>>" },
      },
      httpRequestSecret: config.requireSecret("idpClientSecret"),
    },
    {
      options: {
        url: "https://vault.example.com/v1/auth/jwt/login",
        method: "post",
        payload: { role: "tines", jwt: "<<PREVIOUS_STEP.body.access_token>>" },
      },
    },
  ],
  httpRequestLocationOfToken: "=response.body.auth.client_token",
  httpRequestTtl: 3600,
  allowedHosts: ["vault.example.com"],
});

export const credentialId = vault.credentialId;
/** Stories refer to the credential as <<CREDENTIAL.slug>>. */
export const slug = vault.slug;
