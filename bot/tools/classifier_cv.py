"""`python -m bot.tools.classifier_cv [counts|tfidf] [C]`: 5-fold cross-validation on the NLU training
examples, and accuracy on the first development set, of a scikit-learn copy of the intent
classifier's input (spaCy's tokens of the lower-cased text, word 1-2-gram and character 2-4-gram
counts, optionally tf-idf weighted) and of its balanced logistic regression. Used to compare
classifier settings without retraining Rasa (docs/decisions/0003-intent-classifier.md); a copy, so its
figures are close to, not the same as, the trained model's."""

from __future__ import annotations

import sys
from typing import Any, List, Optional

import numpy as np
import scipy.sparse as sp
import spacy
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

from bot.settings import ROOT, get_settings
from bot.tools import datasets


def tokenised(texts: List[str]) -> List[str]:
    nlp: Any = spacy.load(get_settings().spacy_dir / "en")
    return [" ".join(t.text for t in doc) for doc in nlp.tokenizer.pipe(t.lower() for t in texts)]


def fit_predict(train: List[str], labels: np.ndarray, test: List[str], tfidf: bool, C: float) -> np.ndarray:
    vectorisers = [
        CountVectorizer(token_pattern=r"(?u)\b\w+\b", ngram_range=(1, 2)),
        CountVectorizer(analyzer="char_wb", ngram_range=(2, 4)),
    ]
    X = sp.hstack([v.fit_transform(train) for v in vectorisers], format="csr")
    Y = sp.hstack([v.transform(test) for v in vectorisers], format="csr")
    if tfidf:
        weights = TfidfTransformer(sublinear_tf=True).fit(X)
        X, Y = weights.transform(X), weights.transform(Y)
    model = LogisticRegression(C=C, class_weight="balanced", max_iter=1000, random_state=42).fit(X, labels)
    return model.predict(Y)


def main(argv: Optional[List[str]] = None) -> None:
    from rasa.shared.nlu.training_data.loading import load_data

    args = sys.argv[1:] if argv is None else argv
    tfidf, C = (args[0] if args else "tfidf") == "tfidf", float(args[1]) if len(args) > 1 else 100.0
    examples = load_data(str(ROOT / "bot" / "project" / "data" / "nlu")).intent_examples
    texts, labels = tokenised([m.get("text") for m in examples]), np.array([m.get("intent") for m in examples])
    dev = datasets.get("nlu-en-dev-a").messages()
    dev_ok = fit_predict(texts, labels, tokenised([r["text"] for r in dev]), tfidf, C) == [r["intent"] for r in dev]
    correct = 0
    for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        predicted = fit_predict([texts[i] for i in train], labels[train], [texts[i] for i in test], tfidf, C)
        correct += int((predicted == labels[test]).sum())
    print(
        f"{'tf-idf' if tfidf else 'counts'}, C {C}: cross-validation {correct / len(labels):.4f}, "
        f"first development set {int(dev_ok.sum())} of {len(dev)} (classifier alone)"
    )


if __name__ == "__main__":
    main()
