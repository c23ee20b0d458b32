// The provider of the tinesText kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { tinesTextSpec } from "../tines/text";

export = createProvider(tinesTextSpec);
