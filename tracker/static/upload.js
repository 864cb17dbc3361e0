// Shows upload progress for large files; without JavaScript the form posts as usual. What the
// server answers is then shown as if the form had posted: a redirect is followed (so the address
// is the page's own), a file over the limit is said beside the field.
document.querySelectorAll("form.upload-form").forEach((form) => {
  const bar = form.querySelector("progress.upload-progress");
  const file = form.querySelector("input[type=file]");
  const limit = Number(form.dataset.limitMb || 0) * 1024 * 1024;
  const tooLarge = () => {
    file.classList.add("is-invalid");
    let note = form.querySelector(".js-too-large");
    if (!note) {
      note = document.createElement("div");
      note.className = "invalid-feedback d-block js-too-large";
      file.insertAdjacentElement("afterend", note);
    }
    note.textContent = `This file is larger than the ${form.dataset.limitMb} MB limit.`;
  };
  if (file) {
    file.addEventListener("change", () => {
      file.classList.remove("is-invalid");
      form.querySelector(".js-too-large")?.remove();
    });
  }
  form.addEventListener("submit", (event) => {
    if (file && file.files.length && limit && file.files[0].size > limit) {
      event.preventDefault(); // said before sending it, rather than after
      tooLarge();
      return;
    }
    if (!bar || !file || !file.files.length || file.files[0].size < 512 * 1024) return;
    event.preventDefault();
    const target = new URL(form.action || window.location.href, window.location.href).href;
    const request = new XMLHttpRequest();
    request.open("POST", target);
    request.setRequestHeader("Accept", "text/html");
    bar.hidden = false;
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    request.addEventListener("load", () => {
      if (request.status === 413) {
        bar.hidden = true;
        tooLarge();
        return;
      }
      if (request.responseURL && request.responseURL !== target) {
        window.location.assign(request.responseURL);
        return;
      }
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.send(new FormData(form));
  });
});
