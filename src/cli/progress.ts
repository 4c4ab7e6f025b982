/**
 * A throttled progress line on stderr for long runs: at most every `everyMs` (default 2 s), the
 * phase, lines done and lines/s. Uses the monotonic clock (`performance.now()`), not the wall clock.
 */
export function progressReporter(write: (text: string) => void, everyMs = 2000): (phase: string, lines: number) => void {
  const started = performance.now();
  let last = started;
  let phaseStart = started;
  let currentPhase = '';
  return (phase, lines) => {
    const t = performance.now();
    if (phase !== currentPhase) {
      currentPhase = phase;
      phaseStart = t;
    }
    if (t - last < everyMs) return;
    last = t;
    const rate = lines / Math.max(0.001, (t - phaseStart) / 1000);
    write(`bulk-audit: ${phase}: ${lines} lines, ${Math.round(rate)} lines/s, ${((t - started) / 1000).toFixed(0)} s\n`);
  };
}
