/**
 * What a simulated socket does and says for each request: pure, on the
 * model, so every answer can be reasoned about without a broker.
 */
import { parseTimeOfDay, type SocketModel } from './model.js';
import type { Report, Request, SimVersion } from './wire.js';

/** Who answers, and when by its own clock (Unix seconds). */
export interface Responder {
  readonly version: SimVersion;
  readonly devId: string;
  /** Its topics, for the about answer. */
  readonly topics: readonly string[];
  readonly timestamp: number;
}

export function stateReport(
  model: SocketModel,
  reportType: Report['reportType'],
  timestamp: number,
): Report {
  return { subject: 'state', reportType, timestamp, body: model.on ? 'on' : 'off' };
}

/** power (W), voltage (V), current (A), consumption (cumulative Ws); `what` picks one. */
export function measurementReports(
  model: SocketModel,
  reportType: Report['reportType'],
  timestamp: number,
  what = 'all',
): Report[] {
  const r = model.readings();
  const all: [string, number, string][] = [
    ['power', round(r.power, 2), 'W'],
    ['voltage', round(r.voltage, 1), 'V'],
    ['current', round(r.current, 3), 'A'],
    ['consumption', round(r.consumptionWs, 1), 'Ws'],
  ];
  return all
    .filter(([subject]) => what === 'all' || what === subject)
    .map(([subject, value, unit]) => ({ subject, reportType, timestamp, body: { value, unit } }));
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

/**
 * Carry out a request on the model; returns the answers and whether the
 * socket was removed (it then resets and must fall silent once they are out).
 * Bad requests get an error report (research §2.5) and change nothing.
 */
export function respond(
  model: SocketModel,
  r: Request,
  who: Responder,
): { reports: Report[]; removed: boolean } {
  const timestamp = who.timestamp;
  const answer = (reports: Report[], removed = false) => ({ reports, removed });
  const error = (subject: string, reason: string) =>
    answer([{ subject, reportType: 'error', timestamp, body: { event: 'error', reason } }]);
  switch (r.kind) {
    case 'set': {
      const v = typeof r.value === 'string' ? r.value.toLowerCase() : undefined;
      if (v !== 'on' && v !== 'off')
        return error('switch', `value must be on or off, got ${JSON.stringify(r.value)}`);
      model.on = v === 'on';
      // 2.x: the firmware's echo on switch/out; 1.x: a state report.
      return answer([
        who.version === '2.1'
          ? { subject: 'switch', reportType: 'command_response', timestamp, body: v }
          : stateReport(model, 'command_response', timestamp),
      ]);
    }
    case 'timer': {
      const v = r.value as { time?: unknown; action?: unknown } | null | undefined;
      const at = parseTimeOfDay(v?.time);
      const action = typeof v?.action === 'string' ? v.action.toLowerCase() : undefined;
      if (at === undefined || (action !== 'on' && action !== 'off'))
        return error(
          'timer',
          `set_timer needs value {unit:"hh:mm:ss", time, action:"on"|"off"}, got ${JSON.stringify(r.value)}`,
        );
      model.timers.set(at, action);
      return answer([
        { subject: 'timer', reportType: 'command_response', timestamp, body: r.value },
      ]);
    }
    case 'query':
      if (r.what === 'state' || r.what === 'switch')
        return answer([stateReport(model, 'command_response', timestamp)]);
      if (r.what === 'all')
        return answer([
          stateReport(model, 'command_response', timestamp),
          ...measurementReports(model, 'command_response', timestamp),
        ]);
      return answer(measurementReports(model, 'command_response', timestamp, r.what));
    case 'about':
      return answer([
        {
          subject: 'about',
          reportType: 'command_response',
          timestamp,
          body: { device_id: who.devId, topics: who.topics, status: 'ok' },
        },
      ]);
    case 'remove':
      if (r.value !== true && r.value !== 'true')
        return error('remove', `value must be true, got ${JSON.stringify(r.value)}`);
      model.reset();
      return answer(
        [{ subject: 'remove', reportType: 'command_response', timestamp, body: true }],
        true,
      );
    case 'invalid':
      return error(r.entity, r.reason);
  }
}
