"""Earlier inquiries like this one, so staff spot duplicates and precedents (where similar
questions went).

An inverted index of each inquiry's distinctive words (`inquiry_terms`), written when the inquiry
is classified. A lookup takes this inquiry's rarest words, finds the earlier inquiries that share
them, and ranks those by the summed rarity (idf) of what they share, normalised by their length:
a few indexed queries, the same on SQLite and PostgreSQL, fast with 100,000 inquiries.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import case, delete, func, select

from inquiries.extensions import db
from inquiries.models import Inquiry, InquiryTerm

MIN_LENGTH = 4  # shorter words are mostly articles and prepositions in all four languages
STEM_LENGTH = 7  # a crude stem: "ziekenhuizen" and "ziekenhuis" meet at "ziekenh"
MAX_TERMS = 80
QUERY_TERMS = 16  # this many of the rarest words find the candidates
COMMON_SHARE = 0.05  # a word in more than 5% of inquiries says little about any one
_WORD = re.compile(r"[a-z0-9]+")


def terms_of(text: str) -> list[str]:
    """Distinct crude stems of the words of a text, accents and case folded, in reading order."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    seen: dict[str, None] = {}
    for word in _WORD.findall(plain):
        if len(word) >= MIN_LENGTH and not word.isdigit():
            seen.setdefault(word[:STEM_LENGTH], None)
            if len(seen) == MAX_TERMS:
                break
    return list(seen)


def index(inquiry: Inquiry, text: str) -> None:
    """(Re)write the inquiry's terms in the current transaction."""
    db.session.execute(delete(InquiryTerm).where(InquiryTerm.inquiry_id == inquiry.id))
    db.session.add_all(InquiryTerm(inquiry_id=inquiry.id, term=term) for term in terms_of(text))


@dataclass(frozen=True)
class Similar:
    inquiry: Inquiry
    score: float  # 0..1, 1 for the same words
    shared: list[str]


def similar_to(inquiry: Inquiry, text: str, limit: int = 5) -> list[Similar]:
    """The most similar inquiries that came in before this one."""
    own = terms_of(text)
    if not own:
        return []
    total = db.session.scalar(select(func.count(Inquiry.id))) or 1
    counts = dict(
        db.session.execute(
            select(InquiryTerm.term, func.count())
            .where(InquiryTerm.term.in_(own))
            .group_by(InquiryTerm.term)
        ).all()
    )
    common = max(3, int(total * COMMON_SHARE))
    idf = {t: math.log(1 + total / counts.get(t, 1)) for t in own}
    rare = sorted((t for t in own if 1 < counts.get(t, 0) <= common), key=lambda t: counts[t])
    rare = rare[:QUERY_TERMS]
    if not rare:
        return []
    # Ranked in the database: the rare words' postings run to tens of thousands of rows with
    # 100,000 inquiries, too many to fetch for the few dozen candidates that are kept.
    weight = case({t: idf[t] for t in rare}, value=InquiryTerm.term)
    candidates = db.session.scalars(
        select(InquiryTerm.inquiry_id)
        .where(InquiryTerm.term.in_(rare), InquiryTerm.inquiry_id < inquiry.id)
        .group_by(InquiryTerm.inquiry_id)
        .order_by(func.sum(weight).desc(), InquiryTerm.inquiry_id.desc())
        .limit(limit * 10)
    ).all()
    if not candidates:
        return []
    shared: dict[int, list[str]] = defaultdict(list)
    for inquiry_id, term in db.session.execute(
        select(InquiryTerm.inquiry_id, InquiryTerm.term).where(
            InquiryTerm.inquiry_id.in_(candidates), InquiryTerm.term.in_(rare)
        )
    ):
        shared[inquiry_id].append(term)
    lengths = dict(
        db.session.execute(
            select(InquiryTerm.inquiry_id, func.count())
            .where(InquiryTerm.inquiry_id.in_(candidates))
            .group_by(InquiryTerm.inquiry_id)
        ).all()
    )
    own_weight = sum(idf[t] for t in rare)
    mean_idf = own_weight / len(rare)

    def score(candidate: int) -> float:
        """Shared rarity over the geometric mean of both sides' weight (a weighted cosine of
        word sets); the candidate's side is estimated from its length, capped like ours."""
        overlap = sum(idf[t] for t in shared[candidate])
        other = mean_idf * min(lengths.get(candidate, 1), len(rare))
        return overlap / math.sqrt(own_weight * other)

    ranked = sorted(candidates, key=score, reverse=True)[:limit]
    found = {
        row.id: row for row in db.session.scalars(select(Inquiry).where(Inquiry.id.in_(ranked)))
    }
    return [
        Similar(found[i], min(1.0, round(score(i), 3)), sorted(shared[i]))
        for i in ranked
        if i in found and len(shared[i]) >= 2
    ]
