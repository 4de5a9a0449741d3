// The theme's "Back to top" button, as pydata-sphinx-theme's bootstrap.js ran it, without
// Bootstrap's 23 KB that the pages used for nothing else (their buttons' tooltips are the
// browser's own, from `title`): shown while the reader scrolls back up below the header;
// it takes them to the top of the page.
(function () {
  "use strict";
  function start() {
    var button = document.getElementById("pst-back-to-top");
    var header = document.querySelector(".bd-header");
    if (!button || !header) return;
    var below = header.getBoundingClientRect().bottom;
    var last = window.scrollY;
    button.addEventListener("click", function () {
      window.scrollTo(0, 0);
    });
    window.addEventListener("scroll", function () {
      var now = window.scrollY;
      button.style.display = now < last && now > below ? "block" : "none";
      last = now;
    }, { passive: true });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
