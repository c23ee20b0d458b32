// Public surface: the four resource classes with their argument types, and the provider objects
// behind them for driving the lifecycle directly (tests, scripts) with plain camelCase inputs.
import tinesAwsCredential = require("./engine/tinesAws");
import tinesJwtCredential = require("./engine/tinesJwt");
import tinesTextCredential = require("./engine/tinesText");
import twilioAwsCredential = require("./engine/twilioAws");

export {
  TinesAwsCredential,
  TinesAwsCredentialArgs,
  TinesCredentialArgs,
  TinesJwtCredential,
  TinesJwtCredentialArgs,
  TinesTextCredential,
  TinesTextCredentialArgs,
  TwilioAwsCredential,
  TwilioAwsCredentialArgs,
} from "./resources";
export type { KeepingStoredSecrets } from "./resources";
export type { CredentialProvider } from "./core/lifecycle";
export type { ConfigureRequest } from "./core/config";

/** The `pulumi.dynamic.ResourceProvider` objects, one per resource kind. */
export const providers = { tinesTextCredential, tinesJwtCredential, tinesAwsCredential, twilioAwsCredential };
