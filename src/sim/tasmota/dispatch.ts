import type { ParsedCommand } from './commands.js';
import { NO_NUMBER, splitBacklog } from './commands.js';
import type { TasmotaDevice } from './device.js';
import { PowerAction } from './device.js';
import type { JsonValue } from './format.js';
import { toJson } from './format.js';
import { MAX_PULSETIMERS } from './pulse.js';
import type { StatusEnv } from './status.js';
import { MAX_STATUS, STATUS_ALL, statusBody } from './status.js';
import { MAX_TIMERS } from './timers.js';
import type { ReplyContext } from './types.js';

/**
 * The command table: what each supported command does to the device and what
 * it replies. Replies go to `stat/<t>/RESULT` (or `stat/<t>/<COMMAND>` with
 * SetOption4); out-of-range use leaves `{"Command":"Error"}`, commands the
 * table does not know get `{"Command":"Unknown"}`.
 */

export interface DispatchEnv extends StatusEnv {
  /** Whether a Backlog is still queued (an empty `Backlog` then reports Aborted). */
  backlogPending: boolean;
}

export interface DispatchResult {
  known: boolean;
  /** Commands to queue (Backlog); `noDelay` for Backlog0. */
  backlog?: { commands: string[]; noDelay: boolean };
  /** Cancel the queued Backlog (empty `Backlog`). */
  clearBacklog?: boolean;
  /** `Delay <n>` inside a Backlog: pause before the next command. */
  delayMs?: number;
}

type Handler = (
  d: TasmotaDevice,
  cmd: ParsedCommand,
  ctx: ReplyContext,
  env: DispatchEnv,
) => DispatchResult | void;

type Body = { [key: string]: JsonValue };

function reply(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext, body: Body): void {
  ctx.out.push({
    prefix: 'stat',
    subtopic: d.flags.so4 ? cmd.raw : 'RESULT',
    payload: toJson(body),
    fallback: ctx.fallback,
  });
}

function commandError(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  reply(d, cmd, ctx, { Command: 'Error' });
}

const onOff = (on: boolean): string => (on ? 'ON' : 'OFF');

function power(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  const p = cmd.payload;
  if (cmd.index >= 1 && cmd.index <= d.relays) {
    // 3 (blink) and 4 (blinkoff) are not simulated: they show the state.
    const action = p === 0 || p === 1 || p === 2 ? p : PowerAction.Show;
    d.executePower(cmd.index, action, ctx);
  } else if (cmd.index === 0) {
    const action = p === 0 || p === 1 || p === 2 ? p : PowerAction.Show;
    for (let relay = 1; relay <= d.relays; relay++) d.executePower(relay, action, ctx);
  } else {
    commandError(d, cmd, ctx);
  }
}

function state(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  reply(d, cmd, ctx, d.stateJson());
  if (d.flags.so59) d.publishState(ctx.out);
}

function status(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext, env: DispatchEnv): void {
  const publish = (n: number): void => {
    const entry = statusBody(d, n, env);
    if (!entry) return;
    ctx.out.push({
      prefix: 'stat',
      subtopic: n === 0 ? 'STATUS' : `STATUS${n}`,
      payload: toJson({ [entry[0]]: entry[1] }),
      fallback: ctx.fallback,
    });
  };
  if (cmd.userIndex && cmd.index === 0) {
    // `Status0`: everything in one STATUS0 message.
    const all: Body = {};
    for (const n of STATUS_ALL) {
      const entry = statusBody(d, n, env);
      if (entry) all[entry[0]] = entry[1];
    }
    ctx.out.push({
      prefix: 'stat',
      subtopic: 'STATUS0',
      payload: toJson(all),
      fallback: ctx.fallback,
    });
    return;
  }
  const n = cmd.payload;
  if (n === NO_NUMBER) publish(0);
  else if (n === 0) STATUS_ALL.forEach(publish);
  else if (n > 0 && n <= MAX_STATUS) publish(n);
  else commandError(d, cmd, ctx);
}

function telePeriod(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  const p = cmd.payload;
  const tele: ReplyContext = { out: [], fallback: false };
  d.setTelePeriod(p >= 0 && p <= 3600 ? p : undefined, tele.out);
  reply(d, cmd, ctx, { TelePeriod: d.telePeriodS });
  ctx.out.push(...tele.out);
}

function pulseTime(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  if (cmd.index < 1 || cmd.index > MAX_PULSETIMERS) return commandError(d, cmd, ctx);
  const now = d.time;
  if (!cmd.userIndex && cmd.data === '') {
    const set: number[] = [];
    const remaining: number[] = [];
    for (let i = 0; i < MAX_PULSETIMERS; i++) {
      set.push(d.pulses.setting(i));
      remaining.push(d.pulses.remaining(i, now));
    }
    reply(d, cmd, ctx, { PulseTime: { Set: set, Remaining: remaining } });
    return;
  }
  const i = cmd.index - 1;
  if (cmd.payload >= 0 && cmd.payload < 65536) d.pulses.configure(i, cmd.payload, now);
  reply(d, cmd, ctx, {
    [`PulseTime${cmd.index}`]: { Set: d.pulses.setting(i), Remaining: d.pulses.remaining(i, now) },
  });
}

function timer(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  const index = cmd.index;
  if (index < 1 || index > MAX_TIMERS) return commandError(d, cmd, ctx);
  if (cmd.data !== '') {
    if (cmd.payload >= 0 && cmd.payload <= MAX_TIMERS) {
      if (cmd.payload === 0) d.timers.clear(index);
      else d.timers.copy(index, cmd.payload);
    } else if (!d.timers.applyJson(index, cmd.data, d.relays)) {
      reply(d, cmd, ctx, { [`Timer${index}`]: 'Invalid JSON' });
      return;
    }
  }
  reply(d, cmd, ctx, { [`Timer${index}`]: d.timers.show(index, d.relays) });
}

function timers(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  if (cmd.data !== '') {
    if (cmd.payload === 0 || cmd.payload === 1) d.timers.enabled = cmd.payload === 1;
    if (cmd.payload === 2) d.timers.enabled = !d.timers.enabled;
  }
  const body: Body = { Timers: onOff(d.timers.enabled) };
  for (let i = 1; i <= MAX_TIMERS; i++) body[`Timer${i}`] = d.timers.show(i, d.relays);
  reply(d, cmd, ctx, body);
}

function backlog(
  d: TasmotaDevice,
  cmd: ParsedCommand,
  ctx: ReplyContext,
  env: DispatchEnv,
): DispatchResult {
  if (cmd.data === '') {
    reply(d, cmd, ctx, { Backlog: env.backlogPending ? 'Aborted' : 'Empty' });
    return { known: true, clearBacklog: true };
  }
  const noDelay = cmd.userIndex && cmd.index === 0;
  return { known: true, backlog: { commands: splitBacklog(cmd.data), noDelay } };
}

function delay(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): DispatchResult {
  const ms = cmd.payload >= 2 && cmd.payload <= 3600 ? cmd.payload * 100 : 0;
  reply(d, cmd, ctx, { Delay: ms });
  return { known: true, delayMs: ms };
}

function energyCounter(which: 'Total' | 'Today' | 'Yesterday'): Handler {
  return (d, cmd, ctx) => {
    if (cmd.index !== 1) return commandError(d, cmd, ctx);
    if (cmd.data !== '') {
      const [valueText, epochText] = cmd.data.split(',');
      const wh = Number.parseFloat(valueText ?? '');
      if (Number.isFinite(wh) && wh >= 0) {
        if (which === 'Total') {
          const epoch = Number.parseInt(epochText ?? '', 10);
          d.energy.setTotalWh(wh, Number.isFinite(epoch) && epoch > 0 ? epoch * 1000 : undefined);
        } else if (which === 'Today') {
          d.energy.setTodayWh(wh);
        } else {
          d.energy.setYesterdayWh(wh);
        }
      }
    }
    const energy = d.energyJson();
    reply(d, cmd, ctx, {
      [`Energy${which}`]: { Total: energy.Total, Yesterday: energy.Yesterday, Today: energy.Today },
    });
  };
}

function setOption(d: TasmotaDevice, cmd: ParsedCommand, ctx: ReplyContext): void {
  const n = cmd.index;
  if (!cmd.userIndex || n < 0 || n > 177) return commandError(d, cmd, ctx);
  const isParam = n >= 32 && n <= 49;
  const flagKey = ({ 4: 'so4', 26: 'so26', 59: 'so59', 90: 'so90' } as const)[
    n as 4 | 26 | 59 | 90
  ];
  if (cmd.payload >= 0) {
    if (!isParam && cmd.payload > 1) return commandError(d, cmd, ctx);
    if (flagKey) d.flags[flagKey] = cmd.payload === 1;
    else d.setOptions.set(n, cmd.payload);
  }
  const value = flagKey ? (d.flags[flagKey] ? 1 : 0) : (d.setOptions.get(n) ?? 0);
  reply(d, cmd, ctx, { [`SetOption${n}`]: isParam ? value : onOff(value === 1) });
}

function retainSwitch(key: 'powerRetain' | 'sensorRetain' | 'stateRetain', name: string): Handler {
  return (d, cmd, ctx) => {
    if (cmd.payload === 0 || cmd.payload === 1) {
      const wasOn = d.flags[key];
      d.flags[key] = cmd.payload === 1;
      if (wasOn && !d.flags[key]) {
        // Switching a retain flag off clears what was retained under it.
        const subtopics =
          key === 'powerRetain'
            ? Array.from({ length: d.relays }, (_, i) => d.powerName(i + 1))
            : [key === 'sensorRetain' ? 'SENSOR' : 'STATE'];
        const prefix = key === 'powerRetain' ? 'stat' : 'tele';
        for (const subtopic of subtopics)
          ctx.out.push({ prefix, subtopic, payload: '', retain: true });
      }
    }
    reply(d, cmd, ctx, { [name]: onOff(d.flags[key]) });
  };
}

const HANDLERS: ReadonlyMap<string, Handler> = new Map<string, Handler>([
  ['POWER', power],
  ['STATE', state],
  ['STATUS', status],
  ['TELEPERIOD', telePeriod],
  ['PULSETIME', pulseTime],
  ['TIMER', timer],
  ['TIMERS', timers],
  ['BACKLOG', backlog],
  ['DELAY', delay],
  ['ENERGYTOTAL', energyCounter('Total')],
  ['ENERGYTODAY', energyCounter('Today')],
  ['ENERGYYESTERDAY', energyCounter('Yesterday')],
  ['SETOPTION', setOption],
  ['SO', setOption],
  ['POWERRETAIN', retainSwitch('powerRetain', 'PowerRetain')],
  ['SENSORRETAIN', retainSwitch('sensorRetain', 'SensorRetain')],
  ['STATERETAIN', retainSwitch('stateRetain', 'StateRetain')],
]);

export function dispatch(
  d: TasmotaDevice,
  cmd: ParsedCommand,
  ctx: ReplyContext,
  env: DispatchEnv,
): DispatchResult {
  const handler = HANDLERS.get(cmd.name);
  if (!handler) {
    ctx.out.push({
      prefix: 'stat',
      subtopic: d.flags.so4 ? 'COMMAND' : 'RESULT',
      payload: toJson({ Command: 'Unknown' }),
      fallback: ctx.fallback,
    });
    return { known: false };
  }
  return handler(d, cmd, ctx, env) ?? { known: true };
}
