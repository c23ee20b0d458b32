// The provider of the tinesMtls kind, as this module's whole export (why: see provider/kinds.ts).
import { createProvider } from "../core/lifecycle";
import { tinesMtlsSpec } from "../tines/mtls";

export = createProvider(tinesMtlsSpec);
