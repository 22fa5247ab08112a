"""Recruiter audit: which role a job ad really describes, with evidence for every point.

- :mod:`pipeline.audit.engine` — the audit, a pure function of the posting, the
  extraction, the prediction and the knowledge base;
- :mod:`pipeline.audit.legal`, :mod:`pipeline.audit.completeness`,
  :mod:`pipeline.audit.fit` — the checks, from the data files in ``data/``;
- :mod:`pipeline.audit.inputs` — text, files, standard input, URLs, the warehouse;
- :mod:`pipeline.audit.runner` — loads the models and runs them on one ad;
- :mod:`pipeline.audit.render` — terminal, Markdown, HTML and JSON output.
"""
