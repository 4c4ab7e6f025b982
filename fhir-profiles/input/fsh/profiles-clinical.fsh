// Patient, family history, and the resources the referral card creates (docs/design.md#written-notice).

Profile: PrenatalPatient
Parent: Patient
Id: prenatal-patient
Title: "Prenatal patient"
Description: "The pregnant woman the services evaluate. Gender is required (the services never fire on a male patient); birthDate may be partial (year only)."
* gender 1..1 MS
* birthDate MS
* name MS
* identifier MS

Profile: PrenatalFamilyMemberHistory
Parent: FamilyMemberHistory
Id: prenatal-family-member-history
Title: "Prenatal family member history"
Description: "A relative's condition relevant to genetic family history or a prior affected birth (docs/rules.md#genetic-family-history, docs/rules.md#prior-affected-birth): relationship coded in v3-RoleCode, at least one condition."
* patient only Reference(Patient)
* relationship MS
* relationship from $v3FamilyMemberVS (extensible)
* relationship.coding 1..*
* relationship.coding ^slicing.discriminator.type = #pattern
* relationship.coding ^slicing.discriminator.path = "system"
* relationship.coding ^slicing.rules = #open
* relationship.coding ^slicing.description = "A coding in v3-RoleCode"
* relationship.coding contains roleCode 1..1 MS
* relationship.coding[roleCode].system = "http://terminology.hl7.org/CodeSystem/v3-RoleCode"
* relationship.coding[roleCode].code 1..1
* condition 1..* MS
* condition.code MS

Profile: PrenatalReferralServiceRequest
Parent: ServiceRequest
Id: prenatal-referral-service-request
Title: "Referral for prenatal diagnosis"
Description: "The referral the referral card suggests (docs/design.md#written-notice; ZJ-2023 Art. 24, 25): code prenatal-order#prenatal-diagnosis-referral, the indications as reasonCode / reasonReference."
* status MS
* intent MS
* code 1..1 MS
* code = PrenatalOrderCodes#prenatal-diagnosis-referral
* subject MS
* subject only Reference(Patient)
* requester MS
* authoredOn MS
* reasonCode MS
* reasonReference MS

Profile: WrittenNoticeCommunication
Parent: Communication
Id: written-notice-communication
Title: "Written notice of the prenatal-diagnosis recommendation"
Description: "Records that the Art. 25 written notice was given (ZJ-2023 Art. 25; PDM Art. 20): category notice-category#prenatal-diagnosis-written-notice, about the referral, the notice text as payload, the rule ids it covers and the printable notice id."
* extension contains
    NoticeRules named noticeRules 1..* MS and
    NoticeId named noticeId 0..1 MS
* status MS
* category 1..* MS
* category ^slicing.discriminator.type = #pattern
* category ^slicing.discriminator.path = "$this"
* category ^slicing.rules = #open
* category ^slicing.description = "The written-notice category"
* category contains writtenNotice 1..1 MS
* category[writtenNotice] = NoticeCategoryCodes#prenatal-diagnosis-written-notice
* subject 1..1 MS
* subject only Reference(Patient)
* about MS
* sent MS
* sender MS
* payload 1..* MS
* payload.content[x] only string or Attachment
* obeys notice-text-payload
