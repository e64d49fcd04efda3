import { generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  isUsablePublicKey,
  MAX_SIGNATURE_BYTES,
  publicKeyFrom,
  SIGNATURE_SCHEMES,
  verifyAsymmetric,
  type VerifyAsymmetricOptions,
} from "../../src/verify/index.js";

/**
 * SendGrid's published Event Webhook vector: ECDSA P-256 over the timestamp text followed by the
 * raw body, DER-encoded, base64. From
 * https://github.com/sendgrid/sendgrid-nodejs/blob/main/packages/eventwebhook/src/eventwebhook.spec.js
 * (the body is that file's JSON.stringify of the event list plus "\r\n").
 */
const SENDGRID = {
  publicKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE83T4O/n84iotIvIW4mdBgQ/7dAfSmpqIM8kF9mN1flpVKS3GRqe62gw+2fNNRaINXvVpiglSI8eNEc6wEA3F+g==",
  signature: "MEUCIGHQVtGj+Y3LkG9fLcxf3qfI10QysgDWmMOVmxG0u6ZUAiEAyBiXDWzM+uOe5W0JuG+luQAbPIqHh89M15TluLtEZtM=",
  timestamp: "1600112502",
  body:
    '[{"email":"hello@world.com","event":"dropped","reason":"Bounced Address","sg_event_id":"ZHJvcC0xMDk5NDkxOS1MUnpYbF9OSFN0T0doUTRrb2ZTbV9BLTA","sg_message_id":"LRzXl_NHStOGhQ4kofSm_A.filterdrecv-p3mdw1-756b745b58-kmzbl-18-5F5FC76C-9.0","smtp-id":"<LRzXl_NHStOGhQ4kofSm_A@ismtpd0039p1iad1.sendgrid.net>","timestamp":1600112492}]\r\n',
  /** The same file's "invalid key" case: a valid P-256 key that did not sign this. */
  otherKey: "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEqTxd43gyp8IOEto2LdIfjRQrIbsd4SXZkLW6jDutdhXSJCWHw8REntlo7aNDthvj+y7GjUuFDb/R1NGe1OPzpA==",
};

/**
 * RFC 8032 section 7.1, TEST 1 and TEST 2: raw Ed25519 public keys and signatures in hex
 * (https://www.rfc-editor.org/rfc/rfc8032#section-7.1).
 */
const RFC8032 = [
  {
    publicKey: "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
    message: new Uint8Array(0),
    signature: "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
  },
  {
    publicKey: "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
    message: new Uint8Array([0x72]),
    signature: "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
  },
];

/**
 * An Amazon SNS notification (signature version 1: RSA with SHA-1 over the canonical string) and
 * the X.509 certificate that verifies it, from the AWS SDK for Java v2's unit tests:
 * https://github.com/aws/aws-sdk-java-v2/tree/master/services/sns/src/test/resources/software/amazon/awssdk/services/sns
 * (sample-message.json and unit-test-public-cert.pem). The certificate's validity period is not
 * what a signature check looks at.
 */
const SNS = {
  certificate: `-----BEGIN CERTIFICATE-----
MIIE2zCCA8OgAwIBAgIQEyYsBRbV0xBZovJwPnu51TANBgkqhkiG9w0BAQsFADB+
MQswCQYDVQQGEwJVUzEdMBsGA1UEChMUU3ltYW50ZWMgQ29ycG9yYXRpb24xHzAd
BgNVBAsTFlN5bWFudGVjIFRydXN0IE5ldHdvcmsxLzAtBgNVBAMTJlN5bWFudGVj
IENsYXNzIDMgU2VjdXJlIFNlcnZlciBDQSAtIEc0MB4XDTE1MDgwNzAwMDAwMFoX
DTE2MDgyMTIzNTk1OVowazELMAkGA1UEBhMCVVMxEzARBgNVBAgMCldhc2hpbmd0
b24xEDAOBgNVBAcMB1NlYXR0bGUxGTAXBgNVBAoMEEFtYXpvbi5jb20sIEluYy4x
GjAYBgNVBAMMEXNucy5hbWF6b25hd3MuY29tMIIBIjANBgkqhkiG9w0BAQEFAAOC
AQ8AMIIBCgKCAQEAhJxlGxd4K3wE9m2DFSnUDa+8f9VtclE63p3IgP4Ek/JruNCl
M8yQiZWhXxTu+ASn6plnL5kIQNv/OzpRkC2ko1hjx31JQmjL9H29AlQgVXr4UeIm
RZc8AGqh00xLvopj3J+t/oigH5zeMh+rhOYoqr9NjvFUIFfFat42XOhUNpOyPiLb
N6yuD7Vec7jlVeTG9q7W+V0TupmiQ+pM/RX+ksCCFlQkLH8fB3H4Nr7IHjWuAify
Z+djibL1CR/e2rEDAmpK1wA4Hkx5YFNDAp/WgAs6nSq7MtEvfs1oP1dHwYaNA8Z2
zcYGqb5ORtz1bFZy+JLzf7K/PnqEzkf8ywC3IwIDAQABo4IBZjCCAWIwHAYDVR0R
BBUwE4IRc25zLmFtYXpvbmF3cy5jb20wCQYDVR0TBAIwADAOBgNVHQ8BAf8EBAMC
BaAwHQYDVR0lBBYwFAYIKwYBBQUHAwEGCCsGAQUFBwMCMGEGA1UdIARaMFgwVgYG
Z4EMAQICMEwwIwYIKwYBBQUHAgEWF2h0dHBzOi8vZC5zeW1jYi5jb20vY3BzMCUG
CCsGAQUFBwICMBkaF2h0dHBzOi8vZC5zeW1jYi5jb20vcnBhMB8GA1UdIwQYMBaA
FF9gz2GQVd+EQxSKYCqy9Xr0QxjvMCsGA1UdHwQkMCIwIKAeoByGGmh0dHA6Ly9z
cy5zeW1jYi5jb20vc3MuY3JsMFcGCCsGAQUFBwEBBEswSTAfBggrBgEFBQcwAYYT
aHR0cDovL3NzLnN5bWNkLmNvbTAmBggrBgEFBQcwAoYaaHR0cDovL3NzLnN5bWNi
LmNvbS9zcy5jcnQwDQYJKoZIhvcNAQELBQADggEBADJP+dxUtQlrRiyt4xn8R184
wjyf/OVfnA2YqIKPQKz17JPwmm1grDGGw2A6LvsIENHZFg67twZqHgrzmtL4iVrv
lBCef1QA4AUyUZsJWobx7cCB44PlVcfad69q61OzXMSVUSWzyvw3PU7NW/b2Ny9C
Zj1p/uwaUOlS6NQTkAlAqE8JZK5f8/kAcoebd0GWBcJwZ5AY0/5ZMzaa55hW+im8
GzjWCO0mkK6swdvpPYPeQUQ2lb/mqj6HBHa864sgPMgjyx9TuviYWsKhbUZIpysy
tKvJsKCmyR4pp0HpCsf0tOxrWRjH9cnuqrR//iKXPw3HlYpa5wu9c51cLH/D3dU=
-----END CERTIFICATE-----`,
  signed:
    "Message\nboo\nMessageId\nd39649d4-bf5b-5b80-af75-07acb3dd9b4a\nSubject\nthis is raw\nTimestamp\n2015-09-20T01:22:14.001Z\nTopicArn\narn:aws:sns:us-east-1:810605503585:just_testing\nType\nNotification\n",
  signature:
    "fQh5DUyhpw41y6tx/BJuqK2Clvs7uY6N7poaOfzK08E+C6saKq9dMz5b9A0lGWWU7VsB+qHELBaL3OdS9U4BmFI36Ppt5Q6BsWmqSho+1hgwBYFFFZghO6BYXxsNmLml1yZl2X+MQKy3D516hgN7pUvYnvvq2cfsvy21ivU6Oiv96gcte2s+aPUi6O9CAdc2GfZRXCqC9wowKoxhFUUQW/UTHQfxt/60qWgNxhhVwAbPtnXWkAXwxixYKl5qOHcl3u2TxkAHn+1X8XmgjnpvEO5p0vQvOEHXBnGsjPglRXE9g5FVnAFXjhvHXeTWUcVLNI0eSRJeOBPbKpkjeDsR4g==",
};

const VERIFIED = { ok: true, verified: true };
const failure = (message: string | RegExp, location = "x-signature") => ({
  ok: false,
  error: { code: "unauthorized", message: expect.stringMatching(message), location },
});

const sendgrid = (overrides: Partial<VerifyAsymmetricOptions> = {}): VerifyAsymmetricOptions => ({
  scheme: "ecdsa-p256-sha256",
  publicKeys: [SENDGRID.publicKey],
  data: [SENDGRID.timestamp, SENDGRID.body],
  signature: SENDGRID.signature,
  location: "x-signature",
  ...overrides,
});

function pem(base64Der: string, label = "PUBLIC KEY"): string {
  return `-----BEGIN ${label}-----\n${base64Der.match(/.{1,64}/g)!.join("\n")}\n-----END ${label}-----\n`;
}

const spki = (key: KeyObject) => key.export({ format: "der", type: "spki" }).toString("base64");

const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
const ec384 = generateKeyPairSync("ec", { namedCurve: "P-384" });
const ed = generateKeyPairSync("ed25519");
const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });

describe("verifyAsymmetric", () => {
  describe("ECDSA P-256 (SendGrid)", () => {
    it("verifies SendGrid's published vector, key as base64 DER or as PEM", () => {
      expect(verifyAsymmetric(sendgrid())).toEqual(VERIFIED);
      expect(verifyAsymmetric(sendgrid({ publicKeys: [pem(SENDGRID.publicKey)] }))).toEqual(VERIFIED);
    });

    it("refuses it under SendGrid's other key, a tampered body or a tampered timestamp", () => {
      expect(verifyAsymmetric(sendgrid({ publicKeys: [SENDGRID.otherKey] }))).toEqual(failure("does not verify"));
      expect(verifyAsymmetric(sendgrid({ data: [SENDGRID.timestamp, SENDGRID.body.replace("dropped", "dropPed")] }))).toEqual(failure("does not verify"));
      expect(verifyAsymmetric(sendgrid({ data: ["1600112503", SENDGRID.body] }))).toEqual(failure("does not verify"));
    });

    it("passes with the right key anywhere in the list (rotation)", () => {
      expect(verifyAsymmetric(sendgrid({ publicKeys: [SENDGRID.otherKey, SENDGRID.publicKey] }))).toEqual(VERIFIED);
      expect(verifyAsymmetric(sendgrid({ publicKeys: ["not a key", SENDGRID.publicKey] }))).toEqual(VERIFIED);
    });

    it("reads IEEE P1363 (r||s) signatures as well as DER", () => {
      const data = "1700000000{\"event\":\"delivered\"}";
      const options = { scheme: "ecdsa-p256-sha256", publicKeys: [spki(ec.publicKey)], data: [data], location: "x-signature" } as const;
      const p1363 = sign("sha256", Buffer.from(data), { key: ec.privateKey, dsaEncoding: "ieee-p1363" });
      const der = sign("sha256", Buffer.from(data), { key: ec.privateKey, dsaEncoding: "der" });
      expect(p1363).toHaveLength(64);
      expect(verifyAsymmetric({ ...options, signature: p1363.toString("base64") })).toEqual(VERIFIED);
      expect(verifyAsymmetric({ ...options, signature: der.toString("base64") })).toEqual(VERIFIED);
      expect(verifyAsymmetric({ ...options, signature: p1363.toString("hex"), signatureEncoding: "hex" })).toEqual(VERIFIED);
    });
  });

  describe("Ed25519 (Telnyx)", () => {
    it("verifies RFC 8032's vectors with the raw key in hex or base64 (Telnyx shows base64)", () => {
      for (const vector of RFC8032) {
        const options = { scheme: "ed25519", data: [vector.message], signature: vector.signature, signatureEncoding: "hex", location: "telnyx-signature-ed25519" } as const;
        expect(verifyAsymmetric({ ...options, publicKeys: [vector.publicKey] })).toEqual(VERIFIED);
        expect(verifyAsymmetric({ ...options, publicKeys: [Buffer.from(vector.publicKey, "hex").toString("base64")] })).toEqual(VERIFIED);
      }
      const [first, second] = RFC8032;
      const crossed = { scheme: "ed25519", publicKeys: [first!.publicKey], data: [second!.message], signature: second!.signature, signatureEncoding: "hex", location: "s" } as const;
      expect(verifyAsymmetric(crossed).ok).toBe(false);
    });

    it("verifies a generated key given as SPKI base64, PEM or raw base64, over `${timestamp}|${body}`", () => {
      const data = ["1700000000", "|", '{"data":{"event_type":"message.finalized"}}'];
      const signature = sign(null, Buffer.from(data.join("")), ed.privateKey).toString("base64");
      const raw = Buffer.from(ed.publicKey.export({ format: "jwk" }).x!, "base64url").toString("base64");
      for (const key of [spki(ed.publicKey), pem(spki(ed.publicKey)), raw]) {
        expect(verifyAsymmetric({ scheme: "ed25519", publicKeys: [key], data, signature, location: "s" })).toEqual(VERIFIED);
      }
      expect(verifyAsymmetric({ scheme: "ed25519", publicKeys: [raw], data: ["1700000001", "|", data[2]!], signature, location: "s" }).ok).toBe(false);
    });
  });

  describe("RSA (Amazon SNS, Postal)", () => {
    it("verifies a published SNS notification with its X.509 certificate (SHA-1)", () => {
      const options = { scheme: "rsa-sha1", publicKeys: [SNS.certificate], data: [SNS.signed], signature: SNS.signature, location: "Signature" } as const;
      expect(verifyAsymmetric(options)).toEqual(VERIFIED);
      expect(verifyAsymmetric({ ...options, data: [SNS.signed.replace("boo", "boO")] })).toEqual(failure("does not verify", "Signature"));
      expect(verifyAsymmetric({ ...options, scheme: "rsa-sha256" })).toEqual(failure("does not verify", "Signature"));
    });

    it("verifies SHA-256 with a generated key in SPKI or PKCS#1 PEM", () => {
      const data = ["Type\nNotification\n"];
      const signature = sign("sha256", Buffer.from(data[0]!), rsa.privateKey).toString("base64");
      const pkcs1 = rsa.publicKey.export({ format: "pem", type: "pkcs1" }).toString();
      for (const key of [spki(rsa.publicKey), pem(spki(rsa.publicKey)), pkcs1]) {
        expect(verifyAsymmetric({ scheme: "rsa-sha256", publicKeys: [key], data, signature, location: "s" })).toEqual(VERIFIED);
      }
      expect(verifyAsymmetric({ scheme: "rsa-sha1", publicKeys: [pkcs1], data, signature, location: "s" }).ok).toBe(false);
    });
  });

  describe("fails closed", () => {
    it("on a missing or empty signature", () => {
      for (const signature of [undefined, "", "  "]) expect(verifyAsymmetric(sendgrid({ signature }))).toEqual(failure("missing"));
    });

    it("on a signature that is not the encoding", () => {
      expect(verifyAsymmetric(sendgrid({ signature: "not base64!" }))).toEqual(failure("not base64"));
      expect(verifyAsymmetric(sendgrid({ signature: SENDGRID.signature, signatureEncoding: "hex" }))).toEqual(failure("not hex"));
      expect(verifyAsymmetric(sendgrid({ signature: "abc", signatureEncoding: "hex" }))).toEqual(failure("not hex"));
    });

    it("on a signature of the wrong length or a truncated one", () => {
      for (const signature of ["AAAA", SENDGRID.signature.slice(0, 40), Buffer.alloc(64).toString("base64"), Buffer.alloc(72, 0x30).toString("base64")]) {
        expect(verifyAsymmetric(sendgrid({ signature }))).toEqual(failure("does not verify"));
      }
    });

    it("on an oversized signature, before decoding it", () => {
      const signature = Buffer.alloc(MAX_SIGNATURE_BYTES + 1).toString("hex");
      expect(verifyAsymmetric(sendgrid({ signature, signatureEncoding: "hex" }))).toEqual(failure("longer than"));
    });

    it("when no configured key suits the scheme: a failure, never a throw", () => {
      const wrong = [
        { scheme: "ecdsa-p256-sha256", key: spki(ed.publicKey) },
        { scheme: "ecdsa-p256-sha256", key: spki(ec384.publicKey) },
        { scheme: "ecdsa-p256-sha256", key: spki(rsa.publicKey) },
        { scheme: "ed25519", key: SENDGRID.publicKey },
        { scheme: "rsa-sha256", key: SENDGRID.publicKey },
        { scheme: "rsa-sha1", key: "MCowBQYDK2VwAyEA" },
      ] as const;
      for (const { scheme, key } of wrong) {
        expect(isUsablePublicKey(key, scheme)).toBe(false);
        expect(verifyAsymmetric(sendgrid({ scheme, publicKeys: [key] }))).toEqual(failure(`no configured public key is usable for ${scheme}`));
      }
      expect(verifyAsymmetric(sendgrid({ publicKeys: [] }))).toEqual(failure("no configured public key"));
    });
  });

  it("never throws on arbitrary signatures, keys and data", () => {
    const keys = fc.array(fc.oneof(fc.string(), fc.constantFrom(SENDGRID.publicKey, RFC8032[0]!.publicKey, SNS.certificate, pem("AAAA"))), { maxLength: 3 });
    const signature = fc.oneof(fc.string(), fc.uint8Array({ maxLength: 80 }).map((bytes) => Buffer.from(bytes).toString("base64")));
    fc.assert(
      fc.property(fc.constantFrom(...SIGNATURE_SCHEMES), keys, fc.array(fc.string(), { maxLength: 3 }), fc.option(signature, { nil: undefined }), fc.constantFrom("base64", "hex" as const), (scheme, publicKeys, data, sig, encoding) => {
        const result = verifyAsymmetric({ scheme, publicKeys, data, signature: sig, signatureEncoding: encoding, location: "s" });
        expect(result.ok).toBe(false);
      }),
    );
  });
});

describe("publicKeyFrom", () => {
  it("returns the same parsed key each time (parsed once)", () => {
    expect(publicKeyFrom(SENDGRID.publicKey, "ecdsa-p256-sha256")).toBe(publicKeyFrom(SENDGRID.publicKey, "ecdsa-p256-sha256"));
  });

  it("throws, saying why, on a private key, on garbage, and on a key of the wrong type", () => {
    const privatePem = ec.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(() => publicKeyFrom(privatePem, "ecdsa-p256-sha256")).toThrow(/private key/);
    expect(() => publicKeyFrom("not a key", "ecdsa-p256-sha256")).toThrow(/PEM key or certificate, or base64 DER/);
    expect(() => publicKeyFrom(spki(ec384.publicKey), "ecdsa-p256-sha256")).toThrow(/ECDSA P-256 public key; this is an EC key on secp384r1/);
    expect(() => publicKeyFrom(SENDGRID.publicKey, "ed25519")).toThrow(/Ed25519 public key; this is an EC key/);
    expect(() => publicKeyFrom(spki(ed.publicKey), "rsa-sha256")).toThrow(/RSA public key; this is a key of type ed25519/);
  });

  it("reads a raw 32-byte key only for Ed25519", () => {
    const raw = RFC8032[0]!.publicKey;
    expect(publicKeyFrom(raw, "ed25519").asymmetricKeyType).toBe("ed25519");
    expect(isUsablePublicKey(raw, "ecdsa-p256-sha256")).toBe(false);
    expect(isUsablePublicKey(Buffer.from(raw, "hex").toString("base64"), "rsa-sha256")).toBe(false);
  });
});
