// Grants: the budget table of each service shows the sum of its requested
// lines beside the amount requested, as the provider types (the server
// checks the same rule on submission; without JavaScript nothing changes).
(function () {
  'use strict';
  function parse(v) {
    v = (v || '').replace(/Kč|,-|\s|\u00a0|\./g, '');
    var c = v.indexOf(',');
    if (c >= 0) v = v.slice(0, c);
    var n = parseInt(v, 10);
    return isNaN(n) ? 0 : n;
  }
  function format(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0') + '\u00a0Kč';
  }
  document.querySelectorAll('.line-sum[data-service]').forEach(function (out) {
    var id = out.getAttribute('data-service');
    var form = out.closest('form');
    var req = form.querySelector('[name="s' + id + '_requested"]');
    var lines = form.querySelectorAll('input[name^="s' + id + '_"][name$="_requested"]:not([name="s' + id + '_requested"])');
    function update() {
      var sum = 0;
      lines.forEach(function (i) { sum += parse(i.value); });
      var want = parse(req && req.value);
      out.textContent = out.getAttribute('data-label') + ' ' + format(sum) +
        (sum === want ? '' : ' – ' + out.getAttribute('data-differs') + ' ' + format(want));
      out.classList.toggle('disagree', sum !== want);
    }
    lines.forEach(function (i) { i.addEventListener('input', update); });
    if (req) req.addEventListener('input', update);
    out.hidden = false;
    update();
  });
})();
