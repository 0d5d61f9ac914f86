// Solutions are collapsed <details> on screen; on paper they are printed open. CSS does it
// in Chromium (theme/paper.css, ::details-content); this opens them for every browser
// before printing and closes again, after, the ones it opened.
(function () {
  "use strict";
  let opened = [];
  window.addEventListener("beforeprint", () => {
    opened = [...document.querySelectorAll("main details:not([open])")];
    opened.forEach((d) => { d.open = true; });
  });
  window.addEventListener("afterprint", () => {
    opened.forEach((d) => { d.open = false; });
    opened = [];
  });
})();
