// Faster entry on the activity and role forms. Without JavaScript every form still works:
// the party lists are plain selects, and the rows the page shows can all be filled.
(() => {
  "use strict";

  // A link that lands on a field (…#title) puts the cursor in it.
  if (location.hash) {
    const target = document.getElementById(decodeURIComponent(location.hash.slice(1)));
    if (target && target.matches("input, select, textarea")) target.focus();
  }

  const names = document.getElementById("party-names");
  // What the lists append to a party not yet in the conflict: typing the bare name finds it too.
  const SUFFIX = ((document.getElementById("new-party") || {}).dataset || {}).suffix || "";
  const bare = (text) => (SUFFIX && text.endsWith(SUFFIX) ? text.slice(0, -SUFFIX.length) : text).trim().toLowerCase();
  const NO_SUCH = "No such party: pick one from the list, or create it with “New party”.";

  // A type-ahead picker over a party <select>: typing filters the party names; the select,
  // hidden, still carries the value posted.
  function picker(select) {
    if (!names || select.dataset.picker) return;
    select.dataset.picker = "1";
    const input = document.createElement("input");
    input.type = "text";
    input.className = "form-control js-picker-input" + (select.classList.contains("is-invalid") ? " is-invalid" : "");
    input.id = select.id + "-search";
    input.setAttribute("list", "party-names");
    input.autocomplete = "off";
    input.placeholder = "Type a party's name…";
    const label = document.querySelector(`label[for="${select.id}"]`);
    if (label) label.htmlFor = input.id;
    const chosen = select.options[select.selectedIndex];
    input.value = chosen && chosen.value !== "0" && chosen.value !== "" ? chosen.text : "";
    const sync = () => {
      const typed = bare(input.value);
      const match = [...select.options].find((o) => o.value !== "0" && o.value !== "" && bare(o.text) === typed);
      select.value = match ? match.value : select.options[0].value;
      input.setCustomValidity(match || !typed ? "" : NO_SUCH);
    };
    input.addEventListener("input", sync);
    input.addEventListener("change", () => { sync(); if (!input.validity.valid) input.reportValidity(); });
    input.addEventListener("focus", () => { lastPicker = input; });
    select.before(input);
    select.hidden = true;
    select.tabIndex = -1;
  }

  let lastPicker = null;
  const PICKERS = "select.js-party-picker, form[data-party-select] select[name=party]";
  document.querySelectorAll(PICKERS).forEach(picker);

  // A name that matches no party is never dropped silently: saving stops at it and says why.
  document.querySelectorAll("form").forEach((form) => {
    if (!form.querySelector(".js-picker-input")) return;
    form.addEventListener("submit", (event) => {
      const unknown = [...form.querySelectorAll(".js-picker-input")].find((el) => !el.validity.valid);
      if (!unknown) return;
      event.preventDefault();
      unknown.classList.add("is-invalid");
      unknown.focus();
      unknown.reportValidity();
    });
  });

  // "Add a party" / "Add a source": one more row, numbered after the last.
  document.querySelectorAll("[data-rows]").forEach((set) => {
    const button = set.querySelector(".js-add-row");
    if (!button) return;
    button.hidden = false;
    button.addEventListener("click", () => {
      const rows = set.querySelectorAll(".js-row");
      if (rows.length >= Number(set.dataset.max || 30)) return;
      const last = rows[rows.length - 1];
      const copy = last.cloneNode(true);
      const pattern = new RegExp(`^${set.dataset.rows}-\\d+-`);
      const renamed = `${set.dataset.rows}-${rows.length}-`;
      copy.querySelectorAll("[name], [id], [for]").forEach((el) => {
        for (const attr of ["name", "id", "for"]) {
          const value = el.getAttribute(attr);
          if (value) el.setAttribute(attr, value.replace(pattern, renamed));
        }
      });
      copy.querySelectorAll(".js-picker-input, .invalid-feedback").forEach((el) => el.remove());
      copy.querySelectorAll(".is-invalid").forEach((el) => el.classList.remove("is-invalid"));
      copy.querySelectorAll("[aria-invalid]").forEach((el) => el.removeAttribute("aria-invalid"));
      copy.querySelectorAll("input").forEach((el) => { el.value = ""; });
      copy.querySelectorAll("select").forEach((el) => {
        el.selectedIndex = 0;
        el.hidden = false;
        delete el.dataset.picker;
        el.removeAttribute("tabindex");
      });
      copy.querySelectorAll("label").forEach((el) => { el.textContent = el.textContent.replace(/\d+/, String(rows.length + 1)); });
      last.after(copy);
      copy.querySelectorAll("select.js-party-picker").forEach(picker);
      const first = copy.querySelector(".js-picker-input, input:not([type=hidden]), select:not([hidden])");
      if (first) first.focus();
      if (set.querySelectorAll(".js-row").length >= Number(set.dataset.max || 30)) button.disabled = true;
    });
  });

  // "New party…": create a party without leaving the form; it is chosen in the row last used.
  const dialog = document.getElementById("new-party");
  const opener = document.querySelector(".js-new-party");
  if (dialog && opener && typeof dialog.showModal === "function") {
    const form = dialog.querySelector("form");
    const errors = dialog.querySelector(".js-errors");
    opener.hidden = false;
    opener.addEventListener("click", () => {
      errors.textContent = "";
      const typed = lastPicker && !lastPicker.validity.valid ? lastPicker.value.trim() : "";
      form.elements.name.value = typed;
      dialog.showModal();
      form.elements.name.focus();
    });
    dialog.querySelector(".js-close").addEventListener("click", () => dialog.close());
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const token = document.querySelector("input[name=csrf_token]");
      if (token) data.set("csrf_token", token.value);
      errors.textContent = "";
      let response;
      try {
        response = await fetch(form.dataset.action, { method: "POST", body: data, headers: { Accept: "application/json" } });
      } catch (error) {
        errors.textContent = "The party could not be saved: the server did not answer. Try again.";
        return;
      }
      const body = await response.json().catch(() => ({}));
      if (response.status !== 201) {
        const fields = (body.error && body.error.fields) || {};
        const reasons = Object.entries(fields).map(([name, list]) => `${name.replace("_", " ")}: ${list.join(" ")}`);
        errors.textContent = reasons.join(" ") || (body.error && body.error.message) || `The party was not saved (${response.status}).`;
        return;
      }
      document.querySelectorAll(PICKERS).forEach((select) => select.add(new Option(`${body.name}${dialog.dataset.suffix || ""}`, body.id)));
      if (names) names.append(new Option(`${body.name}${dialog.dataset.suffix || ""}`));
      const target = lastPicker || document.querySelector(".js-picker-input");
      if (target) {
        target.value = `${body.name}${dialog.dataset.suffix || ""}`;
        target.dispatchEvent(new Event("input"));
      }
      const addMissing = document.querySelector("input[name=add_missing_parties]");
      if (addMissing) addMissing.checked = true;
      dialog.close();
      if (target) target.focus();
    });
  }
})();
