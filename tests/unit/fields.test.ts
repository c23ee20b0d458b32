// The field mechanism's value kinds and flags that the newer Tines modes need: write-only fields,
// seconds, lists of objects with nested secrets, and the https URL rule.
import { expect } from "chai";
import {
  checkFields,
  declaredInputs,
  FieldTable,
  httpsUrl,
  secretTexts,
  writeOnlyNames,
} from "../../provider/core/fields";
import { outputsFrom, requestBody } from "../../provider/core/mapping";
import type { CredentialSpec } from "../../provider/core/spec";

const NESTED_SECRET = "nested-secret-9f8e7d6c";

const table = {
  ttl: { api: "ttl_seconds", kind: "seconds" },
  certificate: { api: "certificate", kind: "string", writeOnly: true },
  requests: {
    api: "requests",
    kind: "objectList",
    secret: true,
    items: {
      options: { api: "options", kind: "object", required: true },
      requestSecret: { api: "request_secret", kind: "string", secret: true },
    },
  },
} as unknown as FieldTable;

describe("field kinds and flags", () => {
  it("seconds: a whole number of zero or more, numeric strings canonicalised", () => {
    expect(checkFields(table, { ttl: "60" }).inputs).to.deep.equal({ ttl: 60 });
    expect(checkFields(table, { ttl: 0 }).failures).to.deep.equal([]);
    expect(checkFields(table, { ttl: -1 }).failures).to.deep.equal([
      { property: "ttl", reason: "must be zero or more seconds" },
    ]);
    expect(checkFields(table, { ttl: 1.5 }).failures[0].reason).to.match(/whole number of seconds/);
  });

  it("a list of objects is checked item by item, each failure naming the item and never quoting it", () => {
    const { failures } = checkFields(table, {
      requests: [{ options: {}, requestSecret: NESTED_SECRET }, { requestSecret: 7 }],
    });
    expect(failures).to.deep.equal([
      { property: "requests[1].options", reason: "is required" },
      { property: "requests[1].requestSecret", reason: "must be a string, got a number" },
    ]);
    expect(JSON.stringify(failures)).not.to.include(NESTED_SECRET);
    expect(checkFields(table, { requests: [1, 2] }).failures).to.deep.equal([
      { property: "requests", reason: "must be a list of objects" },
    ]);
  });

  it("items go out under the item table's API names, and unknown item keys are dropped", () => {
    const { inputs } = checkFields(table, {
      requests: [{ options: { url: "https://a.example" }, requestSecret: NESTED_SECRET, stray: 1 }],
    });
    expect(requestBody(table, inputs)).to.deep.equal({
      requests: [{ options: { url: "https://a.example" }, request_secret: NESTED_SECRET }],
    });
  });

  it("secret texts are found inside list items, so redaction and the state checks know them", () => {
    const inputs = { requests: [{ options: {} }, { options: {}, requestSecret: NESTED_SECRET }] };
    expect(secretTexts(table, inputs)).to.deep.equal([NESTED_SECRET]);
  });

  it("write-only fields keep the declared value whatever an answer holds, and count among the dropped on drift", () => {
    const spec = { inputs: table, outputs: {} } as unknown as CredentialSpec;
    const outs = outputsFrom(
      spec,
      { certificate: "declared" },
      { certificate: "answered", ttl_seconds: 5 },
      () => false,
    );
    expect(outs).to.deep.equal({ certificate: "declared", ttl: 5 });
    expect(writeOnlyNames(table)).to.have.members(["certificate", "requests"]);
  });

  it("https URL rule: absolute https, or http to a loopback host only", () => {
    expect(httpsUrl("https://login.example.com/token")).to.equal(undefined);
    expect(httpsUrl("http://127.0.0.1:8080/token")).to.equal(undefined);
    expect(httpsUrl("http://login.example.com/token")).to.match(/https:\/\//);
    expect(httpsUrl("/token")).to.match(/absolute URL/);
    expect(httpsUrl("ftp://login.example.com/")).to.match(/https:\/\//);
  });
});

describe("field tables are read by their own keys only", () => {
  it("a property added to Object.prototype (a polluted prototype) is no field: not sent, not a secret, not stored", () => {
    const proto = Object.prototype as Record<string, unknown>;
    proto.injected = { api: "injected", secret: true };
    try {
      const inputs = { ttl: 60, requests: [{ options: {}, requestSecret: NESTED_SECRET }] };
      expect(Object.keys(requestBody(table, inputs))).to.deep.equal(["ttl_seconds", "requests"]);
      expect(secretTexts(table, inputs)).to.deep.equal([NESTED_SECRET]);
      const spec = { inputs: table, outputs: {} } as unknown as CredentialSpec;
      const outs = outputsFrom(spec, inputs, { ttl_seconds: 60, injected: "from the answer" }, () => false);
      expect(Object.keys(outs)).to.deep.equal(["ttl", "requests"]);
    } finally {
      delete proto.injected;
    }
  });

  it("an own __proto__ key in stored properties (JSON state) is no input: it does not become the copy's prototype", () => {
    const stored = JSON.parse(
      '{"name": "n", "__proto__": {"value": "from-the-prototype", "teamId": 9}, "__provider": "p"}',
    ) as Record<string, unknown>;
    const inputs = declaredInputs(stored);
    expect(Object.getPrototypeOf(inputs)).to.equal(Object.prototype);
    expect(Object.keys(inputs)).to.deep.equal(["name"]);
    expect(inputs.value).to.equal(undefined);
    expect(inputs.teamId).to.equal(undefined);
  });
});
