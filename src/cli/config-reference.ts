import { OPTIONS, envOf, flagOf } from '../config/options.js';

function defaultOf(schema: unknown): string {
  const r = (schema as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(
    undefined,
  );
  return r.success && r.data !== undefined ? `\`${JSON.stringify(r.data)}\`` : '—';
}

/** The configuration reference as a Markdown table, generated from the one schema. */
export function configReference(): string {
  const rows = OPTIONS.map((o) => {
    const values = o.values ? ` One of ${o.values.join(', ')}.` : '';
    return `| \`${o.path}\` | \`--${flagOf(o)}\` | \`${envOf(o)}\` | ${defaultOf(o.schema)} | ${o.description}${values} |`;
  });
  return [
    '| file key | flag | environment | default | meaning |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
