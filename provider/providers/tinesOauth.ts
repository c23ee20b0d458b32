// The provider of the tinesOauth kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { tinesOauthSpec } from "../tines/oauth";

export = createProvider(tinesOauthSpec);
