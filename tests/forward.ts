// What the local forwarders between a client and the emulator share (the contract tests' tap, the demo's
// recording proxy): reading a whole stream, and sending a request on as it came.
import * as http from "node:http";

/** Everything a stream yields, until its end. */
export function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on("data", (chunk: Buffer) => chunks.push(chunk));
    stream.on("end", () => resolve(Buffer.concat(chunks)));
    stream.on("error", reject);
  });
}

export interface Forwarded {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * Sends a request a forwarder received on to `upstream` (method, path, headers and `body` as they came,
 * the Host header made the upstream's) and reads the whole answer. Rejects when the upstream drops the
 * connection instead of answering.
 */
export function forward(
  req: http.IncomingMessage,
  body: Buffer,
  upstream: URL,
  agent: http.Agent,
): Promise<Forwarded> {
  return new Promise((resolve, reject) => {
    const sent = http.request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
        agent,
      },
      (answer) => {
        readAll(answer).then(
          (answerBody) =>
            resolve({ status: answer.statusCode ?? 0, headers: answer.headers, body: answerBody }),
          reject,
        );
      },
    );
    sent.on("error", reject);
    sent.end(body);
  });
}
