/* Convergence maps: commune outlines as the base map (no tile server needed), equipment on
 * top. Leaflet is served from the installed xstatic-leaflet package; nothing here is fetched
 * from another origin unless an operator configured a tile server (CONVERGENCE_TILE_URL). */
(function () {
  "use strict";

  var OUTLINE = { color: "#000091", weight: 1, fillColor: "#e3e3fd", fillOpacity: 0.25 };
  var OUTLINE_FOCUS = { weight: 3, fillOpacity: 0.45 };

  function escapeHtml(text) {
    return String(text === null || text === undefined ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function loadJson(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(url + " : " + response.status); }
        return response.json();
      });
  }

  function addTiles(map, url) {
    if (url) { L.tileLayer(url, { maxZoom: 19 }).addTo(map); }
  }

  function communePopup(p) {
    var population = Number(p.population).toLocaleString("fr-FR");
    return "<strong>" + escapeHtml(p.name) + "</strong> (" + escapeHtml(p.insee) + ")<br>" +
      "Population : " + population + " habitants<br>" +
      "Intercommunalité : " + escapeHtml(p.epci_name || "aucune") + "<br>" +
      "Département : " + escapeHtml(p.departement_name) + " (" + escapeHtml(p.departement) + ")";
  }

  function communeLayer(doc) {
    return L.geoJSON(doc, {
      style: function () { return OUTLINE; },
      onEachFeature: function (feature, layer) {
        layer.bindPopup(communePopup(feature.properties));
        layer.bindTooltip(escapeHtml(feature.properties.name), { sticky: true });
        layer.on("mouseover", function () { layer.setStyle(OUTLINE_FOCUS); });
        layer.on("mouseout", function () { layer.setStyle(OUTLINE); });
      }
    });
  }

  function equipmentTitle(p) {
    return p.name + " — " + p.domain_label + " — " + p.status_label;
  }

  function equipmentIcon(p) {
    var classes = "marker domain-" + p.domain + " status-" + p.status;
    return L.divIcon({
      className: "marker-holder",
      html: '<span class="' + escapeHtml(classes) + '"><span>' +
        escapeHtml(p.status_letter) + "</span></span>",
      iconSize: [22, 22],
      iconAnchor: [11, 11],
      popupAnchor: [0, -11]
    });
  }

  function equipmentPopup(p) {
    return '<a href="' + escapeHtml(p.url) + '">' + escapeHtml(p.name) + "</a><br>" +
      escapeHtml(p.kind_label) + " · " + escapeHtml(p.domain_label) + "<br>" +
      "Statut : " + escapeHtml(p.status_label);
  }

  function equipmentMarker(feature, latlng) {
    var p = feature.properties;
    var title = equipmentTitle(p);
    return L.marker(latlng, { icon: equipmentIcon(p), title: title, alt: title, keyboard: true })
      .bindPopup(equipmentPopup(p));
  }

  // The layer carries the French words once, in doc.labels; each feature has only codes.
  function describe(feature, labels) {
    var p = feature.properties;
    return {
      name: p.name, domain: p.domain, status: p.status,
      domain_label: labels.domain[p.domain] || p.domain,
      status_label: labels.status[p.status] || p.status,
      kind_label: labels.kind[p.kind] || p.kind,
      status_letter: labels.status_letter[p.status] || "?",
      url: "/inventaire/" + encodeURIComponent(feature.id)
    };
  }

  function equipmentLayers(doc) {
    var byDomain = {};
    doc.features.forEach(function (feature) {
      feature.properties = describe(feature, doc.labels);
      var label = feature.properties.domain_label;
      if (!byDomain[label]) { byDomain[label] = { type: "FeatureCollection", features: [] }; }
      byDomain[label].features.push(feature);
    });
    var layers = {};
    Object.keys(byDomain).sort().forEach(function (label) {
      layers[label] = L.geoJSON(byDomain[label], { pointToLayer: equipmentMarker });
    });
    return layers;
  }

  function showEquipment(map, doc) {
    var layers = equipmentLayers(doc);
    var names = Object.keys(layers);
    var bounds = L.latLngBounds([]);
    names.forEach(function (name) {
      layers[name].addTo(map);
      bounds.extend(layers[name].getBounds());
    });
    if (names.length) {
      L.control.layers(null, layers, { collapsed: false }).addTo(map);
      map.fitBounds(bounds, { padding: [30, 30], maxZoom: 15 });
    }
  }

  function showFailure(element, error) {
    var message = document.createElement("p");
    message.className = "error";
    message.setAttribute("role", "alert");
    message.textContent = "La carte n'a pas pu être chargée (" + error.message +
      "). Le tableau ci-dessous reste à jour.";
    element.parentNode.insertBefore(message, element.nextSibling);
  }

  function territoryMap(element) {
    var map = L.map(element, { preferCanvas: false });
    addTiles(map, element.dataset.tiles);
    loadJson(element.dataset.communes)
      .then(function (doc) {
        var outlines = communeLayer(doc).addTo(map);
        map.fitBounds(outlines.getBounds());
        return loadJson(element.dataset.equipments);
      })
      .then(function (doc) { showEquipment(map, doc); })
      .catch(function (error) { showFailure(element, error); });
  }

  var OWN_COMMUNE = { color: "#000091", weight: 3, fillColor: "#cacafb", fillOpacity: 0.35 };

  // The outlines of the communes, the given ones (INSEE codes) drawn thicker; the bounds of
  // those, or of every outline when none is given.
  function outlinesFocused(map, doc, codes) {
    var focused = L.featureGroup();
    var layer = L.geoJSON(doc, {
      style: function (feature) {
        return codes.indexOf(feature.properties.insee) >= 0 ? OWN_COMMUNE : OUTLINE;
      },
      onEachFeature: function (feature, shape) {
        shape.bindTooltip(escapeHtml(feature.properties.name), { sticky: true });
        if (codes.indexOf(feature.properties.insee) >= 0) { focused.addLayer(shape); }
      }
    }).addTo(map).bringToBack();
    return focused.getLayers().length ? focused.getBounds() : layer.getBounds();
  }

  function assetMap(element) {
    var d = element.dataset;
    var position = [Number(d.lat), Number(d.lon)];
    var map = L.map(element).setView(position, 13);
    addTiles(map, d.tiles);
    var p = {
      name: d.name, domain: d.domain, status: d.status, status_letter: d.statusLetter,
      domain_label: d.domainLabel, status_label: d.statusLabel
    };
    L.marker(position, { icon: equipmentIcon(p), title: equipmentTitle(p), alt: equipmentTitle(p) })
      .addTo(map);
    loadJson(d.communes)
      .then(function (doc) {
        var bounds = outlinesFocused(map, doc, d.insee ? [d.insee] : []);
        if (d.insee) { map.fitBounds(bounds.extend(position), { padding: [10, 10] }); }
      })
      .catch(function (error) { showFailure(element, error); });
  }

  // A click on the map writes its longitude and latitude into the form (decimal comma).
  function placementMap(element) {
    var lonField = document.getElementById("f-lon");
    var latField = document.getElementById("f-lat");
    var map = L.map(element);
    var marker = null;
    function place(latlng) {
      if (marker) { marker.setLatLng(latlng); } else { marker = L.marker(latlng).addTo(map); }
    }
    function parse(field) { return Number(String(field.value).replace(",", ".")); }
    addTiles(map, element.dataset.tiles);
    loadJson(element.dataset.communes)
      .then(function (doc) {
        var codes = element.dataset.focus ? element.dataset.focus.split(",") : [];
        map.fitBounds(outlinesFocused(map, doc, codes));
        if (lonField.value && latField.value) {
          var current = L.latLng(parse(latField), parse(lonField));
          place(current);
          map.setView(current, 15);
        }
      })
      .catch(function (error) { showFailure(element, error); });
    map.on("click", function (event) {
      place(event.latlng);
      lonField.value = event.latlng.lng.toFixed(6).replace(".", ",");
      latField.value = event.latlng.lat.toFixed(6).replace(".", ",");
    });
  }

  document.querySelectorAll("[data-map=territoire]").forEach(territoryMap);
  document.querySelectorAll("[data-map=equipement]").forEach(assetMap);
  document.querySelectorAll("[data-map=placement]").forEach(placementMap);
}());
