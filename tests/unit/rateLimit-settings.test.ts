// The rate limit settings (issue 14): tines:requestsPerMinute / TINES_REQUESTS_PER_MINUTE and
// twilio:maxConcurrentRequests / TWILIO_MAX_CONCURRENT_REQUESTS, their defaults from the documented
// limits, the stack config over the environment, bounded values with errors naming both names and the
// range, and 0 turning the limiter off.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import { MAX_CONCURRENT_REQUESTS_RANGE, REQUESTS_PER_MINUTE_RANGE } from "../../provider/core/config";
import { setRateLimitNotify } from "../../provider/core/rateLimit";
import { DEFAULT_TINES_REQUESTS_PER_MINUTE, tinesHttpSettings } from "../../provider/tines/settings";
import { DEFAULT_TWILIO_MAX_CONCURRENT_REQUESTS, twilioHttpSettings } from "../../provider/twilio/settings";
import { DEFAULT_ENV, rejection, setEnv, TENANT, TINES_BASE, tinesRecord, useHttpSandbox } from "./helpers";

const PROVIDER = { __provider: "serialized-provider-module" };
const TINES = { config: "tines:requestsPerMinute", env: "TINES_REQUESTS_PER_MINUTE" } as const;
const TWILIO = { config: "twilio:maxConcurrentRequests", env: "TWILIO_MAX_CONCURRENT_REQUESTS" } as const;

const stackConfig = (values: Record<string, string>) => ({ config: { get: (key: string) => values[key] } });
const configure = (values: Record<string, string>) =>
  providers.tinesTextCredential.configure(stackConfig(values));

describe("rate limit settings (issue 14)", () => {
  const sandbox = useHttpSandbox();

  it("the agreed defaults and ranges", () => {
    // Tines documents about 5,000 requests per minute per IP and API key; Twilio documents no number.
    expect(DEFAULT_TINES_REQUESTS_PER_MINUTE).to.equal(5_000);
    expect(DEFAULT_TWILIO_MAX_CONCURRENT_REQUESTS).to.equal(10);
    expect(REQUESTS_PER_MINUTE_RANGE).to.deep.equal({ min: 0, max: 1_000_000 });
    expect(MAX_CONCURRENT_REQUESTS_RANGE).to.deep.equal({ min: 0, max: 1_000 });
  });

  const cases = [
    {
      title: "Tines",
      names: TINES,
      bound: "requestsPerMinute",
      settings: tinesHttpSettings,
      fallback: DEFAULT_TINES_REQUESTS_PER_MINUTE,
    },
    {
      title: "Twilio",
      names: TWILIO,
      bound: "maxConcurrentRequests",
      settings: twilioHttpSettings,
      fallback: DEFAULT_TWILIO_MAX_CONCURRENT_REQUESTS,
    },
  ] as const;

  for (const { title, names, bound, settings, fallback } of cases) {
    const limit = (value: number) => ({ [bound]: { value, setting: `${names.config} / ${names.env}` } });

    it(`${title}: unset means the default, and the setting's names travel with it`, () => {
      expect(settings().rateLimit).to.deep.equal(limit(fallback));
    });

    it(`${title}: the environment sets it, and the stack config wins over the environment`, async () => {
      setEnv({ ...DEFAULT_ENV, [names.env]: "7" });
      expect(settings().rateLimit).to.deep.equal(limit(7));
      await configure({ [names.config]: "9" });
      expect(settings().rateLimit).to.deep.equal(limit(9));
    });
  }

  const refused: [typeof TINES | typeof TWILIO, string, string][] = [
    ...["-1", "1.5", "1000001", "5e3", "many", " 60"].map((v): [typeof TINES, string, string] => [
      TINES,
      v,
      "from 0 to 1000000 (0: no limit; default 5000)",
    ]),
    ...["-1", "1001", "2.5", "ten"].map((v): [typeof TWILIO, string, string] => [
      TWILIO,
      v,
      "from 0 to 1000 (0: no limit; default 10)",
    ]),
  ];
  for (const [names, value, range] of refused) {
    for (const source of ["environment", "stack config"] as const) {
      it(`${names.config}=${JSON.stringify(value)} in the ${source} is refused naming both names and ${range}`, async () => {
        if (source === "environment") setEnv({ ...DEFAULT_ENV, [names.env]: value });
        else await configure({ [names.config]: value });
        const error = await rejection(
          names === TINES
            ? providers.tinesTextCredential.read("5", PROVIDER)
            : providers.twilioAwsCredential.read("CR1", PROVIDER),
        );
        expect(error.message)
          .to.include(`${names.config} / ${names.env} (from the ${source})`)
          .and.include(`must be a whole number of`)
          .and.include(range);
        expect(sandbox.unmatched).to.deep.equal([]);
      });
    }
  }

  describe("0 turns the limiter off", () => {
    /** A read answered 429 with a Retry-After longer than one request may wait, then a second read. */
    async function twoReads(): Promise<string[]> {
      const scope = nock(TENANT);
      scope.get(`${TINES_BASE}/1`).reply(429, { error: "slow down" }, { "Retry-After": "200" });
      scope
        .get(`${TINES_BASE}/2`)
        .optionally()
        .reply(200, tinesRecord("TEXT", { id: 2 }));
      const outcome = async (id: string) => {
        try {
          await providers.tinesTextCredential.read(id, PROVIDER);
          return "read";
        } catch (error) {
          return (error as Error).message;
        }
      };
      return [await outcome("1"), await outcome("2")];
    }

    it("on (the default): the second read waits for the Retry-After with the first, so it is refused unsent", async () => {
      const messages: string[] = [];
      setRateLimitNotify((m) => messages.push(m));
      const [first, second] = await twoReads().finally(() => setRateLimitNotify(undefined));
      expect(messages, "one line says the service throttles").to.have.length(1);
      expect(first).to.include("HTTP 429");
      expect(second)
        .to.include(`GET ${TINES_BASE}/2 was not sent`)
        .and.include("Retry-After")
        .and.include(`at 2500 of 5000 requests per minute (${TINES.config} / ${TINES.env})`);
      nock.cleanAll();
    });

    it(`${TINES.env}=0: each request is on its own again, and the second read is sent`, async () => {
      setEnv({ ...DEFAULT_ENV, [TINES.env]: "0" });
      const [first, second] = await twoReads();
      expect(first).to.include("HTTP 429");
      expect(second).to.equal("read");
    });
  });
});
