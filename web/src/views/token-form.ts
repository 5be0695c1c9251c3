/**
 * Asks for the hub's API token (a hub started with `--api-token`) once; the
 * answer is checked against `/api/auth` before it is kept.
 */
import type { Api } from '../api.js';
import { h, setText } from '../dom.js';
import type { TokenStore } from '../token.js';

export interface AuthAnswer {
  tokenRequired: boolean;
  ok: boolean;
}

export function askToken(api: Api, tokens: TokenStore, reason: string): Promise<void> {
  return new Promise((resolve) => {
    const input = h('input', {
      type: 'password',
      name: 'token',
      autocomplete: 'current-password',
      required: true,
      'aria-label': 'API token',
    });
    const status = h('p', { class: 'status error', role: 'alert' });
    const form = h(
      'form',
      { class: 'token-form' },
      h('h2', null, 'This hub needs its API token'),
      h('p', null, reason),
      input,
      h('button', { type: 'submit' }, 'Continue'),
      status,
    );
    const overlay = h('div', { class: 'overlay', role: 'dialog', 'aria-modal': 'true' }, form);
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      tokens.set(input.value.trim());
      api.get<AuthAnswer>('api/auth').then(
        (a) => {
          if (a.ok) {
            overlay.remove();
            resolve();
          } else setText(status, 'The hub does not accept that token.');
        },
        (err: unknown) => setText(status, err instanceof Error ? err.message : String(err)),
      );
    });
    document.body.append(overlay);
    input.focus();
  });
}
