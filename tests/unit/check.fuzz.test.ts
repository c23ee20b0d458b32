// Seeded property test of check (and diff): for random inputs - unknowns, wrong types, huge
// strings, nested objects, PEM look-alikes - check never throws, never makes a request, returns
// no __provider, and every failure names a declared input with a non-empty reason. The arbitraries
// live in ./arbitraries so a benchmark can run the long version.
import { expect } from "chai";
import fc from "fast-check";
import nock from "nock";
import { FUZZ_RUNS, FUZZ_SEED, FUZZ_TARGETS, inputsFor, namesDeclaredInput } from "./arbitraries";
import { specOf } from "../../provider/kinds";
import { useHttpSandbox } from "./helpers";

function jsonShaped(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}

describe("namesDeclaredInput: what a check failure may name", function () {
  const multi = specOf("tinesMultiRequestCredential");
  const rows: [property: string, named: boolean][] = [
    ["name", true],
    ["credentialRequests", true],
    ["credentialRequests[1].options", true],
    ["credentialRequests[0].httpRequestSecret", true],
    ["credentialRequests[0].bogus", false],
    ["name[0].options", false],
    ["bogus", false],
    ["credentialRequests[x].options", false],
  ];
  for (const [property, named] of rows) {
    it(`${property}: ${named ? "a declared input" : "not declared"}`, () => {
      expect(namesDeclaredInput(multi, property)).to.equal(named);
    });
  }
});

describe("check (fuzz, seeded)", function () {
  this.timeout(60_000);
  // No environment and no interceptors: any request at all would be recorded as unmatched.
  const sandbox = useHttpSandbox({});

  for (const t of FUZZ_TARGETS) {
    it(`${t.title}: never throws, never requests, failures name declared inputs (${FUZZ_RUNS} runs)`, async () => {
      const names = new Set(t.inputNames);
      let failuresSeen = 0;
      let passesSeen = 0;
      await fc.assert(
        fc.asyncProperty(inputsFor(t), async (news) => {
          const result = await t.provider.check({}, news);
          const failures = result.failures ?? [];
          expect(failures).to.be.an("array");
          for (const failure of failures) {
            expect(
              namesDeclaredInput(t.spec, failure.property),
              `unknown property ${String(failure.property)}`,
            ).to.equal(true);
            expect(failure.reason).to.be.a("string").and.not.equal("");
          }
          const inputs = result.inputs ?? {};
          expect(inputs).not.to.have.property("__provider");
          for (const key of Object.keys(inputs)) expect(names.has(key), `stray input ${key}`).to.equal(true);
          if (failures.length > 0) failuresSeen++;
          else passesSeen++;
        }),
        { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      expect(sandbox.unmatched, "requests made by check").to.deep.equal([]);
      expect(nock.pendingMocks()).to.deep.equal([]);
      // The arbitraries must reach both outcomes, or the property proves little.
      expect(failuresSeen, "runs with failures").to.be.greaterThan(0);
      expect(passesSeen, "runs that passed").to.be.greaterThan(0);
    });

    it(`${t.title}: diff of two random bags never throws and always sets a boolean`, async () => {
      await fc.assert(
        fc.asyncProperty(inputsFor(t), inputsFor(t), fc.string({ maxLength: 40 }), async (olds, news, id) => {
          // The engine hands diff protobuf-Struct values: JSON-shaped, never null-prototype objects.
          let result;
          try {
            result = await t.provider.diff(id, jsonShaped(olds), jsonShaped(news));
          } catch (error) {
            // The one documented refusal: a replacement while adoptId still names this credential.
            expect(String((error as Error).message)).to.match(/adoptId still names this one/);
            expect(String(jsonShaped(news).adoptId)).to.equal(id);
            return;
          }
          expect(result.changes).to.be.a("boolean");
          for (const name of result.replaces ?? []) expect(t.inputNames).to.include(name);
        }),
        { seed: FUZZ_SEED, numRuns: FUZZ_RUNS, endOnFailure: true },
      );
      expect(sandbox.unmatched).to.deep.equal([]);
    });
  }
});
