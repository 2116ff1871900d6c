/*
 * Live progress: every element with data-status-url polls that status.json until the analysis is
 * done, updating its <progress>, percentage and status badge (in a polite live region); when one
 * finishes, that is announced and the page reloads a moment later, so its results (timeline,
 * report links) appear.
 */
(function () {
  "use strict";
  const PERIOD_MS = 1500;
  const RELOAD_MS = 1000; // time for a screen reader to say that the analysis finished
  const rows = Array.from(document.querySelectorAll("[data-status-url]"));
  if (!rows.length) return;

  function show(row, data) {
    row.dataset.status = data.status;
    const badge = row.querySelector(".status");
    if (badge) {
      badge.textContent = data.status;
      badge.className = `status ${data.status}`;
    }
    const bar = row.querySelector("progress");
    if (bar) bar.value = data.progress;
    const percent = row.querySelector(".percent");
    if (percent) percent.textContent = `${data.progress}%`;
  }

  async function poll(row) {
    try {
      const response = await fetch(row.dataset.statusUrl, { credentials: "same-origin" });
      if (response.ok) {
        const data = await response.json();
        show(row, data);
        if (data.done) {
          const percent = row.querySelector(".percent");
          const outcome = data.status === "succeeded" ? "finished" : data.status;
          if (percent) percent.textContent = `Analysis ${outcome}, reloading…`;
          setTimeout(() => window.location.reload(), RELOAD_MS);
          return;
        }
      }
    } catch (err) {
      /* the server may be restarting: try again on the next tick */
    }
    setTimeout(() => poll(row), PERIOD_MS);
  }

  rows.forEach((row) => setTimeout(() => poll(row), PERIOD_MS / 2));
})();
