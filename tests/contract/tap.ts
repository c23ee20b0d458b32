// A recording forwarder between a client and the emulator: the contract tests judge every exchange
// as it went over the wire, without instrumenting either side.
import * as http from "node:http";
import type { AddressInfo } from "node:net";
import { forward, readAll } from "../forward";

/** One request and the answer it got, as sent and received. */
export interface Exchange {
  method: string;
  /** The path without the query string. */
  path: string;
  /** The query string without "?", "" when there is none. */
  query: string;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** 0 when the emulator dropped the connection instead of answering (a reset fault). */
  status: number;
  responseHeaders: http.IncomingHttpHeaders;
  responseBody: string;
}

export interface Tap {
  /** Point the client here instead of at the emulator. */
  readonly url: string;
  readonly exchanges: Exchange[];
  stop(): Promise<void>;
}

export async function startTap(target: string): Promise<Tap> {
  const upstream = new URL(target);
  const exchanges: Exchange[] = [];
  const agent = new http.Agent({ keepAlive: true });
  const server = http.createServer((req, res) => {
    void (async () => {
      const body = await readAll(req);
      const url = new URL(req.url ?? "/", "http://tap.invalid");
      const exchange: Exchange = {
        method: req.method ?? "",
        path: url.pathname,
        query: url.search.replace(/^\?/, ""),
        headers: req.headers,
        body: body.toString("utf8"),
        status: 0,
        responseHeaders: {},
        responseBody: "",
      };
      exchanges.push(exchange);
      let answer;
      try {
        answer = await forward(req, body, upstream, agent);
      } catch {
        // The emulator dropped the connection (a reset fault): drop the client's too.
        req.socket.destroy();
        return;
      }
      exchange.status = answer.status;
      exchange.responseHeaders = answer.headers;
      exchange.responseBody = answer.body.toString("utf8");
      res.writeHead(answer.status, answer.headers);
      res.end(answer.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    async stop() {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
