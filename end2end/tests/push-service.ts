// A push service on this machine, for the whole chain of a post to a resident's phone: it
// accepts what the server sends only with a valid VAPID signature (RFC 8292) for its own origin,
// and reads the message with the subscription's private key (RFC 8291, aes128gcm of RFC 8188),
// as Chromium's push service would before handing it to the browser.
import * as crypto from "node:crypto";
import * as http from "node:http";
import type { AddressInfo } from "node:net";

export type PushMessage = {
  /** The endpoint's path (`/push/<subscription>`). */
  path: string;
  ttl?: string;
  urgency?: string;
  topic?: string;
  /** The VAPID claims and the key that signed them (base64url, uncompressed P-256 point). */
  vapid: { aud: string; sub: string; exp: number; key: string };
  /** The decrypted message, parsed as JSON. */
  payload: any;
};

export type PushService = {
  /** A subscription's endpoint on this service. */
  endpoint: (id: string) => string;
  /** The subscription's public key and authentication secret, as a browser gives them. */
  keys: { p256dh: string; auth: string };
  messages: PushMessage[];
  /** Why requests were refused (none expected). */
  refused: string[];
  close: () => Promise<void>;
};

const hmac = (key: Buffer, data: Buffer) => crypto.createHmac("sha256", key).update(data).digest();

export async function startPushService(): Promise<PushService> {
  // The browser's side of the subscription: its P-256 key pair and 16-byte auth secret.
  const ecdh = crypto.createECDH("prime256v1");
  ecdh.generateKeys();
  const uaPublic = ecdh.getPublicKey();
  const auth = crypto.randomBytes(16);
  const messages: PushMessage[] = [];
  const refused: string[] = [];

  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      try {
        if (request.method !== "POST") throw new Error(`method ${request.method}`);
        if (request.headers["content-encoding"] !== "aes128gcm") {
          throw new Error(`content-encoding ${request.headers["content-encoding"]}`);
        }
        if (!request.headers.ttl) throw new Error("no TTL header");
        const vapid = verifyVapid(request.headers.authorization, `http://${request.headers.host}`);
        const plain = decrypt(Buffer.concat(chunks), ecdh, uaPublic, auth);
        messages.push({
          path: request.url ?? "",
          ttl: request.headers.ttl as string,
          urgency: request.headers.urgency as string | undefined,
          topic: request.headers.topic as string | undefined,
          vapid,
          payload: JSON.parse(plain.toString("utf8")),
        });
        response.writeHead(201, { Location: `/message/${messages.length}` });
        response.end();
      } catch (error) {
        refused.push(String(error));
        response.writeHead(400);
        response.end(String(error));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: (id) => `http://127.0.0.1:${port}/push/${id}`,
    keys: { p256dh: uaPublic.toString("base64url"), auth: auth.toString("base64url") },
    messages,
    refused,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** Checks `Authorization: vapid t=<JWT>, k=<key>`: an ES256 JWT signed by `k`, for `audience`,
 * expiring within 24 hours, with a contact. */
function verifyVapid(header: string | undefined, audience: string) {
  const found = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+),\s*k=([\w-]+)$/.exec(header ?? "");
  if (!found) throw new Error(`no VAPID authorization: ${header}`);
  const [token, k] = [found[1], found[2]];
  const [head, body, signature] = token.split(".");
  if (JSON.parse(Buffer.from(head, "base64url").toString()).alg !== "ES256") throw new Error("not ES256");
  const raw = Buffer.from(k, "base64url");
  if (raw.length !== 65 || raw[0] !== 4) throw new Error("the key is not an uncompressed P-256 point");
  const key = crypto.createPublicKey({
    key: { kty: "EC", crv: "P-256", x: raw.subarray(1, 33).toString("base64url"), y: raw.subarray(33).toString("base64url") },
    format: "jwk",
  });
  const valid = crypto.verify(
    "sha256",
    Buffer.from(`${head}.${body}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!valid) throw new Error("the VAPID signature does not verify");
  const claims = JSON.parse(Buffer.from(body, "base64url").toString());
  if (claims.aud !== audience) throw new Error(`aud ${claims.aud}, not ${audience}`);
  const now = Date.now() / 1000;
  if (!(claims.exp > now && claims.exp <= now + 24 * 3600 + 60)) throw new Error(`exp ${claims.exp}`);
  if (typeof claims.sub !== "string" || !/^(mailto:|https:)/.test(claims.sub)) throw new Error(`sub ${claims.sub}`);
  return { aud: claims.aud as string, sub: claims.sub as string, exp: claims.exp as number, key: k };
}

/** Reads an aes128gcm body (one record) with the subscription's keys (RFC 8291 section 3.4). */
function decrypt(body: Buffer, ecdh: crypto.ECDH, uaPublic: Buffer, auth: Buffer): Buffer {
  const salt = body.subarray(0, 16);
  const recordSize = body.readUInt32BE(16);
  const idLength = body[20];
  const asPublic = body.subarray(21, 21 + idLength);
  const record = body.subarray(21 + idLength);
  if (idLength !== 65) throw new Error(`key id of ${idLength} bytes, not the sender's public key`);
  if (record.length > recordSize) throw new Error("more than one record");
  const ikm = hmac(
    hmac(auth, ecdh.computeSecret(asPublic)),
    Buffer.concat([Buffer.from("WebPush: info\0"), uaPublic, asPublic, Buffer.from([1])]),
  );
  const prk = hmac(salt, ikm);
  const cek = hmac(prk, Buffer.from("Content-Encoding: aes128gcm\0\x01")).subarray(0, 16);
  const nonce = hmac(prk, Buffer.from("Content-Encoding: nonce\0\x01")).subarray(0, 12);
  const decipher = crypto.createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(record.subarray(record.length - 16));
  const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()]);
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (padded[end] !== 2) throw new Error("no last-record delimiter");
  return padded.subarray(0, end);
}

/** An init script for the pages (where the app subscribes): the browser's `subscribe()` answers
 * with this service's endpoint and keys (Debian's Chromium has no push service of its own). */
export function pushManagerOf(subscription: { endpoint: string; p256dh: string; auth: string }) {
  const { endpoint, p256dh, auth } = subscription;
  PushManager.prototype.getSubscription = async () => null;
  PushManager.prototype.subscribe = async function (options: PushSubscriptionOptionsInit) {
    return {
      endpoint,
      options,
      toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh, auth } }),
      unsubscribe: async () => true,
    } as unknown as PushSubscription;
  };
}
