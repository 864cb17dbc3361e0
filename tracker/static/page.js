// Small behaviours shared by every page, bound here because the CSP forbids inline handlers:
// a button with data-confirm asks before its form is sent; a field with data-select-on-focus
// selects its whole value (a new token, to copy).
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.dataset.confirm)) {
    event.preventDefault();
  }
});
document.addEventListener("focusin", (event) => {
  if (event.target.matches("[data-select-on-focus]")) {
    event.target.select();
  }
});
// A dashboard's long data table is read when its <details data-src> is first opened: the
// table's own page is fetched and its table put in place (without script, the link opens it).
document.addEventListener("toggle", async (event) => {
  const details = event.target;
  if (!(details instanceof HTMLDetailsElement) || !details.open || !details.dataset.src || details.dataset.loaded) {
    return;
  }
  details.dataset.loaded = "1";
  const holder = details.querySelector(".data-table-scroll");
  try {
    const response = await fetch(details.dataset.src, { credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    const table = page.querySelector("#data-table table");
    if (!table) throw new Error("no table");
    holder.replaceChildren(document.importNode(table, true));
  } catch (error) {
    delete details.dataset.loaded;
    if (!holder.querySelector(".text-danger")) {
      holder.insertAdjacentHTML("afterbegin", '<p class="small text-danger">The table could not be read; the link opens it.</p>');
    }
  }
}, true);
// A swimlane mark opens its party's activities of its period: the lane's link (data-lane)
// with the from/to of the mark's column (the chart's data-periods, "from/to" per column; the
// column from the mark's x and the chart's data-columns, "left cell").
document.addEventListener("click", (event) => {
  const mark = event.target.closest("g[data-lane] circle");
  const chart = mark && mark.closest("svg[data-periods]");
  if (!chart) return;
  const [left, cell] = chart.dataset.columns.split(" ").map(Number);
  const column = Math.floor((Number(mark.getAttribute("cx")) - left) / cell);
  const [from, to] = chart.dataset.periods.split(" ")[column].split("/");
  const url = new URL(mark.closest("g[data-lane]").dataset.lane, window.location.href);
  url.searchParams.set("from", from);
  url.searchParams.set("to", to);
  window.location.assign(url.toString());
});
