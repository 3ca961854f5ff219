// Secrets at rest (AES-256-GCM): a value opens only with its key and under its own name, each value
// has its own IV, an altered value or an unknown key is refused without showing a value, and a
// rotated keyring still opens what the old key sealed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sealedSecretsSchema } from '../../../shared/environment/sealed-secrets-schemas.js';
import { decryptSecrets, sealSecrets, SecretsError } from '../../../shared/environment/secret-box.js';

const OLD = 'cd'.repeat(32);
const NEW = Buffer.alloc(32, 3).toString('base64');

describe('secret box', () => {
  it('seals each value (no clear text, its own IV) and opens them again', () => {
    const sealed = sealSecrets({ A: 'same-value', B: 'same-value', C: 'üñí €' }, OLD)!;
    assert.ok(sealedSecretsSchema.safeParse(sealed).success);
    assert.equal(sealed.alg, 'A256GCM');
    assert.doesNotMatch(JSON.stringify(sealed), /same-value/);
    assert.notEqual(sealed.values.A, sealed.values.B, 'two equal values seal differently (random IV)');
    assert.notEqual(sealed.values.A!.split('.')[0], sealed.values.B!.split('.')[0]);
    assert.deepEqual(decryptSecrets(sealed, OLD), { A: 'same-value', B: 'same-value', C: 'üñí €' });
  });

  it('no secrets: nothing sealed, nothing to open, no key needed', () => {
    assert.equal(sealSecrets({}, undefined), null);
    assert.deepEqual(decryptSecrets(null, undefined), {});
    assert.deepEqual(decryptSecrets(undefined, OLD), {});
  });

  it('refuses to seal without a key, and to open with no key or an unknown one', () => {
    assert.throws(() => sealSecrets({ A: 'v' }, undefined), SecretsError);
    const sealed = sealSecrets({ A: 'v' }, OLD);
    assert.throws(() => decryptSecrets(sealed, undefined), /no ENV_SECRETS_KEY/);
    assert.throws(() => decryptSecrets(sealed, NEW), /no longer holds/);
  });

  it('an altered value, or a value moved to another name, does not open', () => {
    const sealed = sealSecrets({ A: 'value-a', B: 'value-b' }, OLD)!;
    const [iv, body, tag] = sealed.values.A!.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0]! ^= 1;
    assert.throws(() => decryptSecrets({ ...sealed, values: { A: [iv, flipped.toString('base64url'), tag].join('.') } }, OLD), (err: Error) => err instanceof SecretsError && !err.message.includes('value-a'));
    assert.throws(() => decryptSecrets({ ...sealed, values: { A: sealed.values.B! } }, OLD), /could not be opened/);
    assert.throws(() => decryptSecrets({ ...sealed, values: { A: 'garbage' } }, OLD), /not a sealed value/);
  });

  it('rotation: a new key in front seals; the old one behind it still opens what it sealed', () => {
    const before = sealSecrets({ A: 'old-sealed' }, OLD)!;
    const ring = `${NEW},${OLD}`;
    const after = sealSecrets({ A: 'new-sealed' }, ring)!;
    assert.notEqual(after.kid, before.kid);
    assert.deepEqual(decryptSecrets(before, ring), { A: 'old-sealed' });
    assert.deepEqual(decryptSecrets(after, ring), { A: 'new-sealed' });
    assert.throws(() => decryptSecrets(after, OLD), /no longer holds/);
  });
});
