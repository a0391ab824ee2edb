// Treatment form: offer only the names of the chosen kind, and the injection fields only for injections.
(function () {
  "use strict";
  var kind = document.querySelector("select[name=kind]");
  var name = document.querySelector("select[name=name]");
  if (!kind || !name) { return; }
  var labels = {medication: "Medication", therapy: "Therapy session", botulinum_toxin: "Botulinum toxin injection",
                procedure: "Procedure"};
  function field(n) { var el = document.querySelector("[name=" + n + "]"); return el ? el.closest(".field") : null; }
  function update() {
    var wanted = labels[kind.value];
    var groups = name.querySelectorAll("optgroup");
    for (var i = 0; i < groups.length; i++) {
      var show = groups[i].label === wanted;
      groups[i].hidden = !show;
      groups[i].disabled = !show;
    }
    var selected = name.options[name.selectedIndex];
    if (!selected || selected.parentNode.disabled) {
      var first = name.querySelector("optgroup:not([disabled]) option");
      if (first) { first.selected = true; }
    }
    ["muscle", "side", "units"].forEach(function (n) {
      var f = field(n); if (f) { f.hidden = kind.value !== "botulinum_toxin"; }
    });
    var dose = field("dose"); if (dose) { dose.hidden = kind.value !== "medication"; }
    var other = field("other_name"); if (other) { other.hidden = name.value !== "other"; }
  }
  kind.addEventListener("change", update);
  name.addEventListener("change", update);
  update();
})();
