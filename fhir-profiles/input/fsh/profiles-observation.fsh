// Observation profiles for the data the rules read (docs/rules.md). Code lists are value
// sets (bindings) plus invariants (enforced by the validator).

ValueSet: EddObservationCodeVS
Id: edd-observation-code
Title: "EDD observation codes"
Description: "LOINC codes of an estimated date of delivery, in the order of preference of docs/rules.md#best-edd."
* ^status = #active
* $loinc#11778-8
* $loinc#11781-2
* $loinc#11779-6
* $loinc#11780-4

ValueSet: GestationalAgeObservationCodeVS
Id: gestational-age-observation-code
Title: "Gestational age observation codes"
Description: "LOINC codes of a gestational age (docs/rules.md#gestational-age)."
* ^status = #active
* $loinc#18185-9
* $loinc#11884-4
* $loinc#11885-1

ValueSet: AmnioticFluidObservationCodeVS
Id: amniotic-fluid-observation-code
Title: "Amniotic fluid observation codes"
Description: "LOINC codes of amniotic fluid measurements (docs/rules.md#amniotic-fluid)."
* ^status = #active
* $loinc#11627-7
* $loinc#11832-3

ValueSet: ScreeningRiskObservationCodeVS
Id: screening-risk-observation-code
Title: "Screening risk observation codes"
Description: "Codes of prenatal screening results (docs/rules.md#screening-high-risk): local risk codes and LOINC."
* ^status = #active
* PrenatalObservationCodes#t21-risk
* PrenatalObservationCodes#t18-risk
* PrenatalObservationCodes#t13-risk
* PrenatalObservationCodes#nipt-result
* $loinc#20450-3
* $loinc#48803-1

RuleSet: PrenatalObservationBase
* status MS
* subject 1..1 MS
* subject only Reference(Patient)
* effective[x] MS

Profile: EddObservation
Parent: Observation
Id: edd-observation
Title: "Estimated date of delivery"
Description: "An estimated date of delivery (EDD); the best EDD dates the pregnancy (docs/rules.md#best-edd)."
* insert PrenatalObservationBase
* code from EddObservationCodeVS (required)
* obeys edd-code
* value[x] 1..1 MS
* value[x] only dateTime

Profile: GestationalAgeObservation
Parent: Observation
Id: gestational-age-observation
Title: "Gestational age"
Description: "A gestational age in UCUM days or weeks, projected from its effective date (docs/rules.md#gestational-age)."
* insert PrenatalObservationBase
* effective[x] 1..1
* code from GestationalAgeObservationCodeVS (required)
* obeys ga-code
* value[x] 1..1 MS
* value[x] only Quantity
* valueQuantity.value 1..1
* valueQuantity obeys ga-unit

Profile: AmnioticFluidObservation
Parent: Observation
Id: amniotic-fluid-observation
Title: "Amniotic fluid measurement"
Description: "Amniotic fluid index (AFI) or deepest vertical pocket, in UCUM cm or mm (docs/rules.md#amniotic-fluid)."
* insert PrenatalObservationBase
* code from AmnioticFluidObservationCodeVS (required)
* obeys af-code
* value[x] MS
* value[x] only Quantity
* valueQuantity.value 1..1
* valueQuantity obeys length-unit

Profile: ScreeningRiskObservation
Parent: Observation
Id: screening-risk-observation
Title: "Prenatal screening result"
Description: "A serum, NT or NIPT screening result: a risk as a ratio (1:N), a string (\"1/270\"), a probability or MoM, or a coded result, with the lab's interpretation (docs/rules.md#risks, docs/rules.md#screening-high-risk)."
* insert PrenatalObservationBase
* code from ScreeningRiskObservationCodeVS (extensible)
* value[x] MS
* value[x] only Ratio or string or Quantity or CodeableConcept
* interpretation MS
* obeys screening-result
