// The docs the field tables are the source of (scripts/docs.ts): the JSDoc of every Args and class
// property in provider/resources.ts, and the README's input and output tables. Run `npm run docs` to
// rewrite them after changing a field.
import { expect } from "chai";
import * as fs from "fs";
import { checkJsDoc, fieldDoc, README, readmeWithTables, RESOURCES } from "../../scripts/docs";
import { KIND_NAMES, KINDS } from "../../provider/kinds";

describe("docs written from the field tables (npm run docs)", function () {
  // Loading Prettier's markdown formatter the first time takes a few seconds.
  this.timeout(30_000);

  it("every Args and class property of every kind has its field's description as JSDoc", () => {
    const { problems } = checkJsDoc(fs.readFileSync(RESOURCES, "utf8"));
    expect(problems, "run `npm run docs`").to.deep.equal([]);
  });

  it("the README's input and output tables are the ones the field tables give", async () => {
    const readme = fs.readFileSync(README, "utf8");
    expect(await readmeWithTables(readme)).to.equal(readme, "run `npm run docs`");
  });

  it("every field of every kind appears in the README's tables with its description", () => {
    const readme = fs.readFileSync(README, "utf8");
    for (const kind of KIND_NAMES) {
      const { spec } = KINDS[kind];
      for (const [name, field] of Object.entries({ ...spec.inputs, ...spec.outputs })) {
        expect(field.description.trim(), `${kind}.${name} has a description`).not.to.equal("");
        expect(readme, `${kind}.${name}`).to.include(`| \`${name}\``);
        expect(readme.replace(/\s+/g, " "), `${kind}.${name}`).to.include(
          fieldDoc(field).replace(/\|/g, "\\|"),
        );
      }
    }
  });

  it("reports a JSDoc that differs from its field's description, and rewrites it", () => {
    const source = fs.readFileSync(RESOURCES, "utf8");
    const edited = source.replace("/** The secret value.", "/** The value.");
    expect(edited).not.to.equal(source);
    const { problems, fixed } = checkJsDoc(edited);
    expect(problems).to.have.length(1);
    expect(problems[0]).to.match(/^TinesTextCredentialArgs\.value: its JSDoc must read "The secret value\./);
    expect(fixed).to.equal(source);
  });
});
