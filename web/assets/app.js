// gridstream dashboard: plain JavaScript, no framework, nothing loaded from
// the network. Data: /api/devices and /api/stats (polled), /events (Server-
// Sent Events: every decoded message, bursts, the end of a file input).
"use strict";

const $ = (sel) => document.querySelector(sel);
const MAX_MESSAGES = 200; // rows kept in the messages table
const MAX_BURSTS = 4000; // bursts kept for the band view

const state = {
  devices: [],
  stats: {},
  sortKey: "last_heard",
  sortDir: -1,
  filter: "",
  protocol: "",
  bursts: [],
  messages: 0,
  ended: false,
};

// ---- formatting ----
const fmtNum = (v, d = 0) => (v == null || Number.isNaN(v) ? "" : Number(v).toFixed(d));
const fmtMHz = (hz) => (hz == null ? "" : (Math.abs(hz) < 500 ? 0 : hz / 1e6).toFixed(3));
function fmtTime(s) {
  if (!s) return "";
  const d = new Date(s);
  if (Number.isNaN(d.getTime())) return s;
  return d.toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}
function fmtDuration(sec) {
  if (sec == null) return "";
  const d = Math.floor(sec / 86400), h = Math.floor((sec % 86400) / 3600), m = Math.floor((sec % 3600) / 60);
  if (d > 0) return `${d}d ${h}h`;
  if (h > 0) return `${h}h ${m}m`;
  return `${m}m ${sec % 60}s`;
}
function fmtSI(v, unit) {
  if (v == null) return "";
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(2) + " G" + unit;
  if (a >= 1e6) return (v / 1e6).toFixed(2) + " M" + unit;
  if (a >= 1e3) return (v / 1e3).toFixed(1) + " k" + unit;
  return v.toFixed(0) + " " + unit;
}
function network(d) {
  if (d.protocol === "nge101") return d.channel ? `channel ${d.channel}` : "";
  const parts = [];
  if (d.utility) parts.push(d.utility);
  if (d.network_id != null) parts.push(`network ${d.network_id}`);
  if (d.crc_init) parts.push(`(${d.crc_init})`);
  return parts.join(" ");
}
function freqRange(d) {
  if (d.freq_min_hz == null) return "";
  if (d.freq_max_hz - d.freq_min_hz < 500) return fmtMHz(d.freq_min_hz);
  return `${fmtMHz(d.freq_min_hz)}–${fmtMHz(d.freq_max_hz)}`;
}

// ---- devices table ----
// key: the field sorted on (or a getter); text: the cell; cls: its class.
const columns = [
  { key: "protocol", label: "Protocol" },
  { key: "id", label: "ID", cls: () => "id" },
  { key: "network", label: "Network / utility", get: network },
  { key: "learned", label: "Learned", text: (d) => (d.protocol === "gridstream" ? (d.learned ? "learned" : "known") : ""), cls: (d) => (d.learned ? "yes" : "") },
  { key: "first_heard", label: "First heard", text: (d) => fmtTime(d.first_heard) },
  { key: "last_heard", label: "Last heard", text: (d) => fmtTime(d.last_heard) },
  { key: "frames", label: "Frames", num: true },
  { key: "rssi_db", label: "RSSI dB", num: true, text: (d) => fmtNum(d.rssi_db, 1) },
  { key: "snr_db", label: "SNR dB", num: true, text: (d) => fmtNum(d.snr_db, 1) },
  { key: "freq_min_hz", label: "Frequency MHz", text: freqRange },
  { key: "bauds", label: "Bauds", get: (d) => (d.bauds || []).join(", ") },
  { key: "uptime_s", label: "Uptime", num: true, text: (d) => fmtDuration(d.uptime_s) },
  { key: "last_outage", label: "Last outage", text: (d) => fmtTime(d.last_outage) },
  { key: "power_w", label: "Power W", num: true, text: (d) => fmtNum(d.power_w, 1) },
  { key: "energy_kwh", label: "Energy kWh", num: true, text: (d) => fmtNum(d.energy_kwh, 3) },
  { key: "battery_ok", label: "Battery", text: (d) => (d.battery_ok == null ? "" : d.battery_ok ? "ok" : "low"), cls: (d) => (d.battery_ok === false ? "bad" : d.battery_ok ? "ok" : "") },
];
const sortValue = (c, d) => (c.get ? c.get(d) : d[c.key]);
const cellText = (c, d) => {
  if (c.text) return c.text(d);
  const v = sortValue(c, d);
  return v == null ? "" : String(v);
};

function buildHeader() {
  const tr = $("#devices thead tr");
  for (const c of columns) {
    const th = document.createElement("th");
    th.textContent = c.label;
    th.dataset.key = c.key;
    th.title = "sort by " + c.label.toLowerCase();
    th.addEventListener("click", () => {
      if (state.sortKey === c.key) state.sortDir = -state.sortDir;
      else {
        state.sortKey = c.key;
        state.sortDir = c.num || c.key.endsWith("heard") ? -1 : 1;
      }
      renderDevices();
    });
    tr.appendChild(th);
  }
}

function compare(a, b) {
  if (a == null && b == null) return 0;
  if (a == null || a === "") return 1;
  if (b == null || b === "") return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean") return (a ? 1 : 0) - (b ? 1 : 0);
  return String(a).localeCompare(String(b), undefined, { numeric: true });
}

function renderDevices() {
  const col = columns.find((c) => c.key === state.sortKey) || columns[5];
  const words = state.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const rows = state.devices.filter((d) => {
    if (state.protocol && d.protocol !== state.protocol) return false;
    if (!words.length) return true;
    const hay = columns.map((c) => cellText(c, d)).join(" ").toLowerCase();
    return words.every((w) => hay.includes(w));
  });
  rows.sort((a, b) => {
    const av = sortValue(col, a), bv = sortValue(col, b);
    if (av == null || av === "" || bv == null || bv === "") return compare(av, bv); // blanks last either way
    return state.sortDir * compare(av, bv);
  });
  const body = document.createDocumentFragment();
  for (const d of rows) {
    const tr = document.createElement("tr");
    tr.dataset.key = `${d.protocol}/${d.id}`;
    for (const c of columns) {
      const td = document.createElement("td");
      td.textContent = cellText(c, d);
      const cls = [c.num ? "num" : "", c.cls ? c.cls(d) : ""].filter(Boolean).join(" ");
      if (cls) td.className = cls;
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
  const tbody = $("#devices tbody");
  tbody.replaceChildren(body);
  for (const th of document.querySelectorAll("#devices th")) {
    th.className = th.dataset.key === state.sortKey ? `sorted ${state.sortDir > 0 ? "asc" : "desc"}` : "";
  }
  const n = state.devices.length;
  $("#device-count").textContent = rows.length === n ? `${n}` : `${rows.length} of ${n}`;
}

async function loadDevices() {
  try {
    const r = await fetch("api/devices", { cache: "no-store" });
    if (!r.ok) return;
    state.devices = await r.json();
    renderDevices();
  } catch (e) {
    /* the server is gone; the status shows it */
  }
}
let devicesTimer = null;
function devicesSoon() {
  if (devicesTimer == null) devicesTimer = setTimeout(() => { devicesTimer = null; loadDevices(); }, 300);
}

// ---- counters ----
const counters = [
  ["frames", "frames (CRC good)", (s) => s.crc_good],
  ["crc_failed", "CRC failures", (s) => s.crc_failed],
  ["messages", "messages out", (s) => s.messages],
  ["devices", "devices", (s) => s.devices],
  ["learned_networks", "learned networks", (s) => s.learned_networks],
  ["bursts", "bursts", (s) => s.bursts],
  // Lost on the way: items the input lost (decode), messages a ZMQ
  // subscriber or this page did not keep up with, devices a full table evicted.
  ["drops", "drops", (s) => (s.lost_items || 0) + (s.out_dropped || 0) + (s.sse_dropped || 0) + (s.devices_evicted || 0)],
  ["input_rate", "input rate", (s) => (s.input_rate == null ? null : fmtSI(s.input_rate, s.input_rate_unit || "/s"))],
  ["input_done", "signal", (s) => (s.signal_s == null ? null : fmtNum(s.signal_s, 1) + " s")],
];
function renderStats() {
  const s = state.stats;
  const box = $("#counters");
  const frag = document.createDocumentFragment();
  for (const [key, label, get] of counters) {
    const v = get(s);
    if (v == null) continue;
    const div = document.createElement("div");
    div.className = "counter" + ((key === "crc_failed" || key === "drops") && v > 0 ? " bad" : "");
    div.dataset.key = key;
    const b = document.createElement("b");
    b.textContent = typeof v === "number" ? v.toLocaleString("en") : v;
    const span = document.createElement("span");
    span.textContent = label;
    div.append(b, span);
    frag.appendChild(div);
  }
  box.replaceChildren(frag);
  const parts = [s.command, s.input].filter(Boolean);
  if (s.center_freq_hz) parts.push(`${fmtMHz(s.center_freq_hz)} MHz`);
  if (s.sample_rate) parts.push(fmtSI(s.sample_rate, "S/s"));
  $("#input").textContent = parts.join(" · ");
  if (s.input_ended) setStatus("ended", "input ended: browsing the recording");
  if (s.bursts != null || state.bursts.length) $("#band-section").hidden = false;
}
async function loadStats() {
  try {
    const r = await fetch("api/stats", { cache: "no-store" });
    if (!r.ok) return;
    state.stats = await r.json();
    renderStats();
    drawBand();
  } catch (e) {
    setStatus("lost", "gridstream is not answering");
  }
}

function setStatus(cls, text) {
  if (state.ended && cls !== "ended") return;
  if (cls === "ended") state.ended = true;
  const el = $("#status");
  el.className = "status " + cls;
  el.textContent = text;
}

// ---- messages ----
function summary(m) {
  if (m.protocol === "nge101") {
    if (m.power_w != null) return `${m.power_w.toFixed(1)} W`;
    if (m.energy_kwh != null) return `${m.energy_kwh.toFixed(3)} kWh` + (m.battery_ok === false ? ", battery low" : "");
    return `${m.bits} bits`;
  }
  const p = [`type ${m.type || "?"}`];
  if (m.utility) p.push(m.utility);
  else if (m.network_id != null) p.push(`network ${m.network_id}`);
  if (m.uptime_s != null) p.push(`uptime ${fmtDuration(m.uptime_s)}`);
  if (m.dst) p.push(`→ ${m.dst}`);
  return p.join(", ");
}
function deviceOf(m) {
  if (m.protocol === "nge101") return `${m.channel}-${m.id}`;
  return m.src || m.src_wan || "";
}
function addMessage(m) {
  state.messages++;
  $("#message-count").textContent = String(state.messages);
  const tr = document.createElement("tr");
  const radio = [];
  if (m.freq_hz != null) radio.push(`${fmtMHz(m.freq_hz)} MHz`);
  if (m.baud) radio.push(`${m.baud} Bd`);
  if (m.snr_db != null) radio.push(`SNR ${m.snr_db.toFixed(1)} dB`);
  const cells = [fmtTime(m.time), m.protocol, deviceOf(m), m.crc_ok ? "ok" : "failed", summary(m), radio.join(", ")];
  cells.forEach((t, i) => {
    const td = document.createElement("td");
    td.textContent = t;
    if (i === 2) td.className = "id";
    if (i === 3) td.className = m.crc_ok ? "ok" : "bad";
    tr.appendChild(td);
  });
  const tbody = $("#messages tbody");
  tbody.prepend(tr);
  while (tbody.rows.length > MAX_MESSAGES) tbody.lastChild.remove();
}

// ---- band view ----
function hue(s) {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) % 360);
}
function colourKey(b) {
  const by = $("#colour-by").value;
  const list = by === "network" ? b.networks : b.devices;
  return list && list.length ? list[0] : "";
}
function drawBand() {
  const cv = $("#band");
  if ($("#band-section").hidden) return;
  const dpr = window.devicePixelRatio || 1;
  const w = Math.max(300, Math.round(cv.clientWidth * dpr)), h = Math.round(cv.clientHeight * dpr);
  if (cv.width !== w || cv.height !== h) { cv.width = w; cv.height = h; }
  const g = cv.getContext("2d");
  g.setTransform(1, 0, 0, 1, 0, 0);
  g.clearRect(0, 0, w, h);
  g.scale(dpr, dpr);
  const W = w / dpr, H = h / dpr;
  const L = 58, T = 20, R = 8, B = 6;
  const bursts = state.bursts;
  const s = state.stats;
  // Frequency axis: the recorded band when known, else what was seen.
  let f0, f1;
  if (s.sample_rate) {
    const c = s.center_freq_hz || 0;
    f0 = c - s.sample_rate / 2; f1 = c + s.sample_rate / 2;
  } else if (bursts.length) {
    f0 = Math.min(...bursts.map((b) => b.freq_lo_hz)); f1 = Math.max(...bursts.map((b) => b.freq_hi_hz));
    const pad = Math.max(10e3, (f1 - f0) * 0.05); f0 -= pad; f1 += pad;
  } else { f0 = -1; f1 = 1; }
  const tEnd = Math.max(s.signal_s || 0, bursts.length ? bursts[bursts.length - 1].end_s : 0);
  const span = Number($("#span").value);
  const tStart = span > 0 ? Math.max(0, tEnd - span) : (bursts.length ? Math.min(bursts[0].start_s, tEnd) : 0);
  const dt = Math.max(tEnd - tStart, 1e-3);
  const x = (f) => L + ((f - f0) / (f1 - f0)) * (W - L - R);
  const y = (t) => T + ((tEnd - t) / dt) * (H - T - B); // newest at the top
  // Grid and labels.
  g.font = "11px system-ui, sans-serif";
  g.fillStyle = "#8a96a3"; g.strokeStyle = "#222a33"; g.lineWidth = 1;
  const fStep = niceStep((f1 - f0) / 8);
  for (let f = Math.ceil(f0 / fStep) * fStep; f <= f1; f += fStep) {
    g.beginPath(); g.moveTo(x(f), T); g.lineTo(x(f), H - B); g.stroke();
    if (x(f) < L + 30 || x(f) > W - R - 24) continue; // no room for its label
    const label = Math.abs(f1) > 1e6 ? (f / 1e6).toFixed(fStep < 1e5 ? 3 : 2) : (f / 1e3).toFixed(0) + "k";
    g.fillText(label, x(f) - 18, 13);
  }
  const tStep = niceStep(dt / 6);
  for (let t = Math.ceil(tStart / tStep) * tStep; t <= tEnd; t += tStep) {
    g.beginPath(); g.moveTo(L, y(t)); g.lineTo(W - R, y(t)); g.stroke();
    g.fillText(t.toFixed(tStep < 1 ? 2 : 0) + " s", 4, y(t) + 4);
  }
  g.fillText(Math.abs(f1) > 1e6 ? "MHz" : "Hz offset", 4, 13);
  // Bursts.
  const legend = new Map();
  drawn.length = 0;
  for (const b of bursts) {
    if (b.end_s < tStart) continue;
    const x0 = x(b.freq_lo_hz), x1 = Math.max(x(b.freq_hi_hz), x0 + 2);
    const y0 = y(b.end_s), y1 = Math.max(y(b.start_s), y0 + 2);
    drawn.push([x0, y0, x1, y1, b]);
    if (b.decoded) {
      const k = colourKey(b);
      const c = `hsl(${hue(k)} 80% 60%)`;
      legend.set(k, c);
      g.fillStyle = c; g.globalAlpha = 0.85;
      g.fillRect(x0, y0, x1 - x0, y1 - y0);
      g.globalAlpha = 1;
    } else {
      g.setLineDash(b.crc_failed ? [] : [3, 2]);
      g.strokeStyle = b.crc_failed ? "#ff6b5b" : "#9aa4ae";
      g.strokeRect(x0 + 0.5, y0 + 0.5, x1 - x0, y1 - y0);
      g.setLineDash([]);
    }
  }
  const lg = $("#band-legend");
  const frag = document.createDocumentFragment();
  [...legend.entries()].slice(0, 40).forEach(([k, c]) => {
    const span = document.createElement("span");
    const i = document.createElement("i");
    i.style.background = c;
    span.append(i, k || "?");
    frag.appendChild(span);
  });
  lg.replaceChildren(frag);
}
// drawn holds the band view's burst rectangles (CSS pixels) for the tooltip.
const drawn = [];
function burstTitle(b) {
  const lines = [];
  lines.push(b.decoded ? (b.devices || []).join(", ") + " (decoded)" : b.crc_failed ? "CRC failed" : "not decoded");
  lines.push(`${fmtMHz(b.freq_lo_hz)}–${fmtMHz(b.freq_hi_hz)} MHz, ${b.start_s.toFixed(3)}–${b.end_s.toFixed(3)} s`);
  const r = [];
  if (b.baud) r.push(`${b.baud} Bd`);
  r.push(`RSSI ${b.rssi_db.toFixed(1)} dB`, `SNR ${b.snr_db.toFixed(1)} dB`);
  lines.push(r.join(", "));
  if (b.networks && b.networks.length) lines.push(b.networks.join(", "));
  return lines.join("\n");
}
function bandHover(e) {
  const cv = $("#band");
  const rect = cv.getBoundingClientRect();
  const px = e.clientX - rect.left, py = e.clientY - rect.top;
  let hit = null;
  for (let i = drawn.length - 1; i >= 0 && !hit; i--) {
    const [x0, y0, x1, y1, b] = drawn[i];
    if (px >= x0 - 2 && px <= x1 + 2 && py >= y0 - 2 && py <= y1 + 2) hit = b;
  }
  cv.title = hit ? burstTitle(hit) : "";
}
function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}
let bandQueued = false;
function bandSoon() {
  if (!bandQueued) { bandQueued = true; requestAnimationFrame(() => { bandQueued = false; drawBand(); }); }
}

// ---- events ----
function connect() {
  const es = new EventSource("events");
  es.onopen = () => setStatus("live", "live");
  es.onerror = () => setStatus("lost", "reconnecting…");
  es.addEventListener("message", (e) => {
    addMessage(JSON.parse(e.data));
    devicesSoon();
  });
  es.addEventListener("burst", (e) => {
    state.bursts.push(JSON.parse(e.data));
    if (state.bursts.length > MAX_BURSTS) state.bursts.splice(0, state.bursts.length - MAX_BURSTS);
    $("#band-section").hidden = false;
    bandSoon();
  });
  es.addEventListener("done", (e) => {
    const d = JSON.parse(e.data);
    setStatus("ended", `input ended (${d.reason}): browsing the recording`);
    loadStats(); loadDevices();
  });
}

function init() {
  buildHeader();
  $("#filter").addEventListener("input", (e) => { state.filter = e.target.value; renderDevices(); });
  $("#protocol").addEventListener("change", (e) => { state.protocol = e.target.value; renderDevices(); });
  $("#span").addEventListener("change", drawBand);
  $("#colour-by").addEventListener("change", drawBand);
  window.addEventListener("resize", bandSoon);
  $("#band").addEventListener("mousemove", bandHover);
  loadStats(); loadDevices(); connect();
  setInterval(loadStats, 1000);
  setInterval(loadDevices, 3000);
}
init();
