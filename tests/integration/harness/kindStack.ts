// One kind's own engine-path suite, set up once: the packed package installed, an emulator with the
// given keys, a provider host with the stack config pointing at it, and a program that declares the
// kind's class once per entry of its spec.json. The suites about one kind (mtls, multiRequest,
// httpRequest) share it; every kind's common path is tests/integration/kinds.test.ts.
import * as fs from "fs";
import * as path from "path";
import { Emulator, startEmulator } from "../../../emulator";
import { KINDS, KindName, resourceType } from "../../../provider/kinds";
import { EngineHarness, UpResult } from "./engine";
import { installPackedPackage } from "./install";
import { emulatorStackConfig } from "./stackConfig";

const repoRoot = path.resolve(__dirname, "..", "..", "..", "..");

export interface KindStack {
  readonly emulator: Emulator;
  readonly engine: EngineHarness;
  /** Every program output and error of the suite's runs, for its leak scan. */
  readonly texts: string[];
  /** Declares these resources of the kind for the next `up`. */
  write(resources: { name: string; args: Record<string, unknown> }[]): void;
  up(): Promise<UpResult>;
  /** The state of the kind's resource `name`. */
  state(name: string): ReturnType<EngineHarness["state"]["get"]>;
}

/** Registers the suite's before and after hooks; the returned stack is usable inside its tests. */
export function useKindStack(
  kind: KindName,
  keys: { tinesApiKey: string; twilioAuthToken: string },
): KindStack {
  let emulator: Emulator | undefined;
  let engine: EngineHarness | undefined;
  let dir = "";
  const texts: string[] = [];
  const program = String.raw`"use strict";
const fs = require("fs");
const path = require("path");
const credentials = require("pulumi-api-credentials");
const spec = JSON.parse(fs.readFileSync(path.join(__dirname, "spec.json"), "utf8"));
for (const r of spec.resources) new credentials.${KINDS[kind].className}(r.name, r.args);
`;

  before(async function () {
    this.timeout(300_000);
    const installed = await installPackedPackage(repoRoot);
    emulator = await startEmulator({ port: 0, ...keys });
    dir = fs.mkdtempSync(path.join(installed.programDir, `${KINDS[kind].module}-`));
    fs.writeFileSync(path.join(dir, "program.js"), program);
    engine = await EngineHarness.start({
      programDir: installed.programDir,
      ...emulatorStackConfig(emulator, keys),
    });
  });

  after(async () => {
    await engine?.stop();
    await emulator?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  return {
    get emulator() {
      return emulator!;
    },
    get engine() {
      return engine!;
    },
    texts,
    write: (resources) => fs.writeFileSync(path.join(dir, "spec.json"), JSON.stringify({ resources })),
    up: async () => {
      const r = await engine!.up(path.join(dir, "program.js"));
      texts.push(r.programOutput, ...r.errors);
      return r;
    },
    state: (name) => engine!.state.get(engine!.urn(resourceType(kind), name)),
  };
}
