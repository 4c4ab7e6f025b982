import { isIPv4, isIPv6 } from 'node:net';

/**
 * What a notice page view records of the client address (NOTICE_VIEW_ADDRESS,
 * docs/design.md#notice-links): `none` (the default) nothing; `prefix` the network only — an IPv4
 * address's /24 (`203.0.113.0/24`), an IPv6 address's /48; `full` the address. Express's `req.ip` is
 * the socket address unless TRUST_PROXY names the peer a proxy (docs/design.md#trust-proxy).
 */
export function viewAddress(mode: 'none' | 'prefix' | 'full', address: string | undefined): string | undefined {
  if (mode === 'none' || !address) return undefined;
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(address);
  const bare = mapped?.[1] ?? address.split('%')[0] ?? address;
  if (mode === 'full') return bare;
  if (isIPv4(bare)) return `${bare.split('.').slice(0, 3).join('.')}.0/24`;
  if (isIPv6(bare)) return `${ipv6Groups(bare).slice(0, 3).join(':')}::/48`;
  return undefined;
}

/** The eight 16-bit groups of an IPv6 address (`::` expanded), lower-case without leading zeros. */
function ipv6Groups(address: string): string[] {
  const [head = '', tail] = address.toLowerCase().split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':'));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups = [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return groups.map((g) => (g.includes('.') ? g : Number.parseInt(g, 16).toString(16)));
}
