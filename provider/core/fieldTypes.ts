// What a field table (declared `as const satisfies FieldTable`) says at the type level: the values an
// enumerated field takes, which fields are required, and the compile-time check that an interface
// written out by hand (a class's Args, for its JSDoc) names exactly the table's fields.
import type { Field, FieldTable } from "./fields";

/** The values a field with `oneOf` accepts, as a union of string literals. */
export type OneOf<F extends Field> = F extends { readonly oneOf: readonly (infer V)[] } ? V : never;

/** The names of a table's required fields. */
export type RequiredFieldNames<T extends FieldTable> = {
  [K in keyof T]: T[K] extends { readonly required: true } ? K : never;
}[keyof T];

/** The names of an object type's required (not optional) properties. */
type RequiredKeys<A> = { [K in keyof A]-?: object extends Pick<A, K> ? never : K }[keyof A];

type Differ<A, B> = Exclude<A, B> | Exclude<B, A>;

/**
 * `true` when `Args` has exactly the table's fields as properties, optional exactly where the field is
 * not required; otherwise an object naming the differences, so that `Assert<...>` fails to compile
 * with them in the message.
 */
export type ArgsMatchFields<Args, T extends FieldTable> = [
  Exclude<keyof Args, keyof T>,
  Exclude<keyof T, keyof Args>,
  Differ<RequiredKeys<Args>, RequiredFieldNames<T>>,
] extends [never, never, never]
  ? true
  : {
      inArgsNotInTable: Exclude<keyof Args, keyof T>;
      inTableNotInArgs: Exclude<keyof T, keyof Args>;
      requiredInOnlyOne: Differ<RequiredKeys<Args>, RequiredFieldNames<T>>;
    };

/** `true` when a class declares exactly these outputs; otherwise an object naming the differences. */
export type OutputsMatchFields<Declared, Names extends PropertyKey> = [
  Exclude<keyof Declared, Names>,
  Exclude<Names, keyof Declared>,
] extends [never, never]
  ? true
  : {
      declaredNotInTables: Exclude<keyof Declared, Names>;
      inTablesNotDeclared: Exclude<Names, keyof Declared>;
    };

/** Compiles only when `T` is `true`. */
export type Assert<T extends true> = T;
