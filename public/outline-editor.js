// The outline editor of /manage/districts: a map (the vendored Leaflet) on which an
// administrator draws a district's outline point by point, moves or removes points, or reads a
// .geojson file. It writes the GeoJSON into the form's text field, which stays the reference
// (and the way without JavaScript or a pointer): the server previews and checks what is sent.
// Every action works with taps alone (no dragging needed): tap a point to choose it, then tap
// the map to move it there.
(function () {
  "use strict";
  var editor = document.getElementById("outline-editor");
  var container = document.getElementById("outline-map");
  var source = document.getElementById("outline-map-data");
  if (!editor || !container || !source || !window.L) return;
  var data;
  try {
    data = JSON.parse(source.textContent);
  } catch (e) {
    return;
  }
  var field = document.getElementById(data.field);
  if (!field) return;
  var labels = data.labels || {};
  // Outlines with more points are edited as text (one marker per point would be too many).
  var MAX_EDITABLE = 1000;

  function say(key, values) {
    var text = labels[key] || "";
    Object.keys(values || {}).forEach(function (name) {
      text = text.split("{" + name + "}").join(String(values[name]));
    });
    return text;
  }

  // Names come from OpenStreetMap: always text nodes, never HTML.
  function text(value) {
    var span = document.createElement("span");
    span.textContent = value == null ? "" : String(value);
    return span;
  }

  function button(key, handler) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button secondary small";
    b.textContent = say(key);
    b.addEventListener("click", handler);
    return b;
  }

  // The toolbar, the file reader and the status line, above the map.
  var tools = document.createElement("div");
  tools.className = "outline-tools";
  var fresh = button("new", function () {
    remember();
    hideShown();
    points = [];
    selected = null;
    editable = true;
    changed(true);
  });
  // Undo brings back the text as it was (an outline the map cannot edit included).
  var undo = button("undo", function () {
    var previous = past.pop();
    if (previous === undefined) return;
    field.value = previous;
    readField(true);
  });
  var remove = button("remove", function () {
    if (selected === null) return;
    remember();
    points.splice(selected, 1);
    selected = null;
    changed(true);
  });
  var fileLabel = document.createElement("label");
  fileLabel.className = "button secondary small file-button";
  var fileInput = document.createElement("input");
  fileInput.type = "file";
  fileInput.accept = ".geojson,.json,application/geo+json,application/json";
  fileInput.className = "visually-hidden";
  fileLabel.appendChild(fileInput);
  fileLabel.appendChild(document.createTextNode(say("file")));
  tools.appendChild(fresh);
  tools.appendChild(undo);
  tools.appendChild(remove);
  tools.appendChild(fileLabel);
  var status = document.createElement("p");
  status.className = "outline-status";
  status.setAttribute("role", "status");
  editor.insertBefore(tools, container);
  editor.insertBefore(status, container);
  editor.hidden = false;

  var map = L.map(container, { scrollWheelZoom: false, doubleClickZoom: false, tap: true });
  if (data.tile_url) {
    L.tileLayer(data.tile_url, { maxZoom: 19, attribution: "" }).addTo(map);
  }
  map.attributionControl.setPrefix(false);
  var credit = document.createElement("span");
  credit.textContent = data.attribution || "";
  map.attributionControl.addAttribution(credit.outerHTML);

  var shops = data.shops || [];
  var shopBounds = shops.map(function (s) {
    return [s.lat, s.lon];
  });
  if (shopBounds.length) {
    map.fitBounds(shopBounds, { padding: [24, 24], maxZoom: 17 });
  } else {
    map.setView([50.5, 4.5], 8);
  }
  (data.others || []).forEach(function (other) {
    var geometry;
    try {
      geometry = JSON.parse(other);
    } catch (e) {
      return;
    }
    L.geoJSON(geometry, {
      interactive: false,
      style: { color: "#5f6368", weight: 2, dashArray: "6 6", fillOpacity: 0.04 },
    }).addTo(map);
  });
  shops.forEach(function (s) {
    L.circleMarker([s.lat, s.lon], {
      radius: 6,
      color: "#ffffff",
      weight: 2,
      fillColor: s.here ? "#0b5d4b" : "#5f6368",
      fillOpacity: 1,
      // A tap on a shop adds a point there, as anywhere on the map.
      bubblingMouseEvents: true,
    })
      .bindTooltip(text(s.name))
      .addTo(map);
  });

  // The outline being edited: its points (the ring without its closing point), the one chosen,
  // the text field's earlier states (for "undo"), and whether the text holds one ring the map
  // can edit (else it is `shown` as it is).
  var points = [];
  var selected = null;
  var past = [];
  var editable = true;
  var layers = L.layerGroup().addTo(map);
  var shown = null;

  function remember() {
    past.push(field.value);
    if (past.length > 100) past.shift();
  }

  function hideShown() {
    if (shown) {
      map.removeLayer(shown);
      shown = null;
    }
  }

  // The ring of a GeoJSON text, if it holds exactly one polygon without holes.
  function ringOf(value) {
    var geometries = [];
    function collect(v) {
      if (!v || typeof v !== "object") return;
      if (v.type === "FeatureCollection") {
        if (Array.isArray(v.features)) v.features.forEach(collect);
      } else if (v.type === "Feature") collect(v.geometry);
      else if (v.type === "GeometryCollection") {
        if (Array.isArray(v.geometries)) v.geometries.forEach(collect);
      } else geometries.push(v);
    }
    collect(value);
    var polygons = [];
    geometries.forEach(function (g) {
      if (!g || !Array.isArray(g.coordinates)) return;
      if (g.type === "Polygon") polygons.push(g.coordinates);
      else if (g.type === "MultiPolygon") g.coordinates.forEach(function (p) {
        polygons.push(p);
      });
    });
    if (polygons.length !== 1 || !Array.isArray(polygons[0]) || polygons[0].length !== 1) {
      return null;
    }
    var ring = polygons[0][0];
    if (!Array.isArray(ring)) return null;
    var latlngs = [];
    for (var i = 0; i < ring.length; i++) {
      var p = ring[i];
      if (!Array.isArray(p) || typeof p[0] !== "number" || typeof p[1] !== "number") return null;
      latlngs.push(L.latLng(p[1], p[0]));
    }
    // The closing point repeats the first one.
    if (latlngs.length > 1 && latlngs[0].equals(latlngs[latlngs.length - 1])) latlngs.pop();
    return latlngs;
  }

  // Reads the text field: its ring becomes editable, anything else is shown as it is.
  function readField(fit) {
    var value = field.value.trim();
    selected = null;
    hideShown();
    if (!value) {
      points = [];
      editable = true;
      return draw(fit, "");
    }
    var parsed;
    var ring;
    try {
      parsed = JSON.parse(value);
      ring = ringOf(parsed);
    } catch (e) {
      points = [];
      editable = false;
      return draw(false, say("unreadable"));
    }
    if (ring && ring.length <= MAX_EDITABLE) {
      points = ring;
      editable = true;
      return draw(fit, "");
    }
    points = [];
    editable = false;
    try {
      shown = L.geoJSON(parsed, {
        interactive: false,
        style: { color: "#0b5d4b", weight: 3, fillOpacity: 0.12 },
      }).addTo(map);
      if (fit && shown.getBounds().isValid()) map.fitBounds(shown.getBounds(), { padding: [24, 24] });
    } catch (e) {
      shown = null;
    }
    draw(false, say(ring ? "too_many" : "not_editable"));
  }

  // Writes the points into the text field as a GeoJSON Polygon (RFC 7946: longitude first,
  // the ring closed, counterclockwise is not required by readers; six decimals ≈ 10 cm).
  function writeField() {
    if (!points.length) {
      field.value = "";
      return;
    }
    var ring = points.concat([points[0]]).map(function (p) {
      return "[" + p.lng.toFixed(6) + ", " + p.lat.toFixed(6) + "]";
    });
    field.value =
      '{\n  "type": "Polygon",\n  "coordinates": [\n    [\n      ' +
      ring.join(",\n      ") +
      "\n    ]\n  ]\n}";
  }

  // Is (lat, lng) inside the ring? (Ray casting: for the status line only; the server's
  // preview decides.)
  function inside(lat, lng) {
    var result = false;
    for (var i = 0, j = points.length - 1; i < points.length; j = i++) {
      var a = points[i];
      var b = points[j];
      if (a.lat > lat !== b.lat > lat && lng < ((b.lng - a.lng) * (lat - a.lat)) / (b.lat - a.lat) + a.lng) {
        result = !result;
      }
    }
    return result;
  }

  function vertexIcon(index) {
    return L.divIcon({
      className: "outline-vertex" + (index === selected ? " selected" : ""),
      iconSize: [24, 24],
    });
  }

  function draw(fit, message) {
    layers.clearLayers();
    if (points.length >= 3) {
      L.polygon(points, { color: "#0b5d4b", weight: 3, fillOpacity: 0.12, interactive: false }).addTo(layers);
    } else if (points.length === 2) {
      L.polyline(points, { color: "#0b5d4b", weight: 3, interactive: false }).addTo(layers);
    }
    if (editable) {
      points.forEach(function (p, index) {
        var marker = L.marker(p, {
          icon: vertexIcon(index),
          draggable: true,
          // Keyboards edit the text field (a tab stop per point would be a maze).
          keyboard: false,
          title: say("point", { n: index + 1 }),
        }).addTo(layers);
        marker.on("click", function () {
          selected = selected === index ? null : index;
          draw(false, "");
        });
        marker.on("dragstart", remember);
        marker.on("dragend", function () {
          points[index] = marker.getLatLng().wrap();
          selected = null;
          changed(false);
        });
      });
      // Between two points: a smaller handle that adds one there.
      if (points.length >= 2) {
        points.forEach(function (p, index) {
          var next = points[(index + 1) % points.length];
          if (points.length === 2 && index === 1) return;
          var middle = L.latLng((p.lat + next.lat) / 2, (p.lng + next.lng) / 2);
          var handle = L.marker(middle, {
            icon: L.divIcon({ className: "outline-middle", iconSize: [24, 24] }),
            keyboard: false,
            title: say("add"),
          }).addTo(layers);
          handle.on("click", function () {
            remember();
            points.splice(index + 1, 0, middle);
            selected = index + 1;
            changed(false);
          });
        });
      }
      if (fit && points.length >= 2) map.fitBounds(L.latLngBounds(points), { padding: [24, 24], maxZoom: 18 });
    }
    remove.disabled = selected === null;
    undo.disabled = past.length === 0;
    var within = points.length >= 3
      ? shops.filter(function (s) {
          return inside(s.lat, s.lon);
        }).length
      : 0;
    status.textContent = message || say("status", { points: points.length, shops: within });
    container.setAttribute("data-points", String(points.length));
  }

  function changed(fit) {
    writeField();
    draw(fit, "");
  }

  map.on("click", function (event) {
    if (!editable) return;
    remember();
    var at = event.latlng.wrap();
    if (selected !== null) {
      points[selected] = at;
      selected = null;
    } else {
      points.push(at);
    }
    changed(false);
  });

  // Typing in the text field (then leaving it) redraws the map.
  field.addEventListener("change", function () {
    readField(true);
  });

  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    if (!file) return;
    // The input is emptied: the text field alone is sent (with any edit made on the map).
    var done = function () {
      fileInput.value = "";
    };
    if (file.size > (data.max_bytes || 1048576)) {
      status.textContent = say("file_too_large");
      return done();
    }
    file.text().then(
      function (content) {
        remember();
        field.value = content;
        readField(true);
        if (editable || shown) status.textContent = say("file_read", { name: file.name }) + " " + status.textContent;
        done();
      },
      function () {
        status.textContent = say("file_unreadable");
        done();
      }
    );
  });

  readField(true);
})();
