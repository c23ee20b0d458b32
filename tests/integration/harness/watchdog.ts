// Preloaded (node --require) into the provider host: ends the host when the harness that started it goes
// away (its IPC channel closes), so a crashed or killed test run leaves no host behind. The host's own code
// is untouched; the channel is unref'd so it never keeps the host alive by itself.
process.channel?.unref();
process.on("disconnect", () => process.exit(0));
