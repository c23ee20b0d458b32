// An mTLS credential from certificates the program issues: a root CA and a client certificate it
// signs (CertificateAuthority and ClientCertificate, small local dynamic resources in
// ../main/certificates.ts, shared with the main example). Each issues once, on create, and keeps what it
// issued in the stack's state with the private keys as secrets, so later `pulumi up`s reuse the same
// certificates and the credential stays unchanged. Rotate by changing `rotation` (or `pulumi up
// --replace` the client certificate): a new client certificate and key are issued, and the credential
// is updated in place with them.
//
// Tines HTTP Request actions present the client certificate when they call a server that asks for one;
// that server trusts the exported `caCertificatePem`. In a real stack, @pulumi/tls would issue the
// certificates (see ../main/certificates.ts for why this example does not use it). The program needs
// @peculiar/x509 and reflect-metadata installed next to it (see ../main/package.json).
import * as pulumi from "@pulumi/pulumi";
import { TinesMtlsCredential } from "pulumi-api-credentials";
import { CertificateAuthority, ClientCertificate } from "../main/certificates";

const config = new pulumi.Config();
const partnerHost = config.get("partnerHost") ?? "partner-api.example.com";

const ca = new CertificateAuthority("partner-mtls-ca", {
  commonName: "Tines partner API CA",
  validityDays: 3650,
});
const client = new ClientCertificate("partner-mtls-client", {
  ca,
  commonName: "tines-partner-client",
  validityDays: 365,
  rotation: config.get("clientCertificateRotation"),
});

const mtls = new TinesMtlsCredential("partner-mtls", {
  name: "partner_api_mtls",
  teamId: config.requireNumber("tinesTeamId"),
  description: pulumi.interpolate`Client certificate for ${partnerHost}, valid until ${client.notAfter}.`,
  mtlsClientCertificate: client.certificatePem,
  mtlsClientPrivateKey: client.privateKeyPem,
  mtlsRootCertificate: ca.certificatePem,
  allowedHosts: [partnerHost],
});

export const credentialId = mtls.credentialId;
/** Stories refer to the credential as <<CREDENTIAL.slug>> in an HTTP Request action's mutual_tls option. */
export const slug = mtls.slug;
/** Give this to the server that verifies the client certificates. */
export const caCertificatePem = ca.certificatePem;
export const clientCertificateNotAfter = client.notAfter;
