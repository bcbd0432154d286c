// Keyboard moves through the review queue; nothing here talks to the network but this app.
(function () {
  "use strict";
  var groups = [];
  var current = -1;

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.isContentEditable);
  }

  function select(i, scroll) {
    if (!groups.length) return;
    current = (i + groups.length) % groups.length;
    groups.forEach(function (g, j) { g.classList.toggle("current", j === current); });
    if (scroll) groups[current].scrollIntoView({block: "center"});
  }

  function pointsOf(i) {
    var g = groups[i];
    return g ? g.querySelector("form.grade-group input.points") : null;
  }

  function go(rel) {
    var a = document.querySelector('a[rel="' + rel + '"]');
    if (a) window.location.href = a.href;
  }

  document.addEventListener("DOMContentLoaded", function () {
    groups = Array.prototype.slice.call(document.querySelectorAll("section.group"));
    var focusId = new URLSearchParams(window.location.search).get("focus");
    var start = 0;
    groups.forEach(function (g, j) { if (g.id === focusId) start = j; });
    select(start, Boolean(focusId));
    if (focusId && pointsOf(current)) pointsOf(current).focus();
    var help = document.getElementById("help");
    var button = document.getElementById("help-button");
    if (button) button.addEventListener("click", function () { help.hidden = !help.hidden; });
    groups.forEach(function (g, j) {
      g.addEventListener("click", function () { select(j, false); });
    });
  });

  document.addEventListener("keydown", function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (typing(e.target)) {
      if (e.key === "Escape") e.target.blur();
      return;
    }
    var k = e.key;
    if (k === "j") select(current + 1, true);
    else if (k === "k") select(current - 1, true);
    else if (k === "g" || k === "Enter") {
      var p = pointsOf(current);
      if (p) { p.focus(); e.preventDefault(); }
    } else if (k === "s") {
      var d = groups[current] && groups[current].querySelector("details.students");
      if (d) d.open = !d.open;
    } else if (k === "n") go("next");
    else if (k === "p") go("prev");
    else if (k === "a") { var t = document.getElementById("toggle-all"); if (t) t.click(); }
    else if (k === "q") window.location.href = "/";
    else if (k === "?") { var h = document.getElementById("help"); h.hidden = !h.hidden; }
  });
})();
