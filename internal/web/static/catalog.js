// Catalogue search: "Hledat od mého místa". The button is hidden until this
// script knows the browser can tell the position; a click asks for it, puts
// it (rounded to about 100 m) into the form as lat and lng, chooses a radius
// when none is chosen, and submits. Without JavaScript the visitor picks a
// municipality and a radius instead.
(function () {
  "use strict";
  var button = document.getElementById("catalog-here");
  if (!button || !navigator.geolocation) return;
  var form = button.form;
  var status = document.getElementById("catalog-here-status");
  button.hidden = false;

  function field(name) {
    var input = form.querySelector('input[name="' + name + '"]');
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      form.appendChild(input);
    }
    return input;
  }

  // Choosing a municipality means searching from it, not from here.
  var obec = form.querySelector('[name="obec"]');
  if (obec) {
    obec.addEventListener("change", function () {
      ["lat", "lng"].forEach(function (n) {
        var input = form.querySelector('input[name="' + n + '"]');
        if (input) input.remove();
      });
    });
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    if (status) status.textContent = button.dataset.locating;
    navigator.geolocation.getCurrentPosition(function (pos) {
      field("lat").value = pos.coords.latitude.toFixed(3);
      field("lng").value = pos.coords.longitude.toFixed(3);
      var km = form.querySelector('[name="km"]');
      if (km && !km.value) km.value = button.dataset.km;
      form.submit();
    }, function () {
      button.disabled = false;
      if (status) status.textContent = button.dataset.denied;
    }, { enableHighAccuracy: false, timeout: 15000, maximumAge: 600000 });
  });
})();
