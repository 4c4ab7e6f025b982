import type { ServerResponse } from 'node:http';
import type { StubHandler } from '../../fhir/support/fhir-stub.js';

/**
 * FHIR stub behaviours that answer with more than a client should keep, and a `fetch` that counts
 * the body bytes its caller actually pulled (the memory the client could have been made to hold).
 */

/** One realistic searchset entry (an Observation with Chinese text), as JSON text. */
function entry(i: number): string {
  return JSON.stringify({
    fullUrl: `Observation/obs-flood-${i}`,
    resource: {
      resourceType: 'Observation',
      id: `obs-flood-${i}`,
      status: 'final',
      code: { coding: [{ system: 'http://loinc.org', code: '11627-7', display: 'Amniotic fluid index US' }], text: '羊水指数' },
      subject: { reference: 'Patient/p-zhang-li-1989' },
      effectiveDateTime: '2024-04-28T09:15:00+08:00',
      valueQuantity: { value: 12.5, unit: '厘米', system: 'http://unitsofmeasure.org', code: 'cm' },
      note: [{ text: '孕妇张丽，超声检查羊水指数正常。'.repeat(8) }],
    },
  });
}

const PREFIX = '{"resourceType":"Bundle","type":"searchset","entry":[';

/** What a flooding handler saw of its connection. */
export interface FloodProbe {
  /** Body bytes written so far (all requests). */
  written: number;
  /** Requests whose connection closed before their body was complete (the client gave up). */
  cutOff: number;
  /** Resolves when the next connection is cut off. */
  nextCutOff(): Promise<void>;
}

export function floodProbe(): FloodProbe {
  let waiters: (() => void)[] = [];
  const probe = {
    written: 0,
    cutOff: 0,
    nextCutOff: () => new Promise<void>((resolve) => waiters.push(resolve)),
    noteCutOff() {
      probe.cutOff += 1;
      const w = waiters;
      waiters = [];
      for (const resolve of w) resolve();
    },
  };
  return probe;
}

/**
 * A searchset that never ends (chunked, no Content-Length), written as fast as the client reads
 * (backpressure respected) until `totalBytes` — by default, without end — or the client goes away.
 */
export function endlessSearchset(probe: FloodProbe, totalBytes = Number.POSITIVE_INFINITY): StubHandler {
  return (_req, res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/fhir+json' });
    let done = false;
    res.on('close', () => {
      if (!res.writableEnded) (probe as FloodProbe & { noteCutOff(): void }).noteCutOff();
      done = true;
    });
    let sent = 0;
    let i = 0;
    const pump = (): void => {
      while (!done) {
        if (sent >= totalBytes) {
          res.end(']}');
          return;
        }
        const text = (i === 0 ? PREFIX : ',') + entry(i);
        i += 1;
        const n = Buffer.byteLength(text);
        sent += n;
        probe.written += n;
        if (!res.write(text)) {
          res.once('drain', pump);
          return;
        }
      }
    };
    pump();
  };
}

/** A complete searchset of at least `bytes` bytes, with Content-Length, and optionally a next link. */
export function bulkySearchset(bytes: number, next?: string): string {
  const entries: string[] = [];
  let size = PREFIX.length;
  for (let i = 0; size < bytes; i += 1) {
    const e = entry(i);
    entries.push(e);
    size += Buffer.byteLength(e) + 1;
  }
  const link = next ? `],"link":[{"relation":"next","url":${JSON.stringify(next)}}]}` : ']}';
  return PREFIX + entries.join(',') + link;
}

/** Body bytes pulled through a {@link countingFetch}, and its largest chunk. */
export interface PullCounter {
  bytes: number;
  maxChunk: number;
}

/** The global `fetch`, with every response body counted as its reader pulls it. */
export function countingFetch(counter: PullCounter): (url: string, init?: RequestInit) => Promise<Response> {
  return async (url, init) => {
    const res = await fetch(url, init);
    if (!res.body) return res;
    const source = res.body.getReader();
    const counted = new ReadableStream<Uint8Array>(
      {
        async pull(controller) {
          const r = await source.read();
          if (r.done) {
            controller.close();
            return;
          }
          counter.bytes += r.value.byteLength;
          counter.maxChunk = Math.max(counter.maxChunk, r.value.byteLength);
          controller.enqueue(r.value);
        },
        cancel: (reason) => source.cancel(reason),
        // Pull only on demand (no read-ahead): the count is what the caller consumed.
      },
      { highWaterMark: 0 },
    );
    return new Response(counted, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}
