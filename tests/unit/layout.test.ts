// A layout rule the README states: provider/core/ is the mechanism and names no service. Each
// service's folder declares its own settings, error-body parser and client.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";

const CORE = path.resolve(__dirname, "..", "..", "..", "provider", "core");

describe("layout", () => {
  it("provider/core names no service (no line mentions Tines or Twilio)", () => {
    const files = fs.readdirSync(CORE).filter((file) => file.endsWith(".ts"));
    expect(files, "the source folder is found").to.include("lifecycle.ts");
    const mentions = files.flatMap((file) =>
      fs
        .readFileSync(path.join(CORE, file), "utf8")
        .split("\n")
        .flatMap((text, i) => (/tines|twilio/i.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : [])),
    );
    expect(mentions).to.deep.equal([]);
  });
});
