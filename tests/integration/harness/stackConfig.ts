// The stack config that points both services at one emulator, with its secret keys marked.
import type { Emulator } from "../../../emulator";

export function emulatorStackConfig(
  emulator: Emulator,
  keys: { tinesApiKey: string; twilioAuthToken: string },
): { config: Record<string, string>; secretConfigKeys: string[] } {
  return {
    config: {
      "tines:tenant": emulator.url,
      "tines:apiKey": keys.tinesApiKey,
      "twilio:accountSid": emulator.settings.twilioAccountSid,
      "twilio:authToken": keys.twilioAuthToken,
      "twilio:accountsUrl": emulator.url,
    },
    secretConfigKeys: ["tines:apiKey", "twilio:authToken"],
  };
}
