/**
 * The one message about the hub itself (connection lost, broker down),
 * floating over the bottom of the page so showing it moves nothing.
 */
import { h, setAttr, setText } from '../dom.js';

export type BannerKind = 'error' | 'warning' | 'info';

export class Banner {
  readonly el: HTMLElement;
  private readonly text: HTMLElement;
  private readonly action: HTMLButtonElement;
  private onAction: (() => void) | null = null;

  constructor() {
    this.text = h('span', { class: 'banner-text' });
    this.action = h('button', { type: 'button', class: 'banner-action', hidden: true });
    this.action.addEventListener('click', () => this.onAction?.());
    this.el = h(
      'div',
      { class: 'banner', role: 'status', 'aria-live': 'polite', hidden: true },
      this.text,
      this.action,
    );
  }

  show(kind: BannerKind, text: string, action?: { label: string; run: () => void }): void {
    setAttr(this.el, 'data-kind', kind);
    setText(this.text, text);
    this.onAction = action?.run ?? null;
    this.action.hidden = !action;
    if (action) setText(this.action, action.label);
    this.el.hidden = false;
  }

  hide(): void {
    this.el.hidden = true;
  }
}
