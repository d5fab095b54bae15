"""The domain pages every service line gets: period, commune, station, charts and indicators."""
