"""The waiting room in front of the application form (issue #6): a fair, verifiable draw at the
opening and a signed ticket per person."""
