// Progressive enhancement: the video player (and its cookies and weight) loads only on a click.
// Without this file the page offers a plain link to the video.
(function () {
  "use strict";
  document.querySelectorAll(".video[data-embed]").forEach(function (box) {
    var button = box.querySelector(".video-play");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var frame = document.createElement("iframe");
      frame.src = box.getAttribute("data-embed");
      frame.title = box.getAttribute("data-title") || document.title;
      frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
      frame.allowFullscreen = true;
      // The players refuse to play without knowing the embedding site.
      frame.referrerPolicy = "strict-origin-when-cross-origin";
      frame.className = "video-frame";
      box.replaceChildren(frame);
      frame.focus();
    });
  });
})();
