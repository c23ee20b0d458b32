// The files of the generated program. Every value from a service is written through `literal` (or
// escaped for a comment or Markdown), never pasted: a credential's name or metadata can hold anything.
import type { Field } from "../provider/core/fields";
import type { Plan, PlannedConfigInput, PlannedResource } from "./plan";

export interface ProgramFiles {
  "Pulumi.yaml": string;
  "package.json": string;
  "tsconfig.json": string;
  "index.ts": string;
  "SECRETS.md": string;
}

export interface RenderOptions {
  project: string;
  /** This package's name and version, for the program's dependency. */
  packageName: string;
  packageVersion: string;
  /** The `@pulumi/pulumi` range the package supports (its peer dependency). */
  pulumiRange: string;
  keepStoredSecrets: boolean;
  /** The origins read, for the connection settings in SECRETS.md. */
  tinesOrigin?: string;
  twilioOrigin?: string;
  /** The Twilio account the settings sign in as, when known. */
  twilioAccountSid?: string;
  /** The command line that produced the program, without values that could be secret. */
  command: string;
}

/** JavaScript line terminators JSON.stringify leaves as they are: they would end a `//` comment. */
const escapeLineSeparators = (text: string) =>
  text.replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029");

const stringLiteral = (text: string) => escapeLineSeparators(JSON.stringify(text));

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** An object key: bare when it can be, quoted otherwise; `__proto__` computed, so it stays a plain key. */
function key(name: string): string {
  if (name === "__proto__") return `["__proto__"]`;
  return IDENTIFIER.test(name) ? name : stringLiteral(name);
}

/** A TypeScript literal for a JSON value, indented for its place in the file. */
export function literal(value: unknown, indent = ""): string {
  if (value === null) return "null";
  if (typeof value === "string") return stringLiteral(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "null";
  if (typeof value === "boolean") return String(value);
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return "[]";
    const items = value.map((v) => literal(v, inner));
    const flat = `[${items.join(", ")}]`;
    if (flat.length <= 60 && !flat.includes("\n")) return flat;
    return `[\n${items.map((i) => `${inner}${i},`).join("\n")}\n${indent}]`;
  }
  if (typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return "{}";
    return `{\n${entries.map(([k, v]) => `${inner}${key(k)}: ${literal(v, inner)},`).join("\n")}\n${indent}}`;
  }
  return "undefined";
}

/** A service's text in a `//` comment: quoted and escaped, so it cannot end the comment early. */
const commentText = (text: string) => stringLiteral(text);

/** A service's text in Markdown: quoted, with the characters Markdown would act on escaped. */
const markdownText = (text: string) => stringLiteral(text).replace(/[\\`*_[\]<>|#]/g, (c) => `\\${c}`);

function headline(resource: PlannedResource, quote: (text: string) => string): string {
  const name = resource.displayName === undefined ? "" : ` ${quote(resource.displayName)}`;
  return `${resource.title}${name}, ${resource.context}`;
}

/** The TypeScript type a config value of a field's kind is read as. */
const CONFIG_TYPES: Record<Field["kind"], string> = {
  string: "string",
  timestamp: "string",
  id: "number",
  seconds: "number",
  boolean: "boolean",
  object: "Record<string, unknown>",
  objectList: "Record<string, unknown>[]",
  stringList: "string[]",
  idList: "number[]",
};

/** A field's config type; a list of objects with an item table spells out its items (the Args demand them). */
function configType(field: Field): string {
  if (field.kind !== "objectList" || !field.items) return CONFIG_TYPES[field.kind];
  const members = Object.entries(field.items).map(
    ([name, item]) => `${name}${item.required ? "" : "?"}: ${configType(item)}`,
  );
  return `{ ${members.join("; ")} }[]`;
}

/**
 * The Config call that reads an input in the type its field takes: `config.requireSecret("k")`,
 * `config.require("k", { allowedValues: [...] })` for an enumeration, `config.getNumber("k")`, ...
 * (`get*` for an optional one, undefined when not set).
 */
function configCall(resource: PlannedResource, input: PlannedConfigInput): string {
  const field = resource.kind.inputs[input.field];
  const call = `config.${input.optional ? "get" : "require"}${input.secret ? "Secret" : ""}`;
  const key = stringLiteral(input.key);
  switch (field.kind) {
    case "string":
    case "timestamp": {
      // The type argument spelt out: TypeScript does not narrow it from allowedValues alone.
      const values = field.oneOf?.map(stringLiteral);
      if (!values) return `${call}(${key})`;
      return `${call}<${values.join(" | ")}>(${key}, { allowedValues: [${values.join(", ")}] })`;
    }
    case "boolean":
      return `${call}Boolean(${key})`;
    case "id":
    case "seconds":
      return `${call}Number(${key})`;
    default:
      return `${call}Object<${configType(field)}>(${key})`;
  }
}

function resourceCode(resource: PlannedResource, keep: boolean): string {
  const lines = [`  adoptId: ${literal(resource.adoptId)},`];
  for (const field of resource.fields) lines.push(`  ${field.name}: ${literal(field.value, "  ")},`);
  if (resource.live && "resource" in resource.live) {
    lines.push(`  liveCredentialId: ${resource.live.resource.ident}.credentialId,`);
  } else if (resource.live) {
    lines.push(
      `  // The live credential ${resource.live.id} is not in this program (not listed or skipped).`,
    );
    lines.push(`  liveCredentialId: ${resource.live.id},`);
  }
  for (const input of resource.fromConfig) {
    if (input.optional)
      lines.push(`  // Optional, never returned: set ${input.key} only if the credential uses it.`);
    lines.push(`  ${input.field}: ${configCall(resource, input)},`);
  }
  for (const input of resource.kept) {
    lines.push(
      `  // ${input.field}: kept as the service stores it${keep ? " (--keep-stored-secrets)" : ""}; ` +
        `to manage it, declare ${configCall(resource, { ...input, optional: false })}.`,
    );
  }
  return [
    `// ${headline(resource, commentText)}`,
    `const ${resource.ident} = new ${resource.kind.className}(${stringLiteral(resource.name)}, {`,
    ...lines,
    `});`,
  ].join("\n");
}

function indexTs(plan: Plan, options: RenderOptions): string {
  const classes = [...new Set(plan.resources.map((r) => r.kind.className))].sort();
  const usesConfig = plan.resources.some((r) => r.fromConfig.length > 0);
  const header = [
    `// Generated by \`${options.command}\`.`,
    `// Adopts ${plan.resources.length} existing credential(s) through adoptId: \`pulumi up\` reads each one and`,
    `// writes only where the declared state differs or a declared secret must be sent; nothing is created`,
    `// or deleted. ${
      usesConfig
        ? "Secrets (and the values no answer carries) are read from the stack config: see SECRETS.md."
        : "No secret is declared: each credential keeps what its service stores (see SECRETS.md)."
    }`,
  ];
  const body = [
    ...header,
    `import * as pulumi from "@pulumi/pulumi";`,
    ...(classes.length > 0
      ? [`import { ${classes.join(", ")} } from ${stringLiteral(options.packageName)};`]
      : []),
    "",
    ...(usesConfig ? ["const config = new pulumi.Config();", ""] : []),
    ...plan.resources.map((r) => `${resourceCode(r, options.keepStoredSecrets)}\n`),
    "/** The id of every adopted credential, by resource name. */",
    `export const credentialIds: Record<string, pulumi.Output<string>> = {`,
    ...plan.resources.map((r) => `  ${stringLiteral(r.name)}: ${r.ident}.id,`),
    "};",
    "",
  ];
  return body.join("\n");
}

/** What an input holds, from its field's description (one line; Markdown code spans kept). */
const hint = (resource: PlannedResource, input: PlannedConfigInput) =>
  (resource.kind.inputs[input.field]?.description ?? input.field).split(/(?<=\.) /)[0];

/** The command that sets a config input; it reads the value from standard input when none is given. */
const setCommand = (input: PlannedConfigInput) =>
  `pulumi config set ${input.secret ? "--secret " : ""}${input.key}`;

/** Why an optional input is offered: the service never says whether it is set, and an update may reset it. */
const optionalNote = (resource: PlannedResource, input: PlannedConfigInput) =>
  `optional: set it only if the credential uses it (the service never says). Left unset the credential ` +
  `keeps what it stores, but an update on a tenant whose PUT replaces the record resets it to ` +
  `${JSON.stringify(resource.kind.inputs[input.field].serverDefault)}.`;

function secretsMd(plan: Plan, options: RenderOptions): string {
  const keys = plan.resources.flatMap((r) => r.fromConfig).filter((k) => !k.optional);
  const kept = plan.resources.flatMap((r) => r.kept);
  const connection: string[] = [];
  if (options.tinesOrigin) {
    connection.push(
      `pulumi config set tines:tenant ${options.tinesOrigin}`,
      "pulumi config set --secret tines:apiKey",
    );
  }
  if (options.twilioOrigin) {
    connection.push(
      `pulumi config set twilio:accountSid ${options.twilioAccountSid ?? "AC..."}`,
      "pulumi config set --secret twilio:authToken",
      ...(options.twilioOrigin === "https://accounts.twilio.com"
        ? []
        : [`pulumi config set twilio:accountsUrl ${options.twilioOrigin}`]),
    );
  }
  const lines = [
    "# Secrets of the adopted credentials",
    "",
    "The services never return a secret (nor a write-only field), so none was read and none is",
    "written here. `index.ts` reads each such input from this stack's config instead. Each command",
    "below reads the value from standard input (it prompts in a terminal), which keeps it out of",
    "your shell history; for a file, `pulumi config set --secret KEY < file`.",
    "",
    "## Connection",
    "",
    "The provider reads these at run time (the same names as the environment variables the generator used):",
    "",
    "```sh",
    ...connection,
    "```",
    "",
  ];
  if (keys.length > 0) {
    lines.push(
      `## ${keys.length} key(s) to set before \`pulumi up\``,
      "",
      "`pulumi up` sends each of them once, with one update per credential, and then manages it like any",
      "other input (a Twilio key pair cannot be sent to an existing credential: it is recorded as given).",
      "",
    );
  }
  for (const resource of plan.resources.filter((r) => r.fromConfig.length > 0)) {
    lines.push(`### \`${resource.name}\``, "", `${headline(resource, markdownText)}.`, "", "```sh");
    for (const input of resource.fromConfig) {
      lines.push(`# ${input.field}: ${hint(resource, input)}`);
      if (input.optional) lines.push(`# (${optionalNote(resource, input)})`);
      lines.push(setCommand(input));
    }
    lines.push("```", "");
  }
  if (kept.length > 0) {
    lines.push(
      `## ${kept.length} input(s) kept as the services store them`,
      "",
      "Generated with `--keep-stored-secrets`: these inputs are left unset, so each adopted credential",
      "keeps what its service stores. They are never sent and never show as a change. To manage one, add",
      "the line shown to the resource in `index.ts` and set the key; the next `pulumi up` sends it with",
      "one update. Whether a Tines update that leaves a secret out keeps it is not documented; Tines' own",
      "Go SDK treats the update as a merge, and the provider sends nothing that is not declared. Check one",
      "credential after the first update if that matters to you.",
      "",
    );
    for (const resource of plan.resources.filter((r) => r.kept.length > 0)) {
      lines.push(`- \`${resource.name}\` (${headline(resource, markdownText)}):`);
      for (const input of resource.kept) {
        const call = configCall(resource, { ...input, optional: false });
        lines.push(`  \`${input.field}: ${call}\`, then \`${setCommand(input)}\` (${hint(resource, input)})`);
      }
    }
    lines.push("");
  }
  if (keys.length === 0 && kept.length === 0)
    lines.push("No credential of this program has a secret input to set.", "");
  return lines.join("\n");
}

export function renderProgram(plan: Plan, options: RenderOptions): ProgramFiles {
  const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    "Pulumi.yaml": [
      `name: ${options.project}`,
      "description: Existing Tines and Twilio credentials, adopted (pulumi-api-credentials generate)",
      "runtime:",
      "  name: nodejs",
      "  options:",
      "    typescript: true",
      "",
    ].join("\n"),
    "package.json": json({
      name: options.project,
      private: true,
      main: "index.ts",
      dependencies: {
        "@pulumi/pulumi": options.pulumiRange,
        [options.packageName]: `^${options.packageVersion}`,
      },
      devDependencies: { "@types/node": "^20", typescript: "^5" },
    }),
    "tsconfig.json": json({
      compilerOptions: {
        strict: true,
        outDir: "bin",
        target: "es2020",
        module: "commonjs",
        moduleResolution: "node",
        sourceMap: true,
        skipLibCheck: true,
        forceConsistentCasingInFileNames: true,
      },
      files: ["index.ts"],
    }),
    "index.ts": indexTs(plan, options),
    "SECRETS.md": secretsMd(plan, options),
  };
}
