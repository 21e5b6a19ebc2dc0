import type { Adapter, AdapterPayload } from 'oidc-provider';

interface Entry {
  payload: AdapterPayload;
  expiresAt: number;
}

/** Everything the provider keeps (sessions, codes, tokens, grants) is lost at its restart: people sign in again. */
const stores = new Map<string, Map<string, Entry>>();
const MAX_ENTRIES = 50_000;

/** oidc-provider's storage, in memory, one store per model; expired entries are dropped when met or when full. */
export class MemoryAdapter implements Adapter {
  private readonly store: Map<string, Entry>;

  constructor(readonly model: string) {
    this.store = stores.get(model) ?? new Map<string, Entry>();
    stores.set(model, this.store);
  }

  upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void> {
    if (this.store.size >= MAX_ENTRIES) this.sweep();
    this.store.set(id, { payload, expiresAt: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    return Promise.resolve();
  }

  find(id: string): Promise<AdapterPayload | undefined> {
    const entry = this.store.get(id);
    if (entry && entry.expiresAt <= Date.now()) this.store.delete(id);
    return Promise.resolve(entry && entry.expiresAt > Date.now() ? entry.payload : undefined);
  }

  findByUid(uid: string): Promise<AdapterPayload | undefined> {
    return this.findBy((p) => p.uid === uid);
  }

  findByUserCode(userCode: string): Promise<AdapterPayload | undefined> {
    return this.findBy((p) => p.userCode === userCode);
  }

  consume(id: string): Promise<void> {
    const entry = this.store.get(id);
    if (entry) entry.payload = { ...entry.payload, consumed: Math.floor(Date.now() / 1000) };
    return Promise.resolve();
  }

  destroy(id: string): Promise<void> {
    this.store.delete(id);
    return Promise.resolve();
  }

  revokeByGrantId(grantId: string): Promise<void> {
    for (const store of stores.values()) for (const [id, entry] of store) if (entry.payload.grantId === grantId) store.delete(id);
    return Promise.resolve();
  }

  private findBy(test: (payload: AdapterPayload) => boolean): Promise<AdapterPayload | undefined> {
    const now = Date.now();
    for (const entry of this.store.values()) if (entry.expiresAt > now && test(entry.payload)) return Promise.resolve(entry.payload);
    return Promise.resolve(undefined);
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, entry] of this.store) if (entry.expiresAt <= now) this.store.delete(id);
    if (this.store.size >= MAX_ENTRIES) this.store.delete(this.store.keys().next().value!);
  }
}
