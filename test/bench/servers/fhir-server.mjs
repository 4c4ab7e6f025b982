// Local FHIR server for the fetch-fallback path (loopback): serves the resources of BENCH_RECORD_FILE
// (a JSON array) — `GET /fhir/<Type>/<id>` reads one, `GET /fhir/<Type>?...` answers a searchset
// Bundle of every resource of that type (PractitionerRole searches also include the Organizations).
import process from 'node:process';
import { Buffer } from 'node:buffer';
import { URL } from 'node:url';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { exitOnSignal } from './fixed-card.mjs';

const resources = JSON.parse(readFileSync(process.env.BENCH_RECORD_FILE, 'utf8'));
const byType = new Map();
const byRef = new Map();
for (const r of resources) {
  if (!byType.has(r.resourceType)) byType.set(r.resourceType, []);
  byType.get(r.resourceType).push(r);
  byRef.set(`${r.resourceType}/${r.id}`, JSON.stringify(r));
}
const searchCache = new Map();
function searchset(type) {
  let text = searchCache.get(type);
  if (text === undefined) {
    const list = [...(byType.get(type) ?? []), ...(type === 'PractitionerRole' ? (byType.get('Organization') ?? []) : [])];
    text = JSON.stringify({
      resourceType: 'Bundle',
      type: 'searchset',
      total: list.length,
      entry: list.map((r) => ({
        fullUrl: `http://127.0.0.1/fhir/${r.resourceType}/${r.id}`,
        resource: r,
        search: { mode: r.resourceType === type ? 'match' : 'include' },
      })),
    });
    searchCache.set(type, text);
  }
  return text;
}
const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const parts = url.pathname
    .replace(/^\/fhir\/?/, '')
    .split('/')
    .filter(Boolean);
  let text;
  if (url.pathname === '/health') text = '{}';
  else if (parts.length === 2) text = byRef.get(`${parts[0]}/${parts[1]}`);
  else if (parts.length === 1) text = searchset(parts[0]);
  const status = text === undefined ? 404 : 200;
  text ??= '{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"not-found"}]}';
  res.writeHead(status, { 'content-type': 'application/fhir+json', 'content-length': Buffer.byteLength(text) }).end(text);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
exitOnSignal(server);
