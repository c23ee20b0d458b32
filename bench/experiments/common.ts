// What the experiments share: their command-line options, the headers of a Tines JSON request, and the
// TinesTextCredential provider against an emulator process, with in-memory answers for its hooks.
import { ApiRequest, ApiResponse } from "../../provider/core/http";
import { CredentialProvider, providers } from "../../provider/index";
import { EmulatorProcess, startEmulatorProcess } from "../lib/emulatorProcess";

/** The value of `--<name>=<value>` on the command line, if given. */
export function option(name: string): string | undefined {
  return process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
}

/** The headers of a Tines JSON request, as the provider sends them. */
export function tinesJsonHeaders(apiKey: string): Record<string, string> {
  return {
    Authorization: `Bearer ${apiKey}`,
    Accept: "application/json",
    "Content-Type": "application/json",
  };
}

/** Runs an experiment's main and exits with its outcome (the emulator process is stopped by then). */
export function run(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}

/**
 * The TinesTextCredential provider configured against an emulator in a process of its own, as the
 * overhead part sets it up, and the inputs of a credential named `name`.
 */
export async function textProviderOnEmulator(name: string): Promise<{
  emulator: EmulatorProcess;
  provider: CredentialProvider;
  inputs: { name: string; teamId: number; value: string; description: string };
  headers: Record<string, string>;
}> {
  const apiKey = `tines-key-${name}-0123456789abcdef`;
  const emulator = await startEmulatorProcess({
    seed: 1,
    tinesApiKey: apiKey,
    twilioAuthToken: `twilio-token-${name}-0123456789`,
  });
  const config: Record<string, string> = {
    "tines:tenant": emulator.url,
    "tines:apiKey": apiKey,
    // As the overhead part sets it: the limiter runs on every call and never waits.
    "tines:requestsPerMinute": "1000000",
  };
  const provider = providers.tinesTextCredential;
  await provider.configure({ config: { get: (key: string) => config[key] } });
  const inputs = { name, teamId: 1, value: `${name}-secret-0123456789`, description: "d" };
  return { emulator, provider, inputs, headers: tinesJsonHeaders(apiKey) };
}

/** Answers the TEXT hooks' requests at once in memory: a create gets a new id, a read the id it asks for. */
export function inMemoryAnswers(name: string): (request: ApiRequest) => ApiResponse {
  let nextId = 1_000_000_000;
  return (request) => {
    const get = request.method === "GET";
    const id = get ? Number(request.path.split("/").pop()) : nextId++;
    return { status: get ? 200 : 201, data: { id, name, team_id: 1, mode: "TEXT", description: "d" } };
  };
}
