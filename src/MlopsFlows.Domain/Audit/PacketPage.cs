using System.Security.Cryptography;
using System.Text;

namespace MlopsFlows.Domain.Audit;

/// <summary>
/// The fixed parts of the packet page: its style sheet, its two small scripts and the content security policy that
/// lets only these run. The scripts are optional comforts (a check that every section is there, a filter for the
/// evidence table); the page reads and prints the same without them.
/// </summary>
internal static class PacketPage
{
    /// <summary>Runs first, so that any later script error is written on the root element where a headless browser can read it.</summary>
    public const string ErrorRecorder =
        "(function(){var root=document.documentElement;window.addEventListener('error',function(e){"
        + "var message=(e&&e.message)?e.message:'script error';"
        + "root.dataset.scriptErrors=(root.dataset.scriptErrors?root.dataset.scriptErrors+' | ':'')+message;});})();";

    public const string Style = """
        :root{--pass:#1a7f37;--fail:#cf222e;--warn:#9a6700;--neutral:#57606a;--line:#d0d7de;--muted:#57606a;--ink:#1f2328;--paper:#f6f8fa}
        *{box-sizing:border-box}
        html{color-scheme:light}
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;color:var(--ink);background:#fff;margin:0 auto;max-width:1160px;padding:24px 28px 40px;line-height:1.45;font-size:14px}
        h1{font-size:25px;margin:0 0 6px}
        h2{font-size:19px;border-bottom:2px solid var(--ink);padding-bottom:4px;margin:36px 0 12px}
        h3{font-size:15.5px;margin:22px 0 8px}
        h4{font-size:14px;margin:14px 0 6px}
        p{margin:6px 0 10px}
        code,.mono,td.hash{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;font-size:12px}
        table{border-collapse:collapse;width:100%;margin:6px 0 16px;font-size:12.5px}
        th,td{border:1px solid var(--line);padding:4px 6px;text-align:left;vertical-align:top}
        td{overflow-wrap:break-word}
        th{background:var(--paper);font-weight:600}
        td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
        td.num{white-space:nowrap}
        td.hash,td.time{white-space:nowrap}
        tr.insufficient td{background:#fff8c5}
        tr.refused td{background:#fbefd5}
        .text{white-space:pre-line}
        .small{font-size:11px}
        .muted,.empty{color:var(--muted)}
        .empty{font-style:italic}
        .measures{color:var(--muted);font-size:11.5px;margin-top:2px}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:3px 18px;margin:8px 0 14px}
        dl.facts dt{font-weight:600;color:var(--muted)}
        dl.facts dd{margin:0;overflow-wrap:anywhere}
        .badge{display:inline-block;padding:1px 8px;border-radius:10px;color:#fff;font-weight:600;font-size:12px;white-space:nowrap;-webkit-print-color-adjust:exact;print-color-adjust:exact}
        .badge.tone-pass{background:var(--pass)}
        .badge.tone-fail{background:var(--fail)}
        .badge.tone-warn{background:var(--warn)}
        .badge.tone-neutral{background:var(--neutral)}
        .badge.outcome{font-size:16px;padding:3px 14px;border-radius:14px}
        header.summary{border:1px solid var(--line);border-radius:8px;padding:18px 22px;background:#fff}
        header.summary .kicker{font-size:12px;color:var(--muted);margin:0}
        header.summary .headline{display:flex;flex-wrap:wrap;align-items:center;gap:12px}
        .verify{background:var(--paper);border-left:4px solid #0969da;padding:8px 12px;margin:12px 0 0}
        nav.contents ol{columns:3;margin:6px 0 0;padding-left:22px}
        nav.contents{margin:18px 0 0}
        .step{border:1px solid var(--line);border-radius:8px;padding:2px 16px 8px;margin:14px 0}
        figure{margin:8px 0 12px}
        figcaption{font-size:12px;color:var(--muted);margin-top:4px}
        .charts{display:flex;flex-wrap:wrap;gap:12px 20px;align-items:flex-start}
        svg.chart{max-width:100%;height:auto;display:block;overflow:visible}
        svg text{font-family:inherit;font-size:11px;fill:var(--ink)}
        svg text.chart-title{font-size:12.5px;font-weight:600}
        svg text.tick{fill:var(--muted)}
        svg text.muted{fill:var(--muted);font-style:italic}
        svg text.strong{font-weight:700;font-size:12.5px}
        svg text.on-tone{fill:#fff}
        svg text.verdict-word{font-weight:600}
        svg text.verdict-word.tone-pass{fill:var(--pass)}
        svg text.verdict-word.tone-fail{fill:var(--fail)}
        svg text.verdict-word.tone-warn{fill:var(--warn)}
        svg text.verdict-word.tone-neutral{fill:var(--neutral)}
        svg text.slo-label{fill:var(--fail);font-weight:600}
        svg rect.tone-pass{fill:var(--pass)}
        svg rect.tone-fail{fill:var(--fail)}
        svg rect.tone-warn{fill:var(--warn)}
        svg rect.tone-neutral{fill:var(--neutral)}
        svg .grid{stroke:var(--line);stroke-width:1}
        svg .axis{stroke:var(--muted);stroke-width:1}
        svg .slo-line{stroke:var(--fail);stroke-width:1.5;stroke-dasharray:6 4}
        svg .traffic-line{fill:none;stroke:#0969da;stroke-width:2.5}
        svg .traffic-point{fill:#0969da}
        svg{-webkit-print-color-adjust:exact;print-color-adjust:exact}
        input.filter{font:inherit;padding:4px 8px;width:min(420px,100%);margin:4px 12px 6px 0}
        footer{margin-top:36px;border-top:1px solid var(--line);padding-top:8px;font-size:12px;color:var(--muted)}
        @page{size:A4;margin:14mm 12mm 14mm 12mm}
        @media print{
        body{max-width:none;padding:0;font-size:9.5pt}
        h2{margin-top:0}
        section.chapter{break-before:page}
        table{font-size:8.5pt}
        td{overflow-wrap:anywhere}
        td.time{white-space:normal;overflow-wrap:normal}
        thead{display:table-header-group}
        tr,.step,figure,svg,dl.facts{break-inside:avoid}
        h2,h3,h4{break-after:avoid}
        .no-print,input{display:none!important}
        #evidence-table tr[hidden]{display:table-row!important}
        a{color:inherit;text-decoration:none}
        header.summary{border-color:var(--ink)}
        }
        """;

    /// <summary>
    /// Runs last: marks the page rendered once every checklist section is present (a headless test reads the mark) and
    /// adds a filter above the evidence table. Printing shows every row whatever the filter holds.
    /// </summary>
    public static string Checks { get; } =
        "(function(){var root=document.documentElement;"
        + "var ids=[" + string.Join(",", PacketHtml.SectionIds.Select(id => "'" + id + "'")) + "];"
        + "var missing=ids.filter(function(id){return !document.getElementById(id);});"
        + "var table=document.getElementById('evidence-table');"
        + "if(table&&table.tBodies.length){"
        + "var rows=Array.prototype.slice.call(table.tBodies[0].rows);"
        + "var input=document.createElement('input');input.type='search';input.className='filter no-print';"
        + "input.placeholder='Filter records: step, decision, actor, hash';input.setAttribute('aria-label','Filter the evidence records');"
        + "var shown=document.createElement('span');shown.className='muted no-print';"
        + "input.addEventListener('input',function(){var query=input.value.trim().toLowerCase();var count=0;"
        + "rows.forEach(function(row){var text=row.textContent;row.querySelectorAll('[title]').forEach(function(cell){text+=' '+cell.title;});"
        + "var match=!query||text.toLowerCase().indexOf(query)>=0;row.hidden=!match;if(match){count++;}});"
        + "shown.textContent=query?count+' of '+rows.length+' records':'';});"
        + "table.parentNode.insertBefore(input,table);table.parentNode.insertBefore(shown,table);}"
        + "root.dataset.rendered=missing.length?'missing:'+missing.join(','):'ok';})();";

    /// <summary>Only the page's own style and scripts, byte for byte, and nothing fetched: a packet needs no network.</summary>
    public static string ContentSecurityPolicy { get; } =
        $"default-src 'none'; img-src data:; style-src '{Sha256(Style)}'; script-src '{Sha256(ErrorRecorder)}' '{Sha256(Checks)}'; base-uri 'none'; form-action 'none'";

    /// <summary>A CSP source expression for an inline element's exact text.</summary>
    private static string Sha256(string inline) => "sha256-" + Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(inline)));
}
