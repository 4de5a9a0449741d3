// The recording's player is a facade (templates/recordings.html): a link to the recording
// on the video host, so that nothing is loaded from the host before the visitor asks. On a
// click (or Enter), the host's player takes the facade's place and starts; with a modifier
// key the link opens as a link. A file, not an inline script: it runs under a strict
// Content-Security-Policy.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var facade = event.target.closest && event.target.closest("a.wb-facade[data-embed]");
    if (!facade || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0) { return; }
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.src = facade.getAttribute("data-embed");
    frame.title = facade.getAttribute("data-title");
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.setAttribute("allowfullscreen", "");
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    facade.replaceWith(frame);
    frame.focus();
  });
})();
