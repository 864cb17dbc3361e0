// The event intake's pages. A batch being read: follow its progress, and show the report
// when it is done. The review queue: keys to move (j/k), select (x), open (o), and accept (A)
// or reject (R) the selected candidates (each asks first). Keys typed in a text field, a list or
// a button are theirs, not the queue's.
(() => {
  const status = document.querySelector("[data-batch-status]");
  if (status) {
    const state = status.querySelector(".js-batch-state");
    const progress = status.querySelector(".js-batch-progress");
    const follow = async () => {
      try {
        const response = await fetch(status.dataset.batchStatus, { headers: { Accept: "application/json" } });
        if (response.ok) {
          const data = await response.json();
          if (data.status === "done" || data.status === "failed") {
            window.location.reload();
            return;
          }
          state.textContent = data.status === "queued" ? "Waiting for a worker…" : "Reading the file…";
          progress.textContent = `${data.events.toLocaleString()} events read, ${data.candidates.toLocaleString()} candidates so far.`;
        }
      } catch (error) {
        // the next try may reach the server
      }
      window.setTimeout(follow, 1500);
    };
    window.setTimeout(follow, 1000);
  }

  const queue = document.querySelector(".js-queue");
  if (!queue) {
    return;
  }
  const rows = Array.from(queue.querySelectorAll(".js-candidate"));
  let current = -1;
  const focus = (index) => {
    if (!rows.length) {
      return;
    }
    current = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((row, i) => row.classList.toggle("table-active", i === current));
    rows[current].focus();
  };
  const press = (selector) => {
    const button = queue.querySelector(selector);
    if (button && queue.querySelector("input[name=candidate]:checked")) {
      button.click();
    }
  };
  queue.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && event.target.matches("input[type=checkbox]")) {
      event.preventDefault(); // Enter on a box would send the form with its first button: Accept
    }
  });
  queue.addEventListener("click", (event) => {
    const row = event.target.closest(".js-candidate");
    if (row) {
      current = rows.indexOf(row);
      rows.forEach((r, i) => r.classList.toggle("table-active", i === current));
    }
  });
  document.addEventListener("keydown", (event) => {
    const typing = event.target.closest("input:not([type=checkbox]), select, textarea");
    if (event.ctrlKey || event.metaKey || event.altKey || typing) {
      return;
    }
    const row = rows[current];
    if (event.key === "j") {
      focus(current + 1);
    } else if (event.key === "k") {
      focus(current - 1);
    } else if (event.key === "x" && row) {
      const box = row.querySelector("input[type=checkbox]");
      if (box) {
        box.checked = !box.checked;
      }
    } else if (event.key === "o" && row) {
      row.querySelector(".js-open").click();
    } else if (event.key === "A") {
      press(".js-accept");
    } else if (event.key === "R") {
      press(".js-reject");
    } else {
      return;
    }
    event.preventDefault();
  });
})();
