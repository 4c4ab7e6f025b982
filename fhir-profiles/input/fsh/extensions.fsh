// Extensions (canonical URLs = EXTENSIONS in src/clinical/codes.ts). Certificate and licence shapes:
// docs/rules.md#credential-data (ZJ-2023 Art. 10–19, 29, 37).

Extension: MchCertificateType
Id: mch-certificate-type
Title: "MCH certificate type"
Description: "On a Practitioner.qualification for an MCH technique: whether it is an assessment certificate (考核合格证书) or an annotation of the physician practising licence (ZJ-2023 Art. 15, 17)."
Context: Practitioner.qualification
* value[x] 1..1
* value[x] only code
* value[x] from MchCertificateTypeVS (required)
* obeys mch-cert-type-code

Extension: MchLastTraining
Id: mch-last-training
Title: "MCH last training"
Description: "On a Practitioner.qualification for an MCH technique: date of the last continuing training for that technique (ZJ-2023 Art. 19)."
Context: Practitioner.qualification
* value[x] 1..1
* value[x] only date

Extension: MchLicence
Id: mch-licence
Title: "MCH technical service licence"
Description: "On an Organization: its MCH technical service practising licence (母婴保健技术服务执业许可证): number, techniques listed, validity and last verification (校验) (ZJ-2023 Art. 3, 10, 13)."
Context: Organization
* value[x] 0..0
* extension contains
    number 1..1 and
    technique 1..* and
    period 1..1 and
    lastVerified 0..1
* extension[number] ^short = "Licence number"
* extension[number].value[x] 1..1
* extension[number].value[x] only string
* extension[technique] ^short = "An MCH technique the licence lists"
* extension[technique].value[x] 1..1
* extension[technique].value[x] only Coding
* extension[technique].value[x] from MchTechniqueVS (required)
* extension[technique].valueCoding.system 1..1
* extension[technique].valueCoding.system = "http://prenatal-cds.org/fhir/CodeSystem/mch-technique" (exactly)
* extension[technique].valueCoding.code 1..1
* extension[period] ^short = "Validity of the licence"
* extension[period].value[x] 1..1
* extension[period].value[x] only Period
* extension[lastVerified] ^short = "Date of the last verification (校验)"
* extension[lastVerified].value[x] 1..1
* extension[lastVerified].value[x] only date

Extension: MchInstitutionRole
Id: mch-institution-role
Title: "MCH institution role"
Description: "On an Organization: prenatal diagnosis institution or prenatal screening institution (ZJ-2023 Art. 29, 37)."
Context: Organization
* value[x] 1..1
* value[x] only code
* value[x] from MchInstitutionRoleVS (required)
* obeys mch-institution-role-code

Extension: NiptCooperation
Id: nipt-cooperation
Title: "NIPT cooperation agreement"
Description: "On a prenatal screening institution: its cooperation agreement with a prenatal diagnosis institution for cell-free fetal DNA screening (ZJ-2023 Art. 29)."
Context: Organization
* value[x] 0..0
* extension contains
    partner 1..1 and
    period 1..1
* extension[partner] ^short = "The prenatal diagnosis institution"
* extension[partner].value[x] 1..1
* extension[partner].value[x] only Reference(Organization)
* extension[period] ^short = "Validity of the agreement"
* extension[period].value[x] 1..1
* extension[period].value[x] only Period

Extension: NoticeRules
Id: notice-rules
Title: "Notice rules"
Description: "On a written-notice Communication: a rule id (docs/rules.md#referral) of an indication the notice covers; repeated per rule."
Context: Communication
* value[x] 1..1
* value[x] only code

Extension: NoticeId
Id: notice-id
Title: "Notice id"
Description: "On a written-notice Communication: the id of the printable notice (GET /notices/{noticeId}) whose content and hash the service stored."
Context: Communication
* value[x] 1..1
* value[x] only string

Extension: FetalFinding
Id: fetal-finding
Title: "Fetal finding"
Description: "On a Condition in the pregnant woman's record: true when the condition is a finding about the fetus (for example a malformation seen on ultrasound or found by prenatal diagnosis), not a condition of the woman herself (docs/rules.md#fetal-finding; ZJ-2023 Art. 24(2))."
Context: Condition
* value[x] 1..1
* value[x] only boolean
