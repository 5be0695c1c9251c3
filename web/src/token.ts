/**
 * The hub's API token (`--api-token`), taken once from the page's `?token=`
 * or from the sign-in form and kept in this browser's localStorage.
 */
const KEY = 'wattbridge.token';

export class TokenStore {
  /** Used when the browser refuses storage. */
  private inMemory: string | null = null;

  constructor(private readonly storage: Storage | null = safeLocalStorage()) {}

  get(): string | null {
    return this.storage ? this.storage.getItem(KEY) : this.inMemory;
  }

  set(token: string): void {
    if (this.storage) this.storage.setItem(KEY, token);
    else this.inMemory = token;
  }

  clear(): void {
    this.storage?.removeItem(KEY);
    this.inMemory = null;
  }

  /**
   * Keeps `?token=` from the address and removes it from the address bar, so
   * it does not end up in bookmarks, history or a screenshot.
   */
  takeFromUrl(loc: Location, history: History): void {
    const url = new URL(loc.href);
    const token = url.searchParams.get('token');
    if (token === null) return;
    if (token !== '') this.set(token);
    url.searchParams.delete('token');
    history.replaceState(history.state, '', url.pathname + url.search + url.hash);
  }
}

/** Private browsing in some browsers throws on localStorage access; then the token lasts the page. */
function safeLocalStorage(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}
