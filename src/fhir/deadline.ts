/**
 * An abort signal that fires after `timeoutMs` or when `caller` aborts, whichever comes first.
 *
 * Not `AbortSignal.any([caller, AbortSignal.timeout(ms)])`: Node holds a timeout signal's timer
 * weakly, so a timeout signal reachable only through `AbortSignal.any` can be garbage-collected and
 * then never fires (nodejs/node#57736) — a slow FHIR server would be waited on in full, a hanging
 * one forever. Here the timer is a plain `setTimeout` (kept referenced by the timer list until
 * `dispose`) that aborts our own controller with a `TimeoutError` reason, like `AbortSignal.timeout`.
 * `dispose()` must be called (in `finally`): it clears the timer and the listener on `caller`.
 */
export interface Deadline {
  readonly signal: AbortSignal;
  dispose(): void;
}

export function deadline(timeoutMs: number | undefined, caller?: AbortSignal): Deadline {
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(caller?.reason);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (caller?.aborted) controller.abort(caller.reason);
  else caller?.addEventListener('abort', onAbort, { once: true });
  if (timeoutMs !== undefined && !controller.signal.aborted) {
    timer = setTimeout(
      () => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
      Math.max(0, timeoutMs),
    );
  }
  return {
    signal: controller.signal,
    dispose(): void {
      if (timer !== undefined) clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
