// Tines TEXT credential: a single secret value.
import { FieldTable, nonEmpty } from "../core/fields";
import { tinesSpec } from "./common";

const inputs = {
  value: {
    description: "The secret value.",
    api: "value",
    kind: "string",
    required: true,
    secret: true,
    rule: nonEmpty,
  },
} as const satisfies FieldTable;

export const tinesTextSpec = tinesSpec("TEXT", { inputs });
