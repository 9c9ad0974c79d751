"""The trained NLU reports the risk classifier's judgement (bot/safety/risk_classifier.py) for
every typed message."""


def test_the_trained_nlu_reports_the_risk_of_every_typed_message(parser):
    urgent, ordinary, button = parser.parse(
        [
            "i took a lot of pills and i feel weird",
            "how do i block someone on tiktok",
            '/ask_followup{"topic": "grooming"}',
        ]
    )
    assert urgent["risk"]["probability"] >= 0.5 and urgent["risk"]["subtype"] == "self_harm"
    assert urgent["risk"]["urgent"] is True
    assert ordinary["risk"]["probability"] < 0.2 and ordinary["risk"]["urgent"] is False
    assert not ordinary["intent"]["name"].startswith("crisis_")
    assert "risk" not in button  # a button payload is not something the user wrote
