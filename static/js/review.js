/*
 * The review case page: the timeline of the case's analysis and keyboard review of its events.
 *
 * Keys, only while an event row has focus (or nothing has, and a row is selected), never while a
 * button, link or form field has it: j / ↓ next event, k / ↑ previous event (the arrows only on a
 * row: elsewhere they scroll the page), c confirm, x reject, n s v f q relabel as that AAMI beat
 * class, t relabel the event type (focuses the type menu; Enter saves). A decision is saved at once
 * (POST, JSON answer), announced in a polite live region, and moves to the next event. The rows
 * are one Tab stop (the selected row); the page selects the first event on load but moves focus
 * only for a #event-N address. Without JavaScript each row's form still works. An undecided
 * event's menu starts on "— decide —", so Save needs a decision; the close form's count follows.
 */
(function () {
  "use strict";

  const CLASS_KEYS = { n: "N", s: "S", v: "V", f: "F", q: "Q" };
  const DONE = { confirm: "confirmed", reject: "rejected", relabel: "relabelled" };

  function init() {
    const table = document.getElementById("review-events");
    const rows = table ? Array.from(table.querySelectorAll("tr.event")) : [];
    const editable = table && table.dataset.editable === "1";
    const box = document.getElementById("review-timeline");
    let timeline = null;
    let current = -1;
    const announcer = document.getElementById("review-announcer");
    const eventNames = {};
    document.querySelectorAll("#event-type-names [data-type]").forEach((item) => {
      eventNames[item.dataset.type] = item.textContent;
    });

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
        eventNames: eventNames,
        onEvent: (event) => {
          const index = rows.findIndex((row) => row.dataset.event === String(event.id));
          if (index >= 0) select(index, false);
        },
      });
    }

    /* Select a row (the one Tab stop of the list); `focus` false leaves the focus where it is. */
    function select(index, jump, focus) {
      if (!rows.length) return;
      current = Math.max(0, Math.min(index, rows.length - 1));
      rows.forEach((row, i) => {
        row.classList.toggle("current", i === current);
        row.tabIndex = i === current ? 0 : -1;
      });
      const row = rows[current];
      if (focus !== false) {
        if (document.activeElement !== row) row.focus({ preventScroll: true });
        row.scrollIntoView({ block: "nearest" });
      }
      if (table) table.dataset.current = row.dataset.event;
      if (timeline && jump !== false) timeline.jumpTo(Number(row.dataset.start), Number(row.dataset.end));
    }

    /* "Event 3 (Isolated PVC at 0:01:23.4): rejected", for screen readers. */
    function announce(row, outcome) {
      if (!announcer) return;
      const cells = row.cells;
      announcer.textContent = `Event ${row.dataset.number} (${cells[0].textContent.trim()} at ${cells[1].textContent.trim()}): ${outcome}`;
    }

    function outcome(data) {
      let text = DONE[data.decision] || data.decision;
      if (data.new_type) text += ` as ${eventNames[data.new_type] || data.new_type}`;
      if (data.new_class) text += ` as class ${data.new_class}`;
      return text;
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
      if (data.new_type) text += ` → ${data.new_type_label || data.new_type}`;
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
        announce(row, outcome(data.event));
        return true;
      } catch (err) {
        row.classList.add("failed");
        row.querySelector("td.decision").textContent = `Not saved: ${err.message}`;
        announce(row, `not saved: ${err.message}`);
        return false;
      } finally {
        delete row.dataset.saving;
      }
    }

    async function decideRow(index, decision, fields) {
      if (index < 0) return;
      if (await decide(rows[index], decision, fields) && index < rows.length - 1) select(index + 1);
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
          const index = rows.indexOf(row);
          decideRow(index, "relabel", { new_type: e.target.value }).then(() => rows[current].focus());
        } else if (e.key === "Escape") {
          e.target.blur();
          if (current >= 0) rows[current].focus();
        }
        return;
      }
      // On a row (focusing a row selects it), or on the page itself; never on a button or link.
      const onRow = rows.includes(e.target);
      if (!onRow && e.target !== document.body) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      if (key === "j" || (key === "ArrowDown" && onRow)) select(current + 1);
      else if (key === "k" || (key === "ArrowUp" && onRow)) select(current - 1);
      else if (!editable || current < 0) return;
      else if (key === "c") decideRow(current, "confirm");
      else if (key === "x") decideRow(current, "reject");
      else if (CLASS_KEYS[key]) decideRow(current, "relabel", { new_class: CLASS_KEYS[key] });
      else if (key === "t") rows[current].querySelector("select[name=new_type]").focus();
      else return;
      e.preventDefault();
    });

    rows.forEach((row, i) => {
      row.addEventListener("click", (e) => {
        if (!typing(e.target) && !e.target.closest("button, a")) select(i);
      });
      row.addEventListener("focus", () => {
        if (i !== current) select(i, true, false);
      });
    });

    if (rows.length) {
      // The first event (or the address's #event-N) is selected; only an address moves the focus.
      const hash = window.location.hash.match(/^#event-(\d+)$/);
      const start = hash ? rows.findIndex((row) => row.dataset.event === hash[1]) : -1;
      select(Math.max(0, start), true, start >= 0);
    }
    document.body.dataset.reviewReady = "1";
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
