/// The dashboard at `/`: one self-contained page (inline CSS, JavaScript and SVG; no external
/// assets). It reads `/api/jobs`, `/api/summary`, `/api/fleet` (the counts over every node, every
/// 5 s; `energy=gross` or `net` as the comparison's basis toggle says) and `/api/jobs/{id}` (with a
/// clip input's digest and a kept output), and follows `/events`
/// (Server-Sent Events: `fleet` events, a snapshot in pages then each second the nodes that changed,
/// see `FleetFeed`; `job` on each stored lifecycle event).
enum DashboardPage {
    static let html = #"""
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>ffrtmp fleet</title>
        <link rel="icon" href="data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Crect width='16' height='16' rx='3' fill='%235fb3f9'/%3E%3C/svg%3E">
        <style>
        :root { --bg:#0f1216; --panel:#171b21; --line:#262c35; --text:#d8dee6; --dim:#8892a0; --accent:#5fb3f9;
                --ok:#53c27a; --warn:#e0b040; --bad:#e06060; --mono: ui-monospace, SFMono-Regular, Menlo, monospace; }
        * { box-sizing: border-box; }
        body { margin:0; background:var(--bg); color:var(--text); font:14px/1.4 system-ui, sans-serif; }
        header { display:flex; align-items:baseline; gap:16px; padding:12px 20px; border-bottom:1px solid var(--line); }
        header h1 { font-size:18px; margin:0; }
        #conn { font-size:12px; color:var(--dim); }
        #conn.live { color:var(--ok); }
        main { display:grid; grid-template-columns: 1fr 1fr; gap:16px; padding:16px 20px; }
        section { background:var(--panel); border:1px solid var(--line); border-radius:6px; padding:12px 14px; min-width:0; }
        section.wide { grid-column: 1 / -1; }
        h2 { font-size:13px; text-transform:uppercase; letter-spacing:.06em; color:var(--dim); margin:0 0 8px; }
        table { border-collapse:collapse; width:100%; font-size:13px; }
        th, td { text-align:left; padding:4px 8px; border-bottom:1px solid var(--line); white-space:nowrap; }
        th { color:var(--dim); font-weight:500; }
        td.num, th.num { text-align:right; font-family:var(--mono); }
        tr.clickable { cursor:pointer; } tr.clickable:hover { background:#1e242c; }
        .status { padding:1px 6px; border-radius:3px; font-size:12px; }
        .available, .succeeded { background:#1d3b28; color:var(--ok); }
        .busy, .started, .progress, .queued, .retrying { background:#1d2f42; color:var(--accent); }
        .draining, .timeout, .cancelled { background:#3d3419; color:var(--warn); }
        .offline, .failed, .rejected { background:#432222; color:var(--bad); }
        .empty { color:var(--dim); font-style:italic; padding:6px 0; }
        .bars { display:flex; gap:16px; flex-wrap:wrap; }
        .bar { min-width:140px; } .bar .label { color:var(--dim); font-size:12px; }
        .bar .value { font:20px var(--mono); }
        svg { width:100%; height:160px; display:block; }
        svg.scaled { height:auto; max-height:320px; }
        svg text { fill:var(--dim); font-size:10px; font-family:var(--mono); }
        .legend { font-size:12px; color:var(--dim); display:flex; gap:12px; flex-wrap:wrap; }
        .swatch { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:4px; vertical-align:middle; }
        #detail pre { font:12px var(--mono); white-space:pre-wrap; color:var(--dim); max-height:200px; overflow:auto; }
        .estimated { color:var(--warn); font-size:11px; }
        select { background:var(--panel); color:var(--text); border:1px solid var(--line); font:inherit; }
        </style>
        </head>
        <body>
        <header><h1>ffrtmp fleet</h1><span id="conn">connecting…</span><span id="clock" class="legend"></span></header>
        <main>
          <section class="wide"><h2>Nodes</h2><div id="fleetSummary" class="legend"></div><div id="nodes"></div></section>
          <section><h2>Queues</h2><div id="queues" class="bars"></div></section>
          <section><h2>Running jobs</h2><div id="running"></div></section>
          <section><h2>Live fps</h2><svg id="fpsChart" viewBox="0 0 600 160" preserveAspectRatio="none"></svg><div id="fpsLegend" class="legend"></div></section>
          <section><h2>Live power (W)</h2><svg id="powerChart" viewBox="0 0 600 160" preserveAspectRatio="none"></svg><div id="powerLegend" class="legend"></div></section>
          <section class="wide"><h2>Configurations compared: energy per frame vs speed (succeeded runs, mean ± 95% CI)</h2>
            <div class="legend"><label>energy <select id="energyBasis"><option value="gross">gross (all the job's domains used)</option>
              <option value="net">net (less the idle baseline of --settle jobs)</option></select></label>
              <span id="basisNote"></span></div>
            <svg id="compareChart" class="scaled" viewBox="0 0 900 220"></svg><div id="compareLegend" class="legend"></div>
            <div id="summary"></div></section>
          <section class="wide"><h2>Recent jobs</h2><div id="jobs"></div></section>
          <section class="wide" id="detail" hidden><h2>Job <span id="detailId"></span></h2><div id="detailBody"></div></section>
        </main>
        <script>
        "use strict";
        const palette = ["#5fb3f9", "#53c27a", "#e0b040", "#e06060", "#b38cf0", "#4fd1c5", "#f08cc0", "#a0a8b4"];
        const history = { fps: new Map(), power: new Map() };
        const maxPoints = 120;
        let selectedJob = null;

        function el(tag, attrs, ...children) {
          const node = document.createElement(tag);
          for (const [key, value] of Object.entries(attrs || {})) {
            if (key === "class") node.className = value; else if (key.startsWith("on")) node[key] = value; else node.setAttribute(key, value);
          }
          for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(child ?? ""));
          return node;
        }
        function esc(text) { return String(text ?? "").replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`); }
        function fmt(value, digits = 1) { return value === null || value === undefined || Number.isNaN(value) ? "–" : Number(value).toFixed(digits); }
        function energy(joules) {
          if (joules === null || joules === undefined) return "–";
          return joules >= 1000 ? (joules / 1000).toFixed(2) + " kJ" : joules.toFixed(1) + " J";
        }
        function energyBasis() { return document.getElementById("energyBasis").value === "net" ? "net" : "gross"; }
        // The master's price of the energy in its region (region_cost), or why there is none.
        function cost(regionCost) {
          if (!regionCost) return "–";
          if (regionCost.status !== "priced") return "unavailable";
          return "$" + regionCost.usd.toPrecision(3) + " · " + regionCost.co2_g.toPrecision(3) + " g CO2";
        }
        function ago(ns) {
          if (!ns) return "–";
          const seconds = Math.max(0, Date.now() / 1000 - ns / 1e9);
          return seconds < 60 ? seconds.toFixed(0) + "s ago" : seconds < 3600 ? (seconds / 60).toFixed(0) + "m ago" : (seconds / 3600).toFixed(1) + "h ago";
        }
        function badge(text) { return el("span", { class: "status " + text }, text); }
        function table(headers, rows, onClick) {
          if (!rows.length) return el("div", { class: "empty" }, "nothing yet");
          const head = el("tr", {}, ...headers.map(([label, numeric]) => el("th", numeric ? { class: "num" } : {}, label)));
          const body = rows.map(row => {
            const tr = el("tr", onClick ? { class: "clickable", onclick: () => onClick(row) } : {},
              ...row.cells.map((cell, index) => el("td", headers[index][1] ? { class: "num" } : {}, cell)));
            return tr;
          });
          return el("table", {}, el("thead", {}, head), el("tbody", {}, ...body));
        }
        function replace(id, node) { const target = document.getElementById(id); target.replaceChildren(node); }

        function push(series, key, value) {
          if (value === null || value === undefined || !Number.isFinite(value)) return;
          const points = series.get(key) || [];
          points.push({ t: Date.now(), v: value });
          while (points.length > maxPoints) points.shift();
          series.set(key, points);
        }
        function drawLines(svgId, legendId, series) {
          const svg = document.getElementById(svgId);
          const now = Date.now(), span = maxPoints * 1000;
          let top = 1;
          for (const points of series.values()) for (const p of points) top = Math.max(top, p.v);
          top *= 1.1;
          const parts = [];
          for (let i = 0; i <= 4; i++) {
            const y = 150 - i * 35;
            parts.push(`<line x1="40" x2="600" y1="${y}" y2="${y}" stroke="#262c35"/><text x="2" y="${y + 3}">${(top * i / 4).toFixed(top < 10 ? 1 : 0)}</text>`);
          }
          for (const [key, points] of series) if (!points.length || now - points[points.length - 1].t > span) series.delete(key);
          const legend = [];
          let index = 0;
          for (const [key, points] of series) {
            const color = palette[index++ % palette.length];
            const coords = points.filter(p => now - p.t <= span)
              .map(p => `${(40 + 560 * (1 - (now - p.t) / span)).toFixed(1)},${(150 - 140 * p.v / top).toFixed(1)}`);
            if (coords.length) parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${coords.join(" ")}"/>`);
            legend.push(el("span", {}, el("span", { class: "swatch", style: "background:" + color }), key));
          }
          svg.innerHTML = parts.join("");
          document.getElementById(legendId).replaceChildren(...legend);
        }

        // The fleet as /events tells it: a snapshot in pages, then the nodes that changed each second.
        const fleet = { nodes: new Map(), queues: [], total: 0 };
        const maxNodeRows = 500, maxSeries = 40;
        let renderPending = false;
        function takeFleet(update) {
          if (update.first) fleet.nodes.clear();
          for (const node of update.nodes) fleet.nodes.set(node.node_id, node);
          fleet.queues = update.queues;
          fleet.total = update.total;
          if (update.kind === "delta") sampleHistory();
          if (!renderPending) { renderPending = true; setTimeout(() => { renderPending = false; renderFleet(); }, 50); }
        }
        function sampleHistory() {
          let nodes = 0, jobs = 0;
          for (const node of fleet.nodes.values()) {
            if (node.status !== "offline" && node.watts !== null && node.watts !== undefined && nodes++ < maxSeries) push(history.power, node.node_id, node.watts);
            for (const job of (node.jobs || [])) if (jobs++ < maxSeries) push(history.fps, job.id, job.fps);
          }
        }
        function renderFleet() {
          const running = [];
          const nodes = [...fleet.nodes.values()].sort((a, b) => a.node_id < b.node_id ? -1 : a.node_id > b.node_id ? 1 : 0);
          for (const node of nodes) for (const job of (node.jobs || [])) running.push({ node: node.node_id, job });
          const nodeRows = nodes.slice(0, maxNodeRows).map(node => ({ cells: [node.node_id, badge(node.status), node.cpu_model || "–",
            String(node.gpus ?? "–"), (node.proven || []).join(", ") || "none", `${node.slots_busy ?? 0}/${node.slots_total ?? 0}`,
            fmt(node.cpu_percent, 0) + "%", el("span", {}, fmt(node.watts, 1), node.estimated ? el("span", { class: "estimated" }, " est.") : ""),
            ago(node.last_seen)] }));
          const nodeTable = table([["node"], ["status"], ["cpu model"], ["gpus", true], ["proven"], ["slots", true], ["cpu", true], ["watts", true], ["seen"]], nodeRows);
          const more = nodes.length > maxNodeRows ? el("div", { class: "empty" }, `and ${nodes.length - maxNodeRows} more of ${fleet.total} (ffrtmp nodes, /api/nodes?after=)`) : "";
          document.getElementById("nodes").replaceChildren(nodeTable, more);
          const queues = fleet.queues.map(q => el("div", { class: "bar" }, el("div", { class: "label" }, "job." + q.capability),
            el("div", { class: "value" }, `${q.pending} waiting`), el("div", { class: "label" }, `${q.running} running`)));
          replace("queues", queues.length ? el("div", { class: "bars" }, ...queues) : el("div", { class: "empty" }, "no queues (run ffrtmp setup)"));
          const runningRows = running.slice(0, maxNodeRows).map(({ node, job }) => ({ id: job.id, cells: [job.id, node, fmt(job.fps, 1), job.speed ? fmt(job.speed, 2) + "x" : "–",
            job.progress !== undefined && job.progress !== null ? (job.progress * 100).toFixed(0) + "%" : "–", fmt(job.cpu_percent, 0) + "%"] }));
          replace("running", table([["job"], ["node"], ["fps", true], ["speed", true], ["done", true], ["cpu", true]], runningRows, row => showJob(row.id)));
          drawLines("fpsChart", "fpsLegend", history.fps);
          drawLines("powerChart", "powerLegend", history.power);
        }

        async function getJSON(path) {
          const response = await fetch(path, { headers: { Accept: "application/json" } });
          if (!response.ok) throw new Error(path + ": HTTP " + response.status);
          return response.json();
        }

        async function refreshTables() {
          const [jobs, summary, whole] = await Promise.all([getJSON("/api/jobs?limit=25"), getJSON("/api/summary?energy=" + energyBasis()), getJSON("/api/fleet")]);
          const states = ["available", "busy", "draining", "offline"].map(s => `${whole.by_status[s] || 0} ${s}`).join(", ");
          document.getElementById("fleetSummary").textContent = `${whole.nodes} nodes: ${states}; slots ${whole.slots_busy}/${whole.slots_total} busy; ${fmt(whole.power_watts, 0)} W (/api/fleet)`;
          replace("jobs", table([["job"], ["state"], ["node"], ["scenario"], ["encoder"], ["attempt", true], ["updated"]],
            jobs.jobs.map(j => ({ id: j.job_id, cells: [j.job_id, badge(j.state), j.node_id || (j.target_node ? "for " + j.target_node : "–"), j.scenario || "–", j.encoder || "–", String(j.attempt), ago(j.updated_at)] })),
            row => showJob(row.id)));
          const rows = summary.summary;
          const pm = (f, d) => f ? fmt(f.mean, d) + (f.ci95 != null ? " ± " + fmt(f.ci95, d) : "") : "–";
          const label = r => (r.configuration && r.configuration.label) || ((r.scenario || "–") + " " + (r.encoder || ""));
          const perPoint = r => { const q = r.j_per_quality_point; return q ? Object.keys(q).sort().map(k => k.toUpperCase() + " " + Number(q[k]).toPrecision(3)).join(" · ") : "–"; };
          const net = energyBasis() === "net";
          // Net energy exists only for jobs submitted with --settle: a row without it says so, never 0.
          const energyCell = (r, f, d) => net && !(r.stats && r.stats[f] && r.stats[f].n) ? "no baseline" : pm((r.stats || {})[f], d);
          replace("summary", table([["configuration"], ["node"], ["n", true], ["fps", true], [(net ? "net " : "") + "J/frame", true], [(net ? "net " : "") + "W", true], ["PSNR", true], ["J/frame per quality point"], ["cost", true], ["source"]],
            rows.map(r => { const s = r.stats || {}; return { cells: [label(r), r.node_id, String(r.runs), pm(s.fps, 1), energyCell(r, "j_per_frame", 4), energyCell(r, "watts", 1), pm(s.psnr, 2), perPoint(r), cost(r.region_cost), r.energy_sources || "–"] }; })));
          const unsettled = rows.filter(r => !(r.stats && r.stats.j_per_frame && r.stats.j_per_frame.n)).length;
          document.getElementById("basisNote").textContent = net && unsettled ? `${unsettled} of ${rows.length} configurations have no baseline (submit with --settle): left out of the chart` : "";
          drawComparison(rows);
        }

        function drawComparison(rows) {
          const svg = document.getElementById("compareChart");
          const points = rows.filter(r => r.fps && r.j_per_frame);
          if (!points.length) { svg.innerHTML = `<text x="20" y="110">no succeeded runs with energy yet</text>`; document.getElementById("compareLegend").replaceChildren(); return; }
          const high = (p, f, v) => (p.stats && p.stats[f] && p.stats[f].ci_high != null) ? p.stats[f].ci_high : v;
          const low = (p, f, v) => (p.stats && p.stats[f] && p.stats[f].ci_low != null) ? Math.max(0, p.stats[f].ci_low) : v;
          const maxX = Math.max(...points.map(p => high(p, "fps", p.fps))) * 1.1, maxY = Math.max(...points.map(p => high(p, "j_per_frame", p.j_per_frame))) * 1.1;
          const encoders = [...new Set(points.map(p => p.encoder))];
          const parts = [`<line x1="50" y1="200" x2="890" y2="200" stroke="#262c35"/><line x1="50" y1="10" x2="50" y2="200" stroke="#262c35"/>`,
            `<text x="800" y="215">fps →</text><text x="2" y="12">J/frame</text><text x="2" y="200">0</text><text x="2" y="24">${maxY.toFixed(3)}</text><text x="860" y="215">${maxX.toFixed(0)}</text>`];
          const px = v => 50 + 840 * v / maxX, py = v => 200 - 190 * v / maxY;
          for (const p of points) {
            const x = px(p.fps), y = py(p.j_per_frame);
            const color = palette[encoders.indexOf(p.encoder) % palette.length];
            // Error bars: the 95 % confidence interval of each mean (only with 2 or more runs).
            if (low(p, "j_per_frame", p.j_per_frame) !== high(p, "j_per_frame", p.j_per_frame))
              parts.push(`<line class="errorbar" x1="${x.toFixed(1)}" x2="${x.toFixed(1)}" y1="${py(low(p, "j_per_frame", p.j_per_frame)).toFixed(1)}" y2="${py(high(p, "j_per_frame", p.j_per_frame)).toFixed(1)}" stroke="${color}"/>`);
            if (low(p, "fps", p.fps) !== high(p, "fps", p.fps))
              parts.push(`<line class="errorbar" y1="${y.toFixed(1)}" y2="${y.toFixed(1)}" x1="${px(low(p, "fps", p.fps)).toFixed(1)}" x2="${px(high(p, "fps", p.fps)).toFixed(1)}" stroke="${color}"/>`);
            const name = (p.configuration && p.configuration.label) || (p.encoder + " " + p.scenario);
            parts.push(`<circle cx="${x.toFixed(1)}" cy="${y.toFixed(1)}" r="6" fill="${color}"><title>${esc(name)} on ${esc(p.node_id)}: n=${p.runs}, ${p.fps.toFixed(1)} fps, ${p.j_per_frame.toFixed(4)} J/frame</title></circle>`);
          }
          svg.innerHTML = parts.join("");
          document.getElementById("compareLegend").replaceChildren(...encoders.map((e, i) =>
            el("span", {}, el("span", { class: "swatch", style: "background:" + palette[i % palette.length] }), e || "?")));
        }

        async function showJob(id) {
          selectedJob = id;
          const job = await getJSON("/api/jobs/" + encodeURIComponent(id));
          document.getElementById("detail").hidden = false;
          document.getElementById("detailId").textContent = id;
          const result = job.results.length ? job.results[job.results.length - 1] : null;
          const facts = el("div", { class: "bars" },
            ...[["state", job.state], ["node", job.node_id || "–"], ["sent to", job.target_node || "any node"], ["attempt", String(job.attempt)],
              ["frames", result && result.ffmpeg ? String(result.ffmpeg.frames) : "–"],
              ["fps", result && result.ffmpeg ? fmt(result.ffmpeg.fps_avg, 1) : "–"],
              ["energy", result && result.energy ? energy(result.energy.e_total_j) + " (" + result.energy.source + ")" : "–"],
              ["cost", result ? cost(result.region_cost) : "–"], ["region", result && result.region ? result.region : "–"],
              ...(result && result.input_digest ? [["input", result.input_digest]] : []),
              ...(result && result.kept_output ? [["output kept", result.kept_output.bucket + "/" + result.kept_output.name]] : [])]
              .map(([label, value]) => el("div", { class: "bar" }, el("div", { class: "label" }, label), el("div", { class: "value" }, value))));
          const events = table([["event"], ["at"], ["node"], ["attempt", true], ["message"]],
            job.events.map(e => ({ cells: [badge(e.state), new Date(e.at / 1e6).toLocaleTimeString(), e.node_id || "–", String(e.attempt ?? "–"), e.message || ""] })));
          const chart = el("div", {});
          const series = new Map([["fps", job.telemetry.filter(s => Number.isFinite(s.fps)).map(s => ({ t: s.at / 1e6, v: s.fps }))]]);
          chart.innerHTML = `<svg class="scaled" viewBox="0 0 600 160">${seriesPath(series.get("fps"))}</svg>`;
          const argv = result && result.ffmpeg ? el("pre", {}, result.ffmpeg.argv.join(" ")) : "";
          document.getElementById("detailBody").replaceChildren(facts, events, chart, argv);
        }
        function seriesPath(points) {
          if (points.length < 2) return `<text x="20" y="80">${points.length ? "one fps sample stored (every 5 s per job): too few for a chart" : "no telemetry stored for this job"}</text>`;
          const t0 = points[0].t, t1 = Math.max(points[points.length - 1].t, t0 + 1), top = Math.max(1, ...points.map(p => p.v)) * 1.1;
          return `<polyline fill="none" stroke="#5fb3f9" stroke-width="2" points="${points.map(p => `${(40 + 560 * (p.t - t0) / (t1 - t0)).toFixed(1)},${(150 - 140 * p.v / top).toFixed(1)}`).join(" ")}"/><text x="2" y="14">${top.toFixed(0)} fps</text>`;
        }

        function connect() {
          const source = new EventSource("/events");
          const conn = document.getElementById("conn");
          source.addEventListener("fleet", message => { conn.textContent = "live"; conn.className = "live"; takeFleet(JSON.parse(message.data)); });
          source.addEventListener("job", message => {
            const event = JSON.parse(message.data);
            refreshTables().catch(showError);
            if (selectedJob === event.job_id) showJob(selectedJob).catch(showError);
          });
          source.onerror = () => { conn.textContent = "reconnecting…"; conn.className = ""; };
        }
        function showError(error) { document.getElementById("conn").textContent = String(error.message || error); }

        connect();
        document.getElementById("energyBasis").onchange = () => refreshTables().catch(showError);
        refreshTables().catch(showError);
        setInterval(() => { refreshTables().catch(showError); document.getElementById("clock").textContent = new Date().toLocaleTimeString(); }, 5000);
        </script>
        </body>
        </html>
        """#
}
