/**
 * The energy counters of a Tasmota power-monitoring plug (xdrv_03_energy):
 * Total = saved total + Today, midnight moves Today into Yesterday and the
 * saved total, Period is the Wh since the previous teleperiod.
 */

export interface EnergyCounters {
  totalKWh: number;
  todayKWh: number;
  yesterdayKWh: number;
}

export class EnergyMeter {
  /** Total up to last midnight (RtcSettings.energy_kWhtotal). */
  private savedKWh: number;
  private today = 0;
  private yesterday = 0;
  private periodWh = 0;
  private startMs: number;

  constructor(initialTotalKWh: number, totalStartMs: number) {
    this.savedKWh = Math.max(0, initialTotalKWh);
    this.startMs = totalStartMs;
  }

  counters(): EnergyCounters {
    return {
      totalKWh: this.savedKWh + this.today,
      todayKWh: this.today,
      yesterdayKWh: this.yesterday,
    };
  }

  /** Epoch ms of TotalStartTime. */
  get totalStartMs(): number {
    return this.startMs;
  }

  /** Add energy drawn (Wh). */
  add(wh: number): void {
    if (wh <= 0) return;
    this.today += wh / 1000;
    this.periodWh += wh;
  }

  /** Local midnight: Yesterday = Today, Total keeps counting, Today = 0. */
  rollover(): void {
    this.savedKWh += this.today;
    this.yesterday = this.today;
    this.today = 0;
  }

  /** Wh since the previous call (the teleperiod's `Period`). */
  takePeriodWh(): number {
    const wh = this.periodWh;
    this.periodWh = 0;
    return wh;
  }

  /** Power lost before the counters were saved: everything back to zero. */
  reset(): void {
    this.savedKWh = 0;
    this.today = 0;
    this.yesterday = 0;
    this.periodWh = 0;
  }

  /** EnergyTotal <Wh>[,<epoch s>]: the displayed Total becomes `wh`. */
  setTotalWh(wh: number, startMs?: number): void {
    this.savedKWh = Math.max(0, wh / 1000 - this.today);
    if (startMs !== undefined) this.startMs = startMs;
  }

  /** EnergyToday <Wh>: Today (and with it Total) becomes `wh`. */
  setTodayWh(wh: number): void {
    this.today = Math.max(0, wh / 1000);
  }

  /** EnergyYesterday <Wh>. */
  setYesterdayWh(wh: number): void {
    this.yesterday = Math.max(0, wh / 1000);
  }
}
