// Contract, provider side: every request the Twilio provider makes (create, fetch, update, delete,
// the lost-create lookup's paged list, and the generator's list walk), driven through the provider object against the
// emulator, recorded on the wire by a tap and validated against Twilio's OpenAPI description. The
// emulator's answers to them are validated too.
import { expect } from "chai";
import { type Emulator } from "../../emulator";
import { readTwilio } from "../../generator/read";
import { providers } from "../../provider";
import { AWS_ACCESS_KEY_ID, AWS_SECRET, clearStackConfig, setEnv, startNewRun } from "../unit/helpers";
import { ACCOUNT, SUBACCOUNT, TOKEN, useContractStack } from "./stack";
import { type Exchange } from "./tap";
import { describeExchange, friendlyNameLimit, OPERATIONS } from "./twilio-spec";

const provider = providers.twilioAwsCredential;
const credentials = `${AWS_ACCESS_KEY_ID}:${AWS_SECRET}`;
/** More than one list page of the provider's PageSize (1000), so the lookup follows next_page_url. */
const CREDENTIALS_BEFORE_LOST_CREATE = 1000;
/** The generator's walk with `--page-size 50` over this many credentials reads three pages. */
const GENERATOR_PAGE_SIZE = 50;
const CREDENTIALS_FOR_GENERATOR = 120;

interface Scenario {
  title: string;
  /** Drives the provider. */
  run(emu: Emulator): Promise<void>;
  /** The operations it must use (each scenario checks that it did). */
  uses: string[];
}

const scenarios: Scenario[] = [
  {
    title: "create with a name, read, rename, clear the name, delete",
    uses: [OPERATIONS.create, OPERATIONS.fetch, OPERATIONS.update, OPERATIONS.delete],
    async run() {
      const inputs = { credentials, friendlyName: "contract" };
      const { id, outs } = await provider.create(inputs);
      await provider.read(id, outs);
      const renamed = { ...inputs, friendlyName: "renamed" };
      await provider.update(id, outs, renamed);
      await provider.update(id, renamed, { credentials });
      await provider.delete(id, { credentials });
    },
  },
  {
    title: "create from the two key inputs in a subaccount without a name; delete one already gone",
    uses: [OPERATIONS.create, OPERATIONS.delete],
    async run(emu) {
      const inputs = {
        awsAccessKeyId: AWS_ACCESS_KEY_ID,
        awsSecretAccessKey: AWS_SECRET,
        accountSid: SUBACCOUNT,
      };
      const { id } = await provider.create(inputs);
      emu.twilio.remove(id);
      await provider.delete(id, inputs);
    },
  },
  {
    title: `create with a name of the documented maximum length in emoji`,
    uses: [OPERATIONS.create],
    async run() {
      await provider.create({ credentials, friendlyName: "🔑".repeat(friendlyNameLimit()) });
    },
  },
  {
    title: "adopt an existing credential (fetch, then update)",
    uses: [OPERATIONS.fetch, OPERATIONS.update],
    async run(emu) {
      const existing = emu.twilio.seed({ Credentials: credentials, FriendlyName: "legacy" });
      await provider.create({ credentials, friendlyName: "adopted", adoptId: existing.sid });
    },
  },
  {
    title: "the generator's list walk (generate --page-size 50), then the adoption of a listed sid",
    uses: [OPERATIONS.list, OPERATIONS.fetch],
    async run(emu) {
      for (let i = 0; i < CREDENTIALS_FOR_GENERATOR; i++) {
        emu.twilio.seed({ Credentials: `OTHER${i}:secret-${i}`, FriendlyName: `estate-${i}` });
      }
      const read = await readTwilio({ tinesTeams: [], pageSize: GENERATOR_PAGE_SIZE });
      expect([read.records.length, read.pages]).to.deep.equal([CREDENTIALS_FOR_GENERATOR, 3]);
      // The generated program adopts each listed sid: its fetch must answer that sid (checkAnswer).
      const listed = String(read.records[CREDENTIALS_FOR_GENERATOR - 1].sid);
      const { id } = await provider.create({ credentials, adoptId: listed, friendlyName: "estate-119" });
      expect(id).to.equal(listed);
    },
  },
  {
    title: "a create whose answer is lost is looked up in the list, page by page",
    uses: [OPERATIONS.create, OPERATIONS.list],
    async run(emu) {
      for (let i = 0; i < CREDENTIALS_BEFORE_LOST_CREATE; i++) {
        emu.twilio.seed({ Credentials: `OTHER${i}:secret-${i}`, FriendlyName: `other-${i}` });
      }
      emu.injectFault({ service: "twilio", method: "POST", fault: "reset-after", count: 1 });
      const { id } = await provider.create({ credentials, friendlyName: "lost" });
      expect(emu.twilio.get(id)?.friendly_name).to.equal("lost");
    },
  },
];

describe("contract: the Twilio provider's requests and the emulator's answers match Twilio's OpenAPI", function () {
  const stack = useContractStack();
  let restoreEnv: () => void;

  beforeEach(async function () {
    restoreEnv = setEnv({
      TWILIO_ACCOUNTS_URL: stack.tap.url,
      TWILIO_ACCOUNT_SID: ACCOUNT,
      TWILIO_AUTH_TOKEN: TOKEN,
      TWILIO_MAX_RETRIES: "0",
    });
    await clearStackConfig();
    startNewRun();
  });
  afterEach(async function () {
    restoreEnv();
    await clearStackConfig();
  });

  for (const scenario of scenarios) {
    it(scenario.title, async function () {
      await scenario.run(stack.emu);
      const exchanges: Exchange[] = [...stack.tap.exchanges];
      const operations = exchanges.map((e) => stack.contract.operation(e)?.operationId);
      expect(operations, "operations used").to.include.members(scenario.uses);
      for (const exchange of exchanges) {
        expect(
          stack.contract.requestProblems(exchange),
          `request ${describeExchange(exchange)}`,
        ).to.deep.equal([]);
        // A dropped connection has no answer, and the spec documents no error answers at all (see
        // emulator.test.ts): only successful answers have a contract to meet.
        if (exchange.status === 0 || exchange.status >= 400) continue;
        expect(
          stack.contract.responseProblems(exchange),
          `answer to ${describeExchange(exchange)}`,
        ).to.deep.equal([]);
      }
    });
  }

  it("the lookup reads the list from its start and then follows next_page_url", async function () {
    const lost = scenarios.find(
      (s) => s.uses.includes(OPERATIONS.create) && s.uses.includes(OPERATIONS.list),
    );
    await lost!.run(stack.emu);
    const lists = stack.tap.exchanges.filter(
      (e) => stack.contract.operation(e)?.operationId === OPERATIONS.list,
    );
    expect(lists.map((e) => new URLSearchParams(e.query).has("PageToken"))).to.deep.equal([false, true]);
  });

  describe("no name is one value: null as the emulator answers it, and no diff", function () {
    const ways: Array<{ title: string; declared: Record<string, unknown>; before?: string }> = [
      { title: "a name never set", declared: { credentials } },
      { title: "a name declared empty", declared: { credentials, friendlyName: "" } },
      { title: "a name cleared by an update", declared: { credentials }, before: "to be cleared" },
    ];
    for (const way of ways) {
      it(way.title, async function () {
        const created = await provider.create(
          way.before ? { credentials, friendlyName: way.before } : way.declared,
        );
        const { id } = created;
        const outs = way.before ? (await provider.update(id, created.outs, way.declared)).outs : created.outs;
        const read = await provider.read(id, outs);
        expect([outs.friendlyName, read.props?.friendlyName]).to.deep.equal([null, null]);
        expect((await provider.diff(id, read.props!, way.declared)).changes).to.equal(false);
      });
    }
  });

  describe("FriendlyName's limit: the provider's check, the spec and the emulator count alike", function () {
    // The spec states "up to 64 characters" in prose; JSON Schema counts code points, and so do
    // both sides: an emoji is one character, a combining accent one more.
    const limit = friendlyNameLimit();
    const names: Array<[string, string, boolean]> = [
      [`${limit} ASCII letters`, "x".repeat(limit), true],
      [`${limit} emoji (${2 * limit} UTF-16 units)`, "🔑".repeat(limit), true],
      [`${limit / 2} letters with a combining accent`, "e\u0301".repeat(limit / 2), true],
      [`${limit + 1} ASCII letters`, "x".repeat(limit + 1), false],
      [`${limit + 1} emoji`, "🔑".repeat(limit + 1), false],
      [
        `${limit / 2} letters with a combining accent and one more letter`,
        "e\u0301".repeat(limit / 2) + "x",
        false,
      ],
    ];
    for (const [title, friendlyName, accepted] of names) {
      it(`${title}: ${accepted ? "accepted" : "refused"} by all three`, async function () {
        const inputs = { credentials, friendlyName };
        const checked = (await provider.check({}, inputs)).failures ?? [];
        const created = await provider.create(inputs).then(
          () => true,
          (error: Error) => (/HTTP 400/.test(error.message) ? false : Promise.reject(error)),
        );
        const [sent] = stack.tap.exchanges;
        expect({
          check: checked.length === 0,
          spec: stack.contract.requestProblems(sent).length === 0,
          emulator: created,
        }).to.deep.equal({ check: accepted, spec: accepted, emulator: accepted });
      });
    }
  });

  it("together the scenarios use every AWS credential operation", function () {
    expect([...new Set(scenarios.flatMap((s) => s.uses))].sort()).to.deep.equal(
      Object.values(OPERATIONS).sort(),
    );
  });
});
