import { migration0001 } from './0001-audit-trail.js';
import { migration0002 } from './0002-registry.js';
import { migration0003 } from './0003-notice-conflict.js';
import { migration0004 } from './0004-registry-lookup-indexes.js';
import { migration0005 } from './0005-notice-content-uncompressed.js';
import { migration0006 } from './0006-evaluation-now-and-undecided.js';
import { migration0007 } from './0007-registry-business-keys.js';
import { migration0008 } from './0008-notice-links.js';
import { migration0009 } from './0009-acknowledgement-postponed.js';
import { migration0010 } from './0010-notice-view-earlier-format.js';
import { migration0011 } from './0011-pregnancy-identity.js';
import { migration0012 } from './0012-follow-up-events.js';
import { migration0013 } from './0013-patient-mrn.js';
import { migration0014 } from './0014-rate-limit-counters.js';
import { migration0015 } from './0015-notice-reuse.js';
import { migration0016 } from './0016-qc-indexes.js';
import { migration0017 } from './0017-qc-indexes-ehr.js';
import { migration0018 } from './0018-qc-summary.js';
import { migration0019 } from './0019-qc-follow-up-summary.js';
import { migration0020 } from './0020-qc-summary-marking.js';
import { migration0021 } from './0021-notice-patient-index.js';
import { migration0022 } from './0022-notice-link-reissue.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in version order. Append new ones here; never edit a released one. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
  migration0013,
  migration0014,
  migration0015,
  migration0016,
  migration0017,
  migration0018,
  migration0019,
  migration0020,
  migration0021,
  migration0022,
];
