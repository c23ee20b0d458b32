// The provider object for this resource is this module's whole export, so the SDK's closure
// serializer stores it in state as a one-line require of the installed package (small, no
// secrets, always the installed code) instead of copying the implementation by value.
import { createProvider } from "../core/lifecycle";
import { tinesTextSpec } from "../tines/text";

export = createProvider(tinesTextSpec);
