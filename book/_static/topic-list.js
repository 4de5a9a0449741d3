// Filters of the topic list: hide the rows that do not match. Without JavaScript the
// form stays hidden and every row is shown.
(function () {
  "use strict";
  function setUp(form) {
    var tables = document.querySelectorAll("table[data-wb-filterable]");
    var rows = Array.prototype.slice.call(document.querySelectorAll("table[data-wb-filterable] tbody tr"));
    var status = form.querySelector("[data-wb-status]");
    function apply() {
      var wanted = {};
      Array.prototype.forEach.call(form.elements, function (field) {
        if (field.name && field.value) { wanted[field.name] = field.value; }
      });
      var shown = 0;
      rows.forEach(function (row) {
        var ok = Object.keys(wanted).every(function (name) {
          var values = (row.getAttribute("data-" + name) || "").split(" ");
          return values.indexOf(wanted[name]) !== -1;
        });
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      status.textContent = status.getAttribute("data-template")
        .replace("{shown}", shown.toLocaleString(document.documentElement.lang))
        .replace("{total}", rows.length.toLocaleString(document.documentElement.lang));
    }
    form.addEventListener("change", apply);
    form.addEventListener("reset", function () { setTimeout(apply, 0); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.hidden = false;
    apply();
  }
  function start() {
    var form = document.querySelector("form[data-wb-filters]");
    if (form) { setUp(form); }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
