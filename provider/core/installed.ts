// A provider runs only as loaded from the installed package. Loaded from anywhere else (a source
// checkout, a `file:` dependency, a workspace link), the SDK's closure serializer copies it into each
// resource's `__provider` by value, and that copy cannot work: every Map it holds arrives empty and
// unusable (on purpose: no connection secret may travel in state), so it never sees the stack config.
// Without this check the copy failed with "Method Map.prototype.set called on incompatible receiver".

/** Holds its entry only in the module as loaded: a copy made by value has none (or cannot be read). */
const loaded = new Map([["as a package", true]]);

/** Throws a clear error when this code is a by-value copy of the package rather than the package. */
export function requireLoadedAsPackage(): void {
  let asPackage = false;
  try {
    asPackage = loaded.get("as a package") === true;
  } catch {
    // A Map copied by value is an object with Map's prototype and no Map inside: its methods throw.
  }
  if (!asPackage) {
    throw new Error(
      "pulumi-api-credentials: this resource's provider is a copy the Pulumi SDK made by value, because " +
        "the program loaded the package from outside node_modules (a source checkout, a file: dependency " +
        "or a workspace link). Such a copy cannot read the stack config and does not work. Install the " +
        "package into the program's node_modules (npm install pulumi-api-credentials, or a packed " +
        "tarball) and run the command again.",
    );
  }
}
