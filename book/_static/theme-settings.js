// What pydata-sphinx-theme writes inline in every page, from a file, so that it runs under a
// strict Content-Security-Policy (script-src 'self'): the colour mode the reader chose
// (kept by the theme's switcher), set before the page is drawn, and this page's options
// for the theme's script. The values are on this script's element (_templates/layout.html).
(function () {
  "use strict";
  var settings = document.currentScript.dataset;
  var root = document.documentElement.dataset;
  root.mode = localStorage.getItem("mode") || settings.defaultMode || "";
  // The theme the page is drawn in, resolved now when the mode is "auto" (the reader's system
  // setting): the theme's own script resolves it only once the page is loaded, and a page in
  // dark mode first showed light, then faded to dark (its buttons' colours in transition).
  var theme = localStorage.getItem("theme") || settings.defaultMode || "";
  if (!theme || theme === "auto") {
    theme = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  root.theme = theme;
  DOCUMENTATION_OPTIONS.pagename = settings.pagename;
  DOCUMENTATION_OPTIONS.search_as_you_type = settings.searchAsYouType === "true";
})();
