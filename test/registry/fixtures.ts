import type { Bundle } from '@medplum/fhirtypes';
import { goodOrganization, goodPractitioner, practitionerRole, practitioner, qualification, yearsAgo } from '../orders/support/fixtures.js';

/** A registry CSV export: 3 good rows (one licence over two rows), 4 bad ones. */
export const REGISTRY_CSV = [
  'kind,practitioner_id,practitioner_name,organization_id,organization_name,technique,certificate_number,certificate_type,issuer,valid_from,valid_to,last_training,licence_number,last_verified,institution_role',
  `certificate,prac-li,李敏,org-hz-mch,,prenatal-diagnosis;prenatal-screening,ZJ-CQ-2022-0018,assessment-certificate,浙江省卫生健康委员会,2022-03-01,2027-02-28,${yearsAgo(1)},,,`,
  'licence,,,org-hz-mch,"杭州市妇幼保健院, 产前诊断中心",prenatal-diagnosis,,,,2021-06-01,2026-05-31,,ZJ-MY-2021-007,2024-06-01,prenatal-diagnosis-institution',
  'licence,,,org-hz-mch,,prenatal-screening,,,,2021-06-01,2026-05-31,,ZJ-MY-2021-007,2024-06-01,',
  'certificate,prac-wang,王芳,,,prenatal-diagnosis,,,,2022-01-01,2021-12-31,2024-13-01,,,',
  'licence,,,org-x,,ivf,,,,,,,ZJ-MY-2019-1,,',
  'doctor,prac-zhao,,,,midwifery,ZJ-1,,,,,,,,',
  'certificate,prac-zhao,赵,,,midwifery,ZJ-CQ-9,bad-type,,,,,,,',
].join('\r\n');

/** A FHIR Bundle from the provincial resource system. */
export function registryBundle(): Bundle {
  return {
    resourceType: 'Bundle',
    type: 'collection',
    entry: [
      { resource: goodPractitioner() },
      { resource: goodOrganization() },
      { resource: practitionerRole('role-li', 'prac-li', 'org-hz-mch') },
      { resource: practitioner('prac-bad', [qualification('prenatal-diagnosis', { end: '2027-02-30' }), qualification('ivf')]) },
      { resource: { resourceType: 'Patient', id: 'pat-1' } },
      { resource: { resourceType: 'PractitionerRole', id: 'role-x', practitioner: { display: 'nobody' } } },
    ],
  };
}
