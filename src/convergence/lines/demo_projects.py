"""The projects the demo communes plan, line by line (``ServiceLine.demo_projects``): a few
ideas, plans or procurements whose neighbours plan the same thing within months — Versailles
and Le Chesnay-Rocquencourt want air sensors, Boulogne-Billancourt and Issy-les-Moulineaux
sound level meters — so that coordination proposes joint purchases and a shared network."""

from __future__ import annotations

from convergence.servicelines import DemoProject

AIR = (
    DemoProject("78646", "Capteurs d'air autour des écoles", "planned", 120, 12),
    DemoProject("78158", "Qualité de l'air en centre-ville", "idea", 180, 6),
)
NOISE = (
    DemoProject("92012", "Sonomètres sur les grands axes", "procurement", 60, 20, "lorawan"),
    DemoProject("92040", "Carte de bruit participative", "planned", 130, 15, "lorawan"),
)
CHARGING = (DemoProject("78361", "Bornes de recharge des parkings relais", "procurement", 90, 16),)
LIGHTING = (DemoProject("78551", "Passage de l'éclairage en LED télégérées", "deploying", -60, 40),)
VIDEO = (DemoProject("92050", "Vidéoprotection des abords des gares", "planned", 200, 24),)
TRAFFIC = (DemoProject("92002", "Compteurs vélos et voitures", "idea", 240, 10),)
WATER = (DemoProject("78517", "Détecteurs de niveau des étangs", "idea", 300, 4, "lorawan"),)
