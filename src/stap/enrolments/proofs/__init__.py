"""STAP-aanmeldingsbewijzen: issued by a provider for one student, checked by anyone holding one."""
