// `npm run docs`: writes the documentation the field tables are the source of. Each field's
// `description` (with what its flags say: secret, replaces, default, inherited) becomes
//   - the JSDoc of its property in provider/resources.ts (each kind's Args interface and class), and
//   - its row in the README's generated input and output tables, one section per kind.
// `npm run docs -- --check` only reports differences; tests/unit/docs.test.ts runs that check, so the
// docs cannot drift from the code.
import * as fs from "fs";
import * as path from "path";
import * as prettier from "prettier";
import ts from "typescript";
import type { Field, FieldTable } from "../provider/core/fields";
import { KIND_NAMES, KindName, KINDS, serviceOf } from "../provider/kinds";

export const repoRoot = path.resolve(__dirname, "..", "..");
export const README = path.join(repoRoot, "README.md");
export const RESOURCES = path.join(repoRoot, "provider", "resources.ts");

export const BEGIN =
  "<!-- fields:begin (written by `npm run docs` from the field tables: edit the descriptions there) -->";
export const END = "<!-- fields:end -->";

/** A value as the docs show it: strings bare unless empty, everything else as JSON. */
const shown = (value: unknown) => (typeof value === "string" && value !== "" ? value : JSON.stringify(value));

/** The field's description and what its flags mean for a user, as one paragraph. */
export function fieldDoc(field: Field): string {
  const notes = [
    field.secret && "Secret: kept in state only encrypted, never read back from the service.",
    field.writeOnly && "Write-only: no answer carries it, so state keeps the declared value.",
    field.replaces && "Changing it replaces the credential.",
    field.serverDefault !== undefined && `Default: \`${shown(field.serverDefault)}\`.`,
    field.inheritedByTestCredential &&
      "A test credential inherits it from its live credential unless declared.",
  ];
  return [field.description, ...notes.filter((n): n is string => typeof n === "string")].join(" ");
}

const TYPES: Record<Field["kind"], string> = {
  string: "string",
  id: "integer id",
  seconds: "whole seconds",
  boolean: "boolean",
  stringList: "list of strings",
  idList: "list of integer ids",
  object: "object",
  objectList: "list of objects",
  timestamp: "ISO 8601 date-time",
};

const typeOf = (field: Field) =>
  field.oneOf ? field.oneOf.map((v) => `\`${v}\``).join(" \\| ") : TYPES[field.kind];

const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function inputTable(fields: [string, Field][]): string[] {
  return [
    "| input | type | required | description |",
    "| --- | --- | --- | --- |",
    ...fields.map(
      ([name, f]) => `| \`${name}\` | ${typeOf(f)} | ${f.required ? "yes" : ""} | ${cell(fieldDoc(f))} |`,
    ),
  ];
}

function outputTable(fields: [string, Field][]): string[] {
  return [
    "| output | type | description |",
    "| --- | --- | --- |",
    ...fields.map(([name, f]) => `| \`${name}\` | ${TYPES[f.kind]} | ${cell(fieldDoc(f))} |`),
  ];
}

/**
 * The fields every kind of a group shares (the very same descriptor, in every table), and each kind's
 * own: a service with several kinds gets one section for what they share.
 */
function split(kinds: KindName[], table: (kind: KindName) => FieldTable) {
  const first = Object.entries(table(kinds[0]));
  const shared = kinds.length < 2 ? [] : first.filter(([n, f]) => kinds.every((k) => table(k)[n] === f));
  const own = (kind: KindName) => Object.entries(table(kind)).filter(([n]) => !shared.some(([s]) => s === n));
  return { shared, own };
}

/** The generated block of the README: inputs and outputs of every kind, grouped by service. */
export function fieldTables(): string {
  const out: string[] = [BEGIN, ""];
  const services = [...new Set(KIND_NAMES.map(serviceOf))];
  for (const service of services) {
    const kinds = KIND_NAMES.filter((k) => serviceOf(k) === service);
    const inputs = split(kinds, (k) => KINDS[k].spec.inputs);
    const outputs = split(kinds, (k) => KINDS[k].spec.outputs);
    if (inputs.shared.length + outputs.shared.length > 0) {
      const names = kinds.map((k) => `\`${KINDS[k].className}\``).join(", ");
      const title = service[0].toUpperCase() + service.slice(1);
      out.push(`#### Every ${title} credential (${names})`, "");
      if (inputs.shared.length) out.push(...inputTable(inputs.shared), "");
      if (outputs.shared.length) out.push(...outputTable(outputs.shared), "");
    }
    for (const kind of kinds) {
      out.push(`#### \`${KINDS[kind].className}\``, "");
      const own = inputs.own(kind);
      const ownOutputs = outputs.own(kind);
      if (inputs.shared.length) out.push(own.length ? "Its own inputs, besides the shared ones:" : "", "");
      if (own.length) out.push(...inputTable(own), "");
      if (ownOutputs.length) out.push(...outputTable(ownOutputs), "");
    }
  }
  out.push(END);
  return out.filter((line, i, all) => !(line === "" && all[i - 1] === "")).join("\n");
}

/** The README with its generated block replaced, formatted as Prettier formats the file. */
export async function readmeWithTables(readme: string): Promise<string> {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} ... ${END} block`);
  const text = readme.slice(0, begin) + fieldTables() + readme.slice(end + END.length);
  return prettier.format(text, { ...(await prettier.resolveConfig(README)), filepath: README });
}

// ---------------------------------------------------------------------------------------------
// JSDoc in provider/resources.ts.

interface Declaration {
  bases: string[];
  members: ts.Node[];
}

/** The interfaces and classes of a source file: their base names and their field properties. */
function declarations(source: ts.SourceFile): Map<string, Declaration> {
  const out = new Map<string, Declaration>();
  for (const st of source.statements) {
    if (!(ts.isInterfaceDeclaration(st) || ts.isClassDeclaration(st)) || !st.name) continue;
    const bases = (st.heritageClauses ?? []).flatMap((h) => h.types.map((t) => t.expression.getText(source)));
    const members = (st.members as ts.NodeArray<ts.Node>).filter(
      (m) =>
        ts.isPropertySignature(m) ||
        (ts.isPropertyDeclaration(m) &&
          (m.modifiers ?? []).some((x) => x.kind === ts.SyntaxKind.DeclareKeyword)),
    );
    out.set(st.name.text, { bases, members });
  }
  return out;
}

const memberName = (m: ts.Node, source: ts.SourceFile) =>
  (m as ts.PropertySignature | ts.PropertyDeclaration).name.getText(source);

/** The text of a JSDoc comment, without its markers and line breaks. */
const docText = (comment: string) =>
  comment
    .replace(/^\/\*\*|\*\/$/g, "")
    .split("\n")
    .map((line) => line.replace(/^\s*\* ?/, "").trim())
    .join(" ")
    .replace(/\s+/g, " ")
    .trim();

/** A JSDoc comment at this indent, on one line when it fits in Prettier's width. */
function jsDoc(text: string, indent: string): string {
  const width = 110;
  if (indent.length + text.length + 7 <= width) return `/** ${text} */`;
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line && indent.length + 3 + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  lines.push(line);
  return ["/**", ...lines.map((l) => `${indent} * ${l}`), `${indent} */`].join("\n");
}

interface Edit {
  at: number;
  end: number;
  text: string;
}

interface JsDocReport {
  /** Properties whose JSDoc differs from their field's, or that stand for no field. */
  problems: string[];
  /** The source with every such JSDoc written. */
  fixed: string;
}

/**
 * Compares each property of each kind's Args interface and class (and their bases) with its field:
 * Args properties with the kind's inputs, class properties with its inputs and outputs.
 */
export function checkJsDoc(text: string): JsDocReport {
  const source = ts.createSourceFile(RESOURCES, text, ts.ScriptTarget.ES2022, true);
  const decls = declarations(source);
  const wanted = new Map<ts.Node, { where: string; doc: string }>();
  const problems: string[] = [];
  const visit = (name: string, table: FieldTable, kind: KindName) => {
    const decl = decls.get(name);
    if (!decl) {
      problems.push(`${name} (of ${kind}) is not declared in provider/resources.ts`);
      return;
    }
    for (const member of decl.members) {
      const prop = memberName(member, source);
      const field = table[prop];
      const where = `${name}.${prop}`;
      if (!field) {
        problems.push(`${where} is not a field of ${kind}`);
        continue;
      }
      const doc = fieldDoc(field);
      const seen = wanted.get(member);
      if (seen && seen.doc !== doc) problems.push(`${where}: its kinds describe it differently`);
      wanted.set(member, { where, doc });
    }
    for (const base of decl.bases) if (decls.has(base)) visit(base, table, kind);
  };
  for (const kind of KIND_NAMES) {
    const { className, spec } = KINDS[kind];
    visit(`${className}Args`, spec.inputs, kind);
    visit(className, { ...spec.inputs, ...spec.outputs }, kind);
  }
  const edits: Edit[] = [];
  for (const [member, { where, doc }] of wanted) {
    const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    const current = docs.at(-1);
    if (current && docText(current.getText(source)) === doc) continue;
    problems.push(`${where}: its JSDoc must read "${doc}"`);
    const start = member.getStart(source);
    const lineStart = text.lastIndexOf("\n", start) + 1;
    const indent = text.slice(lineStart, start).replace(/\S.*$/, "");
    const comment = jsDoc(doc, indent);
    if (current) edits.push({ at: current.getStart(source), end: current.getEnd(), text: comment });
    else edits.push({ at: start, end: start, text: `${comment}\n${indent}` });
  }
  let fixed = text;
  for (const e of edits.sort((a, b) => b.at - a.at))
    fixed = fixed.slice(0, e.at) + e.text + fixed.slice(e.end);
  return { problems, fixed };
}

async function main(): Promise<void> {
  const check = process.argv.includes("--check");
  const readme = fs.readFileSync(README, "utf8");
  const newReadme = await readmeWithTables(readme);
  const resources = fs.readFileSync(RESOURCES, "utf8");
  const { problems, fixed } = checkJsDoc(resources);
  const stale = [...(newReadme === readme ? [] : ["README.md: the field tables differ"]), ...problems];
  if (check) {
    for (const p of stale) console.error(p);
    if (stale.length) process.exitCode = 1;
    return;
  }
  if (newReadme !== readme) fs.writeFileSync(README, newReadme);
  if (fixed !== resources) {
    const formatted = await prettier.format(fixed, {
      ...(await prettier.resolveConfig(RESOURCES)),
      filepath: RESOURCES,
    });
    fs.writeFileSync(RESOURCES, formatted);
  }
  console.log(
    stale.length ? `rewrote ${stale.length} stale docs:\n${stale.join("\n")}` : "docs are up to date",
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
