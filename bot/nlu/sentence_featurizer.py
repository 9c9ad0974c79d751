"""Rasa's CountVectorsFeaturizer without the token-level features nothing in Lumi's pipeline reads.

Rasa's featurizer makes two kinds of features for every message: one row per token (for DIET,
TED and entity extractors) and one row for the whole sentence. Lumi's intent classifier
(bot/nlu/intent_classifier.py, logistic regression) reads only the sentence row, and no other
component reads either (the risk classifier has its own n-grams; entities come from spaCy
rules). Transforming every token separately was about a fifth of the NLU's time per message
(cProfile, 2026-11-26). The sentence row is Rasa's own, computed as Rasa computes it; training,
vocabulary and persistence are Rasa's."""

from __future__ import annotations

from typing import List, Optional, Text, Tuple

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer

Rows = List[Optional[scipy.sparse.spmatrix]]


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """Word or character n-gram counts of the whole sentence (Rasa's), and no per-token rows."""

    def _create_features(self, attribute: Text, all_tokens: List[List[Text]]) -> Tuple[Rows, Rows]:
        vectorizer = self.vectorizers.get(attribute) if self.vectorizers else None
        if not vectorizer:
            return [None], [None]
        sentences: Rows = []
        for tokens in all_tokens:
            if not tokens or attribute not in DENSE_FEATURIZABLE_ATTRIBUTES:
                sentences.append(None)
                continue
            row = vectorizer.transform([" ".join(tokens)])
            row.sort_indices()
            sentences.append(row.tocoo())
        return [None] * len(all_tokens), sentences
