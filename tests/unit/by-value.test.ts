// A provider outside node_modules (a program's own copy, a linked workspace) is copied by value into
// `__provider` by the SDK's closure serializer, with the module state it reaches. None of that state may
// hold a connection secret, even after `configure` and a request have filled every cache.
import { expect } from "chai";
import Module from "module";
import nock from "nock";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { ConfigureRequest } from "../../provider/core/config";
import {
  clearStackConfig,
  startNewRun,
  TENANT,
  textCase,
  TWILIO_ACCOUNT_SID,
  TWILIO_URL,
  twilioCase,
  useHttpSandbox,
} from "./helpers";

/** What the provider host hands `configure`: the stack config. */
const stackConfig = (values: Record<string, string>): ConfigureRequest => ({
  config: { get: (key: string) => values[key] },
});

describe("a provider copied by value holds no connection secret", function () {
  this.timeout(60_000);
  useHttpSandbox({}); // no connection settings in the environment: they come from the stack config only

  after(clearStackConfig);

  const cases = [
    {
      c: textCase,
      secret: "stack-config-tines-key-5f4e3d2c1b0a9988",
      config: (secret: string): Record<string, string> => ({
        "tines:tenant": TENANT,
        "tines:apiKey": secret,
      }),
      header: (secret: string) => `Bearer ${secret}`,
    },
    {
      c: twilioCase,
      secret: "stack-config-twilio-token-0a9b8c7d6e5f",
      config: (secret: string): Record<string, string> => ({
        "twilio:accountsUrl": TWILIO_URL,
        "twilio:accountSid": TWILIO_ACCOUNT_SID,
        "twilio:authToken": secret,
      }),
      header: (secret: string) =>
        `Basic ${Buffer.from(`${TWILIO_ACCOUNT_SID}:${secret}`).toString("base64")}`,
    },
  ];

  for (const { c, secret, config, header } of cases) {
    it(`${c.service}: after configure and a request, the serialized provider carries neither the secret nor its auth header`, async () => {
      const values = config(secret);
      startNewRun();
      await c.provider.configure(stackConfig(values));
      nock(c.origin, { reqheaders: { authorization: header(secret) } })
        .get(c.itemPath(c.id))
        .reply(200, c.record());
      const read = await c.provider.read(c.id, { __provider: "p", ...c.inputs() });
      expect(read.id).to.equal(c.id, "the request was made with the configured secret");

      const serialized = await pulumi.runtime.serializeFunction(() => c.provider, { allowSecrets: true });
      expect(serialized.text.length).to.be.above(10_000, "copied by value, not as a require");
      // Booleans, so that a failure does not print the serialized text.
      for (const spelling of [secret, header(secret)]) {
        expect(serialized.text.includes(spelling), "a secret is in the serialized provider").to.equal(false);
      }
    });

    it(`${c.service}: every hook of the copy made by value refuses with an error saying to install the package`, async () => {
      const values = config(secret);
      await c.provider.configure(stackConfig(values));
      const serialized = await pulumi.runtime.serializeFunction(() => c.provider, { allowSecrets: true });
      // Loaded as the provider host loads a __provider: a module compiled from the text.
      const file = path.join(__dirname, "by-value-copy.js");
      const copyModule = new Module(file);
      copyModule.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(
        __dirname,
      );
      (copyModule as unknown as { _compile(text: string, file: string): void })._compile(
        serialized.text,
        file,
      );
      const copy = (copyModule.exports as Record<string, () => typeof c.provider>)[serialized.exportName]();
      const props = { __provider: "p", ...c.inputs() };
      const hooks: [string, () => Promise<unknown>][] = [
        ["configure", () => copy.configure(stackConfig(values))],
        ["check", () => copy.check({}, c.inputs())],
        ["diff", () => copy.diff(c.id, props, props)],
        ["create", () => copy.create(props)],
        ["read", () => copy.read(c.id, props)],
        ["update", () => copy.update(c.id, props, props)],
        ["delete", () => copy.delete(c.id, props)],
      ];
      for (const [hook, call] of hooks) {
        const error = await call().then(
          () => undefined,
          (e: Error) => e,
        );
        expect(error, `${hook} of the copy went through`).to.be.instanceOf(Error);
        const message = (error as Error).message;
        expect(message.includes(secret), `${hook}: the error quotes the secret`).to.equal(false);
        expect(message, hook).to.match(/copy the Pulumi SDK made by value/);
        expect(message, hook).to.match(/Install the package into the program's node_modules/);
      }
    });
  }
});
