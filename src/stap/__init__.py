"""STAP-portaal: the STAP training-budget chain in one Django product."""
