// The provider of the tinesJwt kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { tinesJwtSpec } from "../tines/jwt";

export = createProvider(tinesJwtSpec);
