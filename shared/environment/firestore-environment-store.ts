// EnvironmentStore on Firestore: collection `environments`, documents {owner, owner_hash, name, spec,
// sealed_secrets, created_at, updated_at}. A put is one transaction (create-or-replace and the
// per-owner limit together). Listing filters on owner_hash (single-field index, no composite index).
import type { DocumentData, Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { MAX_ENVIRONMENTS_PER_OWNER } from './environment-schemas.js';
import { environmentSpecSchema } from './environment-spec.js';
import { ENVIRONMENTS_COLLECTION, environmentDocId, ownerHash, type EnvironmentStore, type PutOutcome, type StoredEnvironment, type StoredSpec } from './environment-store.js';
import { sealedSecretsSchema, type SealedSecrets } from './sealed-secrets-schemas.js';

const storedSchema = z.object({
  owner: z.string(),
  name: z.string(),
  spec: environmentSpecSchema.omit({ secrets: true }).extend({ secrets: z.array(z.string()) }),
  sealed_secrets: sealedSecretsSchema.nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

function fromFirestore(data: DocumentData): StoredEnvironment {
  return storedSchema.parse(data);
}

export class FirestoreEnvironmentStore implements EnvironmentStore {
  constructor(
    private readonly db: Firestore,
    private readonly limit = MAX_ENVIRONMENTS_PER_OWNER,
  ) {}

  private ref(owner: string, name: string) {
    return this.db.collection(ENVIRONMENTS_COLLECTION).doc(environmentDocId(owner, name));
  }

  async put(owner: string, name: string, spec: StoredSpec, sealed: SealedSecrets | null, now = new Date()): Promise<PutOutcome> {
    const ref = this.ref(owner, name);
    return this.db.runTransaction(async (tx) => {
      const existing = await tx.get(ref);
      if (!existing.exists) {
        const count = (await tx.get(this.db.collection(ENVIRONMENTS_COLLECTION).where('owner_hash', '==', ownerHash(owner)).select().limit(this.limit))).size;
        if (count >= this.limit) return { outcome: 'too_many', limit: this.limit } as const;
      }
      const at = now.toISOString();
      const environment: StoredEnvironment = {
        owner,
        name,
        spec,
        sealed_secrets: sealed,
        created_at: existing.exists ? String(existing.get('created_at')) : at,
        updated_at: at,
      };
      // set, not merge: a replace drops what the new spec leaves out (secrets included).
      tx.set(ref, { ...environment, owner_hash: ownerHash(owner) });
      return { outcome: existing.exists ? 'replaced' : 'created', environment } as const;
    });
  }

  async get(owner: string, name: string): Promise<StoredEnvironment | null> {
    const snap = await this.ref(owner, name).get();
    if (!snap.exists) return null;
    const env = fromFirestore(snap.data()!);
    // The id is a hash: make sure the document really is this owner's.
    return env.owner === owner ? env : null;
  }

  async list(owner: string): Promise<StoredEnvironment[]> {
    const snap = await this.db.collection(ENVIRONMENTS_COLLECTION).where('owner_hash', '==', ownerHash(owner)).limit(this.limit * 2).get();
    return snap.docs
      .map((d) => fromFirestore(d.data()))
      .filter((e) => e.owner === owner)
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async delete(owner: string, name: string): Promise<boolean> {
    const ref = this.ref(owner, name);
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(ref);
      if (!snap.exists || snap.get('owner') !== owner) return false;
      tx.delete(ref);
      return true;
    });
  }
}
