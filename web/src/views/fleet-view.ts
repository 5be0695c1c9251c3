/**
 * The start page: devices with an IoToad grid id on walls of rows and
 * columns as the IoToad wall lays them out (one wall per location type),
 * P1 meters beside them, and every other device in a list below.
 */
import type { AppContext, View } from '../context.js';
import { h, setText } from '../dom.js';
import { displayName, isElectricityMeter, type FleetChange } from '../fleet.js';
import type { DeviceSnapshot, GridType } from '../types.js';
import { DeviceTile } from './tile.js';

const WALLS: { type: GridType; title: string }[] = [
  { type: 'w', title: 'Workstations' },
  { type: 'g', title: 'Meeting rooms' },
  { type: 'p', title: 'Printers' },
];

const byName = (a: DeviceSnapshot, b: DeviceSnapshot) =>
  displayName(a).localeCompare(displayName(b), undefined, { numeric: true });

interface Placed {
  walls: { type: GridType; title: string; devices: DeviceSnapshot[] }[];
  meters: DeviceSnapshot[];
  list: DeviceSnapshot[];
}

/** Which device goes where; a second device claiming a taken grid cell goes to the list. */
export function place(devices: DeviceSnapshot[]): Placed {
  const taken = new Set<string>();
  const onWall = new Map<GridType, DeviceSnapshot[]>();
  const meters: DeviceSnapshot[] = [];
  const list: DeviceSnapshot[] = [];
  for (const d of [...devices].sort((a, b) => a.id.localeCompare(b.id))) {
    const g = d.grid;
    const cell = g && `${g.type}.${g.row}.${g.column}`;
    if (g && cell && !taken.has(cell)) {
      taken.add(cell);
      onWall.set(g.type, [...(onWall.get(g.type) ?? []), d]);
    } else if (isElectricityMeter(d)) meters.push(d);
    else list.push(d);
  }
  const walls: Placed['walls'] = [];
  for (const w of WALLS) {
    const on = onWall.get(w.type);
    if (!on) continue;
    // A stray id far from the others (sp_w.r900.c1) would make a wall of
    // empty cells: such a wall is listed instead.
    if (wallCells(on) > MAX_WALL_CELLS) list.push(...on);
    else walls.push({ ...w, devices: on });
  }
  return { walls, meters: meters.sort(byName), list: list.sort(byName) };
}

const MAX_WALL_CELLS = 2000;

function span(ns: number[]): [number, number] {
  return [Math.min(...ns), Math.max(...ns)];
}

function columnsOf(devices: DeviceSnapshot[]): number {
  const [c0, c1] = span(devices.map((d) => d.grid!.column));
  return c1 - c0 + 1;
}

function wallCells(devices: DeviceSnapshot[]): number {
  const [r0, r1] = span(devices.map((d) => d.grid!.row));
  return (r1 - r0 + 1) * columnsOf(devices);
}

export class FleetView implements View {
  readonly el: HTMLElement;
  private readonly tiles = new Map<string, DeviceTile>();
  private readonly summary: HTMLElement;
  private readonly body: HTMLElement;
  private readonly unsubscribe: (() => void)[];
  private summaryDue = false;

  constructor(private readonly ctx: AppContext) {
    this.summary = h('p', { class: 'summary' });
    this.body = h('div', { class: 'fleet-body' });
    this.el = h(
      'main',
      { class: 'page fleet' },
      h('div', { class: 'page-head' }, h('h1', null, 'Devices'), this.summary),
      this.body,
    );
    this.unsubscribe = [
      ctx.fleet.subscribe((c) => this.changed(c)),
      ctx.onTick((now) => this.tiles.forEach((t) => t.tick(now))),
    ];
    this.render();
  }

  destroy(): void {
    this.unsubscribe.forEach((u) => u());
    this.tiles.forEach((t) => t.destroy());
  }

  private changed(c: FleetChange): void {
    if (c.kind === 'layout') return this.render();
    if (c.kind === 'device' || c.kind === 'reading') {
      const d = this.ctx.fleet.get(c.id);
      if (d) this.tiles.get(c.id)?.update(d);
      if (c.kind === 'device') this.summarizeSoon();
    }
  }

  /** A snapshot changes every device at once: one count after them, not one per device. */
  private summarizeSoon(): void {
    if (this.summaryDue) return;
    this.summaryDue = true;
    queueMicrotask(() => {
      this.summaryDue = false;
      this.summarize();
    });
  }

  private summarize(): void {
    const all = this.ctx.fleet.devices();
    const count = (a: string) => all.filter((d) => d.availability === a).length;
    const parts = [
      `${all.length} device${all.length === 1 ? '' : 's'}`,
      `${count('online')} online`,
    ];
    if (count('offline') > 0) parts.push(`${count('offline')} offline`);
    if (count('unknown') > 0) parts.push(`${count('unknown')} not heard from`);
    setText(this.summary, this.ctx.fleet.loaded ? parts.join(' · ') : 'Loading…');
  }

  private render(): void {
    this.tiles.forEach((t) => t.destroy());
    this.tiles.clear();
    this.summarize();
    const { fleet } = this.ctx;
    if (!fleet.loaded) {
      this.body.replaceChildren(h('div', { class: 'placeholder' }, 'Loading devices…'));
      return;
    }
    const devices = fleet.devices();
    if (devices.length === 0) {
      this.body.replaceChildren(
        h(
          'div',
          { class: 'placeholder' },
          'No devices yet. Plugs appear here as soon as they talk to the hub’s MQTT broker, and a P1 meter once its first telegram is read.',
        ),
      );
      return;
    }
    const placed = place(devices);
    // Tiles are as wide on every wall: fitted to the widest wall.
    const widest = Math.max(1, ...placed.walls.map((w) => columnsOf(w.devices)));
    this.body.style.setProperty('--fit-cols', String(widest));
    const walls = placed.walls.map((w) =>
      this.section(w.title, 'wall-section', this.wall(w.devices)),
    );
    const side: HTMLElement[] = [];
    if (placed.meters.length > 0)
      side.push(this.section('Meters', 'meters', this.tileRow(placed.meters)));
    if (placed.list.length > 0)
      side.push(
        this.section(
          walls.length > 0 ? 'Other devices' : 'All devices',
          'list-section',
          h('div', { class: 'list' }, ...placed.list.map((d) => this.tile(d, 'row'))),
        ),
      );
    this.body.replaceChildren(
      ...(walls.length > 0 ? [h('div', { class: 'fleet-walls' }, ...walls)] : []),
      h('div', { class: 'fleet-side' }, ...side),
    );
  }

  private section(title: string, cls: string, content: HTMLElement): HTMLElement {
    return h('section', { class: cls }, h('h2', null, title), content);
  }

  private tile(d: DeviceSnapshot, layout: 'wall' | 'tile' | 'row'): HTMLElement {
    const t = new DeviceTile(d, this.ctx, layout);
    this.tiles.set(d.id, t);
    return t.el;
  }

  private tileRow(devices: DeviceSnapshot[]): HTMLElement {
    return h('div', { class: 'tiles' }, ...devices.map((d) => this.tile(d, 'tile')));
  }

  /** Rows and columns from the smallest to the largest used, with empty cells drawn, and labels. */
  private wall(devices: DeviceSnapshot[]): HTMLElement {
    const [r0, r1] = span(devices.map((d) => d.grid!.row));
    const [c0, c1] = span(devices.map((d) => d.grid!.column));
    const wall = h('div', { class: 'wall' });
    wall.style.setProperty('--cols', String(c1 - c0 + 1));
    const at = (el: HTMLElement, row: number, col: number) => {
      el.style.gridArea = `${row} / ${col}`;
      return el;
    };
    for (let c = c0; c <= c1; c++)
      wall.append(at(h('span', { class: 'axis' }, `c${c}`), 1, c - c0 + 2));
    const byCell = new Map(devices.map((d) => [`${d.grid!.row}.${d.grid!.column}`, d]));
    for (let r = r0; r <= r1; r++) {
      wall.append(at(h('span', { class: 'axis' }, `r${r}`), r - r0 + 2, 1));
      for (let c = c0; c <= c1; c++) {
        const d = byCell.get(`${r}.${c}`);
        const cell = d
          ? this.tile(d, 'wall')
          : h('div', { class: 'cell-empty', 'aria-hidden': 'true' });
        wall.append(at(cell, r - r0 + 2, c - c0 + 2));
      }
    }
    return h('div', { class: 'wall-scroll' }, wall);
  }
}
