/**
 * Top self-time functions of a V8 .cpuprofile (from `node --cpu-prof`).
 * CLI: `node --import tsx test/bench/profile-summary.ts <file.cpuprofile> [top=10]`.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The checkout's root as profiles write it (`file:///…/`), stripped from frame URLs. */
const ROOT_URL = new URL('../../', import.meta.url).href;

const short = (url: string): string =>
  url
    .replace(/^.*\/node_modules\//, 'nm:')
    .replace(ROOT_URL, '')
    .replace(/^file:\/\//, '');

/** A V8 call frame as profiles name it: `function file:line` (`(anonymous)`; no location for builtins). */
export function frameLabel(f: { functionName: string; url: string; lineNumber: number }): string {
  return `${f.functionName || '(anonymous)'} ${f.url ? `${short(f.url)}:${f.lineNumber + 1}` : ''}`.trim();
}

/** A text table of the `top` functions by self time (ms and % of all samples). */
export function summariseProfile(file: string, top = 10): string {
  const p = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<string, number>();
  let total = 0;
  p.samples.forEach((id, i) => {
    const n = byId.get(id);
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    total += dt;
    if (!n) return;
    const key = frameLabel(n.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  return (
    rows
      .map(
        ([k, ms], i) =>
          `${String(i + 1).padStart(2)}. ${ms.toFixed(0).padStart(7)} ms ${((ms / total) * 100).toFixed(1).padStart(5)}%  ${k}`,
      )
      .join('\n') + `\n    total sampled ${total.toFixed(0)} ms`
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const file = process.argv[2];
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  console.log(summariseProfile(file, Number(process.argv[3] ?? 10)));
}
