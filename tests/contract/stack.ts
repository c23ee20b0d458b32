// What both contract suites run against: Twilio's contract loaded, an emulator holding one account (and a
// subaccount), and a tap in front of it recording every exchange. Each test starts with both empty.
import { startEmulator, type Emulator } from "../../emulator";
import { startTap, type Tap } from "./tap";
import { TwilioContract } from "./twilio-spec";

export const ACCOUNT = "AC0123456789abcdef0123456789abcdef";
export const SUBACCOUNT = "ACfedcba9876543210fedcba9876543210";
export const TOKEN = "contract-auth-token-5e1f0a9c";

export interface ContractStack {
  readonly contract: TwilioContract;
  readonly emu: Emulator;
  readonly tap: Tap;
}

/** Registers the suite's hooks; the returned stack is usable inside its tests and later hooks. */
export function useContractStack(): ContractStack {
  let contract: TwilioContract | undefined;
  let emu: Emulator | undefined;
  let tap: Tap | undefined;
  before(async function () {
    contract = await TwilioContract.load();
    emu = await startEmulator({
      twilioAccountSid: ACCOUNT,
      twilioAuthToken: TOKEN,
      twilioSubaccounts: [SUBACCOUNT],
    });
    tap = await startTap(emu.url);
  });
  after(async function () {
    await tap?.stop();
    await emu?.stop();
  });
  beforeEach(function () {
    emu!.reset();
    tap!.exchanges.length = 0;
  });
  return {
    get contract() {
      return contract!;
    },
    get emu() {
      return emu!;
    },
    get tap() {
      return tap!;
    },
  };
}
