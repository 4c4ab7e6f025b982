// Invariants that enforce code lists the validator cannot check through bindings (the @medplum/core
// validator in test/support/fhir-validate.ts checks cardinality, types, patterns, slices and
// FHIRPath invariants, not terminology bindings).

Invariant: mch-cert-type-code
Description: "The certificate type is a code of CodeSystem mch-certificate-type."
Expression: "value.empty() or value in ('assessment-certificate' | 'annotated-physician-licence')"
Severity: #error

Invariant: mch-institution-role-code
Description: "The role is a code of CodeSystem mch-institution-role."
Expression: "value.empty() or value in ('prenatal-diagnosis-institution' | 'prenatal-screening-institution')"
Severity: #error

Invariant: edd-code
Description: "The code has a LOINC EDD coding: 11778-8, 11781-2, 11779-6 or 11780-4."
Expression: "code.coding.where(system = 'http://loinc.org' and (code = '11778-8' or code = '11781-2' or code = '11779-6' or code = '11780-4')).exists()"
Severity: #error

Invariant: ga-code
Description: "The code has a LOINC gestational-age coding: 18185-9, 11884-4 or 11885-1."
Expression: "code.coding.where(system = 'http://loinc.org' and (code = '18185-9' or code = '11884-4' or code = '11885-1')).exists()"
Severity: #error

Invariant: ga-unit
Description: "On a Quantity: gestational age in UCUM days (d) or weeks (wk)."
Expression: "system = 'http://unitsofmeasure.org' and (code = 'd' or code = 'wk')"
Severity: #error

Invariant: af-code
Description: "The code has a LOINC amniotic-fluid coding: 11627-7 (AFI) or 11832-3 (deepest vertical pocket)."
Expression: "code.coding.where(system = 'http://loinc.org' and (code = '11627-7' or code = '11832-3')).exists()"
Severity: #error

Invariant: length-unit
Description: "On a Quantity: a length in UCUM centimetres (cm) or millimetres (mm)."
Expression: "system = 'http://unitsofmeasure.org' and (code = 'cm' or code = 'mm')"
Severity: #error

Invariant: screening-result
Description: "A screening result has a value, an interpretation or a data-absent reason."
Expression: "value.exists() or interpretation.exists() or dataAbsentReason.exists()"
Severity: #error

Invariant: notice-text-payload
Description: "The notice text itself is a payload (contentString); a link to the printable page (contentAttachment) may accompany it but never replaces it."
Expression: "payload.where(content is string).exists()"
Severity: #error
