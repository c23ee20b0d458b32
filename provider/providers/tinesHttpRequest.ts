// The provider of the tinesHttpRequest kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { tinesHttpRequestSpec } from "../tines/httpRequest";

export = createProvider(tinesHttpRequestSpec);
