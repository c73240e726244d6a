import tomllib

from classifier.thesaurus import THESAURUS_FILE, ConceptAnnotator, load_terms, normalise


def test_every_concept_has_words_in_four_languages() -> None:
    with THESAURUS_FILE.open("rb") as handle:
        table = tomllib.load(handle)
    assert len(table) >= 300
    for concept, languages in table.items():
        for language in ("nl", "fr", "de", "en"):
            assert languages.get(language), (concept, language)


def test_one_word_means_one_concept() -> None:
    with THESAURUS_FILE.open("rb") as handle:
        table = tomllib.load(handle)
    owners: dict[str, set[str]] = {}
    for concept, languages in table.items():
        for terms in languages.values():
            for term in terms:
                owners.setdefault(" ".join(normalise(term)), set()).add(concept)
    clashes = {term: sorted(c) for term, c in owners.items() if len(c) > 1}
    assert len(clashes) <= len(owners) // 100, f"terms in several concepts: {clashes}"


def test_the_same_idea_in_four_languages_gives_the_same_concepts() -> None:
    annotator = ConceptAnnotator(load_terms())
    texts = [
        "Mag het ziekenhuis een zelfrijdende auto testen?",
        "L'hôpital peut-il tester une voiture autonome ?",
        "Darf das Krankenhaus ein selbstfahrendes Auto testen?",
        "May the hospital test a self-driving car?",
    ]
    found = [set(concepts.split()) for concepts in annotator.transform(texts)]
    shared = set.intersection(*found)
    assert len(shared) >= 2, found


def test_accents_and_case_do_not_matter() -> None:
    annotator = ConceptAnnotator(load_terms())
    assert annotator.transform(["HOPITAL"]) == annotator.transform(["hôpital"])
    assert annotator.transform(["nothing relevant here"]) == ["no_concept"]


def test_a_long_institution_name_counts_as_one_concept() -> None:
    annotator = ConceptAnnotator(load_terms())
    names = [
        "Autorité de protection des données",
        "Règlement général sur la protection des données",
        "Federaal Agentschap voor de Veiligheid van de Voedselketen",
        "Federal Agency for Medicines and Health Products",
    ]
    for name in names:
        (alone,) = annotator.transform([name])
        assert len(alone.split()) == 1, (name, alone)  # the whole name, not its pieces
        (in_a_sentence,) = annotator.transform([f"Une question pour l'{name} sur un algorithme."])
        assert alone in in_a_sentence.split(), (name, in_a_sentence)


def test_a_stored_annotator_keeps_only_its_terms() -> None:
    terms = {"ziekenhuis": "hospital", "centre public d action sociale": "cpas"}
    annotator = ConceptAnnotator(terms)
    assert annotator.transform(["Le centre public d'action sociale et le ziekenhuis"]) == [
        "cpas hospital"
    ]
    assert set(annotator.__getstate__()) == {"terms"}  # the lookup index is rebuilt, not stored
