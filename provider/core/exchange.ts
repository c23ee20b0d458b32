// One HTTP exchange on Node's own http and https: the request sent whole, the answer read whole within
// a size bound, decompressed and parsed. It replaces axios, whose config merge, header objects and
// stream-based adapter cost about 170 us a request more than Node's http alone (two-thirds of it in the
// adapter), for features the client does not use: redirects, progress events, streams and form data.
import * as http from "http";
import * as https from "https";
import * as zlib from "zlib";

export interface Exchanged {
  status: number;
  /** As Node gives them: lower-case names. */
  headers: http.IncomingHttpHeaders;
  /** The body parsed as JSON, or its text when it is not JSON ("" when empty). */
  data: unknown;
}

/** Opens the request (the attempt's deadline holds on to it, see AttemptDeadline.open). */
export type Opener = (
  options: https.RequestOptions,
  onResponse: (response: http.IncomingMessage) => void,
) => http.ClientRequest;

/** An answer that arrived but cannot be read: not a network fault, so sending again would not help. */
export class UnreadableAnswerError extends Error {
  name = "UnreadableAnswerError";
}

/**
 * A request Node would not make (a header value or path it cannot send, such as an API key ending in a
 * line break): nothing was sent, and sending again would be refused the same way.
 */
export class RequestRefusedError extends Error {
  name = "RequestRefusedError";
  constructor(cause: unknown) {
    const { code, message } = cause as { code?: unknown; message?: unknown };
    super(`${typeof code === "string" ? `${code}: ` : ""}${String(message)}`, { cause });
  }
}

/** An answer larger than the bound; its body is not read further. */
export class AnswerTooLargeError extends UnreadableAnswerError {
  name = "AnswerTooLargeError";
  constructor(readonly maxBytes: number) {
    super(`it is larger than ${maxBytes} bytes`);
  }
}

/** The codings the client asks for; any other in an answer is refused (not asked for). */
export const ACCEPT_ENCODING = "gzip, deflate, br";

/**
 * Undoes the answer's Content-Encoding. The zlib module is named at each call, not its functions kept
 * in a table: the SDK's closure serializer copies a function value by value, and zlib's cannot be.
 */
function decode(body: Buffer, coding: string | undefined, maxBytes: number): Buffer {
  const name = (coding ?? "").trim().toLowerCase();
  if (name === "" || name === "identity" || body.length === 0) return body;
  const options = { maxOutputLength: maxBytes };
  try {
    if (name === "gzip" || name === "x-gzip") return zlib.gunzipSync(body, options);
    // RFC 9110's deflate is the zlib format; some servers send raw deflate, or gzip, under this name.
    if (name === "deflate") {
      const wrapped = body[0] === 0x78 || body[0] === 0x1f; // a zlib or a gzip header
      return wrapped ? zlib.unzipSync(body, options) : zlib.inflateRawSync(body, options);
    }
    if (name === "br") return zlib.brotliDecompressSync(body, options);
  } catch (error) {
    // A gzip bomb: stopped at the bound, not decompressed in full.
    if ((error as { code?: unknown }).code === "ERR_BUFFER_TOO_LARGE")
      throw new AnswerTooLargeError(maxBytes);
    throw new UnreadableAnswerError(`its ${name} body could not be decompressed`, { cause: error });
  }
  // Quoted only when it looks like a coding: a server could echo a secret here, in a spelling (Latin-1
  // read of UTF-8, lower-cased) that redaction would not recognise.
  const shown = /^[a-z0-9._+-]{1,32}$/.test(name) ? ` ${JSON.stringify(name)}` : "";
  throw new UnreadableAnswerError(`its Content-Encoding${shown} was not asked for`);
}

/** JSON when the text is JSON, else the text itself (an HTML error page, plain text, nothing). */
function parsed(text: string): unknown {
  if (text === "") return text;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Sends `body` to `url` and resolves with the whole answer, whatever its status; rejects on any
 * network error, an answer cut short, or one that cannot be read (larger than `maxBytes` before or
 * after decompression, or not decodable). Network errors are Node's own (`code`, `syscall`), for the
 * caller to classify; the caller also judges an error status whose body failed by its status alone
 * (AttemptDeadline.errorAnswer).
 */
export function exchange(
  open: Opener,
  url: URL,
  method: string,
  headers: http.OutgoingHttpHeaders,
  body: string | undefined,
  agent: http.Agent,
  maxBytes: number,
): Promise<Exchanged> {
  return new Promise<Exchanged>((resolve, reject) => {
    let request: http.ClientRequest | undefined;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      request?.destroy();
      reject(error);
    };
    const onResponse = (response: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) fail(new AnswerTooLargeError(maxBytes));
        else chunks.push(chunk);
      });
      response.on("error", fail);
      response.on("end", () => {
        if (settled) return;
        let decoded: Buffer;
        try {
          decoded = decode(Buffer.concat(chunks, size), response.headers["content-encoding"], maxBytes);
        } catch (error) {
          return fail(error as Error);
        }
        let text = decoded.toString("utf8");
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        settled = true;
        resolve({ status: response.statusCode ?? 0, headers: response.headers, data: parsed(text) });
      });
      // Closed without its end: the connection broke off midway.
      response.on("close", () =>
        fail(
          Object.assign(new Error("the connection closed before the whole answer arrived"), {
            code: "ECONNRESET",
          }),
        ),
      );
    };
    try {
      request = open(
        {
          protocol: url.protocol,
          // URL keeps an IPv6 literal's brackets; Node's request takes the address without them.
          hostname: url.hostname.replace(/^\[(.*)\]$/, "$1"),
          port: url.port || undefined,
          path: url.pathname + url.search,
          method,
          headers: body === undefined ? headers : { ...headers, "Content-Length": Buffer.byteLength(body) },
          agent,
        },
        onResponse,
      );
    } catch (error) {
      fail(new RequestRefusedError(error));
      return;
    }
    request.on("error", fail);
    request.end(body);
  });
}
