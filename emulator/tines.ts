// The Tines user-credentials emulation, in three parts: tines/validation.ts (what a body must hold and
// the record it becomes, with each mode's own fields in tines/modes.ts and the field rules in
// tines/rules.ts), tines/store.ts (ids, timestamps, PUT semantics) and tines/handler.ts (HTTP).
// A file rather than tines/index.ts so that an older build's tines.js can never shadow it.
export * from "./tines/modes";
export { parseIso8601 } from "./tines/rules";
export * from "./tines/validation";
export * from "./tines/store";
export * from "./tines/handler";
