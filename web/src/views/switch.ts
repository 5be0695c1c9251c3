/**
 * An on/off switch for one relay. A click asks for the opposite of what is
 * shown and spins until the hub answers; the shown state then comes from
 * the hub (the answer or the live update), never from the click alone.
 */
import { h, setAttr } from '../dom.js';
import type { OnOff } from '../types.js';

export class RelaySwitch {
  readonly el: HTMLButtonElement;
  private state: OnOff | undefined;
  private busy = false;

  constructor(
    label: string,
    private readonly toggle: (next: OnOff) => Promise<void>,
  ) {
    this.el = h(
      'button',
      {
        type: 'button',
        class: 'switch',
        role: 'switch',
        'aria-checked': 'false',
        'aria-label': label,
      },
      h('span', { class: 'knob' }),
    );
    this.el.addEventListener('click', (ev) => {
      ev.preventDefault();
      ev.stopPropagation();
      void this.click();
    });
  }

  set(state: OnOff | undefined, usable = true): void {
    this.state = state;
    setAttr(this.el, 'aria-checked', state === 'on' ? 'true' : 'false');
    setAttr(this.el, 'data-state', state ?? 'unknown');
    this.el.disabled = !usable && !this.busy;
  }

  private async click(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    setAttr(this.el, 'aria-busy', 'true');
    try {
      await this.toggle(this.state === 'on' ? 'off' : 'on');
    } finally {
      this.busy = false;
      setAttr(this.el, 'aria-busy', null);
    }
  }
}
