// transcript-fix report: click an edit to find it in the list, click the list to find
// it in the text; n / p (or j / k) step through the edits.
(function () {
  "use strict";
  var marks = Array.prototype.slice.call(document.querySelectorAll(".text .mark"));
  var current = -1;
  function select(el, scrollText) {
    document.querySelectorAll(".selected").forEach(function (x) { x.classList.remove("selected"); });
    el.classList.add("selected");
    var row = document.getElementById("row-" + el.id);
    if (row) { row.classList.add("selected"); row.scrollIntoView({ block: "nearest" }); }
    if (scrollText) { el.scrollIntoView({ block: "center" }); }
    current = marks.indexOf(el);
  }
  marks.forEach(function (el) {
    el.addEventListener("click", function () { select(el, false); });
  });
  document.querySelectorAll("aside a.jump").forEach(function (a) {
    a.addEventListener("click", function (ev) {
      var el = document.getElementById(a.getAttribute("href").slice(1));
      if (el) { ev.preventDefault(); select(el, true); }
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (!marks.length || ev.ctrlKey || ev.metaKey || ev.altKey) { return; }
    if (ev.target && ev.target.tagName === "INPUT") { return; }
    if (ev.key === "n" || ev.key === "j") {
      select(marks[(current + 1) % marks.length], true);
    } else if (ev.key === "p" || ev.key === "k") {
      select(marks[(current - 1 + marks.length) % marks.length], true);
    }
  });
  if (location.hash) {
    var target = document.getElementById(location.hash.slice(1));
    if (target && target.classList.contains("mark")) { select(target, true); }
  }
})();
