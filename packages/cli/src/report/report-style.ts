/**
 * The page's only stylesheet, inlined so the report opens offline. System fonts only: no font
 * file may be fetched. Colours meet WCAG AA contrast on their backgrounds; the baseline is
 * also dashed so the charts survive greyscale printing and colour-blind readers.
 */
export const REPORT_CSS = `
:root{--ink:#1c2128;--muted:#57606a;--line:#d8dee4;--soft:#f6f8fa;--page:#eef1f5;--card:#fff;
--accent:#0b5cad;--base:#b4530b;--good:#116329;--good-bg:#dafbe1;--bad:#a40e26;--bad-bg:#ffebe9;--warn:#7d4e00;--warn-bg:#fff8c5;
--mono:ui-monospace,SFMono-Regular,"SF Mono",Menlo,Consolas,"Liberation Mono",monospace}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;background:var(--page);color:var(--ink);font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;font-variant-numeric:tabular-nums}
main{max-width:1120px;margin:0 auto;padding:32px 20px 48px}
h1,h2,h3{line-height:1.2;margin:0}
h1{font-size:2rem;font-weight:750;letter-spacing:-.02em;margin:.15rem 0 .35rem}
h2{font-size:1.3rem;font-weight:700;letter-spacing:-.01em;margin-bottom:.6rem}
h3{font-size:.95rem;font-weight:650;margin:1.3rem 0 .5rem}
code{font-family:var(--mono);font-size:.86em;background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:.05em .3em}
.eyebrow{margin:0;text-transform:uppercase;letter-spacing:.12em;font-size:.75rem;font-weight:700;color:var(--accent)}
.run-meta{margin:0;color:var(--muted)}
.masthead{margin-bottom:20px}
.muted,.direction,.figure-note{color:var(--muted)}
.lede{color:var(--muted);margin:0 0 1rem;max-width:75ch}
.na{color:var(--muted)}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:24px 26px;margin:0 0 20px;box-shadow:0 1px 2px rgba(31,35,40,.04)}
.verdict{display:flex;gap:24px;align-items:stretch;justify-content:space-between;border-radius:14px;padding:24px 28px;margin-bottom:16px;border:1px solid;border-left-width:8px}
.verdict-accepted{background:var(--good-bg);border-color:#4ac26b;border-left-color:var(--good);color:#0a3d1c}
.verdict-rejected{background:var(--bad-bg);border-color:#ff8182;border-left-color:var(--bad);color:#5f0614}
.verdict-kicker{margin:0;text-transform:uppercase;letter-spacing:.12em;font-size:.75rem;font-weight:700}
.verdict-text{margin:.1rem 0 .4rem;font-size:2.4rem;font-weight:800;letter-spacing:-.02em;line-height:1.1}
.verdict-icon{display:inline-block;width:1.15em;height:1.15em;line-height:1.15em;text-align:center;border-radius:50%;color:#fff;font-size:.75em;vertical-align:.12em}
.verdict-accepted .verdict-icon{background:var(--good)}
.verdict-rejected .verdict-icon{background:var(--bad)}
.verdict-summary{margin:0;max-width:62ch;font-size:1.02rem}
.reasons{margin:.7rem 0 0;padding:0;list-style:none}
.reasons li{margin:.35rem 0;overflow-wrap:anywhere}
.verdict-comparison,.verdict-rule{margin:.6rem 0 0;max-width:70ch;font-size:.9rem}
.verdict-recipe{font-size:.7em;font-weight:600}
.reason-code{font:700 .72rem/1 var(--mono);background:var(--bad);color:#fff;border-radius:4px;padding:.25em .45em;margin-right:.4em;vertical-align:.1em}
.deltaone{display:flex;flex-direction:column;align-items:flex-end;justify-content:center;text-align:right;min-width:200px}
.deltaone-value{font-size:3.4rem;font-weight:800;letter-spacing:-.03em;line-height:1}
.deltaone-unit{font-weight:700;text-transform:uppercase;letter-spacing:.1em;font-size:.8rem;margin-top:.3rem}
.deltaone-note{font-size:.8rem;opacity:.9;max-width:24ch}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:12px;margin-bottom:20px}
.figure{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:12px 14px;display:flex;flex-direction:column}
.figure-label{font-size:.75rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);font-weight:650}
.figure-value{font-size:1.35rem;font-weight:700;margin:.1rem 0}
.figure-value small{font-size:.8rem;font-weight:500;color:var(--muted);display:inline-block;white-space:nowrap}
.figure-note{font-size:.8rem}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.92rem}
caption{text-align:left;font-weight:650;font-size:.85rem;padding-bottom:.3rem}
th,td{padding:.5rem .65rem;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle}
thead th{font-size:.75rem;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);font-weight:650;border-bottom:2px solid var(--line);white-space:nowrap}
tbody th{font-weight:600}
.metrics tbody th{white-space:nowrap}
.num{text-align:right;white-space:nowrap}
tr.primary{background:#f0f6ff}
tr.primary th{box-shadow:inset 3px 0 0 var(--accent)}
.direction{display:block;font-size:.75rem;font-weight:400}
.delta{font-weight:700}
.good{color:var(--good)}
.bad{color:var(--bad)}
.flat{color:var(--muted)}
.badge{display:inline-block;font-size:.68rem;font-weight:700;text-transform:uppercase;letter-spacing:.06em;padding:.15em .5em;border-radius:999px;background:#ddf4ff;color:#0a3069;vertical-align:.15em;margin-left:.3em}
.badge-warn{background:var(--warn-bg);color:var(--warn);border:1px solid #d4a72c}
.badge-good{background:var(--good-bg);color:var(--good)}
.badge-bad{background:var(--bad-bg);color:var(--bad)}
td.test{font-size:.85rem;color:var(--muted);min-width:17ch}
td.plot,th.plot{text-align:center}
.interval{display:block;margin:0 auto;overflow:visible}
.interval .zero{stroke:#8c959f;stroke-width:1}
.interval .ci{stroke-width:4;stroke-linecap:round;stroke:currentColor;opacity:.4}
.interval circle{fill:currentColor}
.split{display:grid;grid-template-columns:repeat(auto-fit,minmax(300px,1fr));gap:8px 32px;align-items:start}
.notes ul{margin:0;padding-left:1.1rem;color:var(--muted);font-size:.9rem}
.notes li{margin:.25rem 0}
.confusions{display:flex;gap:16px;flex-wrap:wrap;margin-top:1.3rem}
.confusion{width:auto;font-size:.85rem}
.confusion th,.confusion td{padding:.3rem .55rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,400px),1fr));gap:20px}
.bins{font-size:.84rem}
.bins th,.bins td{padding:.32rem .45rem}
.calibration-bins{align-self:start}
.chart-card{margin:0;border:1px solid var(--line);border-radius:10px;padding:12px 12px 14px;background:#fff}
.chart-card figcaption{font-size:.84rem;color:var(--muted);margin-top:.4rem}
.chart-card figcaption strong{color:var(--ink)}
.chart-missing{color:var(--muted);padding:2rem 0;text-align:center}
.chart{display:block;width:100%;height:auto;font-family:inherit}
.chart .plot-bg{fill:#fbfcfd}
.chart .grid{stroke:#e4e8ec;stroke-width:1}
.chart .frame{fill:none;stroke:#8c959f;stroke-width:1}
.chart .tick{font-size:11px;fill:#57606a}
.chart .axis-label{font-size:12.5px;fill:#1c2128;font-weight:600}
.chart .legend{font-size:12px;fill:#1c2128}
.chart .series{fill:none;stroke-width:2.4;stroke-linejoin:round;stroke-linecap:round}
.series-new{stroke:var(--accent)}
.series-baseline{stroke:var(--base);stroke-dasharray:7 4}
.chart .reference{stroke:#6e7781;stroke-width:1.3;stroke-dasharray:2 4}
.legend-swatch{stroke-width:3}
.markers circle{stroke:#fff;stroke-width:1.4}
.markers-new circle{fill:var(--accent)}
.markers-baseline circle{fill:var(--base)}
.key{font-weight:650;white-space:nowrap}
.key-new{color:var(--accent)}
.key-baseline{color:var(--base)}
th.group{text-align:center;border-bottom:1px solid var(--line);color:var(--ink)}
th.group.key-baseline{color:var(--base)}
th.group.key-new{color:var(--accent)}
.strata tr.small td,.strata tr.small th{background:#fffcf0}
.stratum-key{word-break:break-word;max-width:28ch}
.missing,.masked{font-style:italic;color:var(--muted);font-weight:400}
.score-line{display:flex;align-items:baseline;gap:12px;flex-wrap:wrap;margin-bottom:.4rem}
.score{font-size:2.2rem;font-weight:800;letter-spacing:-.02em;line-height:1}
.score-of{color:var(--muted)}
.bar{display:block;height:8px;border-radius:4px;background:#e4e8ec;overflow:hidden;margin:.2rem 0 .9rem;max-width:520px}
.bar-fill{display:block;height:100%;background:var(--accent);border-radius:4px}
.bar-cell{width:40%}
.bar-cell .bar{margin:0}
.quality th .direction{max-width:48ch}
.chips{list-style:none;margin:0 0 .6rem;padding:0;display:flex;flex-wrap:wrap;gap:8px}
.chips li{display:inline-flex;border:1px solid var(--line);border-radius:999px;overflow:hidden;font-size:.85rem}
.chip-type{padding:.2em .7em;background:var(--soft)}
.chip-count{padding:.2em .7em;font-weight:700;border-left:1px solid var(--line)}
.callout{border-radius:8px;padding:.7rem 1rem;margin:1rem 0 0}
.callout-warn{background:var(--warn-bg);color:#4d3100;border:1px solid #e7c66a}
ul.callout{padding-left:2rem}
.ledger{max-width:520px}
.ledger tr.minus td{color:var(--bad)}
.ledger tr.total th,.ledger tr.total td{border-top:2px solid var(--ink);font-weight:750}
.ledger tr.warn td{color:var(--warn);font-weight:700}
.empty{color:var(--muted);font-style:italic}
.hashes{display:grid;grid-template-columns:max-content 1fr;gap:.5rem 1.2rem;margin:0}
.hashes dt{font-weight:650}
.hashes dd{margin:0;min-width:0}
code.hash{word-break:break-all;font-size:.85rem}
pre.command{background:#161b22;color:#e6edf3;border-radius:8px;padding:.9rem 1.1rem;overflow-x:auto;margin:.4rem 0 .8rem}
pre.command code{background:none;border:0;color:inherit;font-size:.95rem;padding:0}
pre.command code::before{content:"$ ";color:#8b949e}
footer{color:var(--muted);font-size:.8rem;text-align:center;margin-top:28px}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.45rem 1.2rem;margin:0}
.facts dt{font-weight:650}
.facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
h4{font-size:.8rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:.2rem 0 .3rem}
.proof-scope{display:grid;grid-template-columns:repeat(auto-fit,minmax(min(100%,300px),1fr));gap:8px 32px}
.proof-scope ul{margin:0;padding-left:1.1rem;font-size:.9rem}
.proof-scope li{margin:.25rem 0}
.rule-full{display:block;color:var(--muted);font-size:.85rem;margin-top:.25rem}
.inputs code.hash{font-size:.78rem}
.profiles{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));gap:16px;margin-top:.6rem}
.profile{border:1px solid var(--line);border-radius:10px;padding:12px 14px;min-width:0}
.profile h3{margin:0 0 .35rem;font-size:.95rem}
.profile .kind{font-size:.72rem;font-weight:600;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin-left:.3em}
.psis{margin:0 0 .5rem;display:flex;flex-wrap:wrap;gap:6px}
.psi{font-size:.74rem;font-weight:650;border-radius:999px;padding:.12em .6em;border:1px solid var(--line);background:var(--soft)}
.psi-moderate{background:var(--warn-bg);color:var(--warn);border-color:#d4a72c}
.psi-major{background:var(--bad-bg);color:var(--bad);border-color:#ff8182}
.psi-stable{color:var(--good)}
.hist,.cats{display:block;width:100%;height:auto;overflow:visible}
.hist .axis{stroke:#8c959f;stroke-width:1}
.hist .tick,.cats .tick{font-size:10px;fill:#57606a}
.cats .cat-label{font-size:11px;fill:#1c2128}
rect.ds-base,.ds-swatch.ds-base{fill:#8c959f;background:#8c959f}
rect.ds-contributed,.ds-swatch.ds-contributed{fill:#1a7f37;background:#1a7f37}
rect.ds-benchmark,.ds-swatch.ds-benchmark{fill:#0b5cad;background:#0b5cad}
.ds-legend{display:flex;gap:16px;flex-wrap:wrap;margin:.2rem 0 0;font-size:.85rem}
.ds-key{display:inline-flex;align-items:center;gap:6px}
.ds-swatch{display:inline-block;width:12px;height:12px;border-radius:3px}
.profile-facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem .8rem;margin:.5rem 0 0;font-size:.84rem}
.profile-facts dt{color:var(--muted);font-weight:600}
.profile-facts dd{margin:0;min-width:0;overflow-wrap:anywhere}
.profile-facts dd.warn{color:var(--warn);font-weight:600}
.withheld{font-size:.85rem;color:var(--muted);font-style:italic}
.importance small{color:var(--muted);font-weight:400}
.plan tbody th{white-space:nowrap;vertical-align:top}
.plan td{vertical-align:top}
.plan-counts{display:block;font-size:.78rem;color:var(--muted);white-space:nowrap}
.plan-role{font-weight:650;white-space:nowrap}
.plan-role-target{color:var(--accent)}
.plan-role-excluded{color:var(--muted)}
.plan-why{display:block;font-size:.8rem;color:var(--muted)}
.plan-excluded th code{opacity:.75}
.plan-warnings-cell{min-width:24ch;max-width:60ch}
.plan-warnings{margin:0;padding:0;list-style:none;font-size:.85rem}
.plan-warnings li+li{margin-top:.3rem}
.plan-warning-code{display:inline-block;font-size:.72rem;font-weight:700;text-transform:uppercase;letter-spacing:.04em;color:var(--warn);background:var(--warn-bg);border:1px solid #e7c66a;border-radius:4px;padding:0 .35em;margin-right:.25em}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:900px){
.metrics .plot{display:none}
}
@media (max-width:640px){
.metrics thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.metrics,.metrics tbody{display:block;width:100%}
.metrics tr{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:.15rem .6rem;padding:.55rem .2rem;border-bottom:1px solid var(--line)}
.metrics tbody th{grid-column:1/-1;white-space:normal;border:0;padding:0 0 .2rem}
.metrics td{display:block;border:0;padding:.1rem 0;text-align:left;white-space:normal;min-width:0}
.metrics td::before{content:attr(data-label);display:block;font-size:.68rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:650}
.metrics td.ci-text{grid-column:span 2}
.metrics td.test{grid-column:1/-1;min-width:0}
.metrics td.plot{display:none}
.plan thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
.plan,.plan tbody{display:block;width:100%}
.plan tr{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.15rem .6rem;padding:.55rem .2rem;border-bottom:1px solid var(--line)}
.plan tbody th{grid-column:1/-1;white-space:normal;overflow-wrap:anywhere;border:0;padding:0 0 .2rem}
.plan td{display:block;border:0;padding:.1rem 0;min-width:0;max-width:none;overflow-wrap:anywhere}
.plan td::before{content:attr(data-label);display:block;font-size:.68rem;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);font-weight:650}
.plan td.plan-treatment,.plan td.plan-warnings-cell{grid-column:1/-1}
.plan-counts,.plan-role{white-space:normal}
}
@media (max-width:700px){
main{padding:18px 12px 32px}
h1{font-size:1.5rem}
.card{padding:18px 16px}
.verdict{flex-direction:column;padding:18px 18px}
.deltaone{align-items:flex-start;text-align:left}
.deltaone-value{font-size:2.6rem}
.verdict-text{font-size:1.9rem}
.hashes,.facts{grid-template-columns:1fr}
.facts dd{margin-bottom:.4rem}
}
@media print{
body{background:#fff;font-size:11pt}
main{max-width:none;padding:0}
.card,.figure,.chart-card{box-shadow:none;break-inside:avoid}
.card{border-color:#bbb}
.verdict,.badge,.reason-code,.bar-fill,.psi,rect[class^="ds-"],.ds-swatch,pre.command,tr.primary,.strata tr.small td{-webkit-print-color-adjust:exact;print-color-adjust:exact}
.charts{grid-template-columns:repeat(2,minmax(0,1fr))}
td.test{font-size:inherit}
.bins{font-size:7pt}
.bins th,.bins td{padding:.2rem .2rem}
thead th{font-size:6.5pt;letter-spacing:.02em}
.chart-card{padding:8px}
.table-wrap{overflow:visible}
table{font-size:8.5pt}
th,td{padding:.3rem .4rem}
.metrics .plot{display:none}
.figures{grid-template-columns:repeat(3,1fr)}
a{color:inherit}
}
`;
