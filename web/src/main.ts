/**
 * The dashboard: signs in when the hub wants a token, keeps the fleet
 * current from the live socket (polling while it is down), and shows the
 * page the address names.
 */
import { Api, ApiError } from './api.js';
import type { AppContext, View } from './context.js';
import { child, h, setAttr, setText } from './dom.js';
import { Fleet } from './fleet.js';
import { LiveSocket, type SocketState } from './live.js';
import { parseRoute } from './router.js';
import { TokenStore } from './token.js';
import type { DeviceSnapshot, OnOff } from './types.js';
import { Banner } from './views/banner.js';
import { DevicePage } from './views/device-page.js';
import { FleetView } from './views/fleet-view.js';
import { MeterPage } from './views/meter-page.js';
import { askToken, type AuthAnswer } from './views/token-form.js';

/** While the live socket is down the page asks for the devices this often. */
const POLL_MS = 5000;

/** The part of GET /api/status the page reads. */
interface Status {
  mqtt?: { connected: boolean; endpoint: string };
}

class Dashboard {
  private readonly tokens = new TokenStore();
  private readonly api = new Api(this.tokens, new URL('.', location.href).toString());
  private readonly fleet = new Fleet();
  private readonly banner = new Banner();
  private readonly ticks = new Set<(now: number) => void>();
  private readonly socket: LiveSocket;
  private socketState: SocketState = { kind: 'connecting' };
  /** Outcome of the last poll while the socket is down: null before the first. */
  private polled: { ok: boolean; at: number } | null = null;
  private view: View | null = null;
  private asking: Promise<void> | null = null;

  constructor(private readonly root: HTMLElement) {
    this.socket = new LiveSocket(() => this.api.liveUrl(), {
      message: (m) => this.fleet.apply(m),
      state: (s) => {
        this.socketState = s;
        if (s.kind === 'open') this.polled = null;
        this.status(Date.now());
      },
    });
    this.fleet.subscribe((c) => {
      if (c.kind === 'hub') this.status(Date.now());
    });
    this.api.onUnauthorized = () => void this.signIn('The saved token was not accepted.');
  }

  async start(): Promise<void> {
    document.body.append(this.banner.el);
    this.tokens.takeFromUrl(location, history);
    window.addEventListener('hashchange', () => this.route());
    this.route();
    await this.checkAuth();
    this.socket.start();
    await this.poll();
    window.setInterval(() => this.tick(), 1000);
  }

  private context(): AppContext {
    return {
      api: this.api,
      fleet: this.fleet,
      power: (id, relay, state) => this.power(id, relay, state),
      onTick: (fn) => {
        this.ticks.add(fn);
        return () => this.ticks.delete(fn);
      },
      live: () => this.socketState.kind === 'open',
    };
  }

  private route(): void {
    this.view?.destroy();
    const r = parseRoute(location.hash);
    const ctx = this.context();
    if (r.page === 'device') this.view = new DevicePage(ctx, r.id);
    else if (r.page === 'meter') this.view = new MeterPage(ctx, r.id);
    else {
      if (r.page === 'unknown') history.replaceState(null, '', '#/');
      this.view = new FleetView(ctx);
    }
    document.title = `${r.page === 'device' || r.page === 'meter' ? `${r.id} · ` : ''}wattbridge`;
    this.root.replaceChildren(this.view.el);
    window.scrollTo(0, 0);
  }

  /** Ask for a token when the hub wants one we do not have (a hub without /api/auth wants none). */
  private async checkAuth(): Promise<void> {
    try {
      const a = await this.api.get<AuthAnswer>('api/auth');
      if (a.tokenRequired && !a.ok)
        await this.signIn(
          this.tokens.get()
            ? 'The saved token was not accepted.'
            : 'Paste the token the hub was started with (--api-token).',
        );
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) return;
    }
  }

  private signIn(reason: string): Promise<void> {
    this.asking ??= askToken(this.api, this.tokens, reason).then(() => {
      this.asking = null;
      this.socket.retryNow();
      void this.poll();
    });
    return this.asking;
  }

  private async power(id: string, relay: number, state: OnOff): Promise<void> {
    try {
      const a = await this.api.post<{ relay: number; state: OnOff }>(
        `api/devices/${encodeURIComponent(id)}/power`,
        { relay, state },
      );
      this.fleet.setRelay(id, a.relay, a.state);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'disconnected')
        this.fleet.setHub({
          mqtt: { connected: false, endpoint: this.fleet.hub?.mqtt.endpoint ?? '' },
        });
      throw err;
    }
  }

  /** The devices and the broker state by plain requests, for when the socket is not there. */
  private async poll(): Promise<void> {
    const at = Date.now();
    try {
      const [{ devices }, status] = await Promise.all([
        this.api.get<{ devices: DeviceSnapshot[] }>('api/devices'),
        this.api.get<Status>('api/status').catch(() => ({}) as Status),
      ]);
      if (this.socketState.kind === 'open') return; // the socket's snapshot is newer
      this.fleet.replaceAll(devices);
      if (status.mqtt && status.mqtt.connected !== this.fleet.hub?.mqtt.connected)
        this.fleet.setHub({
          mqtt: { connected: status.mqtt.connected, endpoint: status.mqtt.endpoint },
        });
      this.polled = { ok: true, at };
    } catch {
      this.polled = { ok: false, at };
    }
    this.status(Date.now());
  }

  private tick(): void {
    const now = Date.now();
    for (const fn of this.ticks) fn(now);
    if (
      this.socketState.kind !== 'open' &&
      (this.polled === null || now - this.polled.at >= POLL_MS)
    )
      void this.poll();
    this.status(now);
  }

  /** The header's live indicator and the banner, from the socket, the polls and the broker state. */
  private status(now: number): void {
    const s = this.socketState;
    const indicator = child(document, '.conn');
    const label =
      s.kind === 'open'
        ? 'Live'
        : this.polled?.ok
          ? 'Refreshing every 5 s'
          : s.kind === 'connecting'
            ? 'Connecting…'
            : 'Offline';
    setText(indicator, label);
    setAttr(
      indicator,
      'data-state',
      s.kind === 'open' ? 'live' : this.polled?.ok ? 'polling' : 'down',
    );
    const retry = { label: 'Retry now', run: () => this.socket.retryNow() };
    const mqtt = this.fleet.hub?.mqtt;
    if (s.kind === 'closed' && this.polled && !this.polled.ok) {
      const secs = Math.max(0, Math.ceil((s.retryAt - now) / 1000));
      this.banner.show(
        'error',
        `Cannot reach the hub (${s.reason}). Trying again${secs > 0 ? ` in ${secs} s` : ' now'}…`,
        retry,
      );
    } else if (mqtt && !mqtt.connected) {
      this.banner.show(
        'warning',
        `Hub disconnected from the MQTT broker${mqtt.endpoint ? ` (${mqtt.endpoint})` : ''}. Plugs cannot be switched until it reconnects.`,
      );
    } else this.banner.hide(); // polling instead of live: the header says so, quietly
  }
}

const root = document.getElementById('view') ?? document.body.appendChild(h('div', { id: 'view' }));
void new Dashboard(root).start();
