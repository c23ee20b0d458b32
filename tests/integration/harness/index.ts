// The engine-path harness: proves dynamic providers through the parts the Pulumi engine uses, minus the CLI.
//
//   const { programDir } = await installPackedPackage(repoRoot);       // npm pack + npm install, reused by hash
//   const engine = await EngineHarness.start({ programDir, config });   // host started + Configure(stack config)
//   const r = await engine.up("program.js");                            // or { preview: true }
//   r.ok / r.steps / r.failures / r.errors / r.outputs / r.hostCalls
//   engine.state, engine.stateSnapshot(), engine.registrations, engine.hostOutput()
//   await engine.refresh(); await engine.destroy(); await engine.stop();
//
// install.ts: the package as a user installs it. runner.ts: the program under the SDK's mocks, in a child
// process. host.ts: @pulumi/pulumi's own dynamic provider host over gRPC. engine.ts: the steps in between.
export * from "./engine";
export * from "./host";
export * from "./install";
export * from "./kindStack";
export * from "./leaks";
export * from "./protocol";
export * from "./stackConfig";
