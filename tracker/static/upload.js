// Shows upload progress for large CSV files; without JavaScript the form posts as usual.
document.querySelectorAll("form.upload-form").forEach((form) => {
  const bar = form.querySelector("progress.upload-progress");
  form.addEventListener("submit", (event) => {
    const file = form.querySelector("input[type=file]");
    if (!bar || !file || !file.files.length || file.files[0].size < 512 * 1024) return;
    event.preventDefault();
    const request = new XMLHttpRequest();
    request.open("POST", form.action || window.location.href);
    bar.hidden = false;
    request.upload.addEventListener("progress", (e) => {
      if (e.lengthComputable) bar.value = Math.round((100 * e.loaded) / e.total);
    });
    request.addEventListener("load", () => {
      document.open();
      document.write(request.responseText);
      document.close();
    });
    request.send(new FormData(form));
  });
});
