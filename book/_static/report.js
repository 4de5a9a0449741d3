// A year of the annual report (webinars.assemble.pages, PageWriter.report_year): its "Print"
// button prints the page, which the print stylesheet (webinars.css, @media print) makes a
// document: the year's text without the site's navigation. Without JavaScript the button
// stays hidden (the browser's own Print does the same).
(function () {
  "use strict";
  Array.prototype.forEach.call(document.querySelectorAll("[data-wb-print]"), function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();
