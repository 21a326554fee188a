// kpss maps: an enhancement over lists that are always on the page.
//
//   <div class="map" data-map="ID" aria-label="…"></div>
//   <script type="application/json" id="ID">{GeoJSON FeatureCollection}</script>
//     (or data-map-src="/path.geojson" to fetch it)
//   <div class="map map-picker" data-map-picker data-lat="INPUT-ID" data-lng="INPUT-ID"
//        (or data-point="INPUT-ID" for one "lat, lng" field) aria-label="…"></div>
//
// Needs Leaflet (loaded before this file by the map-head partial) and the
// <meta name="kpss-map"> it writes. Without them nothing happens and the
// .map elements stay hidden (kpss.css).
(function () {
  'use strict';
  var meta = document.querySelector('meta[name="kpss-map"]');
  if (!meta || !window.L) return;
  var tiles = meta.getAttribute('content');
  var label = function (k) { return meta.getAttribute('data-label-' + k) || ''; };

  function parseCenter(s) {
    var p = (s || '').split(',');
    if (p.length !== 2) return null;
    var lat = parseFloat(p[0]), lng = parseFloat(p[1]);
    return isFinite(lat) && isFinite(lng) ? [lat, lng] : null;
  }

  function newMap(el) {
    el.classList.add('map-on');
    var map = L.map(el, { scrollWheelZoom: false, zoomControl: false });
    L.control.zoom({ zoomInTitle: label('zoom-in'), zoomOutTitle: label('zoom-out') }).addTo(map);
    L.tileLayer(tiles, { maxZoom: 19, attribution: meta.getAttribute('data-attribution') || '' }).addTo(map);
    // Leaflet adds a link to itself in the attribution; keep the tile credit only.
    map.attributionControl.setPrefix(false);
    // The map pane is focusable for keyboard panning; name it for screen readers.
    var name = el.getAttribute('aria-label');
    if (name) map.getContainer().setAttribute('aria-label', name);
    map.getContainer().setAttribute('role', 'region');
    return map;
  }

  function text(tag, s, cls) {
    var e = document.createElement(tag);
    e.textContent = s;
    if (cls) e.className = cls;
    return e;
  }

  function drawPoints(el, fc) {
    var feats = (fc && fc.features) || [];
    if (!feats.length) return;
    var map = newMap(el), bounds = [];
    feats.forEach(function (f) {
      if (!f.geometry || f.geometry.type !== 'Point') return;
      var c = f.geometry.coordinates, p = f.properties || {};
      var ll = [c[1], c[0]];
      bounds.push(ll);
      var m = L.marker(ll, { title: p.title || '', alt: p.title || '', keyboard: true }).addTo(map);
      var box = document.createElement('div');
      box.className = 'map-popup';
      if (p.url) {
        var a = text('a', p.title || label('open'));
        a.href = p.url;
        box.appendChild(a);
      } else {
        box.appendChild(text('strong', p.title || ''));
      }
      if (p.text) box.appendChild(text('p', p.text));
      m.bindPopup(box);
    });
    if (bounds.length === 1) map.setView(bounds[0], 15);
    else map.fitBounds(bounds, { paddingTopLeft: [24, 48], paddingBottomRight: [24, 16], maxZoom: 15 });
  }

  document.querySelectorAll('[data-map]').forEach(function (el) {
    var src = el.getAttribute('data-map-src');
    if (src) {
      fetch(src, { headers: { Accept: 'application/geo+json, application/json' }, credentials: 'same-origin' })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (fc) { drawPoints(el, fc); })
        .catch(function () {});
      return;
    }
    var data = document.getElementById(el.getAttribute('data-map'));
    if (!data) return;
    try { drawPoints(el, JSON.parse(data.textContent)); } catch (e) { /* the list stays */ }
  });

  document.querySelectorAll('[data-map-picker]').forEach(function (el) {
    var byId = function (a) { var id = el.getAttribute(a); return id ? document.getElementById(id) : null; };
    var latIn = byId('data-lat'), lngIn = byId('data-lng'), pointIn = byId('data-point');
    if (!pointIn && !(latIn && lngIn)) return;
    var read = function () {
      if (pointIn) return parseCenter(pointIn.value.replace(';', ','));
      var lat = parseFloat(latIn.value), lng = parseFloat(lngIn.value);
      return isFinite(lat) && isFinite(lng) ? [lat, lng] : null;
    };
    var write = function (ll) {
      var lat = ll ? ll[0].toFixed(6) : '', lng = ll ? ll[1].toFixed(6) : '';
      if (pointIn) pointIn.value = ll ? lat + ', ' + lng : '';
      else { latIn.value = lat; lngIn.value = lng; }
    };
    var map = newMap(el);
    var status = text('p', '', 'map-status');
    status.setAttribute('aria-live', 'polite');
    var hint = text('p', label('pick-hint'), 'hint');
    var clear = text('button', label('clear'), 'secondary');
    clear.type = 'button';
    el.parentNode.insertBefore(hint, el);
    el.parentNode.insertBefore(status, el.nextSibling);
    status.parentNode.insertBefore(clear, status.nextSibling);
    var marker = null;
    var show = function (ll, announce) {
      if (!ll) {
        if (marker) { map.removeLayer(marker); marker = null; }
        clear.hidden = true;
        status.textContent = '';
        return;
      }
      if (!marker) {
        marker = L.marker(ll, { draggable: true, keyboard: true, title: label('picked'), alt: label('picked') }).addTo(map);
        marker.on('dragend', function () {
          var p = marker.getLatLng();
          write([p.lat, p.lng]);
          show([p.lat, p.lng], true);
        });
      } else {
        marker.setLatLng(ll);
      }
      clear.hidden = false;
      if (announce) status.textContent = label('picked') + ': ' + ll[0].toFixed(5) + ', ' + ll[1].toFixed(5);
    };
    var start = read();
    map.setView(start || parseCenter(el.getAttribute('data-center')) || parseCenter(meta.getAttribute('data-center')) || [49.8, 15.5], start ? 16 : 12);
    show(start, false);
    map.on('click', function (e) {
      var ll = [e.latlng.lat, e.latlng.lng];
      write(ll);
      show(ll, true);
    });
    clear.addEventListener('click', function () { write(null); show(null); });
    [pointIn, latIn, lngIn].forEach(function (inp) {
      if (!inp) return;
      inp.addEventListener('change', function () {
        var ll = read();
        show(ll, false);
        if (ll) map.setView(ll, Math.max(map.getZoom(), 15));
      });
    });
  });
})();
