/**
 * The API reference as one HTML page, rendered on the server from the OpenAPI document: every
 * path and method, its parameters, request body and answers with their schemas, and the one
 * refusal shape. No script, no CDN, no stylesheet but its own inline one (the app's CSP
 * allows inline styles only).
 */

type Json = Record<string, any>;

const escape = (text: unknown) =>
  String(text).replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);

const code = (text: unknown) => `<code>${escape(text)}</code>`;

/** A schema's type in a few words: `string (date)`, `array of object`, `"a" | "b"`. */
function typeLabel(schema: Json | undefined): string {
  if (!schema || Object.keys(schema).length === 0) return 'any';
  if (schema.$ref) return String(schema.$ref).split('/').pop()!;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (Array.isArray(schema.enum)) return schema.enum.map((value: unknown) => JSON.stringify(value)).join(' | ');
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants)) return variants.map((variant: Json) => typeLabel(variant)).join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const base = types.map((type: string) => (type === 'array' ? `array of ${typeLabel(schema.items)}` : type)).join(' | ') || 'any';
  const format = schema.format ? ` (${schema.format})` : '';
  return `${base}${format}`;
}

/** What narrows a value beyond its type: bounds, patterns, defaults. */
function constraints(schema: Json): string {
  const parts: string[] = [];
  for (const [key, label] of [['minimum', 'min'], ['maximum', 'max'], ['minLength', 'min length'], ['maxLength', 'max length'], ['minItems', 'min items'], ['maxItems', 'max items']] as const) {
    if (schema[key] !== undefined) parts.push(`${label} ${schema[key]}`);
  }
  if (schema.pattern) parts.push(`pattern ${code(schema.pattern)}`);
  if (schema.default !== undefined) parts.push(`default ${code(JSON.stringify(schema.default))}`);
  return parts.join(', ');
}

/** Nested objects become nested tables, so a detail answer reads top to bottom. */
function schemaTable(schema: Json | undefined, depth = 0): string {
  if (!schema) return '';
  if (depth > 6) return '<p class="muted">…</p>';
  const variants = schema.anyOf ?? schema.oneOf;
  if (Array.isArray(variants) && variants.some((variant: Json) => variant.type === 'object' || variant.properties)) {
    return variants.map((variant: Json, index: number) => `<p class="muted">Variant ${index + 1}</p>${schemaTable(variant, depth + 1)}`).join('');
  }
  if (schema.type === 'array' && schema.items) return `<p class="muted">An array; each item:</p>${schemaTable(schema.items, depth + 1)}`;
  const properties = schema.properties as Record<string, Json> | undefined;
  if (!properties) {
    const extra = schema.additionalProperties && typeof schema.additionalProperties === 'object' ? `<p class="muted">Values:</p>${schemaTable(schema.additionalProperties, depth + 1)}` : '';
    return `<p>${code(typeLabel(schema))}${schema.description ? ` — ${escape(schema.description)}` : ''}</p>${extra}`;
  }
  const required = new Set<string>(schema.required ?? []);
  const rows = Object.entries(properties).map(([name, property]) => {
    const nested = property.properties || (property.type === 'array' && property.items?.properties) || (property.anyOf ?? []).some((variant: Json) => variant.properties)
      ? schemaTable(property, depth + 1) : '';
    const notes = [property.description ? escape(property.description) : '', constraints(property)].filter(Boolean).join('; ');
    return `<tr><td>${code(name)}${required.has(name) ? '' : ' <span class="muted">optional</span>'}</td><td>${code(typeLabel(property))}</td><td>${notes}${nested}</td></tr>`;
  });
  return `<table><thead><tr><th>Field</th><th>Type</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function parametersSection(parameters: Json[]): string {
  if (parameters.length === 0) return '';
  const rows = parameters.map((parameter) => {
    const schema = parameter.schema ?? parameter.content?.['application/json']?.schema;
    const detail = parameter.content ? schemaTable(schema, 1) : constraints(schema ?? {});
    return `<tr><td>${code(parameter.name)}${parameter.required ? '' : ' <span class="muted">optional</span>'}</td><td>${escape(parameter.in)}</td><td>${code(parameter.content ? 'JSON' : typeLabel(schema))}</td><td>${parameter.description ? `${escape(parameter.description)} ` : ''}${detail}</td></tr>`;
  });
  return `<h4>Parameters</h4><table><thead><tr><th>Name</th><th>In</th><th>Type</th><th>Notes</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function contentSection(content: Json | undefined): string {
  if (!content) return '';
  return Object.entries(content).map(([mediaType, media]) => `<p class="muted">${escape(mediaType)}</p>${mediaType === 'application/json' || mediaType === 'multipart/form-data' ? schemaTable((media as Json).schema) : ''}`).join('');
}

function responsesSection(responses: Json, document: Json): string {
  return `<h4>Answers</h4>${Object.entries(responses).map(([status, response]) => {
    const resolved = response.$ref ? document.components.responses[String(response.$ref).split('/').pop()!] : response;
    const body = response.$ref ? '<p class="muted">The refusal shape below.</p>' : contentSection(resolved.content);
    return `<div class="answer"><p><strong>${escape(status)}</strong> ${escape(resolved.description ?? '')}</p>${body}</div>`;
  }).join('')}`;
}

const anchor = (method: string, path: string) => `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, '-');

export function renderApiReference(document: Json): string {
  const operations: Array<{ method: string; path: string; operation: Json }> = [];
  for (const [path, item] of Object.entries(document.paths as Record<string, Json>)) {
    for (const [method, operation] of Object.entries(item)) operations.push({ method, path, operation });
  }
  const tags: string[] = (document.tags ?? []).map((tag: Json) => tag.name);
  const sections = tags.map((tag) => {
    const own = operations.filter(({ operation }) => (operation.tags ?? []).includes(tag));
    return `<section><h2 id="${anchor('tag', tag)}">${escape(tag)}</h2>${own.map(({ method, path, operation }) => `
<article id="${anchor(method, path)}">
  <h3><span class="method ${escape(method)}">${escape(method.toUpperCase())}</span> ${code(path)}</h3>
  <p>${escape(operation.summary ?? '')}${operation.description ? ` ${escape(operation.description)}` : ''}</p>
  <p class="muted">Login: ${escape(operation.security?.[0] ? Object.keys(operation.security[0])[0] : 'none')}</p>
  ${parametersSection(operation.parameters ?? [])}
  ${operation.requestBody ? `<h4>Request body</h4>${contentSection(operation.requestBody.content)}` : ''}
  ${responsesSection(operation.responses ?? {}, document)}
</article>`).join('')}</section>`;
  });
  const toc = tags.map((tag) => `<li><a href="#${anchor('tag', tag)}">${escape(tag)}</a><ul>${operations.filter(({ operation }) => (operation.tags ?? []).includes(tag))
    .map(({ method, path }) => `<li><a href="#${anchor(method, path)}">${escape(method.toUpperCase())} ${escape(path)}</a></li>`).join('')}</ul></li>`).join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info?.title ?? 'API')} reference</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2933;margin:0;display:flex}
nav{width:320px;flex:none;height:100vh;overflow:auto;position:sticky;top:0;background:#f5f7fa;padding:16px;box-sizing:border-box;font-size:13px}
nav ul{list-style:none;padding-left:12px}main{padding:24px 32px;max-width:1100px}
article{border-top:1px solid #e4e7eb;padding:12px 0}h3{font-size:16px}h4{margin:12px 0 4px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:4px 0}td,th{border:1px solid #e4e7eb;padding:4px 6px;text-align:left;vertical-align:top}
code{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;background:#f0f4f8;padding:1px 3px;border-radius:3px}
.muted{color:#7b8794;font-size:12px}.method{display:inline-block;min-width:56px;text-align:center;color:#fff;border-radius:3px;padding:2px 6px;font-size:12px}
.get{background:#2680c2}.post{background:#3f9142}.put{background:#cb6e17}.delete{background:#ba2525}.answer{margin-left:8px}
</style></head>
<body><nav><p><strong>${escape(document.info?.title ?? 'API')}</strong> ${escape(document.info?.version ?? '')}</p><p><a href="openapi.json">openapi.json</a></p><ul>${toc}</ul></nav>
<main><h1>${escape(document.info?.title ?? 'API')}</h1><p>${escape(document.info?.description ?? '')}</p>
<section><h2 id="refusals">Refusals</h2><p>Every 4xx (and 5xx) answer has this shape:</p>${schemaTable(document.components?.schemas?.Error)}</section>
${sections.join('')}</main></body></html>`;
}
