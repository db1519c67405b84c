// The map page: shops as markers and district outlines, drawn with the vendored Leaflet.
// Data comes from the page itself (#map-data); tiles only when the town configured them, so
// without tiles (or offline) the markers still show on a plain background. The list under the
// map is the accessible alternative.
(function () {
  "use strict";
  var container = document.getElementById("map");
  var source = document.getElementById("map-data");
  if (!container || !source || !window.L) return;
  var data;
  try {
    data = JSON.parse(source.textContent);
  } catch (e) {
    return;
  }
  container.classList.add("map-ready");
  var map = L.map(container, { scrollWheelZoom: false, tap: true });
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { maxZoom: 19, attribution: "" }).addTo(map);
  }
  // The attribution is text, never HTML from the configuration.
  map.attributionControl.setPrefix(false);
  var credit = document.createElement("span");
  credit.textContent = data.attribution;
  map.attributionControl.addAttribution(credit.outerHTML);

  // Names come from OpenStreetMap (anyone can edit it): always text nodes, never HTML (Leaflet
  // puts a string into innerHTML, and appends an element as it is).
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  }

  // The view first: vector layers need it when they are added.
  var bounds = (data.shops || []).map(function (s) {
    return [s.lat, s.lon];
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
  } else {
    map.setView([50.5, 4.5], 8);
  }
  (data.districts || []).forEach(function (d) {
    var geometry;
    try {
      geometry = JSON.parse(d.boundary);
    } catch (e) {
      return;
    }
    var layer = L.geoJSON(geometry, {
      style: { color: "#0b5d4b", weight: 2, fillOpacity: 0.06 },
    }).addTo(map);
    layer.bindTooltip(text(d.name));
    layer.on("click", function () {
      window.location.href = "/districts/" + encodeURIComponent(d.slug);
    });
  });
  (data.shops || []).forEach(function (s) {
    var colour = s.open === "Open" ? "#0b7a3e" : s.open === "ClosingSoon" ? "#9a5b00" : "#5f6368";
    var marker = L.circleMarker([s.lat, s.lon], {
      radius: 8,
      color: "#ffffff",
      weight: 2,
      fillColor: colour,
      fillOpacity: 1,
    }).addTo(map);
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/shops/" + encodeURIComponent(s.slug);
    link.textContent = s.name;
    var line = document.createElement("div");
    line.textContent = s.detail;
    popup.appendChild(link);
    popup.appendChild(line);
    marker.bindPopup(popup);
    marker.bindTooltip(text(s.name));
    // Lets tests find a shop's marker (an attribute: never parsed as HTML).
    var element = marker.getElement();
    if (element) element.setAttribute("data-slug", s.slug);
  });
  container.setAttribute("data-markers", String(bounds.length));
})();
