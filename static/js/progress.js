/*
 * Live progress: every element with data-status-url polls that status.json until the analysis is
 * done, updating its <progress>, percentage and status badge; the page reloads once when one
 * finishes, so its results (timeline, report links) appear.
 */
(function () {
  "use strict";
  const PERIOD_MS = 1500;
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
          window.location.reload();
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
