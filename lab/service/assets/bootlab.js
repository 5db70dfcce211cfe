// bootlab service pages: the interactive timeline (run and compare pages), and the reload of an
// experiment's report while its boots still arrive. Plain DOM, no library, no build step.
"use strict";
(function () {
  const NS = "http://www.w3.org/2000/svg";
  const LANE = 18, TOP = 40, LEFT = 70;

  function svg(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }
  function ms(us) { return (us / 1000).toFixed(3) + " ms"; }

  // One boot's data, read from its <script type="application/json"> block.
  function load(id) {
    const d = JSON.parse(document.getElementById(id).textContent);
    const spans = d.spans.map(function (s) {
      return { seq: s[0], fn: s[1], module: s[2], cookie: s[3], pid: s[4], start: s[5], dur: s[6], async: s[7] === "a" };
    });
    let end = d.end || 0;
    spans.forEach(function (s) { end = Math.max(end, s.start + (s.dur || 0)); });
    d.marks.forEach(function (m) { end = Math.max(end, m[1]); });
    const critical = {};
    (d.critical || []).forEach(function (seq) { critical[seq] = true; });
    spans.forEach(function (s) { s.critical = !!critical[s.seq]; });
    return { run: d.run, spans: spans, waits: d.waits, marks: d.marks, end: end };
  }

  function tooltipText(s) {
    return s.fn + (s.module ? " [" + s.module + "]" : "") + "\n" +
      (s.cookie !== null ? "async cookie #" + s.cookie + ", " : "") + "pid " + s.pid + "\n" +
      "start " + ms(s.start) + ", " + (s.dur === null ? "never returned" : "duration " + ms(s.dur)) +
      (s.critical ? "\non the critical path" : "");
  }

  // Every timeline of a page shares one view (t0..t1, us): the compare page's two boots stay aligned.
  function timelines() {
    const boxes = Array.prototype.slice.call(document.querySelectorAll(".timeline[data-source]"));
    if (!boxes.length) return;
    const tip = document.getElementById("tooltip");
    const boots = boxes.map(function (b) { return load(b.dataset.source); });
    const total = Math.max.apply(null, boots.map(function (b) { return b.end; })) || 1;
    const view = { t0: 0, t1: total * 1.02 };
    const width = Math.max(600, (boxes[0].parentNode.clientWidth || 1200) - 4);
    const drawn = boots.map(function (boot, i) { return draw(boxes[i], boot, width); });

    function x(t) { return LEFT + (width - LEFT - 10) * (t - view.t0) / (view.t1 - view.t0); }
    function layout() {
      drawn.forEach(function (d) {
        d.bars.forEach(function (b) {
          const x0 = x(b.start), x1 = x(b.end);
          b.el.setAttribute("x", x0.toFixed(1));
          b.el.setAttribute("width", Math.max(1, x1 - x0).toFixed(1));
          if (b.label) {
            b.label.setAttribute("x", (x0 + 2).toFixed(1));
            b.label.style.display = x1 - x0 > 22 ? "" : "none";
          }
        });
        d.marks.forEach(function (m) {
          const mx = x(m.t).toFixed(1);
          m.line.setAttribute("x1", mx); m.line.setAttribute("x2", mx); m.text.setAttribute("x", mx);
        });
        d.axis.forEach(function (a, k) {
          const t = view.t0 + (view.t1 - view.t0) * k / (d.axis.length - 1);
          a.setAttribute("x", x(t).toFixed(1));
          a.textContent = (t / 1e6).toFixed(3) + " s";
        });
      });
    }
    function zoom(factor, at) {
      const span = (view.t1 - view.t0) * factor;
      if (span < 50 || span > total * 4) return;
      const f = (at - view.t0) / (view.t1 - view.t0);
      view.t0 = at - f * span; view.t1 = view.t0 + span;
      layout();
    }
    function timeAt(box, clientX) {
      const r = box.getBoundingClientRect();
      return view.t0 + (clientX - r.left - LEFT) / (width - LEFT - 10) * (view.t1 - view.t0);
    }
    function showTip(s, el) {
      tip.textContent = tooltipText(s);
      tip.hidden = false;
      const r = el.getBoundingClientRect();
      tip.style.left = (window.scrollX + Math.min(r.left, window.innerWidth - 320)) + "px";
      tip.style.top = (window.scrollY + r.bottom + 4) + "px";
    }
    boxes.forEach(function (box, i) {
      box.addEventListener("wheel", function (ev) {
        ev.preventDefault();
        zoom(ev.deltaY < 0 ? 0.8 : 1.25, timeAt(box, ev.clientX));
      }, { passive: false });
      let drag = null;
      box.addEventListener("mousedown", function (ev) { drag = { x: ev.clientX, t0: view.t0, t1: view.t1 }; });
      window.addEventListener("mouseup", function () { drag = null; });
      box.addEventListener("mousemove", function (ev) {
        if (drag) {
          const dt = (ev.clientX - drag.x) / (width - LEFT - 10) * (drag.t1 - drag.t0);
          view.t0 = drag.t0 - dt; view.t1 = drag.t1 - dt;
          layout();
          return;
        }
        const k = ev.target.dataset ? ev.target.dataset.i : undefined;
        if (k === undefined) { tip.hidden = true; return; }
        showTip(boots[i].spans[+k], ev.target);
      });
      box.addEventListener("mouseleave", function () { tip.hidden = true; });
    });
    const button = function (id, f) { const b = document.getElementById(id); if (b) b.addEventListener("click", f); };
    button("zoom-in", function () { zoom(0.5, (view.t0 + view.t1) / 2); });
    button("zoom-out", function () { zoom(2, (view.t0 + view.t1) / 2); });
    button("zoom-reset", function () { view.t0 = 0; view.t1 = total * 1.02; layout(); });

    // search: spans whose function or module contains the text are highlighted, the rest dimmed
    const search = document.getElementById("search"), count = document.getElementById("search-count");
    function find(text) {
      const q = text.trim().toLowerCase();
      let hits = 0;
      drawn.forEach(function (d, i) {
        d.bars.forEach(function (b) {
          if (b.span === undefined) return;
          const s = boots[i].spans[b.span];
          const hit = q !== "" && (s.fn.toLowerCase().indexOf(q) >= 0 || (s.module || "").toLowerCase().indexOf(q) >= 0);
          b.el.classList.toggle("hit", hit);
          b.el.classList.toggle("dim", q !== "" && !hit);
          hits += hit ? 1 : 0;
        });
      });
      count.textContent = q === "" ? "" : hits + " span" + (hits === 1 ? "" : "s") + " match";
    }
    if (search) search.addEventListener("input", function () { find(search.value); });

    // #q=TEXT searches, #span=SEQ points at one span (links from the blame table, shareable)
    function fromHash() {
      const h = decodeURIComponent(location.hash.slice(1));
      if (h.indexOf("q=") === 0 && search) { search.value = h.slice(2); find(search.value); }
      if (h.indexOf("span=") === 0) {
        const seq = +h.slice(5);
        drawn.forEach(function (d, i) {
          d.bars.forEach(function (b) {
            if (b.span === undefined) return;
            const pinned = boots[i].spans[b.span].seq === seq;
            b.el.classList.toggle("pinned", pinned);
            if (pinned && i === 0) {
              const s = boots[i].spans[b.span], pad = Math.max((s.dur || 1000) * 3, 2000);
              view.t0 = Math.max(0, s.start - pad); view.t1 = s.start + (s.dur || 0) + pad;
              layout();
              showTip(s, b.el);
            }
          });
        });
      }
    }
    layout();
    fromHash();
    window.addEventListener("hashchange", fromHash);
  }

  // Lanes: pid 1 first, then every other pid that ran a span or waited, in order of first start.
  function draw(box, boot, width) {
    const lanes = [1];
    boot.spans.forEach(function (s) { if (lanes.indexOf(s.pid) < 0) lanes.push(s.pid); });
    boot.waits.forEach(function (w) { if (lanes.indexOf(w[0]) < 0) lanes.push(w[0]); });
    const height = TOP + lanes.length * LANE + 8;
    const root = svg("svg", { width: width, height: height }, box);
    const defs = svg("defs", {}, root);
    const pat = svg("pattern", { id: "hatch", width: 6, height: 6, patternUnits: "userSpaceOnUse",
                                 patternTransform: "rotate(45)" }, defs);
    svg("rect", { width: 6, height: 6, fill: "#f3e5c0" }, pat);
    svg("line", { x1: 0, y1: 0, x2: 0, y2: 6, stroke: "#b08a3c", "stroke-width": 2 }, pat);
    const d = { bars: [], marks: [], axis: [] };
    lanes.forEach(function (pid, k) {
      const y = TOP + k * LANE;
      svg("rect", { x: 0, y: y, width: width, height: LANE, fill: k % 2 ? "#fafafa" : "#fff" }, root);
      svg("text", { x: 4, y: y + 12, class: "lane" }, root).textContent = "pid " + pid;
    });
    for (let k = 0; k < 6; ++k) d.axis.push(svg("text", { y: 12, class: "lane" }, root));
    boot.waits.forEach(function (w) {
      const y = TOP + lanes.indexOf(w[0]) * LANE + 2;
      const el = svg("rect", { y: y, height: LANE - 4, class: "wait" }, root);
      d.bars.push({ el: el, start: w[1], end: w[1] + (w[2] === null ? boot.end - w[1] : w[2]) });
    });
    boot.spans.forEach(function (s, i) {
      const y = TOP + lanes.indexOf(s.pid) * LANE + 2;
      const cls = "span " + (s.async ? "async" : "sync") + (s.dur === null ? " unfinished" : "") +
        (s.critical ? " critical" : "");
      const el = svg("rect", { y: y, height: LANE - 4, class: cls, "data-i": i }, root);
      const bar = { el: el, span: i, start: s.start, end: s.start + (s.dur === null ? boot.end - s.start : s.dur) };
      if (s.cookie !== null) {
        bar.label = svg("text", { y: y + 11, fill: "#fff" }, root);
        bar.label.textContent = "#" + s.cookie;
      }
      d.bars.push(bar);
    });
    boot.marks.forEach(function (m) {
      const line = svg("line", { y1: TOP - 4, y2: height, class: "mark" }, root);
      const text = svg("text", { y: 24 + (d.marks.length % 2) * 10, class: "mark" }, root);
      text.textContent = m[0];
      svg("title", {}, line).textContent = m[0] + " at " + ms(m[1]) + (m[2] ? ": " + m[2] : "");
      d.marks.push({ t: m[1], line: line, text: text });
    });
    return d;
  }

  // An experiment's report reloads while boots still arrive: it asks how many runs there are.
  function live() {
    const exp = document.querySelector("meta[name=bootlab-experiment]");
    if (!exp) return;
    const known = +document.querySelector("meta[name=bootlab-runs]").content;
    let quiet = 0;
    const timer = setInterval(function () {
      fetch("/api/runs?experiment_id=" + exp.content).then(function (r) { return r.json(); })
        .then(function (j) {
          if (j.total !== known) location.reload();
          if (++quiet > 120) clearInterval(timer); // nothing for 10 minutes: stop asking
        }).catch(function () { clearInterval(timer); });
    }, 5000);
  }

  document.addEventListener("DOMContentLoaded", function () { timelines(); live(); });
})();
