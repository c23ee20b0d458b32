// PEM keys for the tests, generated once per run at test time, never committed.
import { generateKeyPairSync } from "crypto";

export interface PemKeys {
  rsa: string;
  rsaPkcs1: string;
  rsaPss: string;
  ecP256: string;
  ecP384: string;
  ecP521: string;
  ed25519: string;
  rsaPublic: string;
  encryptedRsa: string;
}

let pemKeys: PemKeys | undefined;

export function keys(): PemKeys {
  if (pemKeys) return pemKeys;
  const pkcs8 = { type: "pkcs8", format: "pem" } as const;
  const spki = { type: "spki", format: "pem" } as const;
  const rsa = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: spki,
    privateKeyEncoding: pkcs8,
  });
  const rsaPkcs1 = generateKeyPairSync("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: spki,
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  const ec = (namedCurve: string) =>
    generateKeyPairSync("ec", { namedCurve, publicKeyEncoding: spki, privateKeyEncoding: pkcs8 }).privateKey;
  pemKeys = {
    rsa: rsa.privateKey,
    rsaPkcs1: rsaPkcs1.privateKey,
    rsaPss: generateKeyPairSync("rsa-pss", {
      modulusLength: 2048,
      publicKeyEncoding: spki,
      privateKeyEncoding: pkcs8,
    }).privateKey,
    ecP256: ec("prime256v1"),
    ecP384: ec("secp384r1"),
    ecP521: ec("secp521r1"),
    ed25519: generateKeyPairSync("ed25519", { publicKeyEncoding: spki, privateKeyEncoding: pkcs8 })
      .privateKey,
    rsaPublic: rsa.publicKey,
    encryptedRsa: generateKeyPairSync("rsa", {
      modulusLength: 2048,
      publicKeyEncoding: spki,
      privateKeyEncoding: { ...pkcs8, cipher: "aes-256-cbc", passphrase: "test-passphrase" },
    }).privateKey,
  };
  return pemKeys;
}
