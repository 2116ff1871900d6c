/* The report page: its Print button (no inline handlers, so the page keeps to its CSP). */
document.getElementById("print").addEventListener("click", () => window.print());
