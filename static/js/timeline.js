/*
 * BeatlineTimeline: the anomaly timeline of one finished analysis (overview + zoomable ECG strip).
 *
 *   const tl = BeatlineTimeline.mount(element, {
 *     analysisId: 12,
 *     urls: {envelope, beats, windows, events},  // the analysis's JSON endpoints
 *     leads: ["MLII", "V1"],                     // lead names; the strip shows one at a time
 *     lead: 0,                                   // optional first lead shown (index in leads); by
 *                                                //   default the one named by the element's
 *                                                //   data-lead-name (the classified lead), else 0
 *     duration: 1805.6,                          // seconds
 *     start: 0, span: 10,                        // optional first strip range (seconds)
 *     eventNames: {pvc: "Isolated PVC", ...},    // optional: event type -> name on the strip
 *     onEvent: (event) => {},                    // optional: called when an event band is clicked
 *   });
 *   tl.jumpTo(startS, endS);   // show a range in the strip, with a margin (an event)
 *   tl.zoom(factor);           // > 1 zooms in, < 1 zooms out, around the strip's centre
 *   tl.pan(fraction);          // moves the strip by that many windows (< 0 earlier, > 0 later)
 *   tl.setLead(index);
 *   tl.events;                 // the analysis's events, once loaded
 *   tl.ready;                  // a Promise, resolved once the overview and the first strip are drawn
 *   tl.destroy();
 *
 * Overview: heart rate and peak anomaly score per 10-s window (windows.json) over the whole
 * recording, with the autoencoder's threshold as a dashed line (data-threshold), events as bands
 * coloured by severity; a click anywhere jumps the strip there.
 * Strip: min/max envelope of the filtered signal fetched for the visible range only, at about one
 * point per pixel (envelope.json), so 24-hour recordings stay smooth; beats (beats.json, ranges up
 * to BEATS_MAX_S) marked and coloured by AAMI class, with the class letter above every beat that
 * is not N; anomaly events shaded and named. Wheel/pinch zooms, drag pans; the ◀ ▶ + − buttons,
 * and ← → + − while the strip has focus, do the same from the keyboard. The strip's accessible
 * name says what it shows (range, lead, beats by class, events), and follows the view. The
 * element gets data-state="loading|ready|error", data-start/data-end (the strip range),
 * data-beat-letters (letters drawn) and data-lead (the lead drawn, an index in leads) so pages and
 * tests can follow it.
 *
 * Needs Chart.js, hammer.js, chartjs-plugin-zoom and chartjs-plugin-annotation (static/vendor/).
 */
(function () {
  "use strict";

  const BEAT_COLOURS = { N: "#6b7b8c", S: "#1565c0", V: "#c62828", F: "#ef6c00", Q: "#8e24aa" };
  const SEVERITY_COLOURS = { 1: "rgba(255, 193, 7, 0.30)", 2: "rgba(245, 124, 0, 0.35)", 3: "rgba(198, 40, 40, 0.40)" };
  const SEVERITY_NAMES = { 1: "minor", 2: "moderate", 3: "major" };
  const BEAT_NAMES = { N: "normal", S: "supraventricular", V: "ventricular", F: "fusion", Q: "unclassifiable" };
  const STRIP_ALPHA = 0.18; // event bands on the strip, lighter than on the overview; the legend shows these
  const BEATS_MAX_S = 300;
  const OVERVIEW_MAX_EVENTS = 400;
  const STRIP_MAX_EVENTS = 150;
  const MIN_SPAN_S = 1;
  const LABELS_MAX_S = 40; // event names on the strip up to this span
  const LABEL_ROWS = 3;
  const BAND_MIN_S = 30; // on the overview, episodes longer than this are a band along the top

  function stripColour(rgba) {
    return rgba.replace(/[\d.]+\)$/, `${STRIP_ALPHA})`);
  }

  function el(tag, attrs, parent) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "text") node.textContent = v;
      else node.setAttribute(k, v);
    });
    if (parent) parent.appendChild(node);
    return node;
  }

  async function getJSON(url, params) {
    const full = new URL(url, window.location.href);
    Object.entries(params || {}).forEach(([k, v]) => full.searchParams.set(k, v));
    const response = await fetch(full, { credentials: "same-origin", headers: { Accept: "application/json" } });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) throw new Error(body.error || `${response.status} ${response.statusText}`);
    return body;
  }

  /* h:mm:ss (or m:ss) with `digits` decimals on the seconds. */
  function fmtTime(s, digits) {
    digits = digits || 0;
    // Rounded first, so that 59.96 s with one decimal is 1:00.0, not 0:60.0.
    s = Math.round(Math.max(0, s) * 10 ** digits) / 10 ** digits;
    const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    const sec = (s % 60).toFixed(digits).padStart(digits ? digits + 3 : 2, "0");
    return h ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
  }

  function digitsFor(span) {
    return span < 5 ? 2 : span < 60 ? 1 : 0;
  }

  /* Prefer the most severe events, then the earliest, when there are too many to draw. */
  function mostSevere(events, limit) {
    if (events.length <= limit) return events;
    return events.slice().sort((a, b) => b.severity - a.severity || a.start_s - b.start_s).slice(0, limit);
  }

  /* A band over an event; `pad` seconds either side keeps short events visible (and clickable). */
  function eventBox(event, yScaleID, colour, onClick, pad) {
    const end = Math.max(event.end_s, event.start_s + 0.3);
    pad = pad || 0.15;
    return {
      type: "box",
      xMin: event.start_s - pad,
      xMax: end + pad,
      yScaleID: yScaleID,
      backgroundColor: colour,
      borderWidth: 0,
      click: onClick ? () => onClick(event) : undefined,
    };
  }

  function mount(element, options) {
    const opts = Object.assign({ start: 0, span: 10, leads: [], onEvent: null }, options);
    const duration = Number(opts.duration);
    const leadNames = opts.leads.length ? opts.leads : ["lead 1"];
    const firstLead = opts.lead != null ? Number(opts.lead) : leadNames.indexOf(element.dataset.leadName);
    const state = { lead: Math.max(0, Math.min(firstLead || 0, leadNames.length - 1)), start: 0, end: Math.min(duration, opts.span), seq: 0, timer: null, envelope: null };
    element.classList.add("beatline-timeline");
    element.dataset.state = "loading";
    element.textContent = "";

    const bar = el("div", { class: "timeline-bar" }, element);
    const label = el("span", { class: "timeline-range", "aria-live": "polite" }, bar);
    const controls = el("span", { class: "timeline-controls" }, bar);
    const leadSelect = el("select", { "aria-label": "Lead", class: "timeline-lead" }, controls);
    leadNames.forEach((name, i) => el("option", { value: i, text: name }, leadSelect));
    leadSelect.value = String(state.lead);
    const panLeft = el("button", { type: "button", class: "timeline-pan-left", title: "Pan left (earlier) by half a window", "aria-label": "Pan left", text: "◀" }, controls);
    const panRight = el("button", { type: "button", class: "timeline-pan-right", title: "Pan right (later) by half a window", "aria-label": "Pan right", text: "▶" }, controls);
    const zoomIn = el("button", { type: "button", class: "timeline-zoom-in", title: "Zoom in", "aria-label": "Zoom in", text: "+" }, controls);
    const zoomOut = el("button", { type: "button", class: "timeline-zoom-out", title: "Zoom out", "aria-label": "Zoom out", text: "−" }, controls);
    const whole = el("button", { type: "button", class: "timeline-whole", title: "Show 5 minutes", "aria-label": "Show 5 minutes", text: "5 min" }, controls);
    const overviewBox = el("div", { class: "timeline-overview" }, element);
    const overviewCanvas = el("canvas", { "aria-label": "Heart rate and anomaly score over the whole recording", role: "img" }, overviewBox);
    const stripBox = el("div", { class: "timeline-strip" }, element);
    const stripCanvas = el("canvas", { "aria-label": "ECG strip", role: "img", tabindex: 0, title: "ECG strip: ← → pan, + − zoom", "aria-keyshortcuts": "ArrowLeft ArrowRight + -" }, stripBox);
    const legend = el("div", { class: "timeline-legend" }, element);
    Object.entries(BEAT_COLOURS).forEach(([cls, colour]) => {
      const item = el("span", {}, legend);
      el("i", { style: `background:${colour}` }, item);
      item.appendChild(document.createTextNode(` ${cls} ${BEAT_NAMES[cls]}`));
    });
    Object.entries(SEVERITY_COLOURS).forEach(([sev, colour]) => {
      const item = el("span", {}, legend);
      el("i", { style: `background:${stripColour(colour)}` }, item);
      item.appendChild(document.createTextNode(` ${SEVERITY_NAMES[sev]} event`));
    });
    const message = el("p", { class: "timeline-message", role: "status" }, element);

    const api = { events: [], element: element };

    function selectEvent(event) {
      api.jumpTo(event.start_s, event.end_s);
      if (opts.onEvent) opts.onEvent(event);
    }

    /* ---- overview ---- */
    const overview = new Chart(overviewCanvas, {
      type: "line",
      data: { datasets: [] },
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        interaction: { mode: "nearest", axis: "x", intersect: false },
        plugins: {
          legend: { position: "top", labels: { boxWidth: 12 } },
          decimation: { enabled: true, algorithm: "min-max" },
          tooltip: { callbacks: { title: (items) => (items.length ? fmtTime(items[0].parsed.x, 0) : "") } },
          annotation: { annotations: {} },
        },
        scales: {
          x: { type: "linear", min: 0, max: duration, ticks: { callback: (v) => fmtTime(v, digitsFor(duration)), maxTicksLimit: 12 } },
          hr: { position: "left", title: { display: true, text: "bpm" }, suggestedMin: 40, suggestedMax: 120 },
          score: { position: "right", title: { display: true, text: "anomaly score" }, grid: { drawOnChartArea: false }, beginAtZero: true },
        },
        onClick: (evt, elements, chart) => {
          const x = chart.scales.x.getValueForPixel(evt.x);
          const span = state.end - state.start;
          setRange(x - span / 2, x + span / 2, true); // centred there, the zoom kept
        },
      },
    });

    async function loadOverview() {
      const [windows, events] = await Promise.all([getJSON(opts.urls.windows), getJSON(opts.urls.events)]);
      api.events = events.events;
      // A window's point at its middle: 5 s into a whole one, halfway to the end for the last.
      const mid = (i) => Math.min(windows.start_s[i] + 5, (windows.start_s[i] + duration) / 2);
      const hr = [], score = [];
      windows.start_s.forEach((s, i) => {
        hr.push({ x: mid(i), y: windows.hr_bpm[i] });
        score.push({ x: mid(i), y: windows.max_score[i] });
      });
      overview.data.datasets = [
        { label: "heart rate (bpm)", data: hr, yAxisID: "hr", borderColor: "#1d2733", borderWidth: 1, pointRadius: 0, spanGaps: false },
        { label: "peak anomaly score", data: score, yAxisID: "score", borderColor: "#b3261e", borderWidth: 1, pointRadius: 0 },
      ];
      const boxes = {};
      const pad = (2 * duration) / Math.max(300, overviewCanvas.clientWidth); // 2 px either side
      mostSevere(api.events, OVERVIEW_MAX_EVENTS).forEach((event) => {
        const box = eventBox(event, "hr", SEVERITY_COLOURS[event.severity], selectEvent, pad);
        if (event.end_s - event.start_s > BAND_MIN_S) {
          // A long episode (AF for hours) is a band along the top, not a wall over everything else.
          box.yMin = (ctx) => ctx.chart.scales.hr.max - 0.12 * (ctx.chart.scales.hr.max - ctx.chart.scales.hr.min);
          box.yMax = (ctx) => ctx.chart.scales.hr.max;
        }
        boxes[`e${event.id}`] = box;
      });
      boxes.view = { type: "box", xMin: state.start, xMax: state.end, yScaleID: "hr", backgroundColor: "rgba(29, 39, 51, 0.08)", borderColor: "#1d2733", borderWidth: 1 };
      const lines = {};
      if (windows.threshold != null) {
        lines.threshold = { type: "line", yScaleID: "score", yMin: windows.threshold, yMax: windows.threshold, borderColor: "#b3261e", borderWidth: 1, borderDash: [4, 4],
          label: { display: true, content: "anomaly threshold", position: "start", font: { size: 10 }, color: "#b3261e", backgroundColor: "rgba(255, 255, 255, 0.8)" } };
        overview.options.scales.score.suggestedMax = windows.threshold * 1.2;
        element.dataset.threshold = String(windows.threshold);
      }
      overview.options.plugins.annotation.annotations = { ...boxes, ...lines };
      overview.update("none");
      element.dataset.events = String(api.events.length);
      element.dataset.eventsDrawn = String(Object.keys(boxes).length - 1);
    }

    /* ---- strip ---- */
    // The class letter above each beat that is not N, in the beat's colour (as the PDF strips have).
    const beatLetters = {
      id: "beatLetters",
      afterDatasetsDraw(chart) {
        const index = chart.data.datasets.findIndex((d) => d.letters);
        if (index < 0) return;
        const set = chart.data.datasets[index], area = chart.chartArea, ctx = chart.ctx;
        ctx.save();
        ctx.font = `bold ${set.data.length > 80 ? 10 : 11}px system-ui, sans-serif`;
        ctx.textAlign = "center";
        ctx.textBaseline = "bottom";
        chart.getDatasetMeta(index).data.forEach((point, i) => {
          if (!set.letters[i] || point.x < area.left || point.x > area.right) return;
          ctx.fillStyle = set.pointBackgroundColor[i];
          ctx.fillText(set.letters[i], point.x, point.y - 5);
        });
        ctx.restore();
      },
    };
    const strip = new Chart(stripCanvas, {
      type: "line",
      data: { datasets: [] },
      plugins: [beatLetters],
      options: {
        animation: false,
        maintainAspectRatio: false,
        parsing: false,
        normalized: true,
        plugins: {
          legend: { display: false },
          tooltip: { enabled: false },
          annotation: { annotations: {} },
          zoom: {
            limits: { x: { min: 0, max: duration, minRange: MIN_SPAN_S } },
            pan: { enabled: true, mode: "x", onPanComplete: ({ chart }) => rangeChanged(chart) },
            zoom: {
              wheel: { enabled: true },
              pinch: { enabled: true },
              mode: "x",
              onZoomComplete: ({ chart }) => rangeChanged(chart),
            },
          },
        },
        scales: {
          x: { type: "linear", min: state.start, max: state.end, ticks: { callback: (v) => fmtTime(v, digitsFor(state.end - state.start)), maxTicksLimit: 10 } },
          y: { title: { display: true, text: "mV" } },
        },
      },
    });

    function rangeChanged(chart) {
      setRange(chart.scales.x.min, chart.scales.x.max, false);
    }

    function setRange(start, end, redraw) {
      let span = Math.max(MIN_SPAN_S, Math.min(end - start, duration));
      start = Math.max(0, Math.min(start, duration - span));
      end = start + span;
      state.start = start;
      state.end = end;
      element.dataset.start = start.toFixed(3);
      element.dataset.end = end.toFixed(3);
      label.textContent = `${fmtTime(start, 1)} – ${fmtTime(end, 1)} (${span < 120 ? span.toFixed(1) + " s" : (span / 60).toFixed(1) + " min"} shown)`;
      if (redraw) {
        strip.options.scales.x.min = start;
        strip.options.scales.x.max = end;
        strip.update("none");
      }
      const view = overview.options.plugins.annotation.annotations.view;
      if (view) {
        view.xMin = start;
        view.xMax = end;
        overview.update("none");
      }
      clearTimeout(state.timer);
      element.dataset.state = "loading";
      state.timer = setTimeout(loadStrip, 120);
    }

    async function loadStrip() {
      const seq = ++state.seq;
      const start = state.start, end = state.end;
      const points = Math.max(10, Math.min(5000, Math.round(stripCanvas.clientWidth || 1000)));
      element.dataset.state = "loading";
      try {
        const wantBeats = end - start <= BEATS_MAX_S;
        const [env, beats] = await Promise.all([
          getJSON(opts.urls.envelope, { start: start.toFixed(3), end: end.toFixed(3), points: points }),
          wantBeats ? getJSON(opts.urls.beats, { start: start.toFixed(3), end: end.toFixed(3) }) : null,
        ]);
        if (seq !== state.seq) return; // a newer range was asked for meanwhile
        state.envelope = env;
        state.beats = beats;
        drawStrip();
        message.textContent = wantBeats ? "" : `Zoom in to ${BEATS_MAX_S / 60} minutes or less to see the beats.`;
        element.dataset.state = "ready";
        element.dataset.points = String(env.min[state.lead].length);
        element.dataset.beats = String(beats ? beats.time_s.length : 0);
      } catch (err) {
        if (seq !== state.seq) return;
        message.textContent = `Could not load the strip: ${err.message}`;
        element.dataset.state = "error";
      }
    }

    // Event names above the strip, in up to LABEL_ROWS rows so that neighbours never overlap;
    // a name with no room left is not drawn (its shaded box still is).
    function eventLabels(events) {
      const secondsPerPx = (state.end - state.start) / Math.max(300, stripCanvas.clientWidth);
      const rowEnds = [];
      const labels = {};
      const centre = (e) => (e.start_s + Math.max(e.end_s, e.start_s + 0.3)) / 2;
      [...events].sort((a, b) => centre(a) - centre(b)).forEach((event) => {
        const half = (eventName(event).length * 3.3 + 8) * secondsPerPx; // 11 px font
        let row = rowEnds.findIndex((end) => end <= centre(event) - half);
        if (row < 0 && rowEnds.length < LABEL_ROWS) row = rowEnds.length;
        if (row < 0) return;
        rowEnds[row] = centre(event) + half;
        labels[`l${event.id}`] = {
          type: "label", xValue: centre(event), yValue: (ctx) => ctx.chart.scales.y.max,
          yAdjust: 10 + 14 * row, content: eventName(event), font: { size: 11 }, color: "#1d2733",
        };
      });
      return { labels, rows: rowEnds.length };
    }

    function drawStrip() {
      const env = state.envelope, lead = state.lead;
      if (!env) return;
      const lo = env.min[lead], hi = env.max[lead];
      const x0 = env.start_s, dt = env.bin_s, same = env.level === 0;
      const low = new Array(lo.length), high = new Array(hi.length);
      for (let i = 0; i < lo.length; i++) {
        const x = x0 + (i + 0.5) * dt;
        low[i] = { x: x, y: lo[i] };
        high[i] = { x: x, y: hi[i] };
      }
      const datasets = [
        { label: "max", data: high, borderColor: "#1d2733", borderWidth: 1, pointRadius: 0, fill: false },
      ];
      if (!same) {
        datasets.push({ label: "min", data: low, borderColor: "#1d2733", borderWidth: 1, pointRadius: 0, fill: "-1", backgroundColor: "rgba(29, 39, 51, 0.35)" });
      }
      let highest = hi.length ? Math.max(...hi) : 1;
      if (state.beats) {
        const b = state.beats, marks = [], colours = [], names = [];
        b.time_s.forEach((t, i) => {
          // Mark the beat just above the highest point within 80 ms of it (its R wave).
          const k0 = Math.max(0, Math.floor((t - 0.08 - x0) / dt));
          const k1 = Math.min(hi.length - 1, Math.ceil((t + 0.08 - x0) / dt));
          let top = -Infinity;
          for (let k = k0; k <= k1; k++) top = Math.max(top, hi[k]);
          const cls = b.classes[b.class[i]];
          marks.push({ x: t, y: (Number.isFinite(top) ? top : 0) + 0.15 });
          colours.push(BEAT_COLOURS[cls] || "#000");
          names.push(cls === "N" ? "" : cls);
        });
        datasets.push({ type: "scatter", label: "beats", data: marks, letters: names, pointRadius: marks.length > 80 ? 2.5 : 4, pointBackgroundColor: colours, pointBorderWidth: 0, showLine: false });
        marks.forEach((m) => { highest = Math.max(highest, m.y); });
      }
      strip.data.datasets = datasets;
      const boxes = {};
      const visible = api.events.filter((e) => e.end_s >= state.start - 1 && e.start_s <= state.end + 1);
      const shown = mostSevere(visible, STRIP_MAX_EVENTS);
      shown.forEach((event) => {
        const colour = stripColour(event.type === "anomaly" ? "rgba(179, 38, 30, 1)" : SEVERITY_COLOURS[event.severity]);
        boxes[`e${event.id}`] = eventBox(event, "y", colour, opts.onEvent);
      });
      const named = state.end - state.start <= LABELS_MAX_S ? eventLabels(shown) : { labels: {}, rows: 0 };
      Object.assign(boxes, named.labels);
      const counts = beatsInView();
      const letters = Object.entries(counts).reduce((n, [cls, k]) => n + (cls === "N" ? 0 : k), 0);
      // Room above the highest beat mark for its letter and the event names, so none overlap.
      const room = (letters ? 18 : 0) + (named.rows ? 20 + 14 * named.rows : 0);
      const lowest = lo.length ? Math.min(...lo) : -1;
      const plot = strip.chartArea ? strip.chartArea.bottom - strip.chartArea.top : 200;
      strip.options.scales.y.suggestedMax = room ? highest + ((highest - lowest) * room) / Math.max(60, plot - room) : undefined;
      strip.options.plugins.annotation.annotations = boxes;
      strip.options.scales.x.min = state.start;
      strip.options.scales.x.max = state.end;
      strip.update("none");
      element.dataset.stripEvents = String(visible.length);
      element.dataset.beatLetters = String(letters);
      element.dataset.lead = String(lead);
      describeStrip(shown, counts);
    }

    /* Beats in the strip's range by AAMI class ({} when beats are not loaded at this zoom). */
    function beatsInView() {
      const counts = {};
      if (!state.beats) return counts;
      state.beats.time_s.forEach((t, i) => {
        const cls = state.beats.classes[state.beats.class[i]];
        if (t >= state.start && t <= state.end) counts[cls] = (counts[cls] || 0) + 1;
      });
      return counts;
    }

    /* The strip's accessible name: what a sighted reader sees in it. */
    function describeStrip(events, counts) {
      const start = state.start, end = state.end, digits = digitsFor(end - start);
      const parts = [`ECG strip, lead ${leadNames[state.lead] || state.lead + 1}, ${fmtTime(start, digits)} to ${fmtTime(end, digits)}`];
      if (state.beats) {
        const n = Object.values(counts).reduce((a, b) => a + b, 0);
        const byClass = Object.keys(BEAT_NAMES).filter((c) => counts[c]).map((c) => `${counts[c]} ${BEAT_NAMES[c]}`);
        parts.push(`${n} beat${n === 1 ? "" : "s"}${n ? ` (${byClass.join(", ")})` : ""}`);
      } else {
        parts.push("beats not shown at this zoom");
      }
      const inView = events.filter((e) => e.end_s >= start && e.start_s <= end).sort((a, b) => a.start_s - b.start_s);
      const named = inView.slice(0, 5).map((e) => `${eventName(e)} at ${fmtTime(e.start_s, 1)}`);
      if (inView.length > 5) named.push(`${inView.length - 5} more`);
      parts.push(inView.length ? `${inView.length} event${inView.length === 1 ? "" : "s"}: ${named.join("; ")}` : "no events");
      stripCanvas.setAttribute("aria-label", parts.join(". ") + ".");
    }

    function typeName(event) {
      return (opts.eventNames && opts.eventNames[event.type]) || event.type.replace(/_/g, " ");
    }

    function eventName(event) {
      return `${typeName(event)} (${SEVERITY_NAMES[event.severity] || "event"})`;
    }

    api.jumpTo = function (start, end) {
      const span = Math.max(end - start, 4);
      const pad = span * 0.25;
      setRange(start - pad, start - pad + span + 2 * pad, true);
    };
    api.zoom = function (factor) {
      const centre = (state.start + state.end) / 2;
      const span = (state.end - state.start) / factor;
      setRange(centre - span / 2, centre + span / 2, true);
    };
    api.pan = function (fraction) {
      const shift = (state.end - state.start) * fraction;
      setRange(state.start + shift, state.end + shift, true);
    };
    api.setLead = function (index) {
      state.lead = Math.max(0, Math.min(Number(index) || 0, (state.envelope ? state.envelope.min.length : 1) - 1));
      leadSelect.value = String(state.lead);
      drawStrip();
    };
    api.destroy = function () {
      clearTimeout(state.timer);
      overview.destroy();
      strip.destroy();
      element.textContent = "";
    };

    panLeft.addEventListener("click", () => api.pan(-0.5));
    panRight.addEventListener("click", () => api.pan(0.5));
    stripCanvas.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (e.key === "ArrowLeft") api.pan(-0.5);
      else if (e.key === "ArrowRight") api.pan(0.5);
      else if (e.key === "+" || e.key === "=") api.zoom(2);
      else if (e.key === "-") api.zoom(0.5);
      else return;
      e.preventDefault();
    });
    zoomIn.addEventListener("click", () => api.zoom(2));
    zoomOut.addEventListener("click", () => api.zoom(0.5));
    whole.addEventListener("click", () => {
      const centre = (state.start + state.end) / 2;
      setRange(centre - 150, centre + 150, true);
    });
    leadSelect.addEventListener("change", () => api.setLead(leadSelect.value));

    api.ready = loadOverview()
      .then(() => {
        setRange(opts.start, opts.start + opts.span, true);
        clearTimeout(state.timer);
        return loadStrip();
      })
      .catch((err) => {
        message.textContent = `Could not load the timeline: ${err.message}`;
        element.dataset.state = "error";
      });
    return api;
  }

  window.BeatlineTimeline = { mount: mount, beatColours: BEAT_COLOURS, severityColours: SEVERITY_COLOURS };
})();
