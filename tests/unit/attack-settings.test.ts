// Adversarial checks of hostile settings (issue 9 items 8 and 9): timeouts that switch the deadline
// off or overflow Node's timer, loopback spelt so that the check misses it, a proxy whose credential
// is its user name.
import { expect } from "chai";
import * as http from "http";
import { AddressInfo } from "net";
import nock from "nock";
import { HttpClient, isLoopbackHost } from "../../provider/core/http";
import { rejection, textCase, twilioCase, useHttpSandbox, DEFAULT_ENV } from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };

describe("attack: hostile settings", () => {
  describe("timeoutMs out of range is refused before any request, naming the setting (item 8)", () => {
    for (const value of ["0", "99999999999"]) {
      describe(`TINES_TIMEOUT_MS=${value}`, () => {
        useHttpSandbox({ ...DEFAULT_ENV, TINES_TIMEOUT_MS: value });
        it("read fails naming tines:timeoutMs and its range", async () => {
          const error = await rejection(textCase.provider.read("101", { ...PROVIDER, ...textCase.inputs() }));
          expect(error.message).to.include("tines:timeoutMs").and.include("TINES_TIMEOUT_MS");
          expect(error.message).to.match(/from 1000 to 300000/);
        });
      });
    }
  });

  describe("a credential setting with a line break or space is refused, naming the setting, never quoting it", () => {
    // Node refuses a header value with a line break; a value read from a file often ends in one.
    const cases: [string, string, string, typeof textCase][] = [
      ["TINES_API_KEY", "tines:apiKey", `${DEFAULT_ENV.TINES_API_KEY}\n`, textCase],
      ["TWILIO_AUTH_TOKEN", "twilio:authToken", `${DEFAULT_ENV.TWILIO_AUTH_TOKEN}\r\n`, twilioCase],
      ["TWILIO_ACCOUNT_SID", "twilio:accountSid", ` ${DEFAULT_ENV.TWILIO_ACCOUNT_SID}`, twilioCase],
      ["TWILIO_API_SECRET", "twilio:apiSecret", "api-secret-0123456789\tabc", twilioCase],
    ];
    for (const [envName, configKey, value, kind] of cases) {
      describe(`${envName} ${JSON.stringify(value.replace(/[^\s]/g, "x"))}`, () => {
        const extra =
          envName === "TWILIO_API_SECRET" ? { TWILIO_API_KEY: "SK0123456789abcdef0123456789abcdef" } : {};
        const sandbox = useHttpSandbox({ ...DEFAULT_ENV, ...extra, [envName]: value });
        it("create fails before any request, naming the setting and the rule", async () => {
          const error = await rejection(kind.provider.create({ ...PROVIDER, ...kind.inputs() }));
          expect(error.message).to.include(configKey).and.include(envName);
          expect(error.message).to.match(/printable ASCII without spaces or line breaks/);
          expect(error.message).not.to.include(value.trim());
          expect(sandbox.unmatched).to.deep.equal([]);
        });
      });
    }
  });

  describe("loopback, however it is spelt, is recognised (never proxied)", () => {
    for (const origin of [
      "https://127.1",
      "https://0x7f000001",
      "https://127.0.0.2:8443",
      "https://[::1]:8443",
      "https://[0:0:0:0:0:0:0:1]",
      "https://[::ffff:127.0.0.1]:8443",
      "https://localhost.:8443",
      "https://LOCALHOST",
    ]) {
      it(`${origin} is loopback`, () => {
        expect(isLoopbackHost(new URL(origin).hostname)).to.equal(true);
      });
    }
    for (const origin of [
      "https://127.0.0.1.nip.example",
      "https://localhost.evil.example",
      "https://[::ffff:10.0.0.1]",
      "https://128.0.0.1",
    ]) {
      it(`${origin} is not loopback`, () => {
        expect(isLoopbackHost(new URL(origin).hostname)).to.equal(false);
      });
    }
  });

  describe("a proxy whose credential is its user name (a token, no password)", function () {
    this.timeout(20_000);
    const TOKEN = "proxy-token-7Gq2Lm9Xw4Rt";
    let saved: string | undefined;
    let server: http.Server | undefined;
    before(() => {
      nock.restore();
      nock.enableNetConnect();
    });
    after(() => {
      if (!nock.isActive()) nock.activate();
    });
    beforeEach(() => {
      saved = process.env.HTTPS_PROXY;
    });
    afterEach(async () => {
      if (saved === undefined) delete process.env.HTTPS_PROXY;
      else process.env.HTTPS_PROXY = saved;
      server?.closeAllConnections();
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    });

    it("is not shown when the proxy's 407 quotes the Proxy-Authorization it got", async () => {
      server = http.createServer((_req, res) => res.end());
      server.on("connect", (req, socket) => {
        const authorization = String(req.headers["proxy-authorization"] ?? "");
        const decoded = Buffer.from(authorization.replace(/^Basic /, ""), "base64").toString();
        const body = JSON.stringify({ error: `refused ${authorization} (${decoded})` });
        socket.end(
          `HTTP/1.1 407 Proxy Authentication Required\r\nContent-Type: application/json\r\n` +
            `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
        );
      });
      await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
      const { port } = server.address() as AddressInfo;
      process.env.HTTPS_PROXY = `http://${TOKEN}@127.0.0.1:${port}`;
      const client = new HttpClient({
        service: "Tines",
        baseUrl: "https://tines.invalid",
        headers: { Authorization: "Bearer attack-test-key-0123456789" },
        timeoutMs: 2_000,
        maxRetries: 0,
        secrets: ["attack-test-key-0123456789"],
      });
      const error = await rejection(client.send({ method: "GET", path: "/api/v1/x", idempotent: true }));
      expect(error.message).to.include("HTTP 407");
      expect(error.message).not.to.include(TOKEN);
      expect(error.message).not.to.include(Buffer.from(`${TOKEN}:`).toString("base64"));
    });
  });
});
