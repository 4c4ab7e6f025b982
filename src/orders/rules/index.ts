import type { OrderRule } from '../order-rule.js';
import { certExpired } from './cert-expired.js';
import { certMissing } from './cert-missing.js';
import { certTrainingOverdue } from './cert-training-overdue.js';
import { licenceExpired } from './licence-expired.js';
import { licenceMissing } from './licence-missing.js';
import { sexDeterminationProhibited } from './sex-determination-prohibited.js';
import { terminationReasonMissing } from './termination-reason-missing.js';

/** The order rules (docs/rules.md#orders), in table order (ids = ORDER_RULE_IDS). */
export const ORDER_RULES: readonly OrderRule[] = Object.freeze([
  certMissing,
  certExpired,
  certTrainingOverdue,
  licenceMissing,
  licenceExpired,
  sexDeterminationProhibited,
  terminationReasonMissing,
]);

export {
  certExpired,
  certMissing,
  certTrainingOverdue,
  licenceExpired,
  licenceMissing,
  sexDeterminationProhibited,
  terminationReasonMissing,
};
