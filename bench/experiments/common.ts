// What the experiments share: their command-line options and the headers of a Tines JSON request.

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
