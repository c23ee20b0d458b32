// Tines TEXT credential: a single secret value.
import { nonEmpty } from "../core/fields";
import { tinesSpec } from "./common";

export const tinesTextSpec = tinesSpec("TEXT", {
  inputs: {
    value: { api: "value", kind: "string", required: true, secret: true, rule: nonEmpty },
  },
});
