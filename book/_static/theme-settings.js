// What pydata-sphinx-theme writes inline in every page, from a file, so that it runs under a
// strict Content-Security-Policy (script-src 'self'): the colour mode the reader chose
// (kept by the theme's switcher), set before the page is drawn, and this page's options
// for the theme's script. The values are on this script's element (_templates/layout.html).
(function () {
  "use strict";
  var settings = document.currentScript.dataset;
  var root = document.documentElement.dataset;
  root.mode = localStorage.getItem("mode") || settings.defaultMode || "";
  root.theme = localStorage.getItem("theme") || settings.defaultMode || "";
  DOCUMENTATION_OPTIONS.pagename = settings.pagename;
  DOCUMENTATION_OPTIONS.search_as_you_type = settings.searchAsYouType === "true";
})();
