// Optional JSON persistence of both stores (secrets included, file mode 0600).
import * as fs from "node:fs";
import * as path from "node:path";
import type { TinesSnapshot } from "./tines";
import type { TwilioSnapshot } from "./twilio";

export interface StateFileContent {
  version: 1;
  tines: TinesSnapshot;
  twilio: TwilioSnapshot;
}

/** Reads the state file; undefined when it does not exist; throws when it is not a valid state file. */
export function loadStateFile(file: string): StateFileContent | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  if (text.trim() === "") return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw new Error(`emulator state file ${file} is not valid JSON: ${(err as Error).message}`, {
      cause: err,
    });
  }
  const s = parsed as Partial<StateFileContent>;
  if (
    typeof s !== "object" ||
    s === null ||
    s.version !== 1 ||
    !Array.isArray(s.tines?.records) ||
    !Array.isArray(s.twilio?.records)
  ) {
    throw new Error(`emulator state file ${file} is not a version 1 emulator state file`);
  }
  return s as StateFileContent;
}

/** Writes atomically (temporary file + rename) so a crash never leaves half a file. */
export function saveStateFile(file: string, content: StateFileContent): void {
  const dir = path.dirname(path.resolve(file));
  fs.mkdirSync(dir, { recursive: true });
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.tmp`);
  fs.writeFileSync(tmp, JSON.stringify(content, null, 2) + "\n", { mode: 0o600 });
  fs.renameSync(tmp, file);
}
