// A Twilio AWS credential created in a subaccount, through a regional Twilio endpoint.
//
// The subaccount is a resource input (accountSid; changing it replaces the credential). The region
// and edge are connection settings, so they live in stack config next to the account credentials:
//
//   pulumi config set twilio:accountSid AC…            # the parent account that owns the subaccount
//   pulumi config set --secret twilio:authToken …
//   pulumi config set twilio:region ie1                # → https://accounts.dublin.ie1.twilio.com
//   pulumi config set twilio:edge dublin
//   pulumi config set subaccountSid AC…                # this program's own config
//   pulumi config set --secret awsCredentials AKIA…:…
//
// (or TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_REGION, TWILIO_EDGE in the environment).
import * as pulumi from "@pulumi/pulumi";
import { TwilioAwsCredential } from "pulumi-api-credentials";

const config = new pulumi.Config();

const exportCredential = new TwilioAwsCredential("subaccount-s3-export", {
  accountSid: config.require("subaccountSid"),
  credentials: config.requireSecret("awsCredentials"),
  friendlyName: `${pulumi.getStack()} S3 export`,
});

export const credentialSid = exportCredential.sid;
export const accountSid = exportCredential.accountSid;
/** The credential's API URL as Twilio reports it. */
export const credentialUrl = exportCredential.url;
