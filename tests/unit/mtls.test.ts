// TinesMtlsCredential's own behaviour: check parses the three PEMs and verifies the key and the chain
// (never quoting key material), the exact create body, and the certificates kept from inputs as
// write-only fields. The shared suites (lifecycle, diff, redaction, adoption, recovery) cover the
// rest through tests/kinds.ts.
import { expect } from "chai";
import nock from "nock";
import { providers } from "../../provider";
import { UNKNOWN } from "../../provider/core/fields";
import { pki } from "../certificates";
import { jsonBody, keyLines, keys, TENANT, TINES_BASE, tinesRecord, useHttpSandbox } from "./helpers";

const provider = providers.tinesMtlsCredential;
const PROVIDER = { __provider: "serialized-provider-module" };

interface Failure {
  property: string;
  reason: string;
}

const valid = (overrides: Record<string, unknown> = {}) => ({
  name: "edge mtls",
  teamId: 2,
  mtlsClientCertificate: pki().client,
  mtlsClientPrivateKey: pki().clientKey,
  mtlsRootCertificate: pki().root,
  ...overrides,
});

/** Every private key in play: no failure reason may hold its text or any piece of its body. */
const privateKeys = () => [
  pki().clientKey,
  pki().chainedClientKey,
  pki().otherClientKey,
  pki().clientOfNotCaKey,
  keys().rsa,
  keys().encryptedRsa,
];

/** The base64 body of a PEM as one string, cut into overlapping 12-character pieces. */
function bodyPieces(pem: string): string[] {
  const body = keyLines(pem).join("");
  const pieces: string[] = [];
  for (let i = 0; i + 12 <= body.length; i += 4) pieces.push(body.slice(i, i + 12));
  return pieces;
}

async function check(news: Record<string, unknown>): Promise<Failure[]> {
  const result = await provider.check({}, { ...PROVIDER, ...news });
  const failures = (result.failures ?? []) as Failure[];
  for (const failure of failures) {
    for (const key of privateKeys()) {
      expect(failure.reason, `${failure.property} quotes a key`).not.to.include(key.trim());
      for (const piece of bodyPieces(key)) {
        expect(failure.reason, `${failure.property} quotes a piece of a key`).not.to.include(piece);
      }
    }
  }
  return failures;
}

describe("TinesMtlsCredential", () => {
  const sandbox = useHttpSandbox();
  afterEach(() => expect(sandbox.unmatched).to.deep.equal([]));

  describe("check", () => {
    const accepted: [title: string, inputs: () => Record<string, unknown>][] = [
      ["a client certificate issued by the root", () => valid()],
      [
        "an intermediate and the root bundled in mtlsRootCertificate",
        () =>
          valid({
            mtlsClientCertificate: pki().chainedClient,
            mtlsClientPrivateKey: pki().chainedClientKey,
            mtlsRootCertificate: pki().intermediate + pki().root,
          }),
      ],
      [
        "the bundle in the other order (root first)",
        () =>
          valid({
            mtlsClientCertificate: pki().chainedClient,
            mtlsClientPrivateKey: pki().chainedClientKey,
            mtlsRootCertificate: pki().root + "\n" + pki().intermediate,
          }),
      ],
      [
        "the intermediate after the leaf in mtlsClientCertificate",
        () =>
          valid({
            mtlsClientCertificate: pki().chainedClient + pki().intermediate,
            mtlsClientPrivateKey: pki().chainedClientKey,
          }),
      ],
      [
        "the intermediate alone as the trust anchor",
        () =>
          valid({
            mtlsClientCertificate: pki().chainedClient,
            mtlsClientPrivateKey: pki().chainedClientKey,
            mtlsRootCertificate: pki().intermediate,
          }),
      ],
      ["CRLF line endings", () => valid({ mtlsRootCertificate: pki().root.replace(/\n/g, "\r\n") })],
      [
        "values not known yet (preview)",
        () => valid({ mtlsClientCertificate: UNKNOWN, mtlsRootCertificate: UNKNOWN }),
      ],
      ["a key not known yet (preview)", () => valid({ mtlsClientPrivateKey: UNKNOWN })],
    ];
    for (const [title, inputs] of accepted) {
      it(`accepts ${title}`, async () => {
        expect(await check(inputs())).to.deep.equal([]);
      });
    }

    const refused: [
      title: string,
      inputs: () => Record<string, unknown>,
      property: string,
      reason: RegExp,
    ][] = [
      [
        "a missing certificate",
        () => valid({ mtlsClientCertificate: undefined }),
        "mtlsClientCertificate",
        /required/,
      ],
      ["a missing key", () => valid({ mtlsClientPrivateKey: undefined }), "mtlsClientPrivateKey", /required/],
      ["a missing root", () => valid({ mtlsRootCertificate: undefined }), "mtlsRootCertificate", /required/],
      ["an empty key", () => valid({ mtlsClientPrivateKey: "" }), "mtlsClientPrivateKey", /empty/],
      [
        "a certificate that is not PEM",
        () => valid({ mtlsClientCertificate: "MIIB" }),
        "mtlsClientCertificate",
        /PEM certificate/,
      ],
      [
        "a certificate whose body is not X.509",
        () =>
          valid({ mtlsRootCertificate: "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n" }),
        "mtlsRootCertificate",
        /does not parse as an X\.509 certificate/,
      ],
      [
        "a broken certificate inside a bundle",
        () =>
          valid({
            mtlsRootCertificate:
              pki().root + "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
          }),
        "mtlsRootCertificate",
        /certificate 2 of 2 does not parse/,
      ],
      [
        "a key that is not PEM",
        () => valid({ mtlsClientPrivateKey: "not a key" }),
        "mtlsClientPrivateKey",
        /PEM private key/,
      ],
      [
        "a certificate given as the key",
        () => valid({ mtlsClientPrivateKey: pki().client }),
        "mtlsClientPrivateKey",
        /PEM private key/,
      ],
      [
        "a key whose body does not parse",
        () =>
          valid({ mtlsClientPrivateKey: "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" }),
        "mtlsClientPrivateKey",
        /does not parse as a private key/,
      ],
      [
        "an encrypted key",
        () => valid({ mtlsClientPrivateKey: keys().encryptedRsa }),
        "mtlsClientPrivateKey",
        /encrypted/,
      ],
      [
        "a key of another certificate",
        () => valid({ mtlsClientPrivateKey: pki().otherClientKey }),
        "mtlsClientPrivateKey",
        /does not match the public key of mtlsClientCertificate/,
      ],
      [
        "an RSA key for an EC certificate",
        () => valid({ mtlsClientPrivateKey: keys().rsa }),
        "mtlsClientPrivateKey",
        /does not match/,
      ],
      [
        "a client certificate from another CA",
        () => valid({ mtlsRootCertificate: pki().otherRoot }),
        "mtlsClientCertificate",
        /not signed by a CA certificate of mtlsRootCertificate/,
      ],
      [
        "a chain missing its intermediate",
        () =>
          valid({ mtlsClientCertificate: pki().chainedClient, mtlsClientPrivateKey: pki().chainedClientKey }),
        "mtlsClientCertificate",
        /not signed by a CA certificate/,
      ],
      [
        "an issuer that is not a CA",
        () =>
          valid({
            mtlsClientCertificate: pki().clientOfNotCa,
            mtlsClientPrivateKey: pki().clientOfNotCaKey,
            mtlsRootCertificate: pki().notCa,
          }),
        "mtlsClientCertificate",
        /not signed by a CA certificate/,
      ],
      [
        // Certificates are stored in plain text: a key pasted among them must not get that far.
        "a private key inside mtlsRootCertificate",
        () => valid({ mtlsRootCertificate: pki().root + pki().clientKey }),
        "mtlsRootCertificate",
        /contains a private key/,
      ],
      [
        "a private key inside mtlsClientCertificate",
        () => valid({ mtlsClientCertificate: pki().client + pki().clientKey }),
        "mtlsClientCertificate",
        /contains a private key/,
      ],
    ];
    for (const [title, inputs, property, reason] of refused) {
      it(`refuses ${title}, naming ${property}`, async () => {
        const failures = await check(inputs());
        expect(failures, JSON.stringify(failures)).to.have.length(1);
        expect(failures[0].property).to.equal(property);
        expect(failures[0].reason).to.match(reason);
      });
    }

    it("the leak check above would see a key in a reason (it is not vacuous)", () => {
      const reason = `bad key ${keyLines(pki().clientKey)[0] ?? pki().clientKey.slice(40, 80)}`;
      expect(bodyPieces(pki().clientKey).some((piece) => reason.includes(piece))).to.equal(true);
    });
  });

  describe("create and read", () => {
    it("creates with exactly the documented body: the three PEMs as given, mode MTLS", async () => {
      let sent: unknown;
      nock(TENANT)
        .post(TINES_BASE, (body) => ((sent = body), true))
        .reply(201, tinesRecord("MTLS", { id: 502 }));
      const inputs = valid();
      const result = await provider.create({ ...PROVIDER, ...inputs });
      expect(jsonBody(sent)).to.deep.equal({
        name: "edge mtls",
        team_id: 2,
        mode: "MTLS",
        mtls_client_certificate: pki().client,
        mtls_client_private_key: pki().clientKey,
        mtls_root_certificate: pki().root,
      });
      // No answer carries the PEMs: state holds the declared ones.
      expect(result.outs).to.include({
        mtlsClientCertificate: pki().client,
        mtlsClientPrivateKey: pki().clientKey,
        mtlsRootCertificate: pki().root,
      });
    });

    it("keeps the declared certificates even when an answer carries other ones", async () => {
      const state = { ...PROVIDER, ...valid(), credentialId: 502, updatedAt: "2026-01-15T09:05:00Z" };
      nock(TENANT)
        .get(`${TINES_BASE}/502`)
        .reply(
          200,
          tinesRecord("MTLS", {
            id: 502,
            updated_at: "2026-01-15T09:05:00Z",
            mtls_client_certificate: pki().otherClient,
            mtls_root_certificate: pki().otherRoot,
          }),
        );
      const props = (await provider.read("502", state)).props as Record<string, unknown>;
      expect(props.mtlsClientCertificate).to.equal(pki().client);
      expect(props.mtlsRootCertificate).to.equal(pki().root);
      expect(props.mtlsClientPrivateKey).to.equal(pki().clientKey);
    });

    it("drops all three PEMs when updated_at moved, so the next up sends them again", async () => {
      const state = { ...PROVIDER, ...valid(), credentialId: 502, updatedAt: "2026-01-15T09:05:00Z" };
      nock(TENANT)
        .get(`${TINES_BASE}/502`)
        .reply(200, tinesRecord("MTLS", { id: 502, updated_at: "2026-02-01T00:00:00Z" }));
      const props = (await provider.read("502", state)).props as Record<string, unknown>;
      for (const name of ["mtlsClientCertificate", "mtlsClientPrivateKey", "mtlsRootCertificate"]) {
        expect(props, name).not.to.have.property(name);
      }
      const next = await provider.diff("502", { ...PROVIDER, ...props }, { ...PROVIDER, ...valid() });
      expect(next.changes).to.equal(true);
      expect(next.replaces ?? []).to.deep.equal([]);
    });
  });
});
