// Visit comparison: the overlay's slider sets how opaque the later visit is over the earlier one (arrow keys work).
(function () {
  "use strict";
  document.querySelectorAll("input[data-overlay]").forEach(function (input) {
    var top = document.getElementById(input.getAttribute("aria-controls"));
    if (!top) { return; }
    function update() {
      top.style.opacity = String(Number(input.value) / 100);
      input.setAttribute("aria-valuetext", "later visit " + input.value + "% opaque");
    }
    input.addEventListener("input", update);
    update();
  });
}());
