/**
 * `/api/docs`: the OpenAPI document rendered as one self-contained HTML page
 * (no script, no CDN), grouped by tag, each route with its parameters, body
 * and responses.
 */
type Json = Record<string, unknown>;

const esc = (s: unknown): string =>
  String(s).replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** `code` spans for backticks in descriptions; everything else escaped. */
const prose = (s: unknown): string =>
  esc(s ?? '').replace(/`([^`]+)`/g, (_m, c: string) => `<code>${c}</code>`);

function schemaText(schema: unknown): string {
  const ref = (schema as { $ref?: string } | undefined)?.$ref;
  if (ref) {
    const name = ref.split('/').pop()!;
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  return `<pre>${esc(JSON.stringify(schema, null, 2))}</pre>`;
}

function operation(method: string, path: string, op: Json): string {
  const params = (op.parameters as Json[]) ?? [];
  const body = (op.requestBody as { content: Record<string, { schema: unknown }> } | undefined)
    ?.content['application/json']?.schema;
  const responses = Object.entries(
    op.responses as Record<
      string,
      { description: string; content?: Record<string, { schema: unknown }> }
    >,
  );
  return `<section class="op" id="${esc(op.operationId)}">
<h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>
<p>${prose(op.summary)}</p>${op.description ? `<p class="d">${prose(op.description)}</p>` : ''}
${
  params.length
    ? `<table><tr><th>Parameter</th><th>In</th><th>Schema</th><th>Description</th></tr>${params
        .map(
          (p) =>
            `<tr><td><code>${esc(p.name)}</code>${p.required ? ' <b>required</b>' : ''}</td><td>${esc(p.in)}</td><td><code>${esc(JSON.stringify(p.schema))}</code></td><td>${prose(p.description)}</td></tr>`,
        )
        .join('')}</table>`
    : ''
}${body ? `<h4>Body</h4>${schemaText(body)}` : ''}
<h4>Responses</h4><ul>${responses
    .map(
      ([code, r]) =>
        `<li><b>${esc(code)}</b> ${prose(r.description)}${r.content ? ` — ${schemaText(r.content['application/json']?.schema)}` : ''}</li>`,
    )
    .join('')}</ul></section>`;
}

export function docsPage(doc: Json): string {
  const info = doc.info as { title: string; version: string; description: string };
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths))
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags as string[])[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag)!.push(operation(method, path, op));
    }
  const schemas = ((doc.components as Json | undefined)?.schemas ?? {}) as Record<string, unknown>;
  const secured = doc.security !== undefined;
  return `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)} ${esc(info.version)}</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:1rem;color:#1c2430}
h1{margin-bottom:0}h2{border-bottom:2px solid #e3e8ef;padding-top:1rem}
.op{border:1px solid #e3e8ef;border-radius:8px;padding:.2rem 1rem;margin:1rem 0}
.m{display:inline-block;min-width:4.5em;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:.1em .4em}
.get{background:#2b7a4b}.post{background:#2557a7}.patch{background:#9a6700}.delete{background:#b42318}.put{background:#6e40c9}
table{border-collapse:collapse;width:100%;font-size:.9em}td,th{border-bottom:1px solid #eef1f5;text-align:left;padding:.3em;vertical-align:top}
pre{background:#f6f8fa;padding:.6em;overflow:auto;font-size:.85em;border-radius:6px}code{font-size:.9em}
nav a{margin-right:1em}
</style></head><body>
<h1>${esc(info.title)}</h1><p>Version ${esc(info.version)} · <a href="/api/openapi.json">openapi.json</a> · <a href="/">dashboard</a></p>
<p>${prose(info.description)}</p>
${secured ? '<p><b>This hub needs its API token:</b> send <code>Authorization: Bearer &lt;token&gt;</code> with every request (on <code>/api/live</code>, <code>?token=</code> also works).</p>' : ''}
<nav>${[...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join('')}<a href="#schemas">Schemas</a></nav>
${[...byTag].map(([t, ops]) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${ops.join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>
${Object.entries(schemas)
  .map(
    ([name, s]) =>
      `<h3 id="schema-${esc(name)}">${esc(name)}</h3><pre>${esc(JSON.stringify(s, null, 2))}</pre>`,
  )
  .join('\n')}
</body></html>`;
}
