// Photo session upload with a progress bar: upload progress, then "analysing" until the result page is ready.
(function () {
  "use strict";
  var form = document.getElementById("photo-session");
  if (!form || !window.XMLHttpRequest || !window.FormData) { return; }
  var box = document.getElementById("progress");
  var bar = document.getElementById("progress-bar");
  var text = document.getElementById("progress-text");
  var error = document.getElementById("upload-error");
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    error.hidden = true;
    box.hidden = false;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
    });
    xhr.upload.addEventListener("load", function () {
      bar.removeAttribute("value");
      text.textContent = "Analysing photos…";
    });
    xhr.addEventListener("load", function () {
      var reply = null;
      try { reply = JSON.parse(xhr.responseText); } catch (ignore) { reply = null; }
      if (xhr.status === 201 && reply && reply.redirect) { window.location.assign(reply.redirect); return; }
      error.textContent = (reply && reply.error) ? reply.error : "Upload failed (" + xhr.status + ").";
      error.hidden = false;
      box.hidden = true;
      button.disabled = false;
    });
    xhr.addEventListener("error", function () {
      error.textContent = "Upload failed: the server could not be reached.";
      error.hidden = false;
      box.hidden = true;
      button.disabled = false;
    });
    xhr.send(new FormData(form));
  });
})();
