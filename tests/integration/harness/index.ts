// The engine-path harness: install the packed package into a program folder (install.ts), run programs under
// the SDK's mocks (runner.ts) against @pulumi/pulumi's own dynamic provider host (host.ts), with a small
// engine in between (engine.ts).
export * from "./engine";
export * from "./host";
export * from "./install";
export * from "./protocol";
