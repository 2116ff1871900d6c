/* Beat-table page: clicking a row plots its beat over the table's median row. */
(function () {
  "use strict";
  const canvas = document.getElementById("row-beat");
  if (!canvas || !window.Chart) return;
  const caption = document.getElementById("row-caption");
  const urlOf = (row) => canvas.dataset.url.replace(/\/0\.json$/, `/${row}.json`);
  const chart = new Chart(canvas, {
    type: "line",
    data: { labels: [], datasets: [] },
    options: {
      animation: false,
      elements: { point: { radius: 0 } },
      scales: { x: { title: { display: true, text: "sample" } }, y: { title: { display: true, text: "z-score" } } },
    },
  });

  async function show(row) {
    const response = await fetch(urlOf(row), { credentials: "same-origin" });
    const data = await response.json();
    if (!response.ok) {
      caption.textContent = data.error || `Row ${row} could not be loaded.`;
      return;
    }
    chart.data.labels = data.beat.map((_, i) => i);
    chart.data.datasets = [
      { label: `row ${data.row}: ${data.class}`, data: data.beat, borderColor: "#c0392b", borderWidth: 2 },
      { label: "median row of the table", data: data.median, borderColor: "#7f8c8d", borderDash: [4, 3], borderWidth: 1 },
    ];
    chart.update();
    caption.textContent = `Row ${data.row}: label ${data.label} in the file, classified ${data.class} ` +
      `(confidence ${data.confidence.toFixed(3)}), anomaly score ${data.score.toFixed(4)}.`;
  }

  const rows = document.querySelectorAll("tr.table-row[data-row]");
  rows.forEach((tr) => {
    const pick = () => {
      rows.forEach((r) => r.classList.remove("selected"));
      tr.classList.add("selected");
      show(Number(tr.dataset.row));
    };
    tr.addEventListener("click", pick);
    tr.addEventListener("keydown", (e) => { if (e.key === "Enter") pick(); });
  });
  if (rows.length) rows[0].click();
})();
