// kpss: small enhancements only — every page works without this file.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // Move focus to the error summary so that screen readers read it first.
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
    // Ask before irreversible-looking actions (archive, sign out of all …).
    document.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (e) {
        if (!window.confirm(form.getAttribute("data-confirm"))) { e.preventDefault(); }
      });
    });
  });
})();
