/** An MQTT topic filter compiled once, matched per message without allocation. */
export class TopicFilter {
  private readonly levels: string[];

  constructor(readonly filter: string) {
    this.levels = filter.split('/');
  }

  matches(topic: string): boolean {
    const levels = this.levels;
    let pos = 0;
    for (let i = 0; i < levels.length; i++) {
      const lv = levels[i]!;
      if (lv === '#') return !(i === 0 && topic.charCodeAt(0) === 36); // '$' topics need explicit filters
      if (pos > topic.length) return false;
      let end = topic.indexOf('/', pos);
      if (end === -1) end = topic.length;
      if (lv !== '+') {
        if (end - pos !== lv.length || !topic.startsWith(lv, pos)) return false;
      } else if (i === 0 && topic.charCodeAt(0) === 36) {
        return false;
      }
      pos = end + 1;
    }
    return pos === topic.length + 1;
  }
}
