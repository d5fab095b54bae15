/* Convergence charts: Plotly, served from the installed plotly Python package (/vendor/plotly).
 * Each chart is a <div data-chart="ID"> whose figure ({data, layout}) sits in the JSON script
 * element ID. Every chart has its text alternative in the page (a table or a summary), which
 * the chart's aria-describedby points to; without JavaScript the page stays complete. */
(function () {
  "use strict";

  var FRENCH = {
    moduleType: "locale",
    name: "fr",
    dictionary: {
      "Zoom": "Zoom",
      "Pan": "Déplacer",
      "Reset axes": "Réinitialiser les axes",
      "Autoscale": "Échelle automatique",
      "Zoom in": "Zoom avant",
      "Zoom out": "Zoom arrière",
      "Download plot as a png": "Télécharger le graphique (PNG)",
      "Double-click to zoom back out": "Double-cliquez pour revenir"
    },
    format: {
      days: ["dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"],
      shortDays: ["dim.", "lun.", "mar.", "mer.", "jeu.", "ven.", "sam."],
      months: ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
        "septembre", "octobre", "novembre", "décembre"],
      shortMonths: ["janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
        "sept.", "oct.", "nov.", "déc."],
      date: "%d/%m/%Y",
      decimal: ",",
      thousands: "\u202f"
    }
  };
  var CONFIG = {
    displaylogo: false,
    responsive: true,
    locale: "fr",
    modeBarButtonsToRemove: ["select2d", "lasso2d", "toImage"]
  };

  function draw(holder) {
    var source = document.getElementById(holder.dataset.chart);
    if (!source) { return; }
    var figure = JSON.parse(source.textContent);
    // Curves sharing their times carry them once, in sharedX (see web/pages/domains/charts.py).
    if (figure.sharedX) {
      figure.data.forEach(function (trace) { if (!trace.x) { trace.x = figure.sharedX; } });
    }
    // Curves with times of their own carry their positions in figure.times (xIndex).
    if (figure.times) {
      figure.data.forEach(function (trace) {
        if (trace.xIndex) {
          trace.x = trace.xIndex.map(function (i) { return figure.times[i]; });
          delete trace.xIndex;
        }
      });
    }
    var config = Object.assign({}, CONFIG, figure.config || {});
    window.Plotly.newPlot(holder, figure.data, figure.layout, config);
    holder.classList.add("chart-drawn");
  }

  function start() {
    if (!window.Plotly) { return; }
    window.Plotly.register(FRENCH);
    document.querySelectorAll("[data-chart]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
