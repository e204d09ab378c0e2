// crypto.subtle takes buffers made in the VU's own realm, for the operations computed at once
// (HMAC, AES-GCM, digest) and for those left to Node's WebCrypto (HKDF here).
import { check } from 'k6';

export const options = { iterations: 2, vus: 2 };

export default async function () {
  const subtle = crypto.subtle;
  const base = await subtle.importKey('raw', new Uint8Array(32).fill(7).buffer, 'HKDF', false, ['deriveBits']);
  const bits = await subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(16).fill(1).buffer, info: new Uint8Array([1, 2]).buffer }, base, 256);
  const hmac = await subtle.importKey('raw', bits, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const message = new Uint8Array([104, 105]).buffer;
  const signature = await subtle.sign('HMAC', hmac, message);
  const aes = await subtle.importKey('raw', new Uint8Array(16).fill(3).buffer, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
  const gcm = { name: 'AES-GCM', iv: new Uint8Array(12).fill(4).buffer, additionalData: new Uint8Array([5]).buffer };
  const sealed = new Uint8Array(await subtle.encrypt(gcm, aes, new Uint8Array([1, 2, 3]).buffer));
  const opened = new Uint8Array(await subtle.decrypt(gcm, aes, sealed.buffer));
  sealed[0] ^= 1;
  let tampered = '';
  try {
    await subtle.decrypt(gcm, aes, sealed.buffer);
  } catch (err) {
    tampered = err.name;
  }
  const digest = await subtle.digest('SHA-256', new Uint8Array([1, 2, 3]).buffer);
  check(null, {
    'HKDF derives 32 bytes': () => bits.byteLength === 32,
    'HMAC-SHA-256 signs 32 bytes': () => signature.byteLength === 32,
    'AES-GCM opens what it sealed': () => opened.join() === '1,2,3',
    'a tampered ciphertext fails with OperationError': () => tampered === 'OperationError',
    'digest gives 32 bytes': () => digest.byteLength === 32,
  });
  check(await subtle.verify('HMAC', hmac, signature, message), { 'verify accepts the signature': (ok) => ok === true });
}
