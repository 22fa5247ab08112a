"""Counts for DATASHEET.md, regenerated from the corpus files.

Run ``python -m models.training.datasheet``.
"""

from __future__ import annotations

from collections import Counter

from models.training.loader import CorpusPosting, load_corpus
from models.types import ROLES


def tables(corpus: list[CorpusPosting]) -> str:
    """Markdown tables: labels by language, cases by label, postings per file."""
    lines = ["| label | en | fr | total |", "|---|---:|---:|---:|"]
    for role in ROLES:
        en = sum(1 for p in corpus if p.label == role and p.language == "en")
        fr = sum(1 for p in corpus if p.label == role and p.language == "fr")
        lines.append(f"| {role} | {en} | {fr} | {en + fr} |")
    en = sum(1 for p in corpus if p.language == "en")
    lines.append(f"| **total** | {en} | {len(corpus) - en} | {len(corpus)} |")
    cases = Counter(c for p in corpus for c in p.cases)
    lines += ["", "| case | " + " | ".join(ROLES) + " | total |", "|---" + "|---:" * 5 + "|"]
    for case, total in sorted(cases.items(), key=lambda kv: (-kv[1], kv[0])):
        per = [sum(1 for p in corpus if p.label == r and case in p.cases) for r in ROLES]
        lines.append(f"| {case} | " + " | ".join(str(n) for n in per) + f" | {total} |")
    files = Counter(p.source_file for p in corpus)
    lines += ["", "| file | postings |", "|---|---:|"]
    lines += [f"| {name} | {n} |" for name, n in sorted(files.items())]
    return "\n".join(lines)


if __name__ == "__main__":
    print(tables(load_corpus()))
