"""The register feed: a provider's offers and cohorts in one XML file (scholingsaanbod-feed).

``parse`` reads and checks the file, ``process`` writes it to the register item by item. The
format is published in ``docs/formats/scholingsaanbod-feed.md`` and ``…-feed.xsd``.
"""
