// Twilio's own OpenAPI description of the Accounts v1 API (twilio_accounts_v1.json beside this file,
// MIT, see twilio_accounts_v1.LICENSE), loaded into openapi-backend's validator (Ajv underneath), and
// the checks the contract tests apply to each exchange a tap recorded.
import { fullFormats } from "ajv-formats/dist/formats";
import * as fs from "node:fs";
import * as path from "node:path";
import { OpenAPIBackend, type Document, type Operation } from "openapi-backend";
import type { Exchange } from "./tap";

export const SPEC_FILE = "twilio_accounts_v1.json";
/** The source copy: the compiled tests run from build/tests/contract. */
const specPath = path.resolve(__dirname, "..", "..", "..", "tests", "contract", SPEC_FILE);

/**
 * The operations the provider uses. The rest of the file is left out: some of its other schemas
 * (bulk consents, geo permissions) say `nullable` without a `type`, which Ajv refuses to compile.
 */
export const CREDENTIALS_AWS_PATHS = ["/v1/Credentials/AWS", "/v1/Credentials/AWS/{Sid}"] as const;

/** The AWS credential operations by operationId, as the spec names them. */
export const OPERATIONS = {
  list: "ListCredentialAws",
  create: "CreateCredentialAws",
  fetch: "FetchCredentialAws",
  update: "UpdateCredentialAws",
  delete: "DeleteCredentialAws",
} as const;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** The media type of a Content-Type value, without parameters such as charset. */
export const mediaType = (value: unknown) =>
  String(value ?? "")
    .split(";")[0]
    .trim()
    .toLowerCase();

/** The raw spec: read-only facts for the tests to quote (limits, patterns). */
export function rawSpec(): Json {
  return JSON.parse(fs.readFileSync(specPath, "utf8")) as Json;
}

/** The "up to N characters" limit the spec states for FriendlyName in prose only (no maxLength). */
export function friendlyNameLimit(spec: Json = rawSpec()): number {
  const paths = spec.paths as Json;
  const post = (paths["/v1/Credentials/AWS"] as Json).post as Json;
  const form = ((post.requestBody as Json).content as Json)["application/x-www-form-urlencoded"] as Json;
  const description = String((((form.schema as Json).properties as Json).FriendlyName as Json).description);
  const match = /up to (\d+) characters/.exec(description);
  if (!match) throw new Error(`FriendlyName's description no longer states a limit: ${description}`);
  return Number(match[1]);
}

/**
 * Our stricter reading, applied to a copy of the spec and stated once here. The spec marks every
 * response field optional and nullable and leaves request bodies open, so on its own it would pass
 * `{}` for a credential and any extra parameter; what we check is:
 * - requests carry only the parameters the spec names, and FriendlyName at most the documented
 *   number of characters (as JSON Schema counts them: code points, so an emoji is one);
 * - answers carry every field the spec documents (null where it allows null) and no other.
 */
function tightened(spec: Json): Json {
  const copy = structuredClone(spec);
  const allPaths = copy.paths as Json;
  copy.paths = Object.fromEntries(CREDENTIALS_AWS_PATHS.map((p) => [p, allPaths[p]]));
  const limit = friendlyNameLimit(spec);
  const schemas = (copy.components as Json).schemas as Json;
  const closed = new Set<Json>();
  const closeObjects = (schema: unknown): void => {
    if (!isObject(schema) || closed.has(schema)) return;
    closed.add(schema);
    if (typeof schema.$ref === "string") {
      closeObjects(schemas[schema.$ref.replace("#/components/schemas/", "")]);
      return;
    }
    if (isObject(schema.properties)) {
      schema.required = Object.keys(schema.properties);
      schema.additionalProperties = false;
      Object.values(schema.properties).forEach(closeObjects);
    }
    closeObjects(schema.items);
  };
  for (const pathItem of Object.values(copy.paths as Json)) {
    for (const operation of Object.values(pathItem as Json).filter(isObject)) {
      for (const media of Object.values(((operation.requestBody as Json)?.content as Json) ?? {})) {
        const body = (media as Json).schema as Json;
        body.additionalProperties = false;
        const name = (body.properties as Json).FriendlyName as Json | undefined;
        if (name) name.maxLength = limit;
      }
      for (const response of Object.values((operation.responses as Json) ?? {})) {
        for (const media of Object.values(((response as Json).content as Json) ?? {})) {
          closeObjects((media as Json).schema);
        }
      }
    }
  }
  return copy;
}

let loading: Promise<TwilioContract> | undefined;

/** A validator of exchanges against the tightened spec. */
export class TwilioContract {
  private constructor(private readonly api: OpenAPIBackend) {}

  /** Loaded once per process: compiling the validators takes a few seconds. */
  static load(): Promise<TwilioContract> {
    loading ??= TwilioContract.compile();
    return loading;
  }

  private static async compile(): Promise<TwilioContract> {
    const api = new OpenAPIBackend({
      definition: tightened(rawSpec()) as unknown as Document,
      // The spec document itself must be valid OpenAPI.
      strict: true,
      ajvOpts: { allErrors: true },
      // openapi-backend knows OpenAPI's own formats only; the answers use date-time and uri.
      customizeAjv: (ajv) => {
        for (const name of ["date-time", "uri"] as const) ajv.addFormat(name, fullFormats[name]);
        return ajv;
      },
    });
    await api.init();
    return new TwilioContract(api);
  }

  /** The operation an exchange's method and path name, if the spec has one. */
  operation(exchange: Pick<Exchange, "method" | "path">): Operation | undefined {
    return this.api.matchOperation({
      method: exchange.method.toLowerCase(),
      path: exchange.path,
      headers: {},
    });
  }

  /** What is wrong with a request, per the spec; empty when nothing is. */
  requestProblems(exchange: Exchange): string[] {
    const operation = this.operation(exchange);
    if (!operation) return [`no operation in the spec for ${exchange.method} ${exchange.path}`];
    const problems: string[] = [];
    // Every operation requires the basic-auth scheme (accountSid_authToken: http, basic).
    if (!/^Basic [A-Za-z0-9+/=]+$/.test(String(exchange.headers.authorization ?? ""))) {
      problems.push("no HTTP basic Authorization header");
    }
    const content = (operation.requestBody as Json | undefined)?.content as Json | undefined;
    const sentType = mediaType(exchange.headers["content-type"]);
    let body: Json | undefined;
    if (content) {
      if (!(sentType in content)) {
        problems.push(
          `Content-Type ${sentType || "(none)"} is not one of ${Object.keys(content).join(", ")}`,
        );
      }
      const params = new URLSearchParams(exchange.body);
      body = Object.fromEntries(params);
      for (const name of new Set(params.keys())) {
        if (params.getAll(name).length > 1) problems.push(`parameter ${name} is sent more than once`);
      }
    } else if (exchange.body !== "" || sentType !== "") {
      problems.push(`${operation.operationId} takes no request body, but one was sent`);
    }
    const result = this.api.validateRequest(
      {
        method: exchange.method.toLowerCase(),
        path: exchange.path,
        query: exchange.query,
        headers: exchange.headers as Record<string, string>,
        body,
      },
      operation,
    );
    for (const error of result.errors ?? []) problems.push(`${error.instancePath || "/"} ${error.message}`);
    return problems;
  }

  /** What is wrong with the answer to a request, per the spec; empty when nothing is. */
  responseProblems(exchange: Exchange): string[] {
    const operation = this.operation(exchange);
    if (!operation) return [`no operation in the spec for ${exchange.method} ${exchange.path}`];
    const documented = (operation.responses ?? {}) as Json;
    const status = String(exchange.status);
    if (!(status in documented)) {
      return [
        `${operation.operationId} answered ${status}; the spec documents ${Object.keys(documented).join(", ")}`,
      ];
    }
    const content = (documented[status] as Json).content as Json | undefined;
    if (!content) {
      return exchange.responseBody === ""
        ? []
        : [`${status} should have no body, got ${exchange.responseBody}`];
    }
    const answeredType = mediaType(exchange.responseHeaders["content-type"]);
    if (!(answeredType in content))
      return [`answered as ${answeredType || "(no type)"}, not ${Object.keys(content)}`];
    let body: unknown;
    try {
      body = JSON.parse(exchange.responseBody);
    } catch {
      return [`the body is not JSON: ${exchange.responseBody.slice(0, 200)}`];
    }
    const result = this.api.validateResponse(body, operation, exchange.status);
    return (result.errors ?? []).map((error) => `${error.instancePath || "/"} ${error.message}`);
  }
}

/** A one-line account of an exchange for assertion messages. */
export const describeExchange = (e: Exchange) =>
  `${e.method} ${e.path}${e.query ? `?${e.query}` : ""} -> ${e.status}`;
