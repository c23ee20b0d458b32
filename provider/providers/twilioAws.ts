// The provider of the twilioAws kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { twilioAwsSpec } from "../twilio/aws";

export = createProvider(twilioAwsSpec);
