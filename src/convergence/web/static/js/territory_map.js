/* The territory dashboard's map: each commune of the territory coloured by its state.
 * The states come from the page (data-states); the outlines from /carte/communes.geojson.
 * Leaflet is served from the installed xstatic-leaflet package. */
(function () {
  "use strict";

  var COLOURS = {
    critical: "#ce0500", alert: "#b34000", ok: "#18753c", stale: "#716043",
    no_data: "#929292", not_shared: "#cecece", not_member: "#f6f6f6"
  };

  function escapeHtml(text) {
    return String(text === null || text === undefined ? "" : text)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function style(state) {
    return { color: "#1e1e1e", weight: 1, fillColor: COLOURS[state.state] || "#ffffff", fillOpacity: 0.7 };
  }

  function popup(feature, state) {
    var name = escapeHtml(feature.properties.name);
    var title = state.link ? '<a href="' + escapeHtml(state.link) + '">' + name + "</a>" : "<strong>" + name + "</strong>";
    return title + "<br>" + escapeHtml(state.label);
  }

  function showFailure(element, error) {
    var message = document.createElement("p");
    message.className = "error";
    message.setAttribute("role", "alert");
    message.textContent = "La carte n'a pas pu être chargée (" + error.message +
      "). Le tableau des communes reste à jour.";
    element.parentNode.insertBefore(message, element.nextSibling);
  }

  function statesMap(element) {
    var states = JSON.parse(element.dataset.states || "{}");
    var map = L.map(element);
    if (element.dataset.tiles) { L.tileLayer(element.dataset.tiles, { maxZoom: 19 }).addTo(map); }
    fetch(element.dataset.communes, { credentials: "same-origin", headers: { Accept: "application/geo+json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(element.dataset.communes + " : " + response.status); }
        return response.json();
      })
      .then(function (doc) {
        doc.features = doc.features.filter(function (f) { return states[f.properties.insee]; });
        var layer = L.geoJSON(doc, {
          style: function (f) { return style(states[f.properties.insee]); },
          onEachFeature: function (f, shape) {
            var state = states[f.properties.insee];
            shape.bindPopup(popup(f, state));
            shape.bindTooltip(escapeHtml(f.properties.name) + " — " + escapeHtml(state.label), { sticky: true });
          }
        }).addTo(map);
        if (doc.features.length) { map.fitBounds(layer.getBounds()); } else { map.setView([48.85, 2.1], 9); }
        element.dataset.loaded = String(doc.features.length);
      })
      .catch(function (error) { showFailure(element, error); });
  }

  document.querySelectorAll("[data-map=etats]").forEach(statesMap);
}());
