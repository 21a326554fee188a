// Suggestions: "use my location" on the public form. Without JavaScript the
// address text is enough; this only fills the hidden lat/lng fields.
(function () {
  var btn = document.getElementById('suggestion-locate');
  if (!btn || !navigator.geolocation) return;
  var wrap = btn.closest('.js-only');
  if (wrap) wrap.hidden = false;
  var status = document.getElementById('suggestion-locate-status');
  btn.addEventListener('click', function () {
    status.textContent = btn.getAttribute('data-wait') || '…';
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById('f-lat').value = pos.coords.latitude.toFixed(6);
      document.getElementById('f-lng').value = pos.coords.longitude.toFixed(6);
      status.textContent = '✓ ' + pos.coords.latitude.toFixed(5) + ', ' + pos.coords.longitude.toFixed(5);
    }, function () {
      status.textContent = '✗';
    }, { timeout: 10000 });
  });
})();
