/**
 * A plug's countdown ("turn off in 10 minutes") and daily timers ("every
 * day at 07:30 turn on"), each form with its own status line where its
 * errors appear.
 */
import { plainError } from '../api.js';
import type { AppContext, View } from '../context.js';
import { h, setText } from '../dom.js';
import { remaining } from '../format.js';
import type { DeviceSnapshot, HubTimer, OnOff } from '../types.js';

const MAX_COUNTDOWN_S = 86_399;
const TIMER_SLOTS = 16;

interface CountdownAnswer {
  relay: number;
  seconds: number;
  state: OnOff;
  by: string;
  endsAt: string;
}

interface TimerAnswer extends HubTimer {
  next?: string;
}

function stateSelect(name: string, initial: OnOff): HTMLSelectElement {
  const s = h(
    'select',
    { name },
    h('option', { value: 'off' }, 'off'),
    h('option', { value: 'on' }, 'on'),
  );
  s.value = initial;
  return s;
}

function relaySelect(d: DeviceSnapshot): HTMLSelectElement | null {
  if (d.relays.length < 2) return null;
  return h(
    'select',
    { name: 'relay', 'aria-label': 'Relay' },
    ...d.relays.map((r) => h('option', { value: r.relay }, `relay ${r.relay}`)),
  );
}

/** Runs a form's request: the button waits, the status line says what happened. */
export async function submitting(
  form: HTMLFormElement,
  status: HTMLElement,
  run: () => Promise<string>,
  pending = 'Sending…',
): Promise<void> {
  const button = form.querySelector('button');
  if (button) button.disabled = true;
  status.classList.remove('error');
  setText(status, pending);
  try {
    setText(status, await run());
  } catch (err) {
    status.classList.add('error');
    setText(status, plainError(err));
  } finally {
    if (button) button.disabled = false;
  }
}

export class DeviceControls implements View {
  readonly el: HTMLElement;
  private readonly running: HTMLElement;
  private readonly timerList: HTMLElement;
  /** The countdown this page started, until the device's own snapshot reports it. */
  private started: { relay: number; state: OnOff; endsAt: number } | null = null;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly ctx: AppContext,
    private readonly device: DeviceSnapshot,
  ) {
    this.running = h('p', { class: 'running', 'aria-live': 'polite' });
    this.timerList = h('ul', { class: 'timers' });
    this.el = h('div', { class: 'controls' }, this.countdownForm(), this.timerForm());
    this.unsubscribe = ctx.onTick((now) => this.tick(now));
    this.tick(Date.now());
    void this.loadTimers();
  }

  destroy(): void {
    this.unsubscribe();
  }

  private path(tail: string): string {
    return `api/devices/${encodeURIComponent(this.device.id)}/${tail}`;
  }

  private countdownForm(): HTMLElement {
    const state = stateSelect('state', 'off');
    const amount = h('input', {
      name: 'amount',
      type: 'number',
      min: 1,
      max: MAX_COUNTDOWN_S,
      value: 10,
      inputmode: 'numeric',
      required: true,
      'aria-label': 'Duration',
    });
    const unit = h(
      'select',
      { name: 'unit', 'aria-label': 'Unit' },
      h('option', { value: '1' }, 'seconds'),
      h('option', { value: '60', selected: true }, 'minutes'),
      h('option', { value: '3600' }, 'hours'),
    );
    const relay = relaySelect(this.device);
    const status = h('p', { class: 'status', role: 'status' });
    const form = h(
      'form',
      { class: 'inline-form', 'data-form': 'countdown' },
      h('span', null, 'Turn'),
      relay,
      state,
      h('span', null, 'in'),
      amount,
      unit,
      h('button', { type: 'submit' }, 'Start'),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      const seconds = Math.round(Number(amount.value) * Number(unit.value));
      if (!(seconds >= 1 && seconds <= MAX_COUNTDOWN_S)) {
        status.classList.add('error');
        setText(status, 'A countdown runs from 1 second to just under 24 hours.');
        return;
      }
      void submitting(form, status, async () => {
        const a = await this.ctx.api.post<CountdownAnswer>(this.path('countdown'), {
          relay: Number(relay?.value ?? 1),
          seconds,
          state: state.value,
        });
        this.started = { relay: a.relay, state: a.state, endsAt: Date.parse(a.endsAt) };
        this.tick(Date.now());
        return `Started: turns ${a.state} at ${new Date(a.endsAt).toLocaleTimeString()}${a.by === 'hub' ? ' (the hub runs it)' : ''}.`;
      });
    });
    return h('div', { class: 'control' }, h('h3', null, 'Countdown'), form, this.running, status);
  }

  private timerForm(): HTMLElement {
    const time = h('input', {
      name: 'time',
      type: 'time',
      value: '07:30',
      required: true,
      'aria-label': 'Time',
    });
    const state = stateSelect('state', 'on');
    const slot = h(
      'select',
      { name: 'slot', 'aria-label': 'Slot' },
      ...Array.from({ length: TIMER_SLOTS }, (_, i) =>
        h('option', { value: i + 1 }, `slot ${i + 1}`),
      ),
    );
    const relay = relaySelect(this.device);
    const status = h('p', { class: 'status', role: 'status' });
    const form = h(
      'form',
      { class: 'inline-form', 'data-form': 'timer' },
      h('span', null, 'Every day at'),
      time,
      h('span', null, 'turn'),
      relay,
      state,
      slot,
      h('button', { type: 'submit' }, 'Save'),
    );
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      void submitting(form, status, async () => {
        const a = await this.ctx.api.post<TimerAnswer>(this.path('timers'), {
          relay: Number(relay?.value ?? 1),
          slot: Number(slot.value),
          time: time.value,
          state: state.value,
          enabled: true,
        });
        void this.loadTimers();
        const next = a.next ? ` Next: ${new Date(a.next).toLocaleString()}.` : '';
        // The hub lists only the timers it runs; a plug's own timers are not read back.
        const where = a.by === 'hub' ? 'the hub runs it' : 'the plug keeps it';
        return `Saved slot ${a.slot}: every day at ${a.time.slice(0, 5)} turn ${a.state} (${where}).${next}`;
      });
    });
    return h(
      'div',
      { class: 'control' },
      h('h3', null, 'Daily timers'),
      form,
      status,
      this.timerList,
    );
  }

  private async loadTimers(): Promise<void> {
    try {
      const { timers } = await this.ctx.api.get<{ timers: HubTimer[] }>(this.path('timers'));
      this.timerList.replaceChildren(
        ...timers.map((t) =>
          h(
            'li',
            { class: t.enabled ? '' : 'disabled' },
            `Slot ${t.slot}${this.device.relays.length > 1 ? `, relay ${t.relay}` : ''}: every day at ${t.time.slice(0, 5)} turn ${t.state}${t.enabled ? '' : ' (off)'}`,
          ),
        ),
      );
    } catch (err) {
      this.timerList.replaceChildren(h('li', { class: 'error' }, `Timers: ${plainError(err)}`));
    }
  }

  private tick(now: number): void {
    const live = this.ctx.fleet.get(this.device.id)?.countdowns ?? [];
    const running = live.map((c) => ({ ...c, endsAt: Date.parse(c.endsAt) }));
    if (this.started && !running.some((c) => c.relay === this.started!.relay))
      running.push(this.started);
    const left = running.filter((c) => c.endsAt > now);
    if (this.started && this.started.endsAt <= now) this.started = null;
    setText(
      this.running,
      left
        .map(
          (c) =>
            `Turns ${c.state}${left.length > 1 ? ` (relay ${c.relay})` : ''} in ${remaining(c.endsAt - now)}`,
        )
        .join(' · '),
    );
  }
}
