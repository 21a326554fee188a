// Speed networking: the room view reloads itself every data-refresh seconds
// (without JavaScript its "Obnovit" link does the same); timetables get a
// print button.
(function () {
  "use strict";
  var room = document.querySelector("[data-refresh]");
  if (room) {
    var s = parseInt(room.getAttribute("data-refresh"), 10) || 30;
    window.setTimeout(function () { window.location.reload(); }, s * 1000);
  }
  var print = document.querySelectorAll("[data-print]");
  for (var i = 0; i < print.length; i++) {
    print[i].hidden = false;
    print[i].addEventListener("click", function () { window.print(); });
  }
})();
