/**
 * Print stylesheet of the written notice page: A4, margins that leave room for the running footer
 * (page.ts draws it in the page-margin boxes), serif CJK font stack from the system (no web fonts,
 * no external resources — the page works offline and needs no scripts). Two copies: the
 * institution's, and the woman's from a new page, printed only. Signature fields wrap in a grid,
 * each ruled line taking the rest of its cell, so no field (the English "Date:") runs off the page.
 */
export const NOTICE_CSS = `
@page { size: A4; margin: 16mm 16mm 20mm 16mm; }
* { box-sizing: border-box; }
html { font-family: "Songti SC", "STSong", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Serif SC", "AR PL UMing CN", "WenQuanYi Micro Hei", serif; font-size: 10.5pt; line-height: 1.55; color: #000; background: #fff; }
body { margin: 0; }
.notice { max-width: 178mm; margin: 0 auto; padding: 0; }
.copy-institution { page: institution-copy; }
.copy-woman { page: woman-copy; break-before: page; }
h1 { font-size: 17pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.1em; }
.institution { text-align: center; margin: 0 0 4mm; }
h2 { font-size: 11.5pt; margin: 4mm 0 1.5mm; break-after: avoid; }
p { margin: 0 0 1.5mm; text-align: justify; }
table.facts { width: 100%; border-collapse: collapse; margin-bottom: 3mm; table-layout: fixed; }
table.facts th, table.facts td { border: 0.3mm solid #000; padding: 1mm 2mm; text-align: left; font-weight: normal; overflow-wrap: anywhere; }
table.facts th { width: 20%; background: #f2f2f2; }
ol.indications { padding-left: 6mm; margin: 0; }
ol.indications > li { margin-bottom: 2mm; break-inside: avoid; }
.basis, ul.evidence { font-size: 9.5pt; }
ul.evidence { margin: 0.5mm 0 0; padding-left: 5mm; }
dl.where { display: grid; grid-template-columns: max-content 1fr; gap: 1mm 3mm; margin: 0; }
dl.where dt { font-weight: bold; }
dl.where dd { margin: 0; }
ul.choices { list-style: none; padding: 0; margin: 2mm 0; }
ul.choices li { display: flex; gap: 2mm; margin: 1.5mm 0; break-inside: avoid; }
.box { flex: none; width: 1.2em; font-size: 13pt; line-height: 1.2; }
.signatures { margin-top: 5mm; break-inside: avoid; }
.sign-grid { display: grid; grid-template-columns: 1fr 1fr; gap: 7mm 8mm; }
.sign-grid .field { display: flex; align-items: flex-end; min-width: 0; }
.sign-grid .field.wide { grid-column: 1 / -1; }
.sign-grid .label { flex: none; max-width: 100%; }
.line { display: inline-block; flex: 1; min-width: 20mm; height: 1.2em; border-bottom: 0.3mm solid #000; }
.line.write-in { min-width: 60mm; }
.legal { font-size: 9pt; margin-top: 4mm; }
footer p { text-align: left; }
footer { margin-top: 3mm; padding-top: 1.5mm; border-top: 0.3mm solid #000; font-size: 8pt; color: #000; overflow-wrap: anywhere; }
@media screen { body { background: #ddd; } .notice { background: #fff; padding: 16mm; margin: 8mm auto; max-width: 210mm; box-shadow: 0 0 3mm #999; } .copy-woman { display: none; } }
`;
