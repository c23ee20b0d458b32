// Adoption: bring credentials that already exist (made by hand in the Tines or Twilio console) under
// Pulumi without recreating them. `pulumi import` and the `import` resource option do not work for
// dynamic resources (pulumi/pulumi#16175), so the resources take the existing id as an input instead.
//
// What happens on the first `pulumi up`: the provider GETs the credential (it must exist and be of the
// declared kind, or nothing changes and the update fails), then writes the declared state to it
// (Tines: a whole-record PUT including the secret value; Twilio: FriendlyName), and records it in the
// stack. From then on it is managed like any other credential, `pulumi destroy` included (protect it
// or set retainOnDelete if the stack must never delete it). Removing adoptId later changes nothing;
// pointing it at another id replaces the resource.
import * as pulumi from "@pulumi/pulumi";
import { TinesTextCredential, TwilioAwsCredential } from "pulumi-api-credentials";

const config = new pulumi.Config();

// The numeric id from the credential's URL in Tines (…/credentials/<id>).
const legacyWebhookToken = new TinesTextCredential(
  "legacy-webhook-token",
  {
    adoptId: config.requireNumber("existingTinesCredentialId"),
    name: "legacy_webhook_token",
    teamId: config.requireNumber("tinesTeamId"),
    // The value Tines holds is never returned by its API: the declared value replaces it on adoption.
    value: config.requireSecret("legacyWebhookToken"),
    description: "Adopted from the console; managed by Pulumi since then.",
  },
  { retainOnDelete: true },
);

// The CR… sid from the Twilio console.
const legacyTwilioAws = new TwilioAwsCredential(
  "legacy-twilio-aws",
  {
    adoptId: config.require("existingTwilioCredentialSid"),
    // Twilio never returns the key pair, so it cannot be compared with what the credential holds:
    // declare the pair it was created with. A different pair later replaces the credential.
    credentials: config.requireSecret("legacyAwsCredentials"), // "AKIA…:secret"
    friendlyName: "legacy S3 export (adopted)",
  },
  { retainOnDelete: true },
);

export const adoptedTinesCredentialId = legacyWebhookToken.credentialId;
export const adoptedTwilioCredentialSid = legacyTwilioAws.sid;
