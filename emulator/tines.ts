// The Tines user-credentials emulation, in three parts: tines/validation.ts (what a body must hold and
// the record it becomes), tines/store.ts (ids, timestamps, PUT semantics) and tines/handler.ts (HTTP).
// A file rather than tines/index.ts so that an older build's tines.js can never shadow it.
export * from "./tines/validation";
export * from "./tines/store";
export * from "./tines/handler";
