// Filters of the topic list. Without JavaScript the form stays hidden and every row is
// shown. With it, the rows that do not match are hidden, and everything that counts rows
// follows: each section's count (or a line saying nothing matches), the tables "In
// numbers" and the chart. The filters are kept in the page's address (?regions=africa),
// so that a filtered list can be shared, and restored from it.
(function () {
  "use strict";
  var all = function (selector, root) {
    return Array.prototype.slice.call((root || document).querySelectorAll(selector));
  };

  function setUp(form) {
    var lang = document.documentElement.lang || undefined;
    var format = new Intl.NumberFormat(lang, { numberingSystem: "latn" });  // as the page's own numbers
    var rows = all("table[data-wb-filterable] tbody tr").map(function (row) {
      var section = row.closest("[data-wb-section]");
      return { element: row, section: section ? section.getAttribute("data-wb-section") : "",
               year: row.getAttribute("data-year") || "",
               regions: (row.getAttribute("data-regions") || "").split(" ") };
    });
    var status = form.querySelector("[data-wb-status]");
    // What the page says before any filter, written by the build: put back as it was.
    var counted = all("[data-wb-section-count], [data-wb-count], .wb-bar-total, .wb-segment [data-wb-number]");
    counted.forEach(function (element) { element.setAttribute("data-all", element.textContent); });
    var chart = document.querySelector("[data-wb-chart]");
    var scale = chart ? Number(chart.getAttribute("data-scale")) || 1 : 1;

    function wanted() {
      var values = {};
      all("select", form).forEach(function (field) { if (field.value) { values[field.name] = field.value; } });
      return values;
    }

    function matches(row, values) {
      return Object.keys(values).every(function (name) {
        return (row.element.getAttribute("data-" + name) || "").split(" ").indexOf(values[name]) !== -1;
      });
    }

    function show(element, count, filtered) {
      element.textContent = filtered ? format.format(count) : element.getAttribute("data-all");
    }

    function apply() {
      var values = wanted();
      var filtered = Object.keys(values).length > 0;
      var shown = rows.filter(function (row) {
        var ok = matches(row, values);
        row.element.hidden = !ok;
        return ok;
      });
      all("[data-wb-section]").forEach(function (section) {
        var name = section.getAttribute("data-wb-section");
        var count = shown.filter(function (row) { return row.section === name; }).length;
        var number = section.querySelector("[data-wb-section-count]");
        if (number) { show(number, count, filtered); }
        var table = section.querySelector("table[data-wb-filterable]");
        var none = section.querySelector("[data-wb-none]");
        if (table && none) {
          table.hidden = count === 0;
          none.hidden = count !== 0;
        }
      });
      all("[data-wb-count]").forEach(function (cell) {
        var state = cell.getAttribute("data-wb-count");
        var year = cell.getAttribute("data-year");
        var region = cell.getAttribute("data-region");
        var count = shown.filter(function (row) {
          return row.section === state && (year === null || row.year === year) &&
            (region === null || row.regions.indexOf(region) !== -1);
        }).length;
        show(cell, count, filtered);
      });
      all(".wb-chart-row").forEach(function (bar) {
        var total = 0;
        all(".wb-segment", bar).forEach(function (segment) {
          var year = segment.getAttribute("data-year");
          var state = segment.getAttribute("data-status");
          var count = shown.filter(function (row) { return row.section === state && row.year === year; }).length;
          segment.style.flexGrow = String(count);
          segment.hidden = count === 0;
          show(segment.querySelector("[data-wb-number]"), count, filtered);
          total += count;
        });
        var rest = bar.querySelector(".wb-bar-rest");
        if (rest) { rest.style.flexGrow = String(Math.max(scale - total, 0)); }
        var label = bar.querySelector(".wb-bar-total");
        if (label) { show(label, total, filtered); }
      });
      status.textContent = status.getAttribute("data-template")
        .replace("{shown}", format.format(shown.length))
        .replace("{total}", format.format(rows.length));
      var query = new URLSearchParams(values).toString();
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    // A shared address sets the filters it names (values this list does not offer are ignored).
    var given = new URLSearchParams(location.search);
    all("select", form).forEach(function (field) {
      var value = given.get(field.name);
      if (value && all("option", field).some(function (option) { return option.value === value; })) {
        field.value = value;
      }
    });
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
