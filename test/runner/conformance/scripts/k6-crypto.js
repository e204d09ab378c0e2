import crypto, { hmac, sha256 } from 'k6/crypto';
import { check } from 'k6';

export const options = { iterations: 1 };

export default function () {
  const hasher = crypto.createHash('sha1');
  hasher.update('some other text');
  check(null, {
    'default import: sha1 shorthand': () => crypto.sha1('some text', 'hex') === '37aa63c77398d954473262e1a0057c1e632eda77',
    'named imports: sha256 and hmac': () =>
      sha256('hello world', 'hex') === 'b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9' &&
      hmac('sha256', 'a secret', 'some data to hash', 'hex') === '7fd04df92f636fd450bc841c9418e5825c17f33ad9c87c518115a45971f7f77e',
    'a hasher digests twice in two encodings': () => hasher.digest('hex') === 'de360656b2b6dab0b87eb45fb04d54c8cc152dbe' && hasher.digest('base64') === '3jYGVrK22rC4frRfsE1UyMwVLb4=',
    // The ArrayBuffer comes from the host realm (runner/DIFFERENCES.md): no instanceof here.
    'randomBytes gives the bytes asked for': () => new Uint8Array(crypto.randomBytes(8)).length === 8,
  });
}
