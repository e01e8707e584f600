import type { OpenApiDocument } from "./openapi.ts";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escape = (text: unknown) => String(text).replace(/[&<>"']/g, (c) => ESCAPES[c]!);

const json = (value: unknown) => `<pre>${escape(JSON.stringify(value, null, 2))}</pre>`;

interface Operation {
  summary: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: { name: string; in: string; required: boolean; schema: unknown }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, { description: string; content?: Record<string, { schema: unknown }> }>;
}

function renderOperation(method: string, path: string, op: Operation): string {
  const auth = op.security?.flatMap((s) => Object.keys(s)).join(" or ");
  const params = op.parameters?.length
    ? `<h4>Parameters</h4><ul>${op.parameters
        .map((p) => `<li><code>${escape(p.name)}</code> (${escape(p.in)}${p.required ? ", required" : ""}) ${json(p.schema)}</li>`)
        .join("")}</ul>`
    : "";
  const body = op.requestBody
    ? `<h4>Request body</h4>${Object.values(op.requestBody.content).map((c) => json(c.schema)).join("")}`
    : "";
  const responses = Object.entries(op.responses)
    .map(([status, r]) => {
      const schemas = Object.entries(r.content ?? {}).map(([type, c]) => `<p><code>${escape(type)}</code></p>${json(c.schema)}`);
      return `<details><summary><strong>${escape(status)}</strong> ${escape(r.description)}</summary>${schemas.join("")}</details>`;
    })
    .join("");
  return `<section id="${escape(`${method}-${path}`)}">
<h3><span class="method">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h3>
<p>${escape(op.summary)}${auth ? ` <em>(auth: ${escape(auth)})</em>` : ""}</p>
${op.description ? `<p>${escape(op.description)}</p>` : ""}${params}${body}<h4>Responses</h4>${responses}
</section>`;
}

/** A self-contained, readable rendering of the OpenAPI document: no scripts, no external assets. */
export function renderApiDocsPage(document: OpenApiDocument): string {
  const sections = Object.entries(document.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => renderOperation(method, path, op as Operation)),
  );
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(document.info.title)} API</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; color: #222; }
section { border-top: 1px solid #ddd; padding: .5rem 0; }
.method { display: inline-block; min-width: 4.5rem; font-family: monospace; color: #0a5; }
pre { background: #f6f6f6; padding: .5rem; overflow-x: auto; font-size: 13px; }
</style>
</head>
<body>
<h1>${escape(document.info.title)} ${escape(document.info.version)}</h1>
${document.info.description ? `<p>${escape(document.info.description)}</p>` : ""}
<p>The machine-readable document: <a href="/api/docs">/api/docs</a> (OpenAPI ${escape(document.openapi)}).</p>
${sections.join("\n")}
</body>
</html>`;
}
