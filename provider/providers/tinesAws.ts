// The provider of the tinesAws kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { tinesAwsSpec } from "../tines/aws";

export = createProvider(tinesAwsSpec);
