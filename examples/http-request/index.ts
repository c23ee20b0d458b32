// An HTTP-request credential: to get a token, Tines runs one HTTP request (here a Vault AppRole
// login) and keeps what `httpRequestLocationOfToken` points at in the answer, reusing it for
// `httpRequestTtl` seconds.
//
// The options are an object, the same options an HTTP Request action takes. `<<secret>>` in them is
// the credential's `httpRequestSecret`, which Tines substitutes when it runs the request: it is passed
// through untouched, and the secret itself stays encrypted in state. The options are kept in state in
// plain text, so no secret value belongs in them.
import * as pulumi from "@pulumi/pulumi";
import { TinesHttpRequestCredential } from "pulumi-api-credentials";

const config = new pulumi.Config();

const vault = new TinesHttpRequestCredential("vault-approle", {
  name: "vault_approle_token",
  teamId: config.requireNumber("tinesTeamId"),
  httpRequestOptions: {
    url: "https://vault.example.com/v1/auth/approle/login",
    method: "post",
    content_type: "json",
    payload: { role_id: config.require("vaultRoleId"), secret_id: "<<secret>>" },
  },
  httpRequestSecret: config.requireSecret("vaultSecretId"),
  httpRequestLocationOfToken: "=response.body.auth.client_token",
  httpRequestTtl: 3600,
  allowedHosts: ["vault.example.com"],
});

export const credentialId = vault.credentialId;
/** Stories refer to the credential as <<CREDENTIAL.slug>>. */
export const slug = vault.slug;
