// The annual report (webinars.notebooks.report): "Print this year" prints that year's
// section alone (webinars.css, @media print); printing the page otherwise prints every
// year, each from a new sheet. Without JavaScript the buttons stay hidden.
(function () {
  "use strict";
  var root = document.documentElement;
  var buttons = document.querySelectorAll("[data-wb-print]");
  Array.prototype.forEach.call(buttons, function (button) {
    button.hidden = false;
    button.addEventListener("click", function () {
      root.setAttribute("data-wb-print", button.getAttribute("data-wb-print"));
      button.closest(".wb-report-year").setAttribute("data-wb-printing", "");
      window.print();
    });
  });
  window.addEventListener("afterprint", function () {
    root.removeAttribute("data-wb-print");
    Array.prototype.forEach.call(document.querySelectorAll("[data-wb-printing]"), function (section) {
      section.removeAttribute("data-wb-printing");
    });
  });
})();
