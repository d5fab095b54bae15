"""Open data: the datasets members choose to publish, their files, schemas and catalogue.

- Each member decides what it publishes (``service``: a ``datasets`` row per kind,
  Licence Ouverte 2.0 by default, administrators only, every change audited).
- A dataset's files are built on request from the member's own rows only
  (``publication.publication_scope``), written as CSV in a Table Schema, **validated with
  frictionless offline** (``validation``) and served only when every file is valid
  (``exports.DatasetBuild.require_valid``); GeoJSON and Parquet are derived from the
  validated CSV (``encoding``).
- Official schemas where they exist: IRVE through ``convergence.charging.irve.exports``,
  *comptage des mobilités* through a transcription of the reference note; the platform's
  own schemas otherwise (``data/README.md``).
- ``catalogue.public_catalogue`` describes published datasets for the public API and pages,
  ``dcat.catalog_document`` as DCAT-AP JSON-LD.
"""
