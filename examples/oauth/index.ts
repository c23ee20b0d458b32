// An OAuth client-credentials credential: Tines fetches (and about every 30 minutes refreshes) an
// access token from the provider's token URL with the app's client id and secret. This grant is fully
// unattended: `pulumi up` finishes the whole setup.
//
// With `oauthGrantType: "authorization_code"` (and `oauthUrl`), `pulumi up` creates the credential,
// but a person must then open the exported `redirectUrl` and approve access before the credential
// can get a token: a deploy cannot do that step. Register `https://<tenant>/oauth2/callback` as the
// app's callback URL with the provider first.
import * as pulumi from "@pulumi/pulumi";
import { TinesOauthCredential } from "pulumi-api-credentials";

const config = new pulumi.Config();

const graph = new TinesOauthCredential("graph-oauth", {
  name: "microsoft_graph",
  teamId: config.requireNumber("tinesTeamId"),
  oauthGrantType: "client_credentials",
  oauthTokenUrl: "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token",
  oauthClientId: config.require("graphClientId"),
  oauthClientSecret: config.requireSecret("graphClientSecret"),
  oauthScope: "https://graph.microsoft.com/.default",
  allowedHosts: ["graph.microsoft.com"],
});

export const credentialId = graph.credentialId;
/** Stories refer to the credential as <<CREDENTIAL.slug>>. */
export const slug = graph.slug;
