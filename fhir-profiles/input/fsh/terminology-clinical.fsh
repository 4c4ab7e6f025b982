// Local CodeSystems of clinical data, orders, notices and overrides (canonical base http://prenatal-cds.org/fhir, docs/rules.md#value-sets) and one
// ValueSet of each. Display in Chinese (the CodeSystem language zh-CN), English as a designation.
// test/profiles/terminology.test.ts keeps the codes equal to src/clinical/codes.ts.

CodeSystem: PrenatalObservationCodes
Id: prenatal-observation
Title: "Prenatal observation codes"
Description: "Local observation and finding codes of prenatal-cds (docs/rules.md#value-sets)."
* ^status = #active
* ^caseSensitive = true
* ^language = #zh-CN
* ^content = #complete
* #nt-mm "胎儿颈项透明层厚度（毫米）"
* #nt-mm ^designation[0].language = #en
* #nt-mm ^designation[0].value = "Nuchal translucency thickness (mm)"
* #exposure-radiation "孕早期放射线暴露"
* #exposure-radiation ^designation[0].language = #en
* #exposure-radiation ^designation[0].value = "Early-pregnancy radiation exposure"
* #exposure-chemical "孕早期有毒有害化学物质暴露"
* #exposure-chemical ^designation[0].language = #en
* #exposure-chemical ^designation[0].value = "Early-pregnancy toxic chemical exposure"
* #exposure-infection "孕早期可能致畸的病原体感染"
* #exposure-infection ^designation[0].language = #en
* #exposure-infection ^designation[0].value = "Early-pregnancy infection with possible teratogenic effect"
* #exposure-drug "孕早期可能致畸的药物暴露"
* #exposure-drug ^designation[0].language = #en
* #exposure-drug ^designation[0].value = "Early-pregnancy exposure to a possibly teratogenic drug"
* #prior-birth-defect "曾分娩先天性缺陷儿"
* #prior-birth-defect ^designation[0].language = #en
* #prior-birth-defect ^designation[0].value = "Previous birth of a child with a congenital anomaly"
* #t21-risk "21三体综合征筛查风险值"
* #t21-risk ^designation[0].language = #en
* #t21-risk ^designation[0].value = "Trisomy 21 screening risk"
* #t18-risk "18三体综合征筛查风险值"
* #t18-risk ^designation[0].language = #en
* #t18-risk ^designation[0].value = "Trisomy 18 screening risk"
* #t13-risk "13三体综合征筛查风险值"
* #t13-risk ^designation[0].language = #en
* #t13-risk ^designation[0].value = "Trisomy 13 screening risk"
* #nipt-result "孕妇外周血胎儿游离DNA产前筛查结果"
* #nipt-result ^designation[0].language = #en
* #nipt-result ^designation[0].value = "Cell-free fetal DNA prenatal screening (NIPT) result"
* #high-risk "高风险"
* #high-risk ^designation[0].language = #en
* #high-risk ^designation[0].value = "High risk"
* #cell-therapy "细胞治疗"
* #cell-therapy ^designation[0].language = #en
* #cell-therapy ^designation[0].value = "Cell therapy"
* #ivf "辅助生殖（体外受精-胚胎移植）妊娠"
* #ivf ^designation[0].language = #en
* #ivf ^designation[0].value = "Pregnancy after in-vitro fertilisation"
* #bleeding-disorder "出血倾向或凝血功能障碍"
* #bleeding-disorder ^designation[0].language = #en
* #bleeding-disorder ^designation[0].value = "Bleeding tendency or coagulation disorder"
* #chronic-infection-active "活动期慢性感染"
* #chronic-infection-active ^designation[0].language = #en
* #chronic-infection-active ^designation[0].value = "Active chronic infection"
* #pregnancy-episode "本次妊娠"
* #pregnancy-episode ^designation[0].language = #en
* #pregnancy-episode ^designation[0].value = "Pregnancy episode"
* #obstetric-ultrasound "产科超声检查"
* #obstetric-ultrasound ^designation[0].language = #en
* #obstetric-ultrasound ^designation[0].value = "Obstetric ultrasound examination"
* #prenatal-diagnosis "产前诊断"
* #prenatal-diagnosis ^designation[0].language = #en
* #prenatal-diagnosis ^designation[0].value = "Prenatal diagnosis"

ValueSet: PrenatalObservationVS
Id: prenatal-observation
Title: "Prenatal observation codes (all codes)"
Description: "All codes of CodeSystem prenatal-observation."
* ^status = #active
* include codes from system PrenatalObservationCodes

CodeSystem: PrenatalOrderCodes
Id: prenatal-order
Title: "Prenatal order codes"
Description: "Local order codes of prenatal-cds (referral, prenatal screening and diagnosis procedures)."
* ^status = #active
* ^caseSensitive = true
* ^language = #zh-CN
* ^content = #complete
* #prenatal-diagnosis-referral "产前诊断转诊"
* #prenatal-diagnosis-referral ^designation[0].language = #en
* #prenatal-diagnosis-referral ^designation[0].value = "Referral for prenatal diagnosis"
* #nipt "孕妇外周血胎儿游离DNA产前筛查"
* #nipt ^designation[0].language = #en
* #nipt ^designation[0].value = "Cell-free fetal DNA prenatal screening (NIPT)"
* #amniocentesis "羊膜腔穿刺术"
* #amniocentesis ^designation[0].language = #en
* #amniocentesis ^designation[0].value = "Amniocentesis"
* #cvs "绒毛取材术"
* #cvs ^designation[0].language = #en
* #cvs ^designation[0].value = "Chorionic villus sampling"
* #cordocentesis "经皮脐静脉穿刺术"
* #cordocentesis ^designation[0].language = #en
* #cordocentesis ^designation[0].value = "Cordocentesis"
* #karyotype "染色体核型分析"
* #karyotype ^designation[0].language = #en
* #karyotype ^designation[0].value = "Karyotype analysis"
* #chromosomal-microarray "染色体微阵列分析"
* #chromosomal-microarray ^designation[0].language = #en
* #chromosomal-microarray ^designation[0].value = "Chromosomal microarray analysis"
* #serum-screening "孕妇血清学产前筛查"
* #serum-screening ^designation[0].language = #en
* #serum-screening ^designation[0].value = "Maternal serum prenatal screening"
* #fetal-sex-determination "胎儿性别鉴定"
* #fetal-sex-determination ^designation[0].language = #en
* #fetal-sex-determination ^designation[0].value = "Fetal sex determination"
* #nipt-counselling-consent "胎儿游离DNA检测咨询与知情同意"
* #nipt-counselling-consent ^designation[0].language = #en
* #nipt-counselling-consent ^designation[0].value = "NIPT counselling and informed consent"

ValueSet: PrenatalOrderVS
Id: prenatal-order
Title: "Prenatal order codes (all codes)"
Description: "All codes of CodeSystem prenatal-order."
* ^status = #active
* include codes from system PrenatalOrderCodes

CodeSystem: NoticeCategoryCodes
Id: notice-category
Title: "Notice categories"
Description: "Categories of the notices prenatal-cds records as Communication."
* ^status = #active
* ^caseSensitive = true
* ^language = #zh-CN
* ^content = #complete
* #prenatal-diagnosis-written-notice "产前诊断书面告知"
* #prenatal-diagnosis-written-notice ^designation[0].language = #en
* #prenatal-diagnosis-written-notice ^designation[0].value = "Written notice recommending prenatal diagnosis (ZJ-2023 Art. 25)"

ValueSet: NoticeCategoryVS
Id: notice-category
Title: "Notice categories (all codes)"
Description: "All codes of CodeSystem notice-category."
* ^status = #active
* include codes from system NoticeCategoryCodes

CodeSystem: OverrideReasonCodes
Id: override-reason
Title: "Card override reasons"
Description: "Reasons a clinician gives for overriding a prenatal-cds card (CDS Hooks overrideReasons)."
* ^status = #active
* ^caseSensitive = true
* ^language = #zh-CN
* ^content = #complete
* #already-referred "已转诊至产前诊断机构"
* #already-referred ^designation[0].language = #en
* #already-referred ^designation[0].value = "Already referred to a prenatal diagnosis institution"
* #declined-after-counselling "经咨询后孕妇拒绝或暂不接受"
* #declined-after-counselling ^designation[0].language = #en
* #declined-after-counselling ^designation[0].value = "Declined after counselling"
* #data-incorrect "病历数据有误"
* #data-incorrect ^designation[0].language = #en
* #data-incorrect ^designation[0].value = "Data in the record is incorrect"
* #not-currently-pregnant "目前未妊娠"
* #not-currently-pregnant ^designation[0].language = #en
* #not-currently-pregnant ^designation[0].value = "Not currently pregnant"
* #emergency-clinical-need "紧急临床需要"
* #emergency-clinical-need ^designation[0].language = #en
* #emergency-clinical-need ^designation[0].value = "Emergency clinical need"
* #certificate-data-outdated "资质数据已过时"
* #certificate-data-outdated ^designation[0].language = #en
* #certificate-data-outdated ^designation[0].value = "Certificate data are outdated"
* #registry-not-updated "资质登记系统尚未更新"
* #registry-not-updated ^designation[0].language = #en
* #registry-not-updated ^designation[0].value = "The certificate registry has not been updated"
* #medical-necessity-documented "已记录医学必要性"
* #medical-necessity-documented ^designation[0].language = #en
* #medical-necessity-documented ^designation[0].value = "Medical necessity is documented"

ValueSet: OverrideReasonVS
Id: override-reason
Title: "Card override reasons (all codes)"
Description: "All codes of CodeSystem override-reason."
* ^status = #active
* include codes from system OverrideReasonCodes
