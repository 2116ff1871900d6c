/*
 * The review case page: the timeline of the case's analysis and keyboard review of its events.
 *
 * Keys (when no text field has focus): j / ArrowDown next event, k / ArrowUp previous event,
 * c confirm, x reject, n s v f q relabel as that AAMI beat class, t relabel the event type (focuses
 * the type menu; Enter saves). A decision is saved at once (POST, JSON answer) and moves to the next
 * event. Without JavaScript each row's form still works. An undecided event's menu starts on
 * "— decide —", so Save needs a decision; the close form's count of undecided events follows.
 */
(function () {
  "use strict";

  const CLASS_KEYS = { n: "N", s: "S", v: "V", f: "F", q: "Q" };

  function init() {
    const table = document.getElementById("review-events");
    const rows = table ? Array.from(table.querySelectorAll("tr.event")) : [];
    const editable = table && table.dataset.editable === "1";
    const box = document.getElementById("review-timeline");
    let timeline = null;
    let current = -1;

    if (box && window.BeatlineTimeline && window.Chart) {
      timeline = window.BeatlineTimeline.mount(box, {
        urls: {
          envelope: box.dataset.envelopeUrl,
          beats: box.dataset.beatsUrl,
          windows: box.dataset.windowsUrl,
          events: box.dataset.eventsUrl,
        },
        leads: JSON.parse(box.dataset.leads || "[]"),
        duration: Number(box.dataset.duration),
        onEvent: (event) => {
          const index = rows.findIndex((row) => row.dataset.event === String(event.id));
          if (index >= 0) select(index, false);
        },
      });
    }

    function select(index, jump) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(index, rows.length - 1));
      rows.forEach((row, i) => row.classList.toggle("current", i === current));
      const row = rows[current];
      row.focus({ preventScroll: true });
      row.scrollIntoView({ block: "nearest" });
      if (table) table.dataset.current = row.dataset.event;
      if (timeline && jump !== false) timeline.jumpTo(Number(row.dataset.start), Number(row.dataset.end));
    }

    /* One event fewer undecided: the close form's count, and its checkbox once none are left. */
    function countDecided() {
      const count = document.getElementById("undecided-count");
      if (!count) return;
      const left = Math.max(0, Number(count.dataset.undecided) - 1);
      count.dataset.undecided = left;
      count.querySelector(".n").textContent = left;
      if (!left) {
        count.hidden = true;
        const confirm = document.querySelector(".confirm-undecided");
        if (confirm) confirm.hidden = true;
      }
    }

    function showDecision(row, data) {
      const cell = row.querySelector("td.decision");
      if (!row.dataset.decision && data.decision) countDecided();
      row.dataset.decision = data.decision;
      cell.textContent = "";
      const tag = document.createElement("span");
      tag.className = `decision-${data.decision}`;
      tag.textContent = data.decision;
      cell.appendChild(tag);
      let text = "";
      if (data.new_type) text += ` → ${data.new_type}`;
      if (data.new_class) text += ` → class ${data.new_class}`;
      cell.appendChild(document.createTextNode(text + " "));
      const who = document.createElement("small");
      who.textContent = data.reviewer;
      cell.appendChild(who);
      const form = row.querySelector("form.decide");
      if (form) {
        const blank = form.elements.decision.querySelector("option[value='']");
        if (blank) blank.remove(); // a decision is changed, never withdrawn
        form.elements.decision.value = data.decision;
        form.elements.new_type.value = data.new_type;
        form.elements.new_class.value = data.new_class;
      }
    }

    async function decide(row, decision, fields) {
      const form = row.querySelector("form.decide");
      if (!form) return false;
      const body = new FormData(form);
      body.set("decision", decision);
      body.set("new_type", (fields && fields.new_type) || "");
      body.set("new_class", (fields && fields.new_class) || "");
      row.dataset.saving = "1";
      try {
        const response = await fetch(form.action, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const data = await response.json().catch(() => ({}));
        if (!response.ok) throw new Error(data.error || `${response.status} ${response.statusText}`);
        showDecision(row, data.event);
        row.classList.remove("failed");
        return true;
      } catch (err) {
        row.classList.add("failed");
        row.querySelector("td.decision").textContent = `Not saved: ${err.message}`;
        return false;
      } finally {
        delete row.dataset.saving;
      }
    }

    async function decideCurrent(decision, fields) {
      if (current < 0) return;
      const row = rows[current];
      if (await decide(row, decision, fields) && current < rows.length - 1) select(current + 1);
    }

    function typing(target) {
      return target && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName));
    }

    document.addEventListener("keydown", (e) => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (typing(e.target)) {
        // Enter in a row's type menu saves that relabel; Escape leaves the field.
        const row = e.target.closest && e.target.closest("tr.event");
        if (row && e.target.name === "new_type" && e.key === "Enter") {
          e.preventDefault();
          decideCurrent("relabel", { new_type: e.target.value }).then(() => rows[current].focus());
        } else if (e.key === "Escape") {
          e.target.blur();
          if (current >= 0) rows[current].focus();
        }
        return;
      }
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === "j" || key === "ArrowDown") select(current + 1);
      else if (key === "k" || key === "ArrowUp") select(current - 1);
      else if (!editable) return;
      else if (key === "c") decideCurrent("confirm");
      else if (key === "x") decideCurrent("reject");
      else if (CLASS_KEYS[key]) decideCurrent("relabel", { new_class: CLASS_KEYS[key] });
      else if (key === "t" && current >= 0) rows[current].querySelector("select[name=new_type]").focus();
      else return;
      e.preventDefault();
    });

    rows.forEach((row, i) => row.addEventListener("click", (e) => {
      if (!typing(e.target) && e.target.tagName !== "BUTTON") select(i);
    }));

    if (rows.length) {
      const hash = window.location.hash.match(/^#event-(\d+)$/);
      const start = hash ? rows.findIndex((row) => row.dataset.event === hash[1]) : 0;
      select(Math.max(0, start), true);
    }
    document.body.dataset.reviewReady = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
