// The provider of the tinesMultiRequest kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { tinesMultiRequestSpec } from "../tines/multiRequest";

export = createProvider(tinesMultiRequestSpec);
