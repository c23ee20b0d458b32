// The demo's recording proxy prints the request bodies the providers sent: every kind's secret fields
// must show as "[secret]" there, taken from the registry (a hand-kept list once missed the newer
// kinds' secrets, and the demo printed an mTLS client key).
import { expect } from "chai";
import { secretTexts } from "../../provider/core/fields";
import { KIND_NAMES, specOf } from "../../provider/kinds";
import { redact, SECRET } from "../../scripts/recordingProxy";
import { sampleOf } from "../kinds";

describe("demo recording proxy: redaction of request bodies", function () {
  for (const kind of KIND_NAMES) {
    it(`${kind}: the create and update bodies show no secret the sample declares`, function () {
      const spec = specOf(kind);
      const inputs = sampleOf(kind).inputs();
      const secrets = secretTexts(spec.inputs, inputs);
      expect(secrets.length, "the sample declares a secret to look for").to.be.greaterThan(0);
      const created = JSON.stringify(spec.createBody(inputs));
      expect(
        secrets.some((s) => created.includes(JSON.stringify(s).slice(1, -1))),
        "the create body carries a secret",
      ).to.equal(true);
      for (const body of [spec.createBody(inputs), spec.updateBody(inputs)]) {
        // No config secrets passed: the field names alone must hide them.
        const shown = JSON.stringify(redact(body, []));
        for (const secret of secrets) {
          for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)]) {
            expect(shown.includes(form), `${kind} body shows a secret`).to.equal(false);
          }
        }
      }
      expect(JSON.stringify(redact(spec.createBody(inputs), []))).to.include(SECRET);
    });
  }
});
