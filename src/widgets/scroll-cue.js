// Wide content (a table, a code line, a long formula) scrolls sideways inside its own
// box instead of running off the page; on a phone that box would hide columns with no
// sign that they exist. This script marks every such box that actually overflows with
// the class `gd-scrolls` and `data-scroll` = "right" | "both" | "left" (where more
// content is), and theme/layout.css fades that edge. tests/browser.rs checks that every
// element wider than the text column sits in a box marked this way.
(function () {
  "use strict";
  const BOXES = ".table-wrapper, table, pre > code, .katex-display, .gd-scroll, figure > p";

  // Inline maths cannot scroll on its own (it is an inline box): a formula wider than the
  // column is wrapped in a span that can. Every refresh first undoes the previous one's
  // wrapping and marks, then measures afresh: a box marked while the window was narrow
  // (or during a screenshot tool's 1×1 px resize) is unmarked once it fits. Without this a
  // marked table kept the phone's one-line cells and so kept overflowing, and a wrapped
  // formula stayed an inline-block 1–2 px off the baseline.
  function unwrapInlineMaths(main) {
    main.querySelectorAll("span.gd-scroll[data-gd-wrap]").forEach((box) => box.replaceWith(...box.childNodes));
  }

  function wrapWideInlineMaths(main) {
    const column = main.getBoundingClientRect().width;
    const wide = [...main.querySelectorAll(".katex")].filter(
      (k) => !k.closest(".katex-display, .gd-scroll") && k.getBoundingClientRect().width > column,
    );
    wide.forEach((k) => {
      const box = document.createElement("span");
      box.className = "gd-scroll";
      box.dataset.gdWrap = "";
      k.replaceWith(box);
      box.appendChild(k);
    });
  }

  function mark(box) {
    const over = box.scrollWidth > box.clientWidth + 1;
    box.classList.toggle("gd-scrolls", over);
    if (!over) {
      delete box.dataset.scroll;
      return;
    }
    const left = box.scrollLeft > 1;
    const right = box.scrollLeft + box.clientWidth < box.scrollWidth - 1;
    box.dataset.scroll = left && right ? "both" : left ? "left" : "right";
  }

  function refresh() {
    const main = document.querySelector("main");
    if (!main) return;
    unwrapInlineMaths(main);
    const boxes = [...main.querySelectorAll(BOXES)];
    boxes.forEach((b) => b.classList.remove("gd-scrolls")); // measured as they lay out unmarked
    wrapWideInlineMaths(main);
    main.querySelectorAll(BOXES).forEach(mark);
  }

  // Resizes come in bursts (a window dragged): one refresh per frame.
  let pending = false;
  function soon() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => { pending = false; refresh(); });
  }

  document.addEventListener("scroll", (ev) => {
    const t = ev.target;
    if (t instanceof Element && t.classList.contains("gd-scrolls")) mark(t);
  }, true);
  window.addEventListener("resize", soon);
  window.addEventListener("load", refresh);
  window.addEventListener("beforeprint", refresh);
  if (document.fonts) document.fonts.ready.then(refresh); // KaTeX fonts change widths
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", refresh);
  else refresh();
  window.gdLayout = { refresh };
})();
