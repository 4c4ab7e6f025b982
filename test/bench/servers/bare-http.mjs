// Baseline 1: bare node:http — reads and JSON-parses the hook request, answers a fixed card.
import process from 'node:process';
import { Buffer } from 'node:buffer';
import { createServer } from 'node:http';
import { exitOnSignal, FIXED_CARDS, touch } from './fixed-card.mjs';

const LIMIT = 5 * 1024 * 1024;
const server = createServer((req, res) => {
  if (req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"services":[]}');
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size <= LIMIT) chunks.push(c);
  });
  req.on('end', () => {
    let body;
    try {
      body = size <= LIMIT ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
    } catch {
      body = undefined;
    }
    const ok = touch(body);
    res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json', 'content-length': ok ? Buffer.byteLength(FIXED_CARDS) : 2 });
    res.end(ok ? FIXED_CARDS : '{}');
  });
});
server.listen(Number(process.env.PORT), '127.0.0.1');
exitOnSignal(server);
