// Certificates and licences of MCH special techniques (docs/rules.md#credential-data; ZJ-2023 Art. 3, 10–19,
// 29, 37; NHC-2021 §1).

Profile: MchPractitioner
Parent: Practitioner
Id: mch-practitioner
Title: "Practitioner with MCH technique certificates"
Description: "A practitioner as the provincial registry import and the order-sign check see them: one qualification per MCH technique, coded in mch-technique, with the certificate number, validity, issuing authority, certificate type and last training."
* identifier MS
* name MS
* qualification MS
* qualification.extension contains
    MchCertificateType named certificateType 1..1 MS and
    MchLastTraining named lastTraining 0..1 MS
* qualification.identifier 1..1 MS
* qualification.identifier ^short = "Certificate number"
* qualification.code MS
* qualification.code.coding 1..*
* qualification.code.coding ^slicing.discriminator.type = #pattern
* qualification.code.coding ^slicing.discriminator.path = "system"
* qualification.code.coding ^slicing.rules = #open
* qualification.code.coding ^slicing.description = "The MCH technique"
* qualification.code.coding contains technique 1..1 MS
* qualification.code.coding[technique] from MchTechniqueVS (required)
* qualification.code.coding[technique].system = "http://prenatal-cds.org/fhir/CodeSystem/mch-technique"
* qualification.code.coding[technique].code 1..1
* qualification.period 1..1 MS
* qualification.period ^short = "Validity of the certificate"
* qualification.issuer MS
* qualification.issuer ^short = "Assessing authority"

Profile: MchOrganization
Parent: Organization
Id: mch-organization
Title: "Institution providing MCH techniques"
Description: "An institution with its MCH technical service licence(s), its prenatal screening / diagnosis role and NIPT cooperation agreements."
* extension contains
    MchLicence named mchLicence 0..* MS and
    MchInstitutionRole named institutionRole 0..* MS and
    NiptCooperation named niptCooperation 0..* MS
* name MS
* identifier MS
