import type { z } from 'zod';
import type { IssueDetail } from '../errors/app-error.js';

/** At most this many issues go on the wire (the rest are counted in a final issue). */
const MAX_ISSUES = 50;

/** A zod issue path as a FHIRPath-like string: `context.draftOrders.entry[0].resource`. */
export function formatPath(path: readonly PropertyKey[], prefix = ''): string {
  let out = prefix;
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else out += out ? `.${String(seg)}` : String(seg);
  }
  return out;
}

/** zod issues as data (path + message), capped, for an OperationOutcome. */
export function issuesToDetails(issues: readonly z.core.$ZodIssue[], prefix = ''): IssueDetail[] {
  const details: IssueDetail[] = issues.slice(0, MAX_ISSUES).map((i) => {
    const path = formatPath(i.path, prefix);
    return path ? { path, message: i.message } : { message: i.message };
  });
  if (issues.length > MAX_ISSUES) details.push({ message: `${issues.length - MAX_ISSUES} more issues not shown` });
  return details;
}
