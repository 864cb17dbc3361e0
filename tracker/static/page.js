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
