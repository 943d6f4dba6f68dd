"""Vooraanmeldingen (pre-registrations): the fields, the rule catalogue, reading CSV and XML,
and checking rows against the register."""
