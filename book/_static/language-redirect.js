// The site's root page (/index.html, scripts/webinars/templates/root.html) sends the visitor
// to the first site language their browser asks for, or to the default language. A file, not
// an inline script, so that it runs under a strict Content-Security-Policy; the root page
// loads the default language's copy. The languages are on this script's element.
(function () {
  "use strict";
  var script = document.currentScript;
  var site = script.getAttribute("data-languages").split(" ");
  var wanted = (navigator.languages && navigator.languages.length) ? navigator.languages : [navigator.language || ""];
  for (var i = 0; i < wanted.length; i++) {
    var code = String(wanted[i]).toLowerCase().split("-")[0];
    if (site.indexOf(code) !== -1) { location.replace(code + "/"); return; }
  }
  location.replace(script.getAttribute("data-default") + "/");
})();
