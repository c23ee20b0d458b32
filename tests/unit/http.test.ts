// The HTTP policy (provider/core/http.ts) on real loopback sockets and with nock: a deadline for the
// whole exchange per attempt, a bound on one request's total wait, what counts as "never sent", and
// the environment's proxy (hardening items 8 and 9, and the EHOSTUNREACH question of issue 9).
import { expect } from "chai";
import * as http from "http";
import * as net from "net";
import * as zlib from "zlib";
import type { Duplex } from "stream";
import nock from "nock";
import { ApiError, HttpClient, HttpSettings, MAX_REQUEST_WAIT_MS, neverSent } from "../../provider/core/http";
import { fakeClock, netError, rejection } from "./helpers";

const PROXY_ENV = [
  "HTTPS_PROXY",
  "https_proxy",
  "HTTP_PROXY",
  "http_proxy",
  "NO_PROXY",
  "no_proxy",
  "ALL_PROXY",
  "all_proxy",
];

function settings(baseUrl: string, overrides: Partial<HttpSettings> = {}): HttpSettings {
  return {
    service: "Tines",
    baseUrl,
    headers: { Authorization: "Bearer http-test-key-0123456789" },
    timeoutMs: 1_000,
    maxRetries: 0,
    secrets: ["http-test-key-0123456789"],
    ...overrides,
  };
}

/** A server on 127.0.0.1 running `handler`; returns its origin and a close function. */
async function loopbackServer(
  handler: http.RequestListener,
  setup: (server: http.Server) => void = () => undefined,
): Promise<{ origin: string; port: number; close: () => Promise<void> }> {
  const server = http.createServer(handler);
  setup(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe("HTTP policy", function () {
  this.timeout(20_000);
  const saved = new Map<string, string | undefined>();
  const closers: (() => Promise<void>)[] = [];

  before(() => nock.enableNetConnect());
  beforeEach(() => {
    for (const name of PROXY_ENV) {
      saved.set(name, process.env[name]);
      delete process.env[name];
    }
  });
  afterEach(async () => {
    nock.cleanAll();
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    for (const close of closers.splice(0)) await close();
  });
  const serve = async (handler: http.RequestListener, setup?: (server: http.Server) => void) => {
    const server = await loopbackServer(handler, setup);
    closers.push(server.close);
    return server;
  };

  it("every method carries the service's headers and Accept: application/json; a body its own Content-Type", async () => {
    const seen: string[] = [];
    const { origin } = await serve((req, res) => {
      const { authorization, accept } = req.headers;
      const type = req.headers["content-type"] ?? "(none)";
      seen.push(`${req.method} ${authorization} | ${accept} | ${type}`);
      req.resume();
      req.on("end", () => res.end("{}"));
    });
    const client = new HttpClient(settings(origin));
    await client.send({ method: "GET", path: "/x", idempotent: true });
    await client.send({ method: "POST", path: "/x", json: { a: 1 }, idempotent: false });
    await client.send({ method: "POST", path: "/x", form: { A: "1" }, idempotent: false });
    await client.send({ method: "PUT", path: "/x", json: { a: 1 }, idempotent: true });
    await client.send({ method: "DELETE", path: "/x", idempotent: true });
    const auth = "Bearer http-test-key-0123456789";
    expect(seen).to.deep.equal([
      `GET ${auth} | application/json | (none)`,
      `POST ${auth} | application/json | application/json`,
      `POST ${auth} | application/json | application/x-www-form-urlencoded`,
      `PUT ${auth} | application/json | application/json`,
      `DELETE ${auth} | application/json | (none)`,
    ]);
  });

  it("a JSON body arrives whole: keys named constructor, prototype and __proto__ included (axios's config merge, used before, dropped them)", async () => {
    let received = "";
    const { origin } = await serve((req, res) => {
      req.on("data", (chunk: Buffer) => (received += chunk.toString("utf8")));
      req.on("end", () => res.end("{}"));
    });
    const body = JSON.parse(
      '{"metadata": {"constructor": "c", "prototype": "p", "__proto__": {"x": 1}, "nested": [{"constructor": 1}]}}',
    ) as Record<string, unknown>;
    await new HttpClient(settings(origin)).send({ method: "PUT", path: "/x", json: body, idempotent: true });
    expect(received).to.equal(JSON.stringify(body));
  });

  describe("the answer is read whole, decompressed and parsed", () => {
    const answer = { id: 7, name: "n" };
    const json = JSON.stringify(answer);
    const compressed: [string, string, (body: string) => Buffer][] = [
      ["gzip", "gzip", (body) => zlib.gzipSync(body)],
      ["x-gzip", "x-gzip", (body) => zlib.gzipSync(body)],
      ["deflate", "deflate (zlib format)", (body) => zlib.deflateSync(body)],
      ["deflate", "deflate (raw, as some servers send it)", (body) => zlib.deflateRawSync(body)],
      ["deflate", "deflate (gzip, as some servers send it)", (body) => zlib.gzipSync(body)],
      ["br", "br", (body) => zlib.brotliCompressSync(body)],
      ["identity", "identity", (body) => Buffer.from(body)],
    ];
    for (const [coding, label, encode] of compressed) {
      it(`Content-Encoding ${label}`, async () => {
        let asked: string | undefined;
        const { origin } = await serve((req, res) => {
          asked = req.headers["accept-encoding"];
          res.setHeader("Content-Encoding", coding);
          res.end(encode(json));
        });
        const response = await new HttpClient(settings(origin)).send({
          method: "GET",
          path: "/x",
          idempotent: true,
        });
        expect(response.data).to.deep.equal(answer);
        expect(asked).to.equal("gzip, deflate, br");
      });
    }

    it("JSON after a byte-order mark is parsed; other text is kept as text; an empty body is ''", async () => {
      const bodies = ["\ufeff" + json, "<html>busy</html>", ""];
      const { origin } = await serve((req, res) => res.end(bodies[Number(req.url?.slice(1))]));
      const client = new HttpClient(settings(origin));
      const read = async (k: number) =>
        (await client.send({ method: "GET", path: `/${k}`, idempotent: true })).data;
      expect([await read(0), await read(1), await read(2)]).to.deep.equal([answer, "<html>busy</html>", ""]);
    });

    for (const [coding, body, reason] of [
      ["zstd", Buffer.from(json), /its Content-Encoding "zstd" was not asked for/],
      ["gzip", Buffer.from("not gzip at all"), /its gzip body could not be decompressed/],
    ] as const) {
      it(`a ${coding} answer that cannot be decoded: an error saying so, sent once`, async () => {
        let requests = 0;
        const { origin } = await serve((_req, res) => {
          requests++;
          res.setHeader("Content-Encoding", coding);
          res.end(body);
        });
        const client = new HttpClient(settings(origin, { maxRetries: 3 }));
        const error = await rejection(client.send({ method: "GET", path: "/x", idempotent: true }));
        expect(error).to.be.instanceOf(ApiError);
        expect(error.message).to.match(/^Tines API GET \/x was answered, but /);
        expect(error.message).to.match(reason);
        expect(requests).to.equal(1);
      });
    }

    it("a Content-Encoding that does not look like one is not quoted: it may echo a secret", async () => {
      const secret = "пароль-секрет-значение-ключ";
      // Node reads header bytes as Latin-1: the secret's UTF-8 bytes arrive as another spelling.
      const { origin } = await serve((_req, res) => {
        res.setHeader("Content-Encoding", Buffer.from(secret).toString("latin1"));
        res.end("{}");
      });
      const client = new HttpClient(settings(origin));
      const error = await rejection(
        client.send({ method: "GET", path: "/x", idempotent: true, secrets: [secret] }),
      );
      expect(error.message).to.equal(
        "Tines API GET /x was answered, but its Content-Encoding was not asked for",
      );
    });

    it("an error status whose body cannot be read: the status decides", async () => {
      const requests: string[] = [];
      const { origin } = await serve((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        res.statusCode = req.url === "/gone" ? 404 : 503;
        res.setHeader("Content-Encoding", "zstd");
        res.end("\x28\xb5\x2f\xfd");
      });
      const client = new HttpClient(settings(origin, { maxRetries: 1 }));
      const gone = await client.send({ method: "GET", path: "/gone", idempotent: true, allowNotFound: true });
      expect(gone).to.deep.equal({ status: 404, data: "" });
      const error = await rejection(
        client.send({ method: "POST", path: "/busy", json: {}, idempotent: false }),
      );
      expect(error.message).to.match(
        /^Tines API POST \/busy failed with HTTP 503 \(gave up after 2 attempts/,
      );
      expect(error.uncertain).to.equal(false);
      expect(requests).to.deep.equal(["GET /gone", "POST /busy", "POST /busy"]);
    });

    it("an error status whose body never arrives: the status decides, at the deadline or when the connection breaks", async () => {
      const requests: string[] = [];
      const { origin } = await serve((req, res) => {
        requests.push(`${req.method} ${req.url}`);
        const stall = (status: number, headers: http.OutgoingHttpHeaders = {}) => {
          res.writeHead(status, { ...headers, "Content-Length": "100" });
          res.write("{");
        };
        if (req.url === "/limited" && requests.length === 1) stall(429, { "Retry-After": "0" });
        else if (req.url === "/refused") stall(400);
        else if (req.url === "/broken") {
          stall(503);
          setTimeout(() => req.socket.destroy(), 50);
        } else {
          res.statusCode = 201;
          res.end('{"id":1}');
        }
      });
      const client = new HttpClient(settings(origin, { maxRetries: 1 }));
      const created = await client.send({ method: "POST", path: "/limited", json: {}, idempotent: false });
      expect(created).to.deep.equal({ status: 201, data: { id: 1 } });
      const refused = await rejection(
        client.send({ method: "POST", path: "/refused", json: {}, idempotent: false }),
      );
      expect(refused.message).to.equal("Tines API POST /refused failed with HTTP 400");
      expect([refused.uncertain, refused.mayStillComplete]).to.deep.equal([false, false]);
      const broken = await rejection(
        client.send({ method: "POST", path: "/broken", json: {}, idempotent: false }),
      );
      expect(broken.message).to.match(
        /^Tines API POST \/broken failed with HTTP 503 \(gave up after 2 attempts/,
      );
      expect([broken.uncertain, broken.mayStillComplete]).to.deep.equal([false, false]);
      expect(requests).to.deep.equal([
        "POST /limited",
        "POST /limited",
        "POST /refused",
        "POST /broken",
        "POST /broken",
      ]);
    });

    it("a create answered 201 whose body cannot be read did complete: never to be sent again", async () => {
      let requests = 0;
      const { origin } = await serve((_req, res) => {
        requests++;
        res.writeHead(201, { "Content-Encoding": "zstd" });
        res.end("\x28\xb5\x2f\xfd");
      });
      const client = new HttpClient(settings(origin, { maxRetries: 3 }));
      const error = await rejection(
        client.send({ method: "POST", path: "/create", json: {}, idempotent: false }),
      );
      expect(error.message).to.match(
        /^Tines API POST \/create was answered, but its Content-Encoding "zstd"/,
      );
      expect([error.uncertain, error.mayStillComplete]).to.deep.equal([true, true]);
      expect(requests).to.equal(1);
    });

    it("an error status whose body is larger than the bound: cut off unread, the status decides", async () => {
      const { origin } = await serve((_req, res) => {
        res.statusCode = 404;
        res.end(Buffer.alloc(17 * 1024 * 1024, 0x20));
      });
      const client = new HttpClient(settings(origin));
      const gone = await client.send({ method: "GET", path: "/gone", idempotent: true, allowNotFound: true });
      expect(gone).to.deep.equal({ status: 404, data: "" });
    });

    it("a header Node refuses to send: an error saying so, nothing sent, not sent again", async () => {
      let requests = 0;
      const { origin } = await serve((_req, res) => {
        requests++;
        res.end("{}");
      });
      const key = "http-test-key-0123456789";
      const client = new HttpClient(
        settings(origin, { headers: { Authorization: `Bearer ${key}\n` }, secrets: [key], maxRetries: 3 }),
      );
      const error = await rejection(
        client.send({ method: "POST", path: "/create", json: {}, idempotent: false }),
      );
      expect(error.message).to.match(
        /^Tines API POST \/create was not sent: Node's http refused it \(ERR_INVALID_CHAR: /,
      );
      expect(error.message).not.to.include(key);
      expect(error.uncertain).to.equal(false);
      expect(requests).to.equal(0);
    });

    it("the query follows the path's own, each value form-encoded; the request names who asks", async () => {
      const seen: string[] = [];
      const { origin } = await serve((req, res) => {
        seen.push(`${req.url} | ${req.headers["user-agent"]}`);
        res.end("{}");
      });
      const client = new HttpClient(settings(`${origin}/base/`));
      await client.send({
        method: "GET",
        path: "/list?page=2",
        query: { per_page: 5, q: "a b&c" },
        idempotent: true,
      });
      await client.send({ method: "GET", path: "/list", query: { page: 1 }, idempotent: true });
      expect(seen).to.deep.equal([
        "/base/list?page=2&per_page=5&q=a+b%26c | pulumi-api-credentials",
        "/base/list?page=1 | pulumi-api-credentials",
      ]);
    });
  });

  describe("timeoutMs is a deadline for the whole exchange (item 8)", () => {
    it("a server trickling one byte every 600 ms fails a 1,000 ms read as a timeout", async () => {
      // Answers at once, then drips the body for 8 s: an idle timeout never fires on this.
      const server = await serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        const body = `{"pad":"${"x".repeat(12)}"}`;
        let i = 0;
        const drip = setInterval(() => {
          if (res.destroyed) return clearInterval(drip);
          res.write(body[i++]);
          if (i === body.length) {
            clearInterval(drip);
            res.end();
          }
        }, 600);
      });
      const client = new HttpClient(settings(server.origin));
      const started = performance.now();
      const error = await rejection(client.send({ method: "GET", path: "/slow", idempotent: true }));
      expect(error).to.be.instanceOf(ApiError);
      expect(error.message).to.include("GET /slow got no complete answer within 1000 ms (timeoutMs)");
      expect((error as unknown as ApiError).mayStillComplete).to.equal(true);
      // Generous: the old idle timeout waited for the whole 8 s drip.
      expect(performance.now() - started).to.be.below(4_000);
    });
  });

  describe("the deadlines of requests in flight at once share one timer", () => {
    it("each request times out at its own deadline, not at the first one's nor at the next timer", async () => {
      // Never answers: each request ends only by its deadline.
      const server = await serve(() => undefined);
      const client = new HttpClient(settings(server.origin));
      const started = performance.now();
      const endedAfter = (path: string) =>
        rejection(client.send({ method: "GET", path, idempotent: true })).then((error) => {
          expect(error.message).to.include(`GET ${path} got no complete answer within 1000 ms (timeoutMs)`);
          return performance.now() - started;
        });
      const first = endedAfter("/first");
      await new Promise((resolve) => setTimeout(resolve, 400));
      const second = endedAfter("/second");
      const [firstMs, secondMs] = await Promise.all([first, second]);
      expect(firstMs).to.be.within(950, 1_350);
      expect(secondMs).to.be.within(1_350, 1_750);
      // A third, after both: the timer is armed again.
      const third = await rejection(client.send({ method: "GET", path: "/third", idempotent: true }));
      expect(third.message).to.include("got no complete answer within 1000 ms");
      expect(performance.now() - started - secondMs).to.be.within(950, 1_500);
    });

    it("Node's own ClientRequest (no nock in the process): a server that never answers, and a proxy whose CONNECT never answers, end at the deadline, which closes each connection to the proxy; its debug log shows no credential", async function () {
      this.timeout(30_000);
      // nock, loaded by this suite, replaces ClientRequest with one of its own; a process of its own has
      // Node's. Destroying Node's request before it has a socket (the proxy's CONNECT unanswered) makes it
      // emit nothing: the attempt must end anyway, and close the connection it opened to the proxy.
      const ended: (number | undefined)[] = [];
      const held: Duplex[] = [];
      const silent = await serve(
        () => undefined,
        (server) =>
          server.on("connect", (_request: http.IncomingMessage, socket: Duplex) => {
            const index = ended.push(undefined) - 1;
            // Read (and drop) what comes, so that the end of the connection is seen.
            socket.on("end", () => (ended[index] = performance.now())).resume();
            held.push(socket);
          }),
      );
      const password = "proxy-password-0123456789";
      const PARALLEL = 3;
      const script = `
        const { HttpClient } = require(${JSON.stringify(require.resolve("../../provider/core/http"))});
        const attempts = async (baseUrl, count) => {
          const client = new HttpClient({ service: "Tines", baseUrl, headers: { Authorization: "Bearer http-test-key-0123456789" },
            timeoutMs: 1000, maxRetries: 0, secrets: ["http-test-key-0123456789"] });
          const started = performance.now();
          return Promise.all(Array.from({ length: count }, () => client.send({ method: "GET", path: "/x", idempotent: true }).then(
            () => ({ ms: -1, message: "answered" }),
            (error) => ({ ms: performance.now() - started, message: error.message }),
          )));
        };
        (async () => {
          const direct = await attempts(${JSON.stringify(silent.origin)}, 1);
          process.env.HTTPS_PROXY = "http://user:${password}@127.0.0.1:${silent.port}";
          const proxied = await attempts("https://tines.invalid", ${PARALLEL});
          process.stdout.write(JSON.stringify([...direct, ...proxied]));
          // Alive for a while: the connections to the proxy must be closed by the deadline, not by the exit.
          setTimeout(() => process.exit(0), 1500);
        })();`;
      const { spawn } = await import("child_process");
      // The proxy library's debug log on: it must not show the proxy's credentials.
      const env = { ...process.env, DEBUG: "https-proxy-agent" };
      const child = spawn(process.execPath, ["-e", script], { stdio: ["ignore", "pipe", "pipe"], env });
      let out = "";
      let log = "";
      child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
      const killer = setTimeout(() => child.kill(), 10_000);
      await new Promise((resolve) => child.on("exit", resolve));
      const exitedAt = performance.now();
      clearTimeout(killer);
      // The server no longer tracks a socket it handed to "connect": closing it is ours to do.
      for (const socket of held) socket.destroy();
      expect(out, "the child ended without an answer (killed after 10 s)").not.to.equal("");
      const [direct, ...proxied] = JSON.parse(out) as { ms: number; message: string }[];
      expect(direct.message).to.include("GET /x got no complete answer within 1000 ms (timeoutMs)");
      expect(direct.ms).to.be.within(950, 2_000);
      expect(proxied).to.have.length(PARALLEL);
      for (const { message, ms } of proxied) {
        expect(message)
          .to.include("GET /x got no complete answer within 1000 ms (timeoutMs)")
          .and.include(`(via proxy http://127.0.0.1:${silent.port})`)
          .and.not.include(password);
        expect(ms).to.be.within(950, 2_000);
      }
      expect(ended, "one CONNECT per request").to.have.length(PARALLEL);
      for (const at of ended) {
        expect(at, "a connection to the proxy stayed open until the process exited").to.be.a("number");
        expect(at).to.be.below(exitedAt - 1_000);
      }
      expect(log, "the proxy library's debug log is on").to.include("Creating new HttpsProxyAgent instance");
      for (const spelling of [password, Buffer.from(`user:${password}`).toString("base64")]) {
        expect(log).not.to.include(spelling);
      }
    });

    it("a deadline is kept when the clock is replaced between requests (a fake clock per test, one client)", async () => {
      const server = await serve((req, res) => {
        if (req.url === "/ok") res.end("{}");
      });
      const client = new HttpClient(settings(server.origin));
      let clock = fakeClock();
      try {
        await client.send({ method: "GET", path: "/ok", idempotent: true });
      } finally {
        clock.uninstall();
      }
      clock = fakeClock();
      try {
        let outcome = "pending";
        void client.send({ method: "GET", path: "/hang", idempotent: true }).then(
          () => (outcome = "answered"),
          (error: Error) => (outcome = error.message),
        );
        for (let i = 0; i < 50; i++) await new Promise((resolve) => setImmediate(resolve));
        await clock.tickAsync(999);
        expect(outcome).to.equal("pending");
        await clock.tickAsync(2_000);
        for (let i = 0; i < 50 && outcome === "pending"; i++)
          await new Promise((resolve) => setImmediate(resolve));
        expect(outcome).to.include("GET /hang got no complete answer within 1000 ms (timeoutMs)");
      } finally {
        clock.uninstall();
      }
    });
  });

  describe("one request's total wait is bounded (item 8)", () => {
    const ORIGIN = "https://budget.example.test";

    it("a Retry-After longer than the limit is not waited for: the error names the limit", async function () {
      this.timeout(5_000);
      let requests = 0;
      nock(ORIGIN)
        .get("/x")
        .times(2)
        .reply(() => {
          requests++;
          return [429, { error: "slow down" }, { "Retry-After": "200" }];
        });
      const client = new HttpClient(settings(ORIGIN, { maxRetries: 4 }));
      const error = await rejection(client.send({ method: "GET", path: "/x", idempotent: true }));
      expect(error.message)
        .to.include("HTTP 429")
        .and.include("Retry-After wait of 200 s")
        .and.include(`limit of ${MAX_REQUEST_WAIT_MS / 1000} s for one request`);
      expect(requests).to.equal(1);
    });

    it("a retry is made only if its whole timeoutMs still fits in the limit", async () => {
      let requests = 0;
      nock(ORIGIN)
        .get("/y")
        .times(3)
        .reply(() => {
          requests++;
          return [503, { error: "busy" }, { "Retry-After": "1" }];
        });
      // 1 s wait + 118 s timeout fits once; after that first retry, another no longer does.
      const client = new HttpClient(
        settings(ORIGIN, { maxRetries: 4, timeoutMs: MAX_REQUEST_WAIT_MS - 2_000 }),
      );
      const error = await rejection(client.send({ method: "GET", path: "/y", idempotent: true }));
      expect(requests).to.equal(2);
      expect(error.message).to.include("gave up after 2 attempts").and.include("limit of");
    });
  });

  describe("only an error while connecting on a new socket counts as never sent", () => {
    const ORIGIN = "https://sent.example.test";

    it("EHOSTUNREACH on an established connection: a create is not re-sent, and is uncertain", async () => {
      const lostAfterSending = () =>
        Object.assign(netError("EHOSTUNREACH", "read EHOSTUNREACH"), { syscall: "read" });
      nock(ORIGIN).post("/create").replyWithError(lostAfterSending());
      nock(ORIGIN).post("/create").replyWithError(lostAfterSending());
      const client = new HttpClient(settings(ORIGIN, { maxRetries: 3 }));
      const error = await rejection(
        client.send({ method: "POST", path: "/create", json: {}, idempotent: false }),
      );
      expect((error as unknown as ApiError).uncertain).to.equal(true);
      // The second interceptor is left: the create was sent once.
      expect(nock.pendingMocks()).to.have.length(1);
    });

    it("EHOSTUNREACH raised by connect(): never sent, so a create is sent again", async () => {
      nock(ORIGIN)
        .post("/create")
        .replyWithError(
          Object.assign(netError("EHOSTUNREACH", "connect EHOSTUNREACH"), { syscall: "connect" }),
        );
      nock(ORIGIN).post("/create").reply(201, { id: 1 });
      const client = new HttpClient(settings(ORIGIN, { maxRetries: 3 }));
      const response = await client.send({ method: "POST", path: "/create", json: {}, idempotent: false });
      expect(response.status).to.equal(201);
    });

    it("a connect error on a reused keep-alive socket is not 'never sent'", () => {
      const cause = Object.assign(new Error("connect EHOSTUNREACH"), {
        code: "EHOSTUNREACH",
        syscall: "connect",
      });
      expect(neverSent(cause, false)).to.equal(true);
      expect(neverSent(cause, true)).to.equal(false);
      expect(neverSent({ code: "EHOSTUNREACH", syscall: "write" }, false)).to.equal(false);
      expect(neverSent({ code: "ECONNREFUSED", errors: [cause, { syscall: "connect" }] }, false)).to.equal(
        true,
      );
    });

    it("a real refused connection (Node's own error) is recognised as never sent", async () => {
      const server = await loopbackServer(() => undefined);
      await server.close();
      const client = new HttpClient(settings(server.origin, { maxRetries: 1 }));
      const error = await rejection(
        client.send({ method: "POST", path: "/create", json: {}, idempotent: false }),
      );
      expect(error.message).to.include("ECONNREFUSED").and.include("gave up after 2 attempts");
      expect((error as unknown as ApiError).uncertain).to.equal(false);
    });
  });

  describe("every socket probes its peer after 1 s of silence, from its first request on", () => {
    // On Node's own http stack: nock's interceptor cannot pass a request through an agent-base agent.
    before(() => nock.restore());
    after(() => {
      if (!nock.isActive()) nock.activate();
    });
    /** Every setKeepAlive call on any socket: [enable, delay]. */
    let calls: unknown[][] = [];
    const original = net.Socket.prototype.setKeepAlive;
    beforeEach(() => {
      calls = [];
      net.Socket.prototype.setKeepAlive = function (this: net.Socket, enable?: boolean, delay?: number) {
        calls.push([enable, delay]);
        return original.call(this, enable, delay);
      };
    });
    afterEach(() => {
      net.Socket.prototype.setKeepAlive = original;
    });
    /**
     * A server answering {"ok":true}, counting the connections it accepts and noting the keep-alive
     * settings made before the first request arrived.
     */
    async function countingServer() {
      let connections = 0;
      let beforeFirstRequest: unknown[][] | undefined;
      const server = await serve(
        (req, res) => {
          beforeFirstRequest ??= [...calls];
          req.resume();
          req.on("end", () => res.end('{"ok":true}'));
        },
        (s) => s.on("connection", () => connections++),
      );
      return { ...server, connections: () => connections, beforeFirstRequest: () => beforeFirstRequest };
    }
    /**
     * Three requests on one keep-alive connection: probes on at 1 s before the first one reached the
     * server, and no other setting ever (each switch would be system calls).
     */
    async function threeRequestsKeepOneSecond(
      client: HttpClient,
      server: { connections: () => number; beforeFirstRequest: () => unknown[][] | undefined },
    ) {
      for (const method of ["GET", "POST", "GET"] as const) {
        const response = await client.send({
          method,
          path: "/x",
          json: method === "POST" ? {} : undefined,
          idempotent: true,
        });
        expect(response.data).to.deep.equal({ ok: true });
      }
      expect(server.connections()).to.equal(1);
      expect(server.beforeFirstRequest()).to.deep.include([true, 1000]);
      expect(new Set(calls.map((call) => JSON.stringify(call)))).to.deep.equal(new Set(["[true,1000]"]));
    }
    it("direct", async () => {
      const server = await countingServer();
      await threeRequestsKeepOneSecond(new HttpClient(settings(server.origin)), server);
    });

    it("through a proxy's tunnel", async () => {
      const server = await countingServer();
      // Tunnels every CONNECT to the server, whatever host it names.
      const proxy = await serve(
        (_req, res) => res.end(),
        (s) =>
          s.on("connect", (_req, socket: Duplex) => {
            const upstream = net.connect(server.port, "127.0.0.1", () => {
              socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
              upstream.pipe(socket).pipe(upstream);
            });
            socket.on("error", () => upstream.destroy());
            upstream.on("error", () => socket.destroy());
          }),
      );
      process.env.HTTP_PROXY = `http://127.0.0.1:${proxy.port}`;
      // The connection to the proxy probes from its start, through the CONNECT and the TLS handshake:
      // given keepAlive without a delay, Node sets none and the kernel's 2 hours apply until then.
      const toProxy: unknown[] = [];
      const connect = net.Socket.prototype.connect;
      net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
        const options = (Array.isArray(args[0]) ? args[0][0] : args[0]) as { port?: unknown };
        if (options?.port === proxy.port) toProxy.push(options);
        return (connect as (...a: unknown[]) => net.Socket).apply(this, args);
      } as typeof connect;
      try {
        await threeRequestsKeepOneSecond(new HttpClient(settings("http://tines.invalid")), server);
      } finally {
        net.Socket.prototype.connect = connect;
      }
      expect(toProxy).to.have.length(1);
      expect(toProxy[0]).to.include({ keepAlive: true, keepAliveInitialDelay: 1000 });
    });
  });

  describe("the environment's proxy (item 9)", () => {
    const PROXY_USER = "proxy-user";
    const PROXY_PASSWORD = "proxy-pass-Hq27/x+Y";
    const TARGET = "https://tines.invalid";
    // nock's interceptor cannot pass a request through an agent-base agent (it wants a socket back at
    // once), so these tests run on Node's own http stack.
    before(() => nock.restore());
    after(() => {
      if (!nock.isActive()) nock.activate();
    });

    /** A proxy that refuses every CONNECT with 407, quoting the credentials it was sent. */
    async function refusingProxy() {
      const seen: { url?: string; authorization?: string }[] = [];
      const proxy = await serve(
        (_req, res) => res.end(),
        (server) =>
          server.on("connect", (req, socket) => {
            const authorization = String(req.headers["proxy-authorization"] ?? "");
            seen.push({ url: req.url, authorization });
            const decoded = Buffer.from(authorization.replace(/^Basic /, ""), "base64").toString();
            const body = JSON.stringify({ error: `proxy refused ${authorization} (${decoded})` });
            socket.end(
              `HTTP/1.1 407 Proxy Authentication Required\r\nContent-Type: application/json\r\n` +
                `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
            );
          }),
      );
      const url = `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${proxy.port}`;
      return { seen, url, port: proxy.port };
    }

    for (const variable of ["HTTPS_PROXY", "https_proxy"]) {
      it(`${variable}: requests go through the proxy with its credentials, and no message shows them`, async () => {
        const proxy = await refusingProxy();
        process.env[variable] = proxy.url;
        const client = new HttpClient(settings(TARGET));
        const error = await rejection(client.send({ method: "GET", path: "/api/v1/x", idempotent: true }));
        expect(proxy.seen).to.have.length(1);
        expect(proxy.seen[0].url).to.equal("tines.invalid:443");
        const expected = `Basic ${Buffer.from(`${PROXY_USER}:${PROXY_PASSWORD}`).toString("base64")}`;
        expect(proxy.seen[0].authorization).to.equal(expected);
        expect(error.message).to.include("HTTP 407").and.include(`via proxy http://127.0.0.1:${proxy.port}`);
        for (const text of [error.message, String(error.stack), JSON.stringify(error)]) {
          expect(text).not.to.include(PROXY_PASSWORD);
          expect(text).not.to.include(encodeURIComponent(PROXY_PASSWORD));
          expect(text).not.to.include(expected.slice("Basic ".length));
          expect(text).not.to.include(`${PROXY_USER}:`);
        }
      });
    }

    it("an unreachable proxy is named without its credentials", async () => {
      const closed = await loopbackServer(() => undefined);
      await closed.close();
      process.env.HTTPS_PROXY = `http://${PROXY_USER}:${encodeURIComponent(PROXY_PASSWORD)}@127.0.0.1:${closed.port}`;
      const client = new HttpClient(settings(TARGET));
      const error = await rejection(client.send({ method: "GET", path: "/api/v1/x", idempotent: true }));
      expect(error.message)
        .to.include("ECONNREFUSED")
        .and.include(`via proxy http://127.0.0.1:${closed.port}`);
      expect(error.message).not.to.include(PROXY_PASSWORD).and.not.include(PROXY_USER);
    });

    it("NO_PROXY excludes a host: the proxy sees nothing", async () => {
      const proxy = await refusingProxy();
      process.env.HTTPS_PROXY = proxy.url;
      process.env.NO_PROXY = "example.com,.invalid";
      const client = new HttpClient(settings(TARGET));
      const error = await rejection(client.send({ method: "GET", path: "/api/v1/x", idempotent: true }));
      expect(proxy.seen).to.have.length(0);
      expect(error.message).not.to.include("via proxy");
    });

    it("loopback is never proxied, even when NO_PROXY does not say so", async () => {
      const proxy = await refusingProxy();
      process.env.HTTPS_PROXY = proxy.url;
      process.env.HTTP_PROXY = proxy.url;
      process.env.ALL_PROXY = proxy.url;
      const server = await serve((_req, res) => {
        res.writeHead(200, { "Content-Type": "application/json" });
        res.end('{"ok":true}');
      });
      for (const origin of [server.origin, `http://localhost:${server.port}`]) {
        const response = await new HttpClient(settings(origin)).send({
          method: "GET",
          path: "/",
          idempotent: true,
        });
        expect(response.data).to.deep.equal({ ok: true });
      }
      expect(proxy.seen).to.have.length(0);
    });
  });
});
