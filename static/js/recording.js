/* Recording page: mounts the timeline and makes the event list jump the strip to an event (click,
 * or Enter or Space on a focused row). */
(function () {
  "use strict";
  const box = document.getElementById("timeline");
  if (!box || !window.BeatlineTimeline) return;
  const data = box.dataset;
  const timeline = BeatlineTimeline.mount(box, {
    analysisId: Number(data.analysis),
    duration: Number(data.duration),
    leads: JSON.parse(document.getElementById("timeline-leads").textContent),
    eventNames: JSON.parse(document.getElementById("timeline-event-names").textContent),
    urls: { envelope: data.envelopeUrl, beats: data.beatsUrl, windows: data.windowsUrl, events: data.eventsUrl },
    onEvent: () => box.scrollIntoView({ behavior: "smooth", block: "start" }),
  });
  window.beatlineTimeline = timeline;
  document.querySelectorAll("tr.event[data-start]").forEach((row) => {
    const jump = () => {
      document.querySelectorAll("tr.event.selected").forEach((r) => r.classList.remove("selected"));
      row.classList.add("selected");
      timeline.jumpTo(Number(row.dataset.start), Number(row.dataset.end));
      box.scrollIntoView({ behavior: "smooth", block: "start" });
    };
    row.addEventListener("click", jump);
    row.addEventListener("keydown", (e) => {
      if (e.target !== row || (e.key !== "Enter" && e.key !== " ")) return;
      e.preventDefault(); // Space would scroll the page
      jump();
    });
  });
})();
