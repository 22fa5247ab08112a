"""The local recruiter web page (FastAPI, served on 127.0.0.1 only)."""
