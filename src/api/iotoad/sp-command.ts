import { idCandidates } from '../../core/device-id.js';
import { HubError, UNREACHABLE_MESSAGE } from '../../core/errors.js';
import type { Hub } from '../../hub/hub.js';
import { parseCommandData, type CommandAction } from './command-data.js';

export interface Grid {
  columnsPerRow: number;
  rowsPerColumn: number;
}

/** An IoToad reply body: `{"data": …}`, `{"error": …}` or both. */
export type IotoadReply = { data?: unknown; error?: unknown };

type Targets =
  { kind: 'one'; id: string } | { kind: 'group'; ids: string[] } | { kind: 'bad'; error: string };

/**
 * `command/sp_command/<target>`: one implementation for MQTT and the REST
 * façade. A target is a device id (with or without IoToad's `sp_` prefix),
 * `row/<n>` or `column/<n>` of the grid.
 */
export class SpCommand {
  constructor(
    private readonly hub: Hub,
    private readonly grid: Grid,
  ) {}

  resolve(target: string): Targets {
    const t = target.replace(/^\/+|\/+$/g, '');
    if (t === '')
      return {
        kind: 'bad',
        error: 'No target: use command/sp_command/<id>, row/<n> or column/<n>',
      };
    const group = /^(row|column)\/(.*)$/.exec(t);
    if (group) {
      const [, axis, raw] = group as unknown as [string, 'row' | 'column', string];
      const max = axis === 'row' ? this.grid.rowsPerColumn : this.grid.columnsPerRow;
      const n = /^\d+$/.test(raw) ? Number(raw) : NaN;
      if (!(n < max))
        return {
          kind: 'bad',
          error: `${axis} must be a number from 0 to ${max - 1}, got "${raw}"`,
        };
      const ids = this.hub
        .devices()
        .filter((d) => d.grid !== undefined && d.grid[axis] === n)
        .filter(
          (d) => d.grid!.row < this.grid.rowsPerColumn && d.grid!.column < this.grid.columnsPerRow,
        )
        .map((d) => d.id);
      return { kind: 'group', ids };
    }
    const id = idCandidates(t).find((c) => this.hub.protocolOf(c) !== undefined);
    return { kind: 'one', id: id ?? t };
  }

  /**
   * Run a command and say how it went, in IoToad's reply shape: one device
   * answers `{"data": {...}}` or `{"error": "..."}`; a row, a column or
   * several targets answer `{"data": {"successful": [ids]}, "error": {id: reason}}`.
   */
  async run(targets: readonly string[], data: unknown): Promise<IotoadReply> {
    const parsed = parseCommandData(data);
    if (!parsed.ok) return { error: parsed.error };
    const resolved = targets.map((t) => this.resolve(t));
    const bad = resolved.find((r) => r.kind === 'bad');
    if (bad?.kind === 'bad') return { error: bad.error };
    const only = resolved[0];
    if (resolved.length === 1 && only?.kind === 'one') {
      try {
        return { data: await this.apply(only.id, parsed.action) };
      } catch (err) {
        return { error: reason(err, only.id) };
      }
    }
    const ids = [
      ...new Set(
        resolved.flatMap((r) => (r.kind === 'one' ? [r.id] : r.kind === 'group' ? r.ids : [])),
      ),
    ];
    const results = await Promise.allSettled(ids.map((id) => this.apply(id, parsed.action)));
    const successful: string[] = [];
    const error: Record<string, string> = {};
    results.forEach((r, i) => {
      const id = ids[i]!;
      if (r.status === 'fulfilled') successful.push(id);
      else error[id] = reason(r.reason, id);
    });
    return { data: { successful }, error };
  }

  private async apply(id: string, a: CommandAction): Promise<Record<string, unknown>> {
    switch (a.kind) {
      case 'power': {
        const done = await this.hub.setPower(id, a.relay, a.state);
        return { status: done.state.toUpperCase(), ...(a.relay !== 1 && { relay: a.relay }) };
      }
      case 'countdown': {
        const { by, at } = await this.hub.command(id, a);
        return {
          countdown: {
            seconds: a.seconds,
            status: a.state.toUpperCase(),
            by,
            ...(at !== undefined && { at: new Date(at).toISOString() }),
          },
        };
      }
      case 'timer': {
        const { by, at } = await this.hub.command(id, a);
        return {
          timer: {
            slot: a.slot,
            time: a.time,
            status: a.state.toUpperCase(),
            enabled: a.enabled,
            by,
            ...(at !== undefined && { next: new Date(at).toISOString() }),
          },
        };
      }
    }
  }
}

/**
 * A device that cannot be reached answers with IoToad's own words, so IoToad
 * clients recognise it; other failures say what went wrong.
 */
function reason(err: unknown, id: string): string {
  if (err instanceof HubError) {
    if (err.code === 'unreachable') return UNREACHABLE_MESSAGE;
    if (err.code === 'not_found') return `No SmartPlug with id "${id}"`;
    return err.message;
  }
  return `Command failed: ${(err as Error).message}`;
}
