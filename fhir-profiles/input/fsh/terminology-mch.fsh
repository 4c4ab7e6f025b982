// Local CodeSystems of MCH techniques, certificates and institution roles (canonical base http://prenatal-cds.org/fhir, docs/rules.md#value-sets) and one
// ValueSet of each. Display in Chinese (the CodeSystem language zh-CN), English as a designation.
// test/profiles/terminology.test.ts keeps the codes equal to src/clinical/codes.ts.

CodeSystem: MchTechniqueCodes
Id: mch-technique
Title: "MCH special techniques"
Description: "The seven maternal and child health special techniques of ZJ-2023 Art. 3 (浙卫发〔2023〕9号)."
* ^status = #active
* ^caseSensitive = true
* ^language = #zh-CN
* ^content = #complete
* #genetic-disease-diagnosis "遗传病诊断"
* #genetic-disease-diagnosis ^designation[0].language = #en
* #genetic-disease-diagnosis ^designation[0].value = "Genetic disease diagnosis"
* #prenatal-diagnosis "产前诊断"
* #prenatal-diagnosis ^designation[0].language = #en
* #prenatal-diagnosis ^designation[0].value = "Prenatal diagnosis"
* #prenatal-screening "产前筛查"
* #prenatal-screening ^designation[0].language = #en
* #prenatal-screening ^designation[0].value = "Prenatal screening"
* #premarital-examination "婚前医学检查"
* #premarital-examination ^designation[0].language = #en
* #premarital-examination ^designation[0].value = "Premarital medical examination"
* #midwifery "助产技术"
* #midwifery ^designation[0].language = #en
* #midwifery ^designation[0].value = "Midwifery"
* #ligation "结扎手术"
* #ligation ^designation[0].language = #en
* #ligation ^designation[0].value = "Sterilisation (ligation)"
* #pregnancy-termination "终止妊娠手术"
* #pregnancy-termination ^designation[0].language = #en
* #pregnancy-termination ^designation[0].value = "Termination of pregnancy"

ValueSet: MchTechniqueVS
Id: mch-technique
Title: "MCH special techniques (all codes)"
Description: "All codes of CodeSystem mch-technique."
* ^status = #active
* include codes from system MchTechniqueCodes

CodeSystem: MchCertificateTypeCodes
Id: mch-certificate-type
Title: "MCH certificate types"
Description: "How a practitioner's qualification for an MCH technique is documented (ZJ-2023 Art. 15, 17)."
* ^status = #active
* ^caseSensitive = true
* ^language = #zh-CN
* ^content = #complete
* #assessment-certificate "母婴保健技术考核合格证书"
* #assessment-certificate ^designation[0].language = #en
* #assessment-certificate ^designation[0].value = "MCH technical assessment certificate"
* #annotated-physician-licence "医师执业证书加注母婴保健技术类别"
* #annotated-physician-licence ^designation[0].language = #en
* #annotated-physician-licence ^designation[0].value = "Physician practising licence annotated with the MCH technique"

ValueSet: MchCertificateTypeVS
Id: mch-certificate-type
Title: "MCH certificate types (all codes)"
Description: "All codes of CodeSystem mch-certificate-type."
* ^status = #active
* include codes from system MchCertificateTypeCodes

CodeSystem: MchInstitutionRoleCodes
Id: mch-institution-role
Title: "MCH institution roles"
Description: "The role of an institution in prenatal screening and diagnosis (ZJ-2023 Art. 29, 37)."
* ^status = #active
* ^caseSensitive = true
* ^language = #zh-CN
* ^content = #complete
* #prenatal-diagnosis-institution "产前诊断机构"
* #prenatal-diagnosis-institution ^designation[0].language = #en
* #prenatal-diagnosis-institution ^designation[0].value = "Prenatal diagnosis institution"
* #prenatal-screening-institution "产前筛查机构"
* #prenatal-screening-institution ^designation[0].language = #en
* #prenatal-screening-institution ^designation[0].value = "Prenatal screening institution"

ValueSet: MchInstitutionRoleVS
Id: mch-institution-role
Title: "MCH institution roles (all codes)"
Description: "All codes of CodeSystem mch-institution-role."
* ^status = #active
* include codes from system MchInstitutionRoleCodes
