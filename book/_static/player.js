// The recording's player is a facade (templates/recordings.html): a link to the recording
// on the video host, so that nothing is loaded from the host before the visitor asks. On a
// click (or Enter), the host's player takes the facade's place and starts; with a modifier
// key the link opens as a link. A transcript's times play the recording from there: the
// page's own player seeks, or the host's player (loaded if it was not) starts at that time.
// Without JavaScript every one of these is a plain link. A file, not an inline script: it
// runs under a strict Content-Security-Policy.
(function () {
  "use strict";

  function frame(address, title) {
    var made = document.createElement("iframe");
    made.src = address;
    made.title = title;
    made.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    made.setAttribute("allowfullscreen", "");
    made.referrerPolicy = "strict-origin-when-cross-origin";
    return made;
  }

  // Play channel `channel` of this section's recording from `seconds`: true if done here.
  function seek(section, transcript, seconds) {
    var slot = section.querySelector(".wb-player");
    if (!slot) { return false; }
    var channel = transcript.getAttribute("data-channel");
    var video = slot.querySelector("video");
    if (video && video.getAttribute("data-channel") === channel) {
      video.currentTime = seconds;
      var playing = video.play();
      if (playing && playing.catch) { playing.catch(function () {}); }
      return true;
    }
    var at = transcript.getAttribute("data-embed-at");
    if (!at) { return false; }
    var shown = slot.querySelector("a.wb-facade, iframe, video");
    var title = (shown && (shown.getAttribute("data-title") || shown.title)) || "";
    var made = frame(at.replace("{t}", String(seconds)), title);
    if (shown) { shown.replaceWith(made); } else { slot.appendChild(made); }
    made.scrollIntoView({block: "nearest"});
    return true;
  }

  document.addEventListener("click", function (event) {
    if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey || event.button !== 0 || !event.target.closest) { return; }
    var facade = event.target.closest("a.wb-facade[data-embed]");
    if (facade) {
      event.preventDefault();
      var made = frame(facade.getAttribute("data-embed"), facade.getAttribute("data-title"));
      facade.replaceWith(made);
      made.focus();
      return;
    }
    var time = event.target.closest("a.wb-cue-time[data-seek]");
    if (time) {
      var transcript = time.closest(".wb-transcript");
      var section = time.closest(".wb-recordings");
      if (transcript && section && seek(section, transcript, Number(time.getAttribute("data-seek")))) {
        event.preventDefault();
      }
      return;
    }
    var opener = event.target.closest("a[data-wb-open]");
    if (opener) { open(opener.getAttribute("href").slice(1)); }
  });

  // A transcript asked for by the address (a link from another language's page, a feed).
  function open(id) {
    var target = id && document.getElementById(id);
    if (target && target.tagName === "DETAILS") { target.open = true; }
  }
  function fromAddress() { open(decodeURIComponent(location.hash.slice(1))); }
  fromAddress();
  window.addEventListener("hashchange", fromAddress);
})();
