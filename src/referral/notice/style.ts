/**
 * Print stylesheet of the written notice page: A4, 18 mm margins, serif CJK font stack from the
 * system (no web fonts, no external resources — the page works offline and needs no scripts).
 */
export const NOTICE_CSS = `
@page { size: A4; margin: 18mm; }
* { box-sizing: border-box; }
html { font-family: "Songti SC", "STSong", "SimSun", "Noto Serif CJK SC", "Source Han Serif SC", "Noto Serif SC", "AR PL UMing CN", serif; font-size: 11pt; line-height: 1.6; color: #000; background: #fff; }
body { margin: 0; }
.notice { max-width: 174mm; margin: 0 auto; padding: 8mm 0; }
h1 { font-size: 18pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.1em; }
.institution { text-align: center; margin: 0 0 5mm; }
h2 { font-size: 12pt; margin: 5mm 0 2mm; break-after: avoid; }
p { margin: 0 0 2mm; text-align: justify; }
table.facts { width: 100%; border-collapse: collapse; margin-bottom: 4mm; }
table.facts th, table.facts td { border: 0.3mm solid #000; padding: 1.2mm 2mm; text-align: left; font-weight: normal; }
table.facts th { width: 22%; background: #f2f2f2; }
ol.indications { padding-left: 6mm; margin: 0; }
ol.indications > li { margin-bottom: 2mm; break-inside: avoid; }
.basis, ul.evidence { font-size: 9.5pt; color: #222; }
ul.evidence { margin: 0.5mm 0 0; padding-left: 5mm; }
dl.where { display: grid; grid-template-columns: 24mm 1fr; gap: 1mm 3mm; margin: 0; }
dl.where dt { font-weight: bold; }
dl.where dd { margin: 0; }
ul.choices { list-style: none; padding: 0; margin: 2mm 0; }
ul.choices li { margin: 1.5mm 0; font-size: 12pt; }
.box { display: inline-block; width: 1.2em; font-size: 14pt; }
.signatures { margin-top: 8mm; break-inside: avoid; }
.sign-row { display: flex; gap: 6mm; margin: 7mm 0 0; align-items: flex-end; }
.sign-row .field { flex: 1; white-space: nowrap; }
.line { display: inline-block; min-width: 34mm; border-bottom: 0.3mm solid #000; }
.line.short { min-width: 22mm; }
footer { margin-top: 8mm; padding-top: 2mm; border-top: 0.3mm solid #000; font-size: 8.5pt; color: #333; word-break: break-all; }
@media screen { body { background: #ddd; } .notice { background: #fff; padding: 18mm; margin: 8mm auto; max-width: 210mm; box-shadow: 0 0 3mm #999; } }
`;
