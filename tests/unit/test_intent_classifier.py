"""The intent classifier (Rasa's logistic regression, bot/nlu/intent_classifier.py) survives Rasa's
training cache: restored under another graph node name, it still loads and predicts, where
Rasa's own classifier cannot find its file."""

from pathlib import Path
from typing import Type

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.intent_classifier import IntentClassifier

EXAMPLES = {
    "greet": ["hello", "hi there", "hey lumi", "good morning"],
    "topic_grooming": [
        "what is grooming",
        "signs of online grooming",
        "is he grooming me",
        "how do groomers choose kids",
    ],
}


def featurised(texts_by_intent, storage: LocalModelStorage, context: ExecutionContext):
    data = TrainingData([Message.build(text=t, intent=i) for i, ts in texts_by_intent.items() for t in ts])
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    featurizer = CountVectorsFeaturizer.create(
        CountVectorsFeaturizer.get_default_config(), storage, Resource("featurizer"), context
    )
    featurizer.train(data)
    featurizer.process_training_data(data)
    return data, featurizer


def restored_from_cache(cls: Type[LogisticRegressionClassifier], tmp_path: Path):
    """Train under node 'train_classifier4', copy it into the cache and restore it, as `rasa
    train` does, under node 'train_classifier5' (a component added before it); then load."""
    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(GraphSchema({}), "model")
    data, featurizer = featurised(EXAMPLES, storage, context)
    trained = Resource("train_classifier4")
    cls.create(cls.get_default_config(), storage, trained, context).train(data)
    cache = tmp_path / "cache"
    trained.to_cache(cache, storage)
    restored = Resource.from_cache("train_classifier5", cache, storage, trained.output_fingerprint)
    loaded = cls.load(cls.get_default_config(), storage, restored, ExecutionContext(GraphSchema({}), "model", "run_5"))
    message = Message.build(text="what is grooming online")
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process([message])
    featurizer.process([message])
    return loaded, message


def test_the_classifier_restored_from_the_cache_under_another_node_name_predicts(tmp_path):
    classifier, message = restored_from_cache(IntentClassifier, tmp_path)
    classifier.process([message])
    assert message.get("intent")["name"] == "topic_grooming"
    assert classifier.clf.coef_.flags.f_contiguous  # no copy of the coefficients per message


def test_rasa_s_own_classifier_restored_the_same_way_has_lost_its_file(tmp_path):
    """The bug the subclass exists for; if a Rasa upgrade fixes it, this fails and the subclass
    can go."""
    with pytest.raises(FileNotFoundError, match="train_classifier5.skops"):
        restored_from_cache(LogisticRegressionClassifier, tmp_path)


def test_column_major_coefficients_give_the_same_predictions():
    import numpy as np
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.linear_model import LogisticRegression

    from bot.safety.risk_classifier import column_major

    texts = ["what is grooming", "he is outside my door", "how do i block someone", "he has my pics"]
    X = CountVectorizer().fit_transform(texts)
    model = LogisticRegression().fit(X, ["a", "b", "c", "b"])
    before = model.predict_proba(X)
    assert column_major(model) is model
    assert model.coef_.T.flags["C_CONTIGUOUS"]  # no copy per message
    assert np.allclose(model.predict_proba(X), before)


def test_its_feature_rows_are_the_ones_rasa_s_classifier_builds(tmp_path):
    """Two sparse featurizers (word and character n-grams, with token-level features too) and a
    dense one: the classifier's own, faster rows have the same columns in the same order."""
    import numpy as np
    from rasa.shared.nlu.training_data.features import Features

    (tmp_path / "storage").mkdir()
    storage = LocalModelStorage(tmp_path / "storage")
    context = ExecutionContext(GraphSchema({}), "model")
    data, words = featurised(EXAMPLES, storage, context)
    chars = CountVectorsFeaturizer.create(
        {**CountVectorsFeaturizer.get_default_config(), "analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4},
        storage,
        Resource("chars"),
        context,
    )
    chars.train(data)
    messages = [Message.build(text=t) for t in ["what is grooming online", "hey", "he is outside my door rn"]]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(messages)
    words.process(messages)
    chars.process(messages)
    for number, message in enumerate(messages):
        message.add_features(Features(np.array([[number, 0.5]]), "sentence", "text", "dense"))
    classifier = IntentClassifier(IntentClassifier.get_default_config(), "node", storage, Resource("c"))
    ours = classifier._create_X(messages)
    rasa_s = LogisticRegressionClassifier._create_X(classifier, messages)
    assert ours.shape == rasa_s.shape and ours.shape[1] > 100
    assert (ours != rasa_s).nnz == 0
    assert (classifier._create_X(messages[:1]) != rasa_s[0]).nnz == 0


def test_tfidf_weighting_is_scikit_learn_s():
    import numpy as np
    import scipy.sparse
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    from bot.nlu.intent_classifier import fit_idf, tfidf

    texts = ["what is grooming grooming", "he is outside my door", "how do i block someone", "he has my pics", ""]
    counts = CountVectorizer().fit_transform(texts)
    expected = TfidfTransformer(sublinear_tf=True).fit(counts)
    assert np.allclose(fit_idf(counts), expected.idf_)
    assert np.allclose(tfidf(counts, fit_idf(counts)).toarray(), expected.transform(counts).toarray())
    # the first row written untidily, as a CSR matrix may be: its first term once as a stored
    # zero and once with its count
    first = counts[0].toarray()[0]
    columns = np.flatnonzero(first)
    row0 = scipy.sparse.csr_matrix(
        (np.r_[0.0, first[columns]], np.r_[columns[0], columns], [0, len(columns) + 1]), shape=(1, counts.shape[1])
    )
    untidy = scipy.sparse.vstack([row0, counts[1:]], format="csr")
    assert untidy.nnz == counts.nnz + 1
    assert np.allclose(fit_idf(untidy), expected.idf_)
    assert np.allclose(tfidf(untidy, fit_idf(untidy)).toarray(), expected.transform(counts).toarray())


def test_a_tfidf_classifier_keeps_its_weights_through_the_cache_and_sets_c(tmp_path):
    class TfidfClassifier(IntentClassifier):
        @staticmethod
        def get_default_config():
            return {**IntentClassifier.get_default_config(), "tfidf": True, "C": 30.0}

    classifier, message = restored_from_cache(TfidfClassifier, tmp_path)
    assert classifier.idf is not None and classifier.clf.C == 30.0
    classifier.process([message])
    assert message.get("intent")["name"] == "topic_grooming"
    assert message.get("intent")["confidence"] > 0.5
