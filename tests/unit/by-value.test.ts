// A provider outside node_modules (a program's own copy, a linked workspace) is copied by value into
// `__provider` by the SDK's closure serializer, with the module state it reaches. None of that state may
// hold a connection secret, even after `configure` and a request have filled every cache.
import { expect } from "chai";
import nock from "nock";
import * as pulumi from "@pulumi/pulumi";
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
      await c.provider.configure({
        config: { get: (key: string) => values[key] },
      } as unknown as Parameters<(typeof c.provider)["configure"]>[0]);
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
  }
});
