/**
 * Tasmota's topic grammar (GetTopic_P): FullTopic tokens, the `/%prefix%`
 * append for commands, `#` stripping, `//` collapsing, forced trailing `/`,
 * plus the group and fallback topics a device listens on.
 */

export type Prefix = 'cmnd' | 'stat' | 'tele';
export type CommandOrigin = 'own' | 'group' | 'fallback';

export interface TopicLayoutOptions {
  fullTopic: string;
  topic: string;
  groupTopic: string;
  hostname: string;
  mac: string;
  clientId: string;
}

export interface IncomingCommand {
  origin: CommandOrigin;
  /** The last topic level, as sent (not yet upper-cased). */
  command: string;
}

export class TopicLayout {
  private readonly opts: TopicLayoutOptions;

  constructor(opts: TopicLayoutOptions) {
    this.opts = { ...opts };
  }

  get fullTopic(): string {
    return this.opts.fullTopic;
  }

  get groupTopic(): string {
    return this.opts.groupTopic;
  }

  /** Topic for `prefix` + `subtopic` of this device (or of `topic`, e.g. a group). */
  build(prefix: Prefix, subtopic: string, fallback = false, topic = this.opts.topic): string {
    let full: string;
    if (fallback) {
      full = `${prefix}/${this.opts.clientId}_fb`;
    } else {
      full = this.opts.fullTopic;
      if (prefix === 'cmnd' && !full.includes('%prefix%')) full += '/%prefix%';
      full = full
        .split('%prefix%')
        .join(prefix)
        .split('%topic%')
        .join(topic)
        .split('%hostname%')
        .join(this.opts.hostname)
        .split('%id%')
        .join(this.opts.mac);
    }
    full = full.replace(/#/g, '');
    while (full.includes('//')) full = full.replace('//', '/');
    if (!full.endsWith('/')) full += '/';
    return full + subtopic;
  }

  /** Whether group and fallback topics are in use (only with `%topic%` in FullTopic). */
  private get listensBeyondOwn(): boolean {
    return this.opts.fullTopic.includes('%topic%');
  }

  /** Subscriptions made after every (re)connect, in firmware order. */
  subscriptions(): string[] {
    const subs = [this.build('cmnd', '#')];
    if (this.listensBeyondOwn) {
      if (this.opts.groupTopic) subs.push(this.build('cmnd', '#', false, this.opts.groupTopic));
      subs.push(this.build('cmnd', '#', true));
    }
    return subs;
  }

  /** `cmnd/tasmotas/` as INFO1 reports it. */
  groupTopicBase(): string {
    return this.build('cmnd', '', false, this.opts.groupTopic);
  }

  /** `cmnd/DVES_xxxxxx_fb/` as INFO1 reports it. */
  fallbackTopicBase(): string {
    return this.build('cmnd', '', true);
  }

  /** Which of our subscriptions a received topic came through, and its command. */
  classify(topic: string): IncomingCommand | undefined {
    const command = topic.slice(topic.lastIndexOf('/') + 1);
    const bases: Array<[CommandOrigin, string]> = [['own', this.build('cmnd', '')]];
    if (this.listensBeyondOwn) {
      bases.push(['fallback', this.build('cmnd', '', true)]);
      if (this.opts.groupTopic) {
        bases.push(['group', this.build('cmnd', '', false, this.opts.groupTopic)]);
      }
    }
    for (const [origin, base] of bases) {
      if (topic.startsWith(base) || topic === base.slice(0, -1)) return { origin, command };
    }
    return undefined;
  }
}
