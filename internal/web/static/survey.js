// Surveys: hide a question whose condition (an answer to an earlier
// question) is not met. Without JavaScript every question shows with a
// sentence saying when to answer it, and the server ignores answers of
// questions whose condition is not met.
(function () {
  "use strict";
  var form = document.querySelector(".survey-form");
  if (!form) return;
  var qs = Array.prototype.slice.call(form.querySelectorAll(".survey-q[data-code]"));
  function chosen(code) {
    var box = form.querySelector('.survey-q[data-code="' + code + '"]');
    if (!box || box.hidden) return null;
    var vals = [];
    box.querySelectorAll("input, select, textarea").forEach(function (el) {
      if ((el.type === "radio" || el.type === "checkbox") ? el.checked : el.value.trim() !== "") {
        vals.push(el.value);
      }
    });
    return vals;
  }
  function update() {
    qs.forEach(function (box) {
      var code = box.getAttribute("data-cond");
      if (!code) return;
      var want = (box.getAttribute("data-cond-values") || "").split(" ").filter(Boolean);
      var not = box.hasAttribute("data-cond-not");
      var got = chosen(code) || [];
      var show;
      if (want.length === 0) {
        show = got.length > 0;
      } else {
        var match = got.some(function (v) { return want.indexOf(v) >= 0; });
        show = not ? !match : match;
      }
      box.hidden = !show;
    });
  }
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
})();
