/**
 * A connection URL fit for a message or a log (docs/policy.md#loading): the password, in the
 * user part or as a `password` query parameter, replaced by `***`. Text that is not a URL is
 * redacted the same way by pattern, so nothing after `user:` up to `@` is ever shown.
 */
export function redactUrl(url: string): string {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    // Up to the last `@`: a password may itself hold `@` (too much hidden is safe, too little not).
    return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:).*@/i, '$1***@').replace(/([?&]password=)[^&]*/gi, '$1***');
  }
  if (u.password) u.password = '***';
  for (const key of [...u.searchParams.keys()]) if (/password/i.test(key)) u.searchParams.set(key, '***');
  return u.href;
}

/** The password of a connection URL (decoded), to blank it out of a driver's message; undefined if none. */
export function urlPassword(url: string): string | undefined {
  try {
    const u = new URL(url);
    return u.password ? decodeURIComponent(u.password) : (u.searchParams.get('password') ?? undefined);
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/[^:/@]*:(.*)@/i.exec(url)?.[1];
  }
}
