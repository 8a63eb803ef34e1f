"""Personal information as the PIPL expects: notice, consent, access, erasure, retention."""
