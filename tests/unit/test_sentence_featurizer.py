"""bot/nlu/sentence_featurizer.py: the same sentence rows as Rasa's CountVectorsFeaturizer, and none
of the token-level rows that nothing in Lumi's pipeline reads."""

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.sentence_featurizer import SentenceCountVectorsFeaturizer

TRAINING = ["what is grooming", "he is outside my door", "how do i block someone", "he has my pics", "hi"]
NEW = ["what is grooming online", "someone is outside", "zzz", "he has my pics and wants money"]


def featurizer(cls, config, tmp_path, name):
    storage = LocalModelStorage(tmp_path)
    data = TrainingData([Message.build(text=t, intent="x") for t in TRAINING])
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process_training_data(data)
    component = cls.create(
        {**cls.get_default_config(), **config}, storage, Resource(name), ExecutionContext(GraphSchema({}), "model")
    )
    component.train(data)
    return component


def messages():
    built = [Message.build(text=t) for t in NEW]
    WhitespaceTokenizer(WhitespaceTokenizer.get_default_config()).process(built)
    return built


@pytest.mark.parametrize("config", [{"max_ngram": 2}, {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}])
def test_sentence_rows_are_rasa_s_and_there_are_no_token_rows(config, tmp_path):
    ours, rasa_s = messages(), messages()
    featurizer(SentenceCountVectorsFeaturizer, config, tmp_path, "ours").process(ours)
    featurizer(CountVectorsFeaturizer, config, tmp_path, "rasa").process(rasa_s)
    for mine, theirs in zip(ours, rasa_s):
        sequence, sentence = mine.get_sparse_features("text")
        expected_sequence, expected_sentence = theirs.get_sparse_features("text")
        assert sequence is None and expected_sequence is not None
        assert sentence.features.shape == expected_sentence.features.shape
        assert (sentence.features.tocsr() != expected_sentence.features.tocsr()).nnz == 0
    assert ours[0].get_sparse_features("text")[1].features.nnz > 0
