// The API key lives in sessionStorage only: gone when the tab closes, never in localStorage, a
// cookie or a URL. Signing out removes it.
const KEY = 'codex-jobs.api-key';

export function storedKey(): string | null {
  return sessionStorage.getItem(KEY);
}

export function storeKey(key: string): void {
  sessionStorage.setItem(KEY, key);
}

export function forgetKey(): void {
  sessionStorage.removeItem(KEY);
}
