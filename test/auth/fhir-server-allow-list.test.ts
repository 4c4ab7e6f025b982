import { describe, expect, it } from 'vitest';
import { isAllowedFhirServer } from '../../src/auth/fhir-server-allow-list.js';

const ALLOWED = ['https://ehr.example/fhir/', 'http://intranet.ehr.example:8080/r4'];

describe('isAllowedFhirServer (fhirServer allow-list, SSRF guard)', () => {
  it.each([
    ['https://ehr.example/fhir/', 'exact prefix'],
    ['https://ehr.example/fhir', 'prefix without trailing slash'],
    ['https://ehr.example/fhir/tenant-a/', 'deeper path'],
    ['https://EHR.example:443/fhir/', 'host case and default port normalised'],
    ['http://intranet.ehr.example:8080/r4/', 'prefix configured without trailing slash'],
  ])('allows %s (%s)', (url) => {
    expect(isAllowedFhirServer(url, ALLOWED)).toBe(true);
  });

  it.each([
    ['https://evil.example/fhir/', 'another host'],
    ['https://ehr.example/fhir-evil/', 'string-prefix trick'],
    ['https://ehr.example/fhirx', 'string-prefix trick without slash'],
    ['https://ehr.example@evil.example/fhir/', 'userinfo trick'],
    ['https://user:pw@ehr.example/fhir/', 'credentials in URL'],
    ['https://ehr.example.evil.example/fhir/', 'host suffix trick'],
    ['https://ehr.example./fhir/', 'trailing-dot host'],
    ['http://ehr.example/fhir/', 'scheme downgrade'],
    ['https://ehr.example:8443/fhir/', 'other port'],
    ['https://ehr.example/fhir/../admin/', 'dot-segment traversal'],
    ['https://ehr.example/fhir/%2e%2e/admin/', 'encoded dot-segment'],
    ['https://ehr.example/fhir/..%2fadmin', 'encoded slash'],
    ['https://ehr.example/fhir\\..\\admin', 'backslash'],
    ['https://ehr.example/fhir/?x=1', 'query'],
    ['https://ehr.example/fhir/#frag', 'fragment'],
    ['https://ehr.example/fhir/\n', 'control character'],
    ['http://127.0.0.1/fhir/', 'loopback not on the list'],
    ['http://169.254.169.254/latest/meta-data/', 'cloud metadata address'],
    ['http://10.0.0.5:8080/r4/', 'private address not on the list'],
    ['http://0x7f.1/fhir/', 'obfuscated loopback'],
    ['file:///etc/passwd', 'file scheme'],
    ['ftp://ehr.example/fhir/', 'ftp scheme'],
    ['javascript:alert(1)', 'javascript scheme'],
    ['not a url', 'garbage'],
    ['', 'empty'],
  ])('refuses %j (%s)', (url) => {
    expect(isAllowedFhirServer(url, ALLOWED)).toBe(false);
  });

  it('allows nothing when the list is empty', () => {
    expect(isAllowedFhirServer('https://ehr.example/fhir/', [])).toBe(false);
  });

  it('ignores unusable prefixes in the list', () => {
    expect(isAllowedFhirServer('https://ehr.example/fhir/', ['https://u@ehr.example/fhir/', 'nonsense'])).toBe(false);
  });

  it('a host-root prefix allows any path on that origin only', () => {
    expect(isAllowedFhirServer('https://ehr.example/any/path', ['https://ehr.example'])).toBe(true);
    expect(isAllowedFhirServer('https://other.example/any/path', ['https://ehr.example'])).toBe(false);
  });
});
