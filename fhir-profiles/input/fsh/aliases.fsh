Alias: $loinc = http://loinc.org
Alias: $sct = http://snomed.info/sct
Alias: $ucum = http://unitsofmeasure.org
Alias: $v3RoleCode = http://terminology.hl7.org/CodeSystem/v3-RoleCode
Alias: $v3Interpretation = http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation
Alias: $v3FamilyMemberVS = http://terminology.hl7.org/ValueSet/v3-FamilyMember
