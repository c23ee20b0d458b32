// A client for @pulumi/pulumi's own dynamic provider host (cmd/dynamic-provider), started the way the engine
// starts the `pulumi-nodejs` provider plugin: `node <programDir>/node_modules/@pulumi/pulumi/cmd/dynamic-provider
// <engine-address>` with the program folder as working directory. The host prints its port on stdout; we
// speak the ResourceProvider gRPC service to it with the stubs @pulumi/pulumi ships (proto/provider_grpc_pb),
// loaded from the program folder so client and host use the same grpc-js and google-protobuf copies.
import { ChildProcess, spawn } from "child_process";
import { createRequire } from "module";
import * as fs from "fs";
import * as path from "path";
import { JsonObject, SECRET_SIG, SIG_KEY, parseUrn, stripUndefined } from "./protocol";

// Minimal structural types for the generated protobuf classes we use (they are loaded at run time).
interface PbStruct {
  toJavaScript(): JsonObject;
}
interface StructCtor {
  fromJavaScript(o: JsonObject): PbStruct;
}
type PbMessage = Record<string, (...args: unknown[]) => unknown>;
type MessageCtor = (new () => PbMessage) & { deserializeBinary(b: Uint8Array): PbMessage };
interface GrpcMetadata {
  get(key: string): (string | Buffer)[];
}
interface GrpcError extends Error {
  code?: number;
  details?: string;
  metadata?: GrpcMetadata;
}
type UnaryCallback = (err: GrpcError | null, resp: PbMessage) => void;
interface GrpcClient {
  close(): void;
  [method: string]: unknown;
}
interface GrpcModule {
  credentials: { createInsecure(): unknown };
  Metadata: new () => unknown;
}

/** The `pulumirpc.ErrorResourceInitFailed` detail of a failed Create/Update: the resource exists. */
export interface InitFailure {
  id: string;
  properties: JsonObject;
  reasons: string[];
}

/** A failed provider RPC: the gRPC message (the provider's error text), code and any partial-create detail. */
export class ProviderRpcError extends Error {
  constructor(
    readonly method: string,
    readonly urn: string,
    message: string,
    readonly code: number | undefined,
    readonly initFailure?: InitFailure,
  ) {
    super(message);
    this.name = "ProviderRpcError";
  }
}

export type DiffChanges = "none" | "some" | "unknown";
export interface CheckResult {
  inputs: JsonObject;
  failures: { property: string; reason: string }[];
}
export interface DiffResult {
  changes: DiffChanges;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface CreateResult {
  id: string;
  properties: JsonObject;
}
export interface ReadResult {
  id: string;
  properties: JsonObject;
  /** Present when the provider's read returned `inputs`. */
  inputs?: JsonObject;
}

/** One RPC as sent to the host, for assertions such as "preview made no Create". */
export interface HostCall {
  method: string;
  urn: string;
  ms: number;
  ok: boolean;
}

export interface ProviderHostOptions {
  /**
   * Environment of the host process. Default: this process's environment without TINES_*, TWILIO_* and
   * PULUMI_* variables, so connection settings can only come from Configure (the stack config).
   */
  env?: NodeJS.ProcessEnv;
  /** Deadline per RPC in ms (default 60 000). */
  rpcTimeoutMs?: number;
  /** The engine address passed as the host's argument; the host does not dial it for these RPCs. */
  engineAddress?: string;
}

const START_TIMEOUT_MS = 30_000;

export function defaultHostEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/^(TINES_|TWILIO_|PULUMI_)/.test(k)) env[k] = v;
  }
  return env;
}

/** Path of the provider host script inside a program folder (errors clearly when @pulumi/pulumi is missing). */
export function hostScriptPath(programDir: string): string {
  const script = path.join(
    programDir,
    "node_modules",
    "@pulumi",
    "pulumi",
    "cmd",
    "dynamic-provider",
    "index.js",
  );
  if (!fs.existsSync(script)) {
    throw new Error(`no @pulumi/pulumi install in ${programDir} (looked for ${script})`);
  }
  return script;
}

export class ProviderHost {
  /** Every RPC sent, in order of completion. */
  readonly calls: HostCall[] = [];

  private constructor(
    readonly programDir: string,
    readonly port: number,
    private readonly proc: ChildProcess,
    private readonly io: { output: string; exitCode: number | null },
    private readonly client: GrpcClient,
    private readonly grpc: GrpcModule,
    private readonly Struct: StructCtor,
    private readonly pb: Record<string, MessageCtor>,
    private readonly statusPb: Record<string, MessageCtor>,
    private readonly rpcTimeoutMs: number,
  ) {}

  static async start(programDir: string, options: ProviderHostOptions = {}): Promise<ProviderHost> {
    const script = hostScriptPath(programDir);
    // From the SDK's real folder: through a linked node_modules, a path-relative lookup could find other
    // copies of grpc-js/google-protobuf than the SDK's proto stubs load.
    const pulumiRequire = createRequire(
      path.join(fs.realpathSync(path.dirname(script)), "..", "..", "package.json"),
    );
    const grpc = pulumiRequire("@grpc/grpc-js") as GrpcModule;
    const Struct = (pulumiRequire("google-protobuf/google/protobuf/struct_pb") as { Struct: StructCtor })
      .Struct;
    const pb = pulumiRequire("./proto/provider_pb") as Record<string, MessageCtor>;
    const statusPb = pulumiRequire("./proto/status_pb") as Record<string, MessageCtor>;
    const grpcPb = pulumiRequire("./proto/provider_grpc_pb") as {
      ResourceProviderClient: new (addr: string, creds: unknown, opts: object) => GrpcClient;
    };

    // `node <host script> <engine address>` as the engine runs the pulumi-nodejs plugin, plus a preloaded
    // watchdog that ends the host if this process dies without stop().
    const watchdog = path.join(__dirname, "watchdog.js");
    const proc = spawn(
      process.execPath,
      ["--require", watchdog, script, options.engineAddress ?? "127.0.0.1:1"],
      { cwd: programDir, env: options.env ?? defaultHostEnv(), stdio: ["ignore", "pipe", "pipe", "ipc"] },
    );
    proc.channel?.unref();
    const io = { output: "", exitCode: null as number | null };
    const append = (chunk: Buffer) => (io.output += chunk.toString("utf8"));
    proc.stdout!.on("data", append);
    proc.stderr!.on("data", append);
    proc.on("exit", (code) => (io.exitCode = code));

    let port: number;
    try {
      port = await new Promise<number>((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`provider host did not print a port:\n${io.output}`)),
          START_TIMEOUT_MS,
        );
        const onData = () => {
          const m = /^(\d+)\r?\n/.exec(io.output);
          if (m) {
            clearTimeout(timer);
            proc.stdout!.off("data", onData);
            resolve(Number(m[1]));
          }
        };
        proc.stdout!.on("data", onData);
        proc.once("exit", (code) => {
          clearTimeout(timer);
          reject(new Error(`provider host exited (${code}) before printing a port:\n${io.output}`));
        });
        proc.once("error", (e) => {
          clearTimeout(timer);
          reject(e);
        });
      });
    } catch (e) {
      proc.kill("SIGKILL");
      throw e;
    }

    let client: GrpcClient;
    try {
      client = new grpcPb.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
        "grpc.max_receive_message_length": 400 * 1024 * 1024,
      });
    } catch (e) {
      proc.kill("SIGKILL"); // a host left running keeps the test process alive
      throw e;
    }
    return new ProviderHost(
      programDir,
      port,
      proc,
      io,
      client,
      grpc,
      Struct,
      pb,
      statusPb,
      options.rpcTimeoutMs ?? 60_000,
    );
  }

  /** Everything the host wrote to stdout and stderr, in order. */
  get output(): string {
    return this.io.output;
  }

  /** The host's exit code once it has exited. */
  get exitCode(): number | null {
    return this.io.exitCode;
  }

  get pid(): number | undefined {
    return this.proc.pid;
  }

  /**
   * Configure as the engine sends it to the `pulumi-nodejs` provider: `args` is the stack config with
   * namespaced keys ("tines:tenant"); the host unwraps secrets and hands the map to each provider's
   * `configure` hook (through `Config.get`, which prefixes bare keys with the project name). Keys listed in
   * `secretKeys` are sent secret-wrapped, as the engine does for secret config.
   */
  async configure(
    config: Record<string, string>,
    secretKeys: string[] = [],
  ): Promise<{ acceptSecrets: boolean }> {
    const req = new this.pb.ConfigureRequest();
    const args: JsonObject = {};
    const vars = req.getVariablesMap() as unknown as { set(k: string, v: string): void };
    for (const [k, v] of Object.entries(config)) {
      args[k] = secretKeys.includes(k) ? { [SIG_KEY]: SECRET_SIG, value: v } : v;
      vars.set(k, v);
    }
    req.setArgs(this.struct(args));
    req.setAcceptsecrets(true);
    req.setAcceptresources(true);
    const resp = await this.unary("configure", "", req);
    return { acceptSecrets: resp.getAcceptsecrets() as boolean };
  }

  async check(urn: string, olds: JsonObject, news: JsonObject): Promise<CheckResult> {
    const req = this.withUrn(new this.pb.CheckRequest(), urn);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    req.setRandomseed(new Uint8Array(32));
    const resp = await this.unary("check", urn, req);
    const failures = (resp.getFailuresList() as PbMessage[]).map((f) => ({
      property: f.getProperty() as string,
      reason: f.getReason() as string,
    }));
    return { inputs: this.js(resp.getInputs()), failures };
  }

  async diff(
    id: string,
    urn: string,
    olds: JsonObject,
    news: JsonObject,
    oldInputs?: JsonObject,
  ): Promise<DiffResult> {
    const req = this.withUrn(new this.pb.DiffRequest(), urn);
    req.setId(id);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    if (oldInputs) req.setOldInputs(this.struct(oldInputs));
    const resp = await this.unary("diff", urn, req);
    const changes = resp.getChanges() as number; // DIFF_UNKNOWN = 0, DIFF_NONE = 1, DIFF_SOME = 2
    return {
      changes: changes === 1 ? "none" : changes === 2 ? "some" : "unknown",
      replaces: resp.getReplacesList() as string[],
      deleteBeforeReplace: resp.getDeletebeforereplace() as boolean,
    };
  }

  async create(urn: string, props: JsonObject): Promise<CreateResult> {
    const req = this.withUrn(new this.pb.CreateRequest(), urn);
    req.setProperties(this.struct(props));
    req.setPreview(false);
    const resp = await this.unary("create", urn, req);
    return { id: resp.getId() as string, properties: this.js(resp.getProperties()) };
  }

  async read(id: string, urn: string, props: JsonObject, inputs?: JsonObject): Promise<ReadResult> {
    const req = this.withUrn(new this.pb.ReadRequest(), urn);
    req.setId(id);
    req.setProperties(this.struct(props));
    if (inputs) req.setInputs(this.struct(inputs));
    const resp = await this.unary("read", urn, req);
    const result: ReadResult = { id: resp.getId() as string, properties: this.js(resp.getProperties()) };
    if (resp.hasInputs()) result.inputs = this.js(resp.getInputs());
    return result;
  }

  async update(
    id: string,
    urn: string,
    olds: JsonObject,
    news: JsonObject,
    oldInputs?: JsonObject,
  ): Promise<JsonObject> {
    const req = this.withUrn(new this.pb.UpdateRequest(), urn);
    req.setId(id);
    req.setOlds(this.struct(olds));
    req.setNews(this.struct(news));
    if (oldInputs) req.setOldInputs(this.struct(oldInputs));
    req.setPreview(false);
    const resp = await this.unary("update", urn, req);
    return this.js(resp.getProperties());
  }

  async delete(id: string, urn: string, props: JsonObject, oldInputs?: JsonObject): Promise<void> {
    const req = this.withUrn(new this.pb.DeleteRequest(), urn);
    req.setId(id);
    req.setProperties(this.struct(props));
    if (oldInputs) req.setOldInputs(this.struct(oldInputs));
    await this.unary("delete", urn, req);
  }

  /** Closes the channel and ends the host process (SIGTERM, then SIGKILL after 2 s). */
  async stop(): Promise<void> {
    this.client.close();
    if (this.exitCode !== null || this.proc.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.proc.kill("SIGKILL"), 2000);
      this.proc.once("exit", () => {
        clearTimeout(timer);
        resolve();
      });
      this.proc.kill("SIGTERM");
    });
  }

  private struct(o: JsonObject): PbStruct {
    return this.Struct.fromJavaScript(stripUndefined(o) as JsonObject);
  }

  private js(s: unknown): JsonObject {
    return s ? (s as PbStruct).toJavaScript() : {};
  }

  private withUrn(req: PbMessage, urn: string): PbMessage {
    const { type, name } = parseUrn(urn);
    req.setUrn(urn);
    req.setName(name);
    req.setType(type);
    return req;
  }

  private unary(method: string, urn: string, req: PbMessage): Promise<PbMessage> {
    const started = Date.now();
    const fn = this.client[method] as (
      req: PbMessage,
      md: unknown,
      opts: { deadline: number },
      cb: UnaryCallback,
    ) => void;
    return new Promise((resolve, reject) => {
      fn.call(
        this.client,
        req,
        new this.grpc.Metadata(),
        { deadline: Date.now() + this.rpcTimeoutMs },
        (err: GrpcError | null, resp: PbMessage) => {
          this.calls.push({ method, urn, ms: Date.now() - started, ok: !err });
          if (!err) return resolve(resp);
          reject(
            new ProviderRpcError(method, urn, err.details ?? err.message, err.code, this.initFailure(err)),
          );
        },
      );
    });
  }

  /** Decodes `grpc-status-details-bin` (a google.rpc.Status) for a `pulumirpc.ErrorResourceInitFailed`. */
  private initFailure(err: GrpcError): InitFailure | undefined {
    const raw = err.metadata?.get("grpc-status-details-bin")?.[0];
    if (!raw) return undefined;
    const status = this.statusPb.Status.deserializeBinary(
      typeof raw === "string" ? Buffer.from(raw, "base64") : new Uint8Array(raw),
    );
    for (const any of status.getDetailsList() as PbMessage[]) {
      if (any.getTypeName() !== "pulumirpc.ErrorResourceInitFailed") continue;
      const detail = this.pb.ErrorResourceInitFailed.deserializeBinary(any.getValue_asU8() as Uint8Array);
      return {
        id: detail.getId() as string,
        properties: this.js(detail.getProperties()),
        reasons: detail.getReasonsList() as string[],
      };
    }
    return undefined;
  }
}
